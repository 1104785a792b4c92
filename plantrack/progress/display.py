"""How measured values read on pages: by the indicator's kind, in the reader's language."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from .forms import level_label
from .models import Indicator, Measurement


def number_text(value: float | None) -> str:
    if value is None:
        return "—"
    shown: float | int = int(value) if value == int(value) else round(value, 2)
    return formats.number_format(shown, use_l10n=True, force_grouping=True)


def measurement_text(measurement: Measurement) -> str:
    """ "1,200 people", "45 % (9 / 20)", the scale level's name, "Yes"."""
    indicator, value = measurement.indicator, measurement.value
    if value is None:
        return "—"
    if indicator.kind == Indicator.Kind.PERCENTAGE:
        return _("%(percent)s %% (%(numerator)s / %(denominator)s)") % {
            "percent": number_text(value),
            "numerator": number_text(measurement.numerator),
            "denominator": number_text(measurement.denominator),
        }
    if indicator.kind == Indicator.Kind.QUALITATIVE:
        scale = indicator.scale or []
        index = int(value)
        return level_label(scale[index]) if 0 <= index < len(scale) else number_text(value)
    if indicator.kind == Indicator.Kind.YES_NO:
        return str(_("Yes")) if value else str(_("No"))
    unit = f" {indicator.unit}" if indicator.unit else ""
    return f"{number_text(value)}{unit}"
