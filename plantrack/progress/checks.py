"""The checks a progress report passes before anything is written: its fields, its period
(started, not locked, one open report per item and period) and its measurements (by the
indicator's kind; breakdowns that add up to the total). Pure reads; ``services`` calls them,
and ``services.progress_update_validate`` offers them to the bulk preview."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plantrack.plans.models import Item, Status

from .models import Indicator, Measurement, ProgressUpdate, ReportingPeriod

MAX_NOTE_CHARS = 4000
MAX_MEASUREMENT_NOTE_CHARS = 500
MAX_MEASUREMENTS = 2000  # rows in one update (totals and breakdowns)
MAX_ABS_VALUE = 1e15
OPEN_STATES = (
    ProgressUpdate.State.DRAFT,
    ProgressUpdate.State.SUBMITTED,
    ProgressUpdate.State.RETURNED,
)


@dataclass
class MeasurementInput:
    """One value an update reports: an indicator's total (``dimension_value_id`` None) or its
    value for one dimension value."""

    indicator_id: int
    dimension_value_id: int | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""


def measurement_key(indicator_id: int, dimension_value_id: int | None = None) -> str:
    """The key of a measurement's errors: ``m-<indicator>`` or ``m-<indicator>-<value>``."""
    if dimension_value_id is None:
        return f"m-{indicator_id}"
    return f"m-{indicator_id}-{dimension_value_id}"


class Errors(dict[str, list[str]]):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(message)

    def raise_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def check_fields(
    errors: Errors, *, status: Any, progress: Any, note: Any
) -> tuple[str, float, str]:
    status = str(status or "")
    if status not in Status.values:
        errors.add("status", _("Choose one of the statuses."))
    number = _number(progress)
    if number is None or not math.isfinite(number) or not 0 <= number <= 100:
        errors.add("progress", _("Give the progress as a number from 0 to 100."))
        number = 0.0
    elif status == Status.COMPLETED and number != 100:
        errors.add("progress", _("A completed item is at 100 %. Change one of the two."))
    text = str(note or "").strip()
    if not text:
        errors.add("note", _("Say what was done in this period."))
    elif len(text) > MAX_NOTE_CHARS:
        errors.add(
            "note",
            _("The text is %(count)s characters long; the limit is %(limit)s.")
            % {"count": len(text), "limit": MAX_NOTE_CHARS},
        )
    return status, number, text


def check_period(
    errors: Errors,
    *,
    item: Item,
    period: ReportingPeriod | None,
    update: ProgressUpdate | None,
    on: Any = None,
) -> None:
    from .periods import today

    if period is None:
        if ReportingPeriod.objects.filter(plan_id=item.plan_id).exists():
            errors.add("period", _("Choose the reporting period this report is for."))
        return
    if period.plan_id != item.plan_id:
        errors.add(
            "period", _("That reporting period belongs to another plan; choose one of this plan's.")
        )
        return
    if period.starts_on > (on or today()):
        errors.add(
            "period",
            _(
                "The period %(period)s has not started yet (it starts on %(date)s); report on "
                "a period that has started."
            )
            % {"period": period.label, "date": period.starts_on.isoformat()},
        )
        return
    if period.is_locked:
        errors.add(
            "period",
            _(
                "The period %(period)s is locked; a manager of the plan can open it again if "
                "a report must change."
            )
            % {"period": period.label},
        )
        return
    others = ProgressUpdate.objects.filter(item_id=item.pk, period=period, state__in=OPEN_STATES)
    if update is not None:
        others = others.exclude(pk=update.pk)
    other = others.first()
    if other is None:
        return
    if other.state == ProgressUpdate.State.SUBMITTED:
        message = _(
            "A report on %(period)s for this item is already waiting for approval; wait for the "
            "decision (a returned report can be corrected)."
        )
    else:
        message = _(
            "There is already an unfinished report on %(period)s for this item (%(state)s); "
            "open it and change it instead of writing another."
        )
    errors.add("period", message % {"period": period.label, "state": other.get_state_display()})


def _finite(number: float | None) -> bool:
    return number is not None and math.isfinite(number) and abs(number) <= MAX_ABS_VALUE


def _check_one(
    errors: Errors, row: MeasurementInput, indicator: Indicator, dimension_value: Any
) -> Measurement | None:
    key = measurement_key(indicator.pk, row.dimension_value_id)
    where = (
        indicator.title
        if dimension_value is None
        else f"{indicator.title} ({dimension_value.name})"
    )
    value, numerator, denominator = (
        _number(row.value),
        _number(row.numerator),
        _number(row.denominator),
    )
    note = (row.note or "").strip()
    if len(note) > MAX_MEASUREMENT_NOTE_CHARS:
        errors.add(
            key,
            _("%(indicator)s: the note is longer than %(limit)s characters.")
            % {"indicator": where, "limit": MAX_MEASUREMENT_NOTE_CHARS},
        )
    kind = indicator.kind
    params = {"indicator": where, "limit": f"{MAX_ABS_VALUE:.0e}"}
    if kind == Indicator.Kind.PERCENTAGE:
        if not _finite(numerator) or not _finite(denominator):
            errors.add(
                key,
                _("%(indicator)s: give both the numerator and the denominator, as numbers.")
                % params,
            )
            return None
        assert numerator is not None and denominator is not None
        if numerator < 0 or denominator <= 0:
            errors.add(
                key,
                _("%(indicator)s: the numerator must be 0 or more and the denominator more than 0.")
                % params,
            )
            return None
        if numerator > denominator:
            errors.add(
                key,
                _(
                    "%(indicator)s: the numerator is larger than the denominator, which would be "
                    "a share above 100 %%; the numerator counts part of the denominator."
                )
                % params,
            )
            return None
        value = 100 * numerator / denominator
    else:
        numerator = denominator = None
        if not _finite(value):
            if value is None:
                errors.add(
                    key, _("%(indicator)s: give a value, or leave the indicator out.") % params
                )
            else:
                errors.add(
                    key,
                    _("%(indicator)s: give a number (at most %(limit)s in size).") % params,
                )
            return None
        assert value is not None
        if kind == Indicator.Kind.QUALITATIVE:
            levels = len(indicator.scale or [])
            if value != int(value) or not 0 <= value < levels:
                errors.add(key, _("%(indicator)s: choose one of the scale's levels.") % params)
                return None
        elif kind == Indicator.Kind.YES_NO and value not in (0, 1):
            errors.add(key, _("%(indicator)s: answer yes or no.") % params)
            return None
        elif kind == Indicator.Kind.QUANTITATIVE and indicator.cumulative and value < 0:
            errors.add(
                key,
                _(
                    "%(indicator)s: this indicator adds up each period's value, so give what "
                    "was achieved in this period, 0 or more."
                )
                % params,
            )
            return None
    return Measurement(
        indicator=indicator,
        dimension_value_id=row.dimension_value_id,
        value=value,
        numerator=numerator,
        denominator=denominator,
        note=note,
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _check_sums(errors: Errors, indicator: Indicator, rows: list[Measurement]) -> None:
    """When the total and every value of a dimension are given, the values add up to it."""
    if indicator.kind not in (Indicator.Kind.QUANTITATIVE, Indicator.Kind.PERCENTAGE):
        return
    total = next((m for m in rows if m.dimension_value_id is None), None)
    if total is None:
        return
    given = {m.dimension_value_id: m for m in rows if m.dimension_value_id is not None}
    for dimension in indicator.dimensions.all():
        values = [v.pk for v in dimension.values.all()]
        if not values or not all(pk in given for pk in values):
            continue
        parts = [given[pk] for pk in values]
        if indicator.kind == Indicator.Kind.PERCENTAGE:
            sums = [
                (_("numerators"), sum(m.numerator or 0 for m in parts), total.numerator or 0),
                (_("denominators"), sum(m.denominator or 0 for m in parts), total.denominator or 0),
            ]
        else:
            sums = [(_("values"), sum(m.value or 0 for m in parts), total.value or 0)]
        for what, found, expected in sums:
            if not _close(found, expected):
                errors.add(
                    measurement_key(indicator.pk),
                    _(
                        "%(indicator)s: the %(what)s by %(dimension)s add up to %(sum)s, not the "
                        "total %(total)s. Correct the total or the values."
                    )
                    % {
                        "indicator": indicator.title,
                        "what": what,
                        "dimension": dimension.name,
                        "sum": f"{found:g}",
                        "total": f"{expected:g}",
                    },
                )


def check_measurements(
    errors: Errors, *, item: Item, measurements: Iterable[MeasurementInput]
) -> list[Measurement]:
    rows = list(measurements)
    if not rows:
        return []
    if len(rows) > MAX_MEASUREMENTS:
        errors.add(
            "measurements",
            _("A report holds at most %(limit)s values; this one has %(count)s.")
            % {"limit": MAX_MEASUREMENTS, "count": len(rows)},
        )
        return []
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(item_id=item.pk, measured=True).prefetch_related(
            "dimensions__values"
        )
    }
    result: dict[int, list[Measurement]] = {}
    seen: set[tuple[int, int | None]] = set()
    for row in rows:
        indicator = indicators.get(row.indicator_id)
        if indicator is None:
            errors.add(
                "measurements",
                _("Indicator %(id)s is not a measured indicator of item %(code)s.")
                % {"id": row.indicator_id, "code": item.code},
            )
            continue
        dimension_value = None
        if row.dimension_value_id is not None:
            allowed = {v.pk: v for d in indicator.dimensions.all() for v in d.values.all()}
            dimension_value = allowed.get(row.dimension_value_id)
            if dimension_value is None:
                errors.add(
                    measurement_key(indicator.pk),
                    _("%(indicator)s is not broken down by that value; leave it out.")
                    % {"indicator": indicator.title},
                )
                continue
        slot = (indicator.pk, row.dimension_value_id)
        if slot in seen:
            errors.add(
                measurement_key(*slot),
                _("%(indicator)s is given twice; give each value once.")
                % {"indicator": indicator.title},
            )
            continue
        seen.add(slot)
        checked = _check_one(errors, row, indicator, dimension_value)
        if checked is not None:
            result.setdefault(indicator.pk, []).append(checked)
    for indicator_id, checked_rows in result.items():
        _check_sums(errors, indicators[indicator_id], checked_rows)
    return [m for checked_rows in result.values() for m in checked_rows]


@dataclass
class Checked:
    status: str
    progress: float
    note: str
    measurements: list[Measurement]


def check(
    errors: Errors,
    *,
    item: Item,
    period: ReportingPeriod | None,
    status: Any,
    progress: Any,
    note: Any,
    measurements: Iterable[MeasurementInput],
    update: ProgressUpdate | None,
) -> Checked:
    status, number, text = check_fields(errors, status=status, progress=progress, note=note)
    check_period(errors, item=item, period=period, update=update)
    rows = check_measurements(errors, item=item, measurements=measurements)
    return Checked(status, number, text, rows)
