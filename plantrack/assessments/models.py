"""Assessments: versioned indicator frameworks, rounds of ratings, and their sources.

The shape (issue 12):

- ``Framework``: a scorecard's identity and texts (titles, description, guidance).
- ``FrameworkVersion``: the framework's content at one time — its ``Area``\\ s with their
  ``AssessmentIndicator``\\ s, and its ``ScaleLevel``\\ s. A version is frozen once a round
  uses it; changing the content of a frozen version makes a new one, so old rounds keep the
  version they were rated on.
- ``Round``: a version applied to a subject at a date by an assessing body, official or
  civil-society (shadow); draft → submitted → published. A published round never changes:
  a correction is a new round that ``supersedes`` it, published the same way.
- ``Rating``: one indicator's level (or "not assessed") in a round, with its justification,
  the change since the previous round as stated and as computed, and ``Source``\\ s.
- ``IndicatorLink``: an assessment indicator ↔ a plan item that acts on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick, picked_language


class Bilingual:
    """``title``/``title_lang`` etc. for models with ``<name>_en``/``<name>_mn`` columns."""

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def title_lang(self) -> str:
        return picked_language(self, "title")


class Framework(Bilingual, models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=400, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_mn = models.TextField(_("guidance (Mongolian)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # bumped on every edit (stale-form check)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("assessment framework")
        verbose_name_plural = _("assessment frameworks")
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_mn=""), name="framework_has_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def description_lang(self) -> str:
        return picked_language(self, "description")

    @property
    def guidance(self) -> str:
        return pick(self, "guidance")

    @property
    def guidance_lang(self) -> str:
        return picked_language(self, "guidance")

    def get_absolute_url(self) -> str:
        return reverse("assessments:framework", args=[self.slug])


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    # SHA-256 of the version's content (scale, areas, indicators) in canonical form: an
    # import of the same content finds this version instead of making a new one.
    content_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the first round is made on it; from then on its content never changes.
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework} v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Area(Bilingual, models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=40)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=400, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_mn = models.TextField(_("description (Mongolian)"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="area_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def description(self) -> str:
        return pick(self, "description")


class IndicatorKind(models.TextChoices):
    RATED = "rated", _("Rated on the scale")
    CHECKLIST = "checklist", _("Checklist (present / partly / absent)")


class AssessmentIndicator(Bilingual, models.Model):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=40)
    title_en = models.TextField(_("title (English)"), blank=True)
    title_mn = models.TextField(_("title (Mongolian)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_mn = models.TextField(_("guidance (Mongolian)"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.RATED
    )
    position = models.PositiveIntegerField(default=0)  # in the whole version, document order

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="assessment_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def guidance(self) -> str:
        return pick(self, "guidance")

    @property
    def is_rated(self) -> bool:
        return self.kind == IndicatorKind.RATED


class ScaleLevel(models.Model):
    """A level of the version's rating scale (``kind`` rated), or of the checklist that
    checklist indicators are marked on (present / partly / absent)."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="levels")
    kind = models.CharField(
        max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.RATED
    )
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    label_mn = models.CharField(_("label (Mongolian)"), max_length=120, blank=True)
    value = models.FloatField(_("value"))
    description_en = models.TextField(_("what earns it (English)"), blank=True)
    description_mn = models.TextField(_("what earns it (Mongolian)"), blank=True)
    position = models.PositiveIntegerField(default=0)  # highest value first, as documents list

    class Meta:
        ordering = ["version", "kind", "position"]
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind", "position"], name="scale_level_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.value:g})"

    @property
    def label(self) -> str:
        return pick(self, "label")

    @property
    def label_lang(self) -> str:
        return picked_language(self, "label")

    @property
    def description(self) -> str:
        return pick(self, "description")


class Change(models.TextChoices):
    INCREASE = "increase", _("Increase")
    UNCHANGED = "unchanged", _("Unchanged")
    DECREASE = "decrease", _("Decrease")


class Round(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("version")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    subject = models.CharField(
        _("subject"),
        max_length=300,
        help_text=_("What is assessed: a country, an agency or a plan."),
    )
    # The subject's name normalised (``services.subject_key``): rounds of one subject share it.
    subject_key = models.CharField(max_length=120, db_index=True)
    subject_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessed_rounds",
        verbose_name=_("subject organisation"),
    )
    subject_plan = models.ForeignKey(
        "plans.Plan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessment_rounds",
        verbose_name=_("subject plan"),
    )
    assessed_on = models.DateField(_("assessment date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    assessing_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessing_rounds",
        verbose_name=_("assessing organisation"),
    )
    assessing_body = models.CharField(_("assessing body"), max_length=300, blank=True)
    official = models.BooleanField(
        _("official"),
        default=True,
        help_text=_("Official, or a civil-society (shadow) assessment."),
    )
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    # Scores the source document states, kept as stated: {"2022": 54, "2019": 58}.
    reported_scores = models.JSONField(_("reported scores"), default=dict, blank=True)
    # What its scores and distribution are made of (``selectors.compute_stats``), stored when
    # the round is published: a published round never changes, so neither do these.
    stats = models.JSONField(default=dict, blank=True, editable=False)
    # A correction: the published round this one replaces once it is published itself.
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    correction_reason = models.TextField(_("what the correction changes"), blank=True)
    source_name = models.CharField(_("source document"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-assessed_on", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        indexes = [
            models.Index(fields=["subject_key", "state"], name="round_subject_state"),
            models.Index(fields=["version", "state"], name="round_version_state"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.subject} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def body_name(self) -> str:
        """Who assessed: the organisation's name, or the body as the document names it."""
        if self.assessing_organisation is not None:
            return str(self.assessing_organisation.name)
        return self.assessing_body

    def get_absolute_url(self) -> str:
        return reverse("assessments:round", args=[self.pk])


class Rating(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    indicator = models.ForeignKey(
        AssessmentIndicator, on_delete=models.PROTECT, related_name="ratings"
    )
    level = models.ForeignKey(
        ScaleLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    not_assessed = models.BooleanField(_("not assessed"), default=False)
    justification = models.TextField(_("justification"), blank=True)
    # The change since the subject's previous round, as the source states it, and as
    # computed from the previous published round when there is one (shown first).
    change_stated = models.CharField(
        _("change (as stated)"), max_length=12, choices=Change.choices, blank=True
    )
    change_computed = models.CharField(
        _("change (computed)"), max_length=12, choices=Change.choices, blank=True
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator"], name="rating_unique"),
            # A rating has a level, or it says "not assessed": never both, never neither.
            models.CheckConstraint(
                condition=Q(level__isnull=True, not_assessed=True)
                | Q(level__isnull=False, not_assessed=False),
                name="rating_level_or_not_assessed",
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | ~Q(justification=""),
                name="rating_justified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.indicator_id}: {self.level_id or '-'}"

    @property
    def change(self) -> str:
        return self.change_computed or self.change_stated


class Source(models.Model):
    """A citation or evidence link attached to a rating (a footnote's text and its link)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="sources")
    text = models.TextField(_("source"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    marker = models.CharField(_("footnote mark"), max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["rating", "position"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(condition=~Q(text="") | ~Q(url=""), name="source_text_or_url")
        ]

    def __str__(self) -> str:
        return self.text or self.url


class IndicatorLink(models.Model):
    """A plan item that acts on an assessment indicator. Copied to each new version of the
    framework (matched by code), so the link outlives versions."""

    indicator = models.ForeignKey(
        AssessmentIndicator, on_delete=models.CASCADE, related_name="links"
    )
    item = models.ForeignKey(
        "plans.Item", on_delete=models.CASCADE, related_name="assessment_links"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "item"]
        verbose_name = _("indicator link")
        verbose_name_plural = _("indicator links")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "item"], name="indicator_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} ↔ {self.item_id}"
