"""Plans and the tree of their items.

The tree is a materialised path: every item stores ``path``, the fixed-width
positions of its ancestors and itself (``00001.00003``), so a subtree is one
indexed ``path LIKE 'prefix%'`` query and document order is ``ORDER BY path``.
Rolled-up figures (progress, status counts) are stored on parents by the
services, so pages read them without walking the tree.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import CONTENT_LANGUAGES, pick, picked_language, picked_unofficial

from .validation import validate_no_nul, validate_translations, validate_weight, validate_year

# Words a Mongolian ordinal adds to a number ("7 дугаар", "7-р"), for label_is_redundant.
ORDINAL_WORDS = frozenset({"дугаар", "дүгээр", "р"})
PATH_STEP = 5  # digits per level: up to 99,999 children under one parent


def path_segment(position: int) -> str:
    return f"{position:0{PATH_STEP}d}"


class Plan(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=120, validators=[validate_no_nul])
    title_en = models.CharField(
        _("title (English)"), max_length=400, blank=True, validators=[validate_no_nul]
    )
    title_mn = models.CharField(
        _("title (Mongolian)"), max_length=400, blank=True, validators=[validate_no_nul]
    )
    description_en = models.TextField(
        _("description (English)"), blank=True, validators=[validate_no_nul]
    )
    description_mn = models.TextField(
        _("description (Mongolian)"), blank=True, validators=[validate_no_nul]
    )
    short_title_en = models.CharField(
        _("short title (English)"), max_length=120, blank=True, validators=[validate_no_nul]
    )
    short_title_mn = models.CharField(
        _("short title (Mongolian)"), max_length=120, blank=True, validators=[validate_no_nul]
    )
    issuer = models.CharField(_("issuer"), max_length=300, blank=True, validators=[validate_no_nul])
    issuer_mn = models.CharField(
        _("issuer (Mongolian)"), max_length=300, blank=True, validators=[validate_no_nul]
    )
    adopted_on = models.DateField(_("adoption date"), null=True, blank=True)
    # Where the plan stands in the plan list and on the home page: lowest first, then the
    # most recently adopted, then by title (``selectors.plan_list``). Set by its managers.
    position = models.PositiveSmallIntegerField(
        _("position in lists"),
        default=100,
        validators=[MaxValueValidator(9999)],
        help_text=_(
            "Plans are listed by this number, lowest first (the flagship plan could be 1); "
            "plans with the same number are listed newest adopted first."
        ),
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, validators=[validate_year]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, validators=[validate_year]
    )
    languages = models.CharField(_("languages"), max_length=20, default="en")
    source_name = models.CharField(_("source document"), max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    # The mapping the last import was read with (levels' kinds, columns, plan metadata),
    # as JSON; reused when a new version of the document is imported into this plan.
    import_mapping = models.JSONField(_("import mapping"), default=dict, blank=True)
    # The state of each language version that is not the official text, e.g.
    # {"title_mn": "unofficial"} (see lib/bilingual.translation_state).
    translations = models.JSONField(
        _("translation states"), default=dict, blank=True, validators=[validate_translations]
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_plans"
    )
    # When the plan was made public; None is a draft, seen only by its managers and the
    # site administrators (``permissions.visible_plans``). ``services.plan_publish`` sets it.
    # A plan made anywhere else (admin, demo) is public at once, as before drafts existed.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, default=timezone.now)
    # A plan is never deleted: one that no longer applies is retired with a reason
    # (services.plan_retire), keeps its pages and history, and is shown as retired.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("why retired"), max_length=300, blank=True)
    # Rolled up from the items by services.plan_rollup.
    progress = models.FloatField(null=True, blank=True)
    tracked_count = models.PositiveIntegerField(default=0)
    status_counts = models.JSONField(default=dict, blank=True)
    # Bumped on every edit through a form so two editors cannot overwrite each other.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="plan_period_in_order",
                violation_error_message=_("The last year cannot be before the first year."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title") or self.short_name

    @property
    def title_lang(self) -> str:
        return picked_language(self, "title")

    @property
    def title_unofficial(self) -> bool:
        return picked_unofficial(self, "title")

    @property
    def short_title(self) -> str:
        """For breadcrumbs: the short title in the reader's language, else the title."""
        return pick(self, "short_title") or self.title

    @property
    def short_title_lang(self) -> str:
        if pick(self, "short_title"):
            return picked_language(self, "short_title")
        return self.title_lang

    @property
    def issuer_en(self) -> str:
        """The issuer as imported (``issuer``), the English-or-original column of the pair."""
        return self.issuer

    @property
    def issuer_shown(self) -> str:
        return pick(self, "issuer")

    @property
    def issuer_lang(self) -> str:
        return picked_language(self, "issuer")

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def description_lang(self) -> str:
        return picked_language(self, "description")

    @property
    def description_unofficial(self) -> bool:
        return picked_unofficial(self, "description")

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.slug])

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")
    UNKNOWN = "unknown", _("Unknown")


class StakeholderGroup(models.Model):
    """A category of actors named by a plan ("Private sector", "Local governments"), not a body.

    Imports label items with groups instead of inventing organisations for them; an item may
    carry several groups. See ``importers/stakeholders.py`` for how a name is recognised.
    """

    key = models.CharField(max_length=200, unique=True, editable=False)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_en="", name_mn=""), name="stakeholder_group_has_a_name"
            )
        ]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .importers.stakeholders import group_key

        self.key = group_key(self.name_en or self.name_mn)[:200]
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def name_lang(self) -> str:
        return picked_language(self, "name")


class Item(models.Model):
    class Kind(models.TextChoices):
        GOAL = "goal", _("Goal")
        OBJECTIVE = "objective", _("Objective")
        STAGE = "stage", _("Stage")
        EXPECTED_RESULT = "expected_result", _("Expected result")
        AREA = "area", _("Area")
        SECTION = "section", _("Section")
        ACTIVITY = "activity", _("Activity")
        RECOMMENDATION = "recommendation", _("Recommendation")

    # Kinds whose implementation is tracked with a status and a progress figure.
    TRACKED_KINDS = (Kind.ACTIVITY, Kind.RECOMMENDATION)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveIntegerField(default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=40)
    label_en = models.CharField(
        _("label (English)"), max_length=200, blank=True, validators=[validate_no_nul]
    )
    label_mn = models.CharField(
        _("label (Mongolian)"), max_length=200, blank=True, validators=[validate_no_nul]
    )
    title_en = models.TextField(_("title (English)"), blank=True, validators=[validate_no_nul])
    title_mn = models.TextField(_("title (Mongolian)"), blank=True, validators=[validate_no_nul])
    body_en = models.TextField(_("description (English)"), blank=True, validators=[validate_no_nul])
    body_mn = models.TextField(
        _("description (Mongolian)"), blank=True, validators=[validate_no_nul]
    )
    start_year = models.PositiveSmallIntegerField(
        _("first year"), null=True, blank=True, validators=[validate_year]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, validators=[validate_year]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.FloatField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight = models.FloatField(_("weight"), default=1.0, validators=[validate_weight])
    # The state of each language version that is not the official text, e.g.
    # {"title_mn": "unofficial"} (see lib/bilingual.translation_state).
    translations = models.JSONField(
        _("translation states"), default=dict, blank=True, validators=[validate_translations]
    )
    # Rolled up over tracked descendants by services.plan_rollup.
    tracked_count = models.PositiveIntegerField(default=0)
    status_counts = models.JSONField(default=dict, blank=True)
    # Bumped on every edit so two people editing the same item cannot overwrite each other.
    version = models.PositiveIntegerField(default=1)
    # Set by an import whose file no longer holds this item; kept for its history and
    # hidden from the tree, counts and roll-ups. A later import that holds it again clears it.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("why retired"), max_length=300, blank=True)
    # Categories of actors the plan names for this item ("Private sector"); not organisations.
    stakeholder_groups = models.ManyToManyField(
        StakeholderGroup,
        blank=True,
        related_name="items",
        verbose_name=_("stakeholder groups"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "path"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="item_code_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "path"], name="item_path_unique_in_plan"),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True)
                | models.Q(progress__gte=0, progress__lte=100),
                name="item_progress_0_to_100",
                violation_error_message=_("Progress must be between 0 and 100 %."),
            ),
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="item_period_in_order",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "kind", "status"], name="item_plan_kind_status"),
            models.Index(fields=["plan", "depth", "path"], name="item_plan_depth_path"),
            # Search: a code query finds an item by its code in any plan.
            models.Index(fields=["code"], name="item_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"[:120]

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def title_lang(self) -> str:
        return picked_language(self, "title")

    @property
    def title_unofficial(self) -> bool:
        return picked_unofficial(self, "title")

    @property
    def label_lang(self) -> str:
        return picked_language(self, "label")

    @property
    def label_is_redundant(self) -> bool:
        """Whether the label only repeats what "<kind> <code>" says ("Goal 7", "7 дугаар
        зорилго" on goal 7) or the title itself: the page then says it once."""
        label = " ".join(self.label.split()).casefold()
        if not label:
            return False
        if label == " ".join(self.title.split()).casefold():
            return True
        code = self.code.casefold()
        words = [w for w in re.split(r"[\s\-–.]+", label) if w and w != code]
        rest = " ".join(w for w in words if w not in ORDINAL_WORDS)
        kinds = set()
        for lang in CONTENT_LANGUAGES:
            with translation.override(lang):
                kinds.add(str(self.Kind(self.kind).label).casefold())
        return rest in kinds

    @property
    def label(self) -> str:
        return pick(self, "label")

    @property
    def body(self) -> str:
        return pick(self, "body")

    @property
    def body_lang(self) -> str:
        return picked_language(self, "body")

    @property
    def body_unofficial(self) -> bool:
        return picked_unofficial(self, "body")

    @property
    def is_tracked(self) -> bool:
        return self.kind in self.TRACKED_KINDS

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def progress_whole(self) -> int | None:
        return None if self.progress is None else round(self.progress)

    def ancestor_paths(self) -> list[str]:
        step = PATH_STEP + 1  # segment plus the dot
        return [self.path[: n * step - 1] for n in range(1, self.depth)]

    def get_absolute_url(self) -> str:
        return reverse("plans:item", args=[self.plan.slug, self.code])


class Responsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")
        STAKEHOLDER = "stakeholder", _("Stakeholder")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="responsibilities")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEAD)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "role", "organisation"]
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organisation", "role"], name="responsibility_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role}) — {self.item.code}"
