"""Indicator figures as text, in the reader's language, and the item page's indicator list."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils import formats
from django.utils.translation import gettext as _

from plantrack.lib.bilingual import language_order

from ..actuals import Achievement, Figure
from ..models import Indicator
from ..selectors_indicators import item_indicators as select_item_indicators

register = template.Library()
Kind = Indicator.Kind


def number_text(value: float) -> str:
    """At most two decimals, none for a whole number, grouped as the language groups."""
    rounded = round(value, 2)
    if rounded == int(rounded):
        return formats.number_format(int(rounded), use_l10n=True, force_grouping=True)
    return formats.number_format(rounded, use_l10n=True, force_grouping=True)


def level_name(indicator: Indicator, value: float) -> str:
    scale = indicator.scale or []
    index = round(value)
    if not 0 <= index < len(scale):
        return number_text(value)
    level = scale[index]
    return next((level[lang] for lang in language_order() if level.get(lang)), str(index))


@register.filter
def value_text(value: float | None, indicator: Indicator) -> str:
    """A baseline, target or actual value as the indicator's kind reads it."""
    if value is None:
        return "—"
    if indicator.kind == Kind.YES_NO:
        return _("Yes") if round(value) == 1 else _("No")
    if indicator.kind == Kind.QUALITATIVE:
        return level_name(indicator, value)
    if indicator.kind == Kind.PERCENTAGE:
        return f"{number_text(value)} %"
    return f"{number_text(value)} {indicator.unit}".strip()


@register.filter
def figure_text(figure: Figure | None, indicator: Indicator) -> str:
    """An actual; a percentage with its numerator and denominator: "40 % (4 / 10)"."""
    if figure is None or figure.value is None:
        return "—"
    text = value_text(figure.value, indicator)
    if indicator.kind == Kind.PERCENTAGE and figure.denominator:
        return f"{text} ({number_text(figure.numerator or 0)} / {number_text(figure.denominator)})"
    return text


@register.filter
def achievement_text(result: Achievement | None) -> str:
    if result is None:
        return "—"
    reached = _("target reached") if result.met else _("not yet reached")
    if result.percent is None:
        return reached
    return f"{number_text(result.percent)} % · {reached}"


@register.simple_tag
def row_widget(field: BoundField, row_id: int, has_errors: bool) -> str:
    """A widget of the set-up table, tied to its row's errors for screen readers."""
    attrs: dict[str, str | bool] = {}
    if has_errors:
        attrs = {"aria-describedby": f"row-{row_id}-errors", "aria-invalid": "true"}
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("progress/_item_indicators.html", takes_context=True)
def item_indicators(context: Any, indicators: list[Indicator]) -> dict[str, Any]:
    """The item page's indicators: the measured ones with their approved overall actual."""
    rows = select_item_indicators(indicators)
    return {
        "plan": context.get("plan"),
        "item": context.get("page").item if context.get("page") else None,
        "measured": [row for row in rows if row.indicator.measured],
        "text_only": [row.indicator for row in rows if not row.indicator.measured],
        "can_manage": context.get("can_manage", False),
    }
