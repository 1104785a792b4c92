"""Checks of an indicator's definition, shared by its services and forms: the budgets on
what may be sent, figures that make sense for the kind, scale levels, and what values
already reported fix."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from .models import Dimension, Indicator, Measurement

MAX_SCALE_LEVELS = 20
MAX_LEVEL_CHARS = 200
MAX_TITLE_CHARS = 2000
MAX_FIGURE = 1e12  # the largest baseline or target, either sign
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_SETUP_ROWS = 150  # rows of the "set up indicators" table saved at once
MAX_TARGETS = 500  # periods whose targets one call sets

Kind = Indicator.Kind
# The fields an indicator form edits (the dimensions go separately).
FIELDS = (
    "title_en",
    "title_mn",
    "measured",
    "kind",
    "unit",
    "direction",
    "cumulative",
    "scale",
    "baseline_value",
    "baseline_year",
    "baseline_note",
    "end_target",
    "data_source",
)
# Changing these changes how the stored figures add up.
RECOMPUTE_FIELDS = {"kind", "cumulative", "dimensions"}
SETUP_KINDS = (Kind.QUANTITATIVE, Kind.PERCENTAGE, Kind.YES_NO)

# -- Checking values -------------------------------------------------------------------------


def check_figure(value: Any, field: str) -> float | None:
    """A baseline or target: a finite number within ±MAX_FIGURE, or None."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a number, such as 12 or 3.5.")}) from None
    if not math.isfinite(number) or abs(number) > MAX_FIGURE:
        raise ValidationError(
            {
                field: _("Enter a number between -%(limit)s and %(limit)s.")
                % {"limit": f"{MAX_FIGURE:,.0f}"}
            }
        )
    return number


def check_for_kind(indicator: Indicator, value: float | None, field: str) -> None:
    """A figure must make sense for the indicator's kind: a percentage not negative, a yes/no 0 or
    1, a qualitative value one of its scale's levels."""
    if value is None:
        return
    if indicator.kind == Kind.PERCENTAGE and value < 0:
        raise ValidationError({field: _("A percentage cannot be negative.")})
    if indicator.kind == Kind.YES_NO and value not in (0, 1):
        raise ValidationError({field: _("For a yes/no indicator, enter 1 for yes or 0 for no.")})
    if indicator.kind == Kind.QUALITATIVE:
        levels = len(indicator.scale or [])
        if value != int(value) or not 0 <= value < levels:
            raise ValidationError(
                {
                    field: _(
                        "Enter the number of a level of the scale, from 0 (the lowest) to %(top)s."
                    )
                    % {"top": max(levels - 1, 0)}
                }
            )


def check_scale(raw: Any) -> list[dict[str, str]]:
    """Scale levels as [{"en": …, "mn": …}], lowest first; each level named in at least one
    language; at most MAX_SCALE_LEVELS levels of MAX_LEVEL_CHARS characters."""
    if not raw:
        return []
    if not isinstance(raw, list | tuple):
        raise ValidationError({"scale": _("The scale is a list of levels.")})
    if len(raw) > MAX_SCALE_LEVELS:
        raise ValidationError(
            {
                "scale": _("The scale has %(count)s levels; the limit is %(limit)s.")
                % {"count": len(raw), "limit": MAX_SCALE_LEVELS}
            }
        )
    levels = []
    for number, level in enumerate(raw, start=1):
        texts = level if isinstance(level, Mapping) else {}
        en, mn = (str(texts.get(lang) or "").strip().replace("\x00", "") for lang in ("en", "mn"))
        if not (en or mn):
            raise ValidationError(
                {
                    "scale": _("Level %(number)s has no name; name it in either language.")
                    % {"number": number}
                }
            )
        if max(len(en), len(mn)) > MAX_LEVEL_CHARS:
            raise ValidationError(
                {
                    "scale": _("The name of level %(number)s is longer than %(limit)s characters.")
                    % {"number": number, "limit": MAX_LEVEL_CHARS}
                }
            )
        levels.append({"en": en, "mn": mn})
    return levels


def scale_text(scale: Iterable[Mapping[str, str]] | None) -> str:
    """The levels as one line, for the history: "Not started / Drafted / Adopted"."""
    return " / ".join(str(level.get("en") or level.get("mn") or "") for level in scale or [])


def clean_indicator(indicator: Indicator, values: Mapping[str, Any]) -> None:
    """Set and check the indicator's fields from ``values`` (unknown names are ignored)."""
    for name in FIELDS:
        if name in values:
            value = values[name]
            if isinstance(value, str):
                value = value.strip()
                if "\x00" in value:
                    raise ValidationError(
                        {name: _("Remove the NUL character (\\x00) from the text.")}
                    )
            setattr(indicator, name, value)
    for name in ("title_en", "title_mn"):
        if len(getattr(indicator, name) or "") > MAX_TITLE_CHARS:
            raise ValidationError(
                {
                    name: _("The indicator is longer than %(limit)s characters.")
                    % {"limit": MAX_TITLE_CHARS}
                }
            )
    if not (indicator.title_en or indicator.title_mn):
        raise ValidationError({"title_en": _("Name the indicator in English or in Mongolian.")})
    indicator.scale = check_scale(indicator.scale)
    if indicator.kind == Kind.QUALITATIVE and len(indicator.scale) < 2:
        raise ValidationError(
            {
                "scale": _(
                    "A qualitative indicator needs a scale of at least two levels, lowest first."
                )
            }
        )
    if indicator.kind != Kind.QUALITATIVE:
        indicator.scale = []
    if indicator.kind in (Kind.QUALITATIVE, Kind.YES_NO):
        indicator.cumulative = False  # levels and answers are never added up
    if indicator.kind == Kind.PERCENTAGE:
        indicator.unit = "%"
    for name in ("baseline_value", "end_target"):
        setattr(indicator, name, check_figure(getattr(indicator, name), name))
        check_for_kind(indicator, getattr(indicator, name), name)
    year = indicator.baseline_year
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {
                "baseline_year": _("Enter a year between %(first)s and %(last)s.")
                % {"first": MIN_YEAR, "last": MAX_YEAR}
            }
        )
    try:
        indicator.full_clean(exclude=["item", "position", "dimensions", "version"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def chosen_dimensions(ids: Iterable[Any] | None) -> list[Dimension] | None:
    if ids is None:
        return None
    wanted = {int(getattr(d, "pk", d)) for d in ids}
    found = list(Dimension.objects.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"dimensions": _("Choose dimensions from the list.")})
    return found


def check_reported_limits(
    indicator: Indicator, before: Mapping[str, Any], dimensions: list[Dimension] | None
) -> None:
    """What measurements already given fix: the kind, the dimensions they break down by,
    the scale's levels they name, and that the indicator is measured."""
    measurements = Measurement.objects.filter(indicator=indicator)
    if not measurements.exists():
        return
    if indicator.kind != before["kind"]:
        raise ValidationError(
            {
                "kind": _(
                    "Values were already reported for this indicator, so its kind cannot change."
                )
            }
        )
    if not indicator.measured:
        raise ValidationError(
            {
                "measured": _(
                    "Values were already reported for this indicator, so it stays measured."
                )
            }
        )
    if indicator.kind == Kind.QUALITATIVE:
        top = measurements.aggregate(top=Max("value"))["top"]
        if top is not None and len(indicator.scale) <= top:
            raise ValidationError(
                {
                    "scale": _(
                        "Reported values use level %(number)s of the scale; keep at least "
                        "%(count)s levels."
                    )
                    % {"number": int(top), "count": int(top) + 1}
                }
            )
    if dimensions is not None:
        kept = {d.pk for d in dimensions}
        used = set(
            measurements.filter(dimension_value__isnull=False)
            .values_list("dimension_value__dimension_id", flat=True)
            .distinct()
        )
        if used - kept:
            names = Dimension.objects.filter(pk__in=used - kept)
            raise ValidationError(
                {
                    "dimensions": _("Values were already reported by %(names)s; keep it.")
                    % {"names": ", ".join(d.name for d in names)}
                }
            )


def snapshot(indicator: Indicator, dimensions: Iterable[Dimension]) -> dict[str, Any]:
    """The indicator's fields as the history shows them."""
    values = {name: getattr(indicator, name) for name in FIELDS}
    values["scale"] = scale_text(indicator.scale)
    # The history is written once for all readers: English names, else Mongolian.
    values["dimensions"] = ", ".join(d.name_en or d.name_mn for d in dimensions)
    return values
