"""Forms of the indicator pages: an indicator's definition, its targets per period, and a row
of the plan's "set up indicators" table. They turn posted text into the services' arguments;
the rules live in the services (``indicators.py``, ``indicator_checks.py``)."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .indicator_checks import MAX_LEVEL_CHARS, MAX_SCALE_LEVELS, SETUP_KINDS
from .models import Dimension, Indicator, ReportingPeriod

NUMBER = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})


def _number_field(label: Any, help_text: Any = "") -> forms.FloatField:
    return forms.FloatField(label=label, required=False, help_text=help_text, widget=NUMBER)


class IndicatorForm(forms.Form):
    """An indicator's definition, for adding one to an item or editing it."""

    title_en = forms.CharField(
        label=_("Indicator (English)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    title_mn = forms.CharField(
        label=_("Indicator (Mongolian)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Give the indicator in at least one language."),
    )
    measured = forms.BooleanField(
        label=_("Measured: reports give values for it"),
        required=False,
        initial=True,
        help_text=_("Leave unticked to keep it as text only."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Indicator.Kind.choices)
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=60,
        help_text=_("What is counted: people, cases, tugriks … A percentage's unit is %."),
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)
    cumulative = forms.BooleanField(
        label=_("Cumulative"),
        required=False,
        help_text=Indicator._meta.get_field("cumulative").help_text,
    )
    scale_en = forms.CharField(
        label=_("Scale levels (English)"),
        required=False,
        max_length=(MAX_LEVEL_CHARS + 2) * MAX_SCALE_LEVELS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a qualitative indicator: one level per line, the lowest first."),
    )
    scale_mn = forms.CharField(
        label=_("Scale levels (Mongolian)"),
        required=False,
        max_length=(MAX_LEVEL_CHARS + 2) * MAX_SCALE_LEVELS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The same levels in Mongolian, in the same order; may be left empty."),
    )
    baseline_value = _number_field(
        _("Baseline value"),
        _("For yes/no: 1 is yes, 0 is no. For a scale: the level's number, the lowest being 0."),
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), required=False, min_value=1900, max_value=2100
    )
    baseline_note = forms.CharField(label=_("Baseline note"), required=False, max_length=500)
    end_target = _number_field(_("End target"), _("The value to reach by the end of the plan."))
    data_source = forms.CharField(
        label=_("Data source"),
        required=False,
        max_length=500,
        help_text=_("Where the values come from: a register, a survey, a ministry's report."),
    )
    dimensions = forms.ModelMultipleChoiceField(
        label=_("Disaggregation"),
        required=False,
        queryset=Dimension.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The groups reports break the values down by."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def for_indicator(cls, indicator: Indicator, data: Any = None) -> IndicatorForm:
        scale = indicator.scale or []
        initial = {
            **{name: getattr(indicator, name) for name in cls.model_fields()},
            "scale_en": "\n".join(level.get("en", "") for level in scale),
            "scale_mn": "\n".join(level.get("mn", "") for level in scale),
            "dimensions": list(indicator.dimensions.all()),
            "version": indicator.version,
        }
        return cls(data, initial=initial)

    @staticmethod
    def model_fields() -> tuple[str, ...]:
        return (
            "title_en",
            "title_mn",
            "measured",
            "kind",
            "unit",
            "direction",
            "cumulative",
            "baseline_value",
            "baseline_year",
            "baseline_note",
            "end_target",
            "data_source",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        en = _lines(data.get("scale_en", ""))
        mn = _lines(data.get("scale_mn", ""))
        if en and mn and len(en) != len(mn):
            self.add_error(
                "scale_mn",
                _(
                    "The English scale has %(en)s levels and the Mongolian one %(mn)s; give "
                    "the same levels in both, or leave one empty."
                )
                % {"en": len(en), "mn": len(mn)},
            )
        data["scale"] = [{"en": e, "mn": m} for e, m in zip_longest(en, mn, fillvalue="")]
        return data

    def values(self) -> dict[str, Any]:
        """The service's ``values`` from the cleaned data."""
        data = self.cleaned_data
        return {name: data.get(name) for name in (*self.model_fields(), "scale")}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class TargetsForm(forms.Form):
    """A target per reporting period of the plan; an empty box removes that period's target."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        periods: list[ReportingPeriod],
        targets: dict[int, float],
        version: int,
    ) -> None:
        super().__init__(data, initial={"version": version})
        self.periods = periods
        for period in periods:
            self.fields[f"period_{period.pk}"] = forms.FloatField(
                label=period.label, required=False, widget=NUMBER
            )
            self.initial[f"period_{period.pk}"] = targets.get(period.pk)

    def targets(self) -> dict[int, float | None]:
        return {p.pk: self.cleaned_data.get(f"period_{p.pk}") for p in self.periods}


LEAVE_AS_TEXT = ""


class SetupRowForm(forms.Form):
    """One text-only indicator in the "set up indicators" table; a row whose kind is left
    at "keep as text" is not changed."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            (LEAVE_AS_TEXT, _("— keep as text —")),
            *[(k, Indicator.Kind(k).label) for k in SETUP_KINDS],
        ],
    )
    unit = forms.CharField(label=_("Unit"), required=False, max_length=60)
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)
    cumulative = forms.BooleanField(label=_("Cumulative"), required=False)
    end_target = forms.FloatField(label=_("End target"), required=False, widget=NUMBER)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, indicator: Indicator) -> None:
        super().__init__(
            data,
            prefix=f"ind-{indicator.pk}",
            initial={
                "unit": indicator.unit,
                "direction": indicator.direction,
                "cumulative": indicator.cumulative,
                "end_target": indicator.end_target,
                "version": indicator.version,
            },
        )
        self.indicator = indicator

    @property
    def chosen(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("kind"))
