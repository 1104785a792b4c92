"""Progress reporting: indicators, reporting periods, updates with measurements and evidence.

The shape (issue 11):

- ``Dimension`` / ``DimensionValue``: disaggregation (sex, age group, …), managed lists that
  site administrators can extend.
- ``Indicator``: attached to a plan item; its kind, unit, direction, cumulative or not,
  baseline, end target, data source, dimensions; ``IndicatorTarget`` per reporting period.
- ``ReportingPeriod``: a plan's calendar (quarterly by default), each with a due date; a
  period can be locked after approval.
- ``ProgressUpdate``: draft → submitted → approved | returned (→ submitted again); carries
  ``Measurement`` rows (one per indicator, optionally one per dimension value) and
  ``Evidence`` (a checked file or a link).
- ``IndicatorActual``: the roll-up of *approved* measurements per indicator and period
  (and the indicator's overall actual with ``period`` null), stored, so pages and
  dashboards read a few rows instead of aggregating measurements (``actuals.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plantrack.lib.bilingual import pick
from plantrack.plans.models import Status


class Dimension(models.Model):
    """A way to break a measurement down: sex, age group, disability, urban/rural, aimag."""

    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("disaggregation dimension")
        verbose_name_plural = _("disaggregation dimensions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class DimensionValue(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="values")
    slug = models.SlugField(max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_mn = models.CharField(_("name (Mongolian)"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["dimension", "position", "name_en"]
        verbose_name = _("dimension value")
        verbose_name_plural = _("dimension values")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "slug"], name="dimension_value_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class Indicator(models.Model):
    """A measure of an item's progress."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        PERCENTAGE = "percentage", _("Percentage (numerator / denominator)")
        QUALITATIVE = "qualitative", _("Qualitative (ordered scale)")
        YES_NO = "yes_no", _("Yes / no")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    item = models.ForeignKey("plans.Item", on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(default=0)
    title_en = models.TextField(_("indicator (English)"), blank=True)
    title_mn = models.TextField(_("indicator (Mongolian)"), blank=True)
    # An indicator imported from a document is text only until a manager sets it up for
    # measurement (kind, unit, targets); only measured indicators take values.
    measured = models.BooleanField(_("measured"), default=False)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    cumulative = models.BooleanField(
        _("cumulative"),
        default=False,
        help_text=_(
            "Each period's value adds to the total (people trained), rather than "
            "replacing it (a rate measured each period)."
        ),
    )
    # The ordered levels of a qualitative indicator, lowest first:
    # [{"en": "Not started", "mn": "Эхлээгүй"}, …]; a measurement stores the level's index.
    scale = models.JSONField(_("scale levels"), default=list, blank=True)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_note = models.CharField(_("baseline note"), max_length=500, blank=True)
    end_target = models.FloatField(_("end target"), null=True, blank=True)
    data_source = models.CharField(_("data source"), max_length=500, blank=True)
    dimensions = models.ManyToManyField(
        Dimension, blank=True, related_name="indicators", verbose_name=_("disaggregation")
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True, null=True)
    # An indicator with measurements is never deleted: it is retired with a reason, keeps
    # its page, figures and history, and takes no more measurements.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("why retired"), max_length=300, blank=True)

    class Meta:
        ordering = ["item", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="indicator_position_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def takes_measurements(self) -> bool:
        """Set up for measurement and not retired: reports may carry values for it."""
        return self.measured and self.retired_at is None


class ReportingPeriod(models.Model):
    """One period of a plan's reporting calendar; reports on it are due by ``due_on``."""

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Half-yearly")
        ANNUAL = "annual", _("Annual")

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="reporting_periods"
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    due_on = models.DateField(_("report due"))
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plan", "starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["plan", "starts_on"], name="period_start_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("ends_on")), name="period_due_after_end"
            ),
        ]
        indexes = [models.Index(fields=["plan", "due_on"], name="period_plan_due")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def label(self) -> str:
        """ "2026 Q3", "2026 H1", "2026", or the dates for an irregular period."""
        from .periods import period_label

        return period_label(self)


class IndicatorTarget(models.Model):
    """The value an indicator should reach by the end of a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="targets")
    value = models.FloatField(_("target"))

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.period_id}: {self.value}"


class ProgressUpdate(models.Model):
    """A reporter's account of an item's status and progress for a period; public once
    approved."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    item = models.ForeignKey("plans.Item", on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(
        ReportingPeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="updates",
        verbose_name=_("reporting period"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_updates",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    progress = models.FloatField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(_("what was done"), max_length=4000)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("note to the reporter"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [
            models.Index(fields=["item", "state", "-created_at"], name="update_item_state"),
            models.Index(fields=["state", "submitted_at"], name="update_state_submitted"),
            models.Index(fields=["period", "item", "state"], name="update_period_item"),
            # The latest approved reports (an organisation's dashboard): read in order,
            # newest first, instead of sorting every approved report.
            models.Index(fields=["state", "reviewed_at"], name="update_state_reviewed"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.status} {self.progress} ({self.state})"

    @property
    def is_editable(self) -> bool:
        """A draft or a returned update is the reporter's to change and send (again)."""
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class Measurement(models.Model):
    """A value an update reports for one of the item's indicators in the update's period.

    ``dimension_value`` null is the total; a row per dimension value breaks it down. By
    kind: quantitative → ``value``; percentage → ``numerator`` and ``denominator`` (``value``
    is their ratio × 100, stored for display); qualitative → ``value`` is the scale level's
    index; yes/no → ``value`` 1 or 0. ``period`` and ``approved`` copy the update's, so the
    roll-up reads one index."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="measurements"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    period = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dimension_value = models.ForeignKey(
        DimensionValue, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    approved = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            # One total and one value per dimension value, for each indicator of an update
            # (two conditional constraints: SQLite has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["update", "indicator"],
                condition=Q(dimension_value__isnull=True),
                name="measurement_total_unique",
            ),
            models.UniqueConstraint(
                fields=["update", "indicator", "dimension_value"],
                condition=Q(dimension_value__isnull=False),
                name="measurement_value_unique",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="measurement_denominator_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "approved", "period"], name="measurement_rollup")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.period_id}: {self.value}"


class IndicatorActual(models.Model):
    """The stored roll-up of approved measurements: per indicator and period (and per
    dimension value), and the indicator's overall actual where ``period`` is null.

    ``source_updates`` lists the approved updates the figure came from, so every figure on
    a page can be traced to them."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    period = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dimension_value = models.ForeignKey(
        DimensionValue, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.FloatField(null=True, blank=True)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    source_updates = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # period null = the indicator's overall actual; dimension_value null = the total.
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(period__isnull=True, dimension_value__isnull=True),
                name="actual_overall_total_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "dimension_value"],
                condition=Q(period__isnull=True, dimension_value__isnull=False),
                name="actual_overall_value_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(period__isnull=False, dimension_value__isnull=True),
                name="actual_period_total_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "period", "dimension_value"],
                condition=Q(period__isnull=False, dimension_value__isnull=False),
                name="actual_period_value_unique",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period"], name="actual_indicator_period")]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.period_id}: {self.value}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is ours (the checked extension of the detected type); the uploaded
    # name is only shown, never used as a path.
    return f"evidence/{instance.update_id}/{instance.sha256[:16]}{instance.extension}"


class Evidence(models.Model):
    """A file (checked by content) or a link that backs an update."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["update", "created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="evidence_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.original_name or self.url
