"""Meetings and the participation calendar (issue 13, item 6).

- ``Meeting``: a feedback session or public hearing, in person, online or both, with a place
  (text, aimag, soum) and/or a link, an agenda in Mongolian and English, an organiser (a plan
  manager, a site administrator, or a member acting for a verified organisation), linked to a
  consultation and/or a plan; scheduled → held (minutes published) or cancelled (with a
  reason).
- ``Registration``: one per person and meeting, with the accessibility needs the organiser
  sees in advance; cancelling keeps the row (``cancelled_at``) so the place is freed.
- ``MeetingInput``: an input raised at the meeting and recorded by the organiser into the
  linked consultation (``participation.Input`` with ``meeting_label``), attributed to a person
  by name only with their consent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick


class Need(models.TextChoices):
    SIGN_LANGUAGE = "sign_language", _("Sign-language interpretation")
    STEP_FREE = "step_free", _("Step-free access")
    LARGE_PRINT = "large_print", _("Large print")
    HEARING_LOOP = "hearing_loop", _("Audio or induction loop")
    OTHER = "other", _("Other")


class Meeting(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BOTH = "both", _("In person and online")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    title_mn = models.CharField(_("title (Mongolian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    agenda_mn = models.TextField(_("agenda (Mongolian)"), blank=True)
    agenda_en = models.TextField(_("agenda (English)"), blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    place = models.CharField(_("place (address, room)"), max_length=300, blank=True)
    region = models.ForeignKey(
        "organisations.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aimag or district"),
    )
    soum = models.ForeignKey(
        "organisations.Soum",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("soum"),
    )
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("organised by"),
    )
    consultation = models.ForeignKey(
        "participation.Consultation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("consultation"),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("plan"),
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_open = models.BooleanField(_("registration open"), default=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SCHEDULED)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    minutes_mn = models.TextField(_("minutes (Mongolian)"), blank=True)
    minutes_en = models.TextField(_("minutes (English)"), blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="meeting_starts_before_end"
            )
        ]
        indexes = [models.Index(fields=["starts_at"], name="meetings_starts")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def agenda(self) -> str:
        return pick(self, "agenda")

    @property
    def minutes(self) -> str:
        return pick(self, "minutes")

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def in_person(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.BOTH)

    @property
    def online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.BOTH)

    def place_text(self) -> str:
        """The place in one line: the address, the soum, the aimag; or "online"."""
        parts = [self.place] if self.in_person and self.place else []
        if self.in_person and self.soum is not None:
            parts.append(self.soum.name)
        if self.in_person and self.region is not None:
            parts.append(self.region.name)
        if self.online:
            parts.append(str(_("online")))
        return ", ".join(p for p in parts if p)

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])


class Registration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    needs_other = models.CharField(_("other need"), max_length=300, blank=True)
    note = models.CharField(_("note to the organiser"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_registration_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.meeting}"

    @property
    def active(self) -> bool:
        return self.cancelled_at is None

    def need_labels(self) -> list[str]:
        labels = [str(Need(n).label) for n in self.needs if n in Need.values and n != Need.OTHER]
        if Need.OTHER in self.needs:
            labels.append(self.needs_other or str(Need.OTHER.label))
        return labels


class MeetingInput(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="inputs")
    input = models.OneToOneField(
        "participation.Input", on_delete=models.CASCADE, related_name="meeting_link"
    )
    attributed_to_name = models.CharField(_("raised by"), max_length=200, blank=True)
    consent = models.BooleanField(_("agreed to be named"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True) | Q(attributed_to_name=""),
                name="meeting_input_named_only_with_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · #{self.input_id}"
