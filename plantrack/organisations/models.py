from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick, picked_language


class Vocabulary(models.Model):
    """A managed list entry (field of activity, target group, region) in both languages."""

    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class FieldOfActivity(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")


class TargetGroup(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class Region(Vocabulary):
    """An aimag, or a district of the capital city."""

    class Kind(models.TextChoices):
        AIMAG = "aimag", _("Aimag")
        CAPITAL_DISTRICT = "capital_district", _("District of Ulaanbaatar")
        NATIONAL = "national", _("Whole country")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta(Vocabulary.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Soum(Vocabulary):
    """A soum of an aimag (an aimag's centre is a soum too). The districts of the capital are
    divided into numbered khoroos instead, which are not listed."""

    aimag = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        related_name="soums",
        limit_choices_to={"kind": Region.Kind.AIMAG},
        verbose_name=_("aimag"),
    )

    class Meta(Vocabulary.Meta):
        ordering = ["aimag", "position", "name_en"]
        verbose_name = _("soum")
        verbose_name_plural = _("soums")


def name_key(name: str) -> str:
    """The form of a name that decides whether two names are one: case-folded (Cyrillic too),
    spaces collapsed."""
    return " ".join(name.split()).casefold()[:300]


class Organisation(models.Model):
    """A body that acts on plans: an agency, a CSO, an international partner …"""

    class Setting(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")
        BOTH = "both", _("Urban and rural")

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government agency")
        LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement agency")
        CSO = "cso", _("Civil society organisation")
        INTERNATIONAL = "international", _("International organisation")
        PRIVATE = "private", _("Private sector")
        ACADEMIA = "academia", _("Academia")
        PARLIAMENT = "parliament", _("Parliament")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    acronym_mn = models.CharField(_("acronym (Mongolian)"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    registration_number = models.CharField(
        _("state registration number"), max_length=40, blank=True
    )
    fields = models.ManyToManyField(
        FieldOfActivity,
        blank=True,
        related_name="organisations",
        verbose_name=_("fields of activity"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        blank=True,
        related_name="organisations",
        verbose_name=_("target groups served"),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("aimag or district"),
    )
    soum = models.CharField(_("soum or khoroo"), max_length=120, blank=True)
    setting = models.CharField(
        _("urban or rural"), max_length=10, choices=Setting.choices, blank=True
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # Self-registered organisations are unverified until a site administrator checks them.
    self_registered = models.BooleanField(default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # A site administrator's open decision on a registration, with the note or reason sent to
    # the applicant: returned (the applicant fixes the profile and sends it again) or rejected
    # (final). Empty while it waits, and once verified.
    class ReviewState(models.TextChoices):
        RETURNED = "returned", _("Returned to the applicant")
        REJECTED = "rejected", _("Rejected")

    review_state = models.CharField(
        _("review decision"), max_length=10, choices=ReviewState.choices, blank=True
    )
    review_note = models.TextField(_("note or reason for the applicant"), blank=True)
    # Added by a plan import because no organisation in the registry had the name read; such an
    # organisation is unverified, like a self-registered one, until a site administrator checks it.
    created_by_import = models.BooleanField(_("added by an import"), default=False)
    # An organisation is never deleted: one that closed or merged is retired with a reason
    # (services.organisation_retire); it keeps its page and history and reports no more.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("why retired"), max_length=300, blank=True)
    # Each name case-folded and with its spaces collapsed (see name_key), so "one body is one
    # organisation" holds in the database on SQLite too, whose lower() is ASCII-only.
    name_en_key = models.CharField(max_length=300, blank=True, editable=False)
    name_mn_key = models.CharField(max_length=300, blank=True, editable=False)
    # Bumped on every edit so two editors cannot overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en", "name_mn"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_en="", name_mn=""),
                name="organisation_has_a_name",
                violation_error_message=_("Give the organisation a name in Mongolian or English."),
            ),
            models.UniqueConstraint(
                fields=["name_en_key"],
                condition=models.Q(self_registered=True) & ~models.Q(name_en_key=""),
                name="organisation_name_en_unique",
                violation_error_message=_("An organisation with this name is already registered."),
            ),
            models.UniqueConstraint(
                fields=["name_mn_key"],
                condition=models.Q(self_registered=True) & ~models.Q(name_mn_key=""),
                name="organisation_name_mn_unique",
                violation_error_message=_("An organisation with this name is already registered."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name_en", "name_mn"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_en_key", "name_mn_key"}
        super().save(*args, **kwargs)

    def set_name_keys(self) -> None:
        self.name_en_key = name_key(self.name_en)
        self.name_mn_key = name_key(self.name_mn)

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def name_lang(self) -> str:
        return picked_language(self, "name")

    @property
    def acronym_en(self) -> str:
        """The Latin-script acronym (``acronym``), the English column of the pair."""
        return self.acronym

    @property
    def short(self) -> str:
        """The acronym in the reader's language, else the other one."""
        return pick(self, "acronym")

    @property
    def short_lang(self) -> str:
        return picked_language(self, "acronym")

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_returned(self) -> bool:
        return self.review_state == self.ReviewState.RETURNED

    @property
    def is_rejected(self) -> bool:
        return self.review_state == self.ReviewState.REJECTED

    @property
    def needs_verification(self) -> bool:
        """Registered itself or added by an import, and not checked by a site administrator."""
        return (self.self_registered or self.created_by_import) and self.verified_at is None

    @property
    def verifiable(self) -> bool:
        """Whether the verification flow applies: organisations not added by the administrators."""
        return self.self_registered or self.created_by_import

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.slug])


class Membership(models.Model):
    """A person acting for an organisation: a member, a progress reporter or its administrator."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        REPORTER = "reporter", _("Progress reporter")
        ADMIN = "admin", _("Organisation administrator")

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        REQUESTED = "requested", _("Asked to join")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change so a decision made on a stale page is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.role}, {self.state})"
