from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plantrack.lib import once
from plantrack.lib.bilingual import active_content_language
from plantrack.plans.models import Status

from .checks import MAX_NOTE_CHARS, MeasurementInput
from .models import Dimension, Evidence, Indicator, ProgressUpdate, ReportingPeriod
from .periods import MAX_DUE_DAYS

LINK_ROWS = 3


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """Several files from one input; each is checked by ``evidence.py``, not here."""

    widget = MultipleFileInput

    def clean(self, value: Any) -> list[Any]:
        if not value:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


def level_label(level: Any) -> str:
    """A qualitative scale level in the reader's language: {"en": …, "mn": …} or text."""
    if isinstance(level, dict):
        first = active_content_language()
        return str(level.get(first) or level.get("en") or level.get("mn") or "")
    return str(level)


@dataclass
class IndicatorFields:
    """The form fields of one indicator, grouped for the template."""

    indicator: Indicator
    total: list[str]
    note: str
    dimensions: list[tuple[Dimension, list[tuple[int, list[str]]]]] = field(default_factory=list)


def _key(indicator: Indicator, value_id: int | None) -> str:
    return f"m-{indicator.pk}" if value_id is None else f"m-{indicator.pk}-{value_id}"


class ReportForm(forms.Form):
    """A report: period, status, progress, narrative, the item's measured indicators (totals
    and breakdowns), evidence files and links. Sent twice (a double click), it is recorded
    once (``once``)."""

    period = forms.TypedChoiceField(label=_("Reporting period"), coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    progress = forms.FloatField(
        label=_("Progress (%)"), min_value=0, max_value=100, help_text=_("0 to 100.")
    )
    note = forms.CharField(
        label=_("What was done"),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What was done in this period, and what evidence exists."),
    )

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        periods: Sequence[ReportingPeriod],
        indicators: Iterable[Indicator],
        update: ProgressUpdate | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, files, initial=initial)
        once.add_token(self)
        self.update = update
        if periods:
            self.fields["period"].choices = [  # type: ignore[attr-defined]
                (p.pk, p.label) for p in periods
            ]
        else:
            del self.fields["period"]
        self.groups: list[IndicatorFields] = []
        for indicator in indicators:
            self.groups.append(self._add_indicator(indicator))
        self.fields["evidence_files"] = MultipleFileField(
            label=_("Evidence files"),
            required=False,
            help_text=_(
                "PDF, images (PNG, JPEG, WebP, GIF) or office documents (DOCX, XLSX, PPTX, "
                "ODT, ODS, ODP). You can choose several files."
            ),
        )
        for n in range(1, LINK_ROWS + 1):
            self.fields[f"link_url_{n}"] = forms.CharField(
                label=_("Link %(n)s: web address") % {"n": n}, required=False, max_length=1000
            )
            self.fields[f"link_title_{n}"] = forms.CharField(
                label=_("Link %(n)s: title") % {"n": n}, required=False, max_length=300
            )
        self.existing_evidence: list[Evidence] = list(update.evidence.all()) if update else []
        if self.existing_evidence:
            self.fields["remove_evidence"] = forms.TypedMultipleChoiceField(
                label=_("Remove evidence"),
                required=False,
                coerce=int,
                choices=[(e.pk, str(e)) for e in self.existing_evidence],
                widget=forms.CheckboxSelectMultiple,
            )
        if update is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)

    # -- Measurements ------------------------------------------------------------------------

    def _value_field(self, indicator: Indicator, label: str) -> forms.Field:
        kind = indicator.kind
        if kind == Indicator.Kind.QUALITATIVE:
            choices = [("", "—")] + [
                (str(n), level_label(level)) for n, level in enumerate(indicator.scale or [])
            ]
            return forms.ChoiceField(label=label, choices=choices, required=False)
        if kind == Indicator.Kind.YES_NO:
            return forms.ChoiceField(
                label=label,
                choices=[("1", _("Yes")), ("0", _("No"))],
                required=False,
                widget=forms.RadioSelect,
            )
        unit = f" ({indicator.unit})" if indicator.unit else ""
        return forms.FloatField(label=f"{label}{unit}", required=False)

    def _add_value(self, indicator: Indicator, value_id: int | None, label: str) -> list[str]:
        key = _key(indicator, value_id)
        if indicator.kind == Indicator.Kind.PERCENTAGE:
            self.fields[f"{key}-num"] = forms.FloatField(
                label=_("%(what)s: numerator") % {"what": label}, required=False, min_value=0
            )
            self.fields[f"{key}-den"] = forms.FloatField(
                label=_("%(what)s: denominator") % {"what": label}, required=False
            )
            return [f"{key}-num", f"{key}-den"]
        self.fields[key] = self._value_field(indicator, label)
        return [key]

    def _add_indicator(self, indicator: Indicator) -> IndicatorFields:
        total = self._add_value(
            indicator, None, str(_("Total")) if self._has_values(indicator) else indicator.title
        )
        note = f"m-{indicator.pk}-note"
        self.fields[note] = forms.CharField(
            label=_("Note on this value"), required=False, max_length=500
        )
        group = IndicatorFields(indicator, total, note)
        for dimension in indicator.dimensions.all():
            values = [
                (value.pk, self._add_value(indicator, value.pk, value.name))
                for value in dimension.values.all()
            ]
            if values:
                group.dimensions.append((dimension, values))
        return group

    @staticmethod
    def _has_values(indicator: Indicator) -> bool:
        return any(d.values.all() for d in indicator.dimensions.all())

    def bound_groups(self) -> list[dict[str, Any]]:
        """The indicator groups with bound fields, for the template: the total's fields, the
        note, and per dimension the fields of its values."""
        return [
            {
                "indicator": g.indicator,
                "total": [self[name] for name in g.total],
                "note": self[g.note],
                "dimensions": [
                    (dimension, [self[n] for _pk, names in values for n in names])
                    for dimension, values in g.dimensions
                ],
            }
            for g in self.groups
        ]

    def measurement_inputs(self) -> list[MeasurementInput]:
        data = self.cleaned_data
        rows = []
        for group in self.groups:
            indicator = group.indicator
            slots = [None] + [pk for _d, values in group.dimensions for pk, _n in values]
            for value_id in slots:
                key = _key(indicator, value_id)
                if indicator.kind == Indicator.Kind.PERCENTAGE:
                    num, den = data.get(f"{key}-num"), data.get(f"{key}-den")
                    if num is None and den is None:
                        continue
                    row = MeasurementInput(indicator.pk, value_id, numerator=num, denominator=den)
                else:
                    raw = data.get(key)
                    if raw in (None, ""):
                        continue
                    row = MeasurementInput(indicator.pk, value_id, value=float(raw))
                if value_id is None:
                    row.note = data.get(group.note) or ""
                rows.append(row)
        return rows

    def links(self) -> list[tuple[str, str]]:
        return [
            (
                self.cleaned_data.get(f"link_url_{n}", ""),
                self.cleaned_data.get(f"link_title_{n}", ""),
            )
            for n in range(1, LINK_ROWS + 1)
        ]

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put the service's refusals under the fields they are about."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for key, errors in exc.message_dict.items():
            target = None
            if key == "evidence_links":
                target = "link_url_1"
            for name in (key, f"{key}-num"):
                if target is None and name in self.fields:
                    target = name
            for message in errors:
                self.add_error(target, message)


def initial_from(update: ProgressUpdate) -> dict[str, Any]:
    """The form's values for an existing report."""
    initial: dict[str, Any] = {
        "period": update.period_id,
        "status": update.status,
        "progress": update.progress,
        "note": update.note,
        "version": update.version,
    }
    for m in update.measurements.all():
        key = (
            f"m-{m.indicator_id}"
            if m.dimension_value_id is None
            else (f"m-{m.indicator_id}-{m.dimension_value_id}")
        )
        initial[f"{key}-num"] = m.numerator
        initial[f"{key}-den"] = m.denominator
        value = m.value
        initial[key] = str(int(value)) if value is not None and value == int(value) else value
        if m.dimension_value_id is None:
            initial[f"m-{m.indicator_id}-note"] = m.note
    return initial


class ReviewForm(forms.Form):
    """One per pending update on the item page; ``for_update`` gives each its own ids."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and publish")), ("return", _("Return to the reporter"))],
        widget=forms.RadioSelect,
    )
    review_note = forms.CharField(
        label=_("Note to the reporter"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return an update."),
    )

    @classmethod
    def for_update(cls, update: ProgressUpdate, data: Any = None) -> ReviewForm:
        # Field names stay plain (the review URL names the update); only the ids differ.
        return cls(data, auto_id=f"review-{update.pk}-%s")


class PeriodsGenerateForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Frequency"),
        choices=ReportingPeriod.Frequency.choices,
        initial=ReportingPeriod.Frequency.QUARTERLY,
    )
    first = forms.DateField(
        label=_("First period starts in"),
        help_text=_("A date as YYYY-MM-DD; the period holding it is the first."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    last = forms.DateField(
        label=_("Last period ends in"),
        help_text=_("A date as YYYY-MM-DD; the period holding it is the last."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_days = forms.IntegerField(
        label=_("Reports due (days after the period ends)"),
        min_value=0,
        max_value=MAX_DUE_DAYS,
        initial=30,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if isinstance(first, dt.date) and isinstance(last, dt.date) and last < first:
            self.add_error("last", _("The last period cannot end before the first one starts."))
        return data


class PeriodUnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Why open it again?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
