"""Indicator actuals: the roll-up of approved measurements, stored in ``IndicatorActual``.

The rules (issue 11; see /work/notes/issue11.md):

- Only approved data counts: measurements with ``approved`` set, of updates in the approved
  state. Drafts, submitted and returned updates never reach a figure.
- **Per period**, for each indicator, the measurements of the latest approved update of that
  period that measured the indicator count (latest by ``reviewed_at``, then by id): a later
  approved update for the same period is a correction and replaces the earlier one. An update
  that says nothing about this indicator leaves its figure as it was. Measurements without a
  period (reports made before the reporting calendar) are not rolled up.
- **Period total** = the total row if the update gave one; otherwise the sum over the first of
  the indicator's dimensions (in the dimensions' order) that has values in that update.
  Percentages sum their numerators and denominators separately and divide once. A qualitative
  or yes/no indicator is not summed: without a total row its period has no total.
- **Overall** (``period`` null): a cumulative quantitative or percentage indicator adds its
  period totals (Σ values; Σ numerators / Σ denominators), per dimension value too; any other
  indicator (not cumulative, qualitative, yes/no) takes the latest period's figure (by the
  period's start), per dimension value the latest period that has that value. Percentages are
  never averaged.
- ``source_updates`` lists the approved updates a figure came from, so a page can link every
  figure to them.

``indicator_actuals_recompute`` runs in a fixed number of queries per call (three reads, one
delete and the inserts), whatever the measurements of other indicators.

**Achievement** against a target (``achievement``): how far the actual has come from the
start towards the target, in per cent::

    achievement = (actual − start) / (target − start) × 100

where *start* is the baseline value for a non-cumulative indicator that has one, and 0 for a
cumulative one (its periods report what was done, which the baseline does not include) or when
no baseline is known. One formula serves both directions: for "lower is better" the target lies
below the start, and both differences are negative. It is not computed (None) when the target
equals the start or lies on the wrong side of it for the indicator's direction (a target above
the baseline of a "lower is better" indicator). ``met`` says whether the target is reached:
actual ≥ target (higher is better) or actual ≤ target (lower is better). A yes/no indicator
has reached its target when the answer equals it (100 %), otherwise 0 %.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .models import Indicator, IndicatorActual, IndicatorTarget, Measurement, ProgressUpdate

Kind = Indicator.Kind
SUMMED_KINDS = (Kind.QUANTITATIVE, Kind.PERCENTAGE)


@dataclass
class Figure:
    """One actual: the value (a percentage's is 100 × numerator / denominator) and, for a
    percentage, its parts; ``sources`` are the approved updates it came from."""

    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    sources: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    """A measurement as read for the roll-up."""

    period_id: int
    starts_on: date
    update_id: int
    reviewed_at: datetime | None
    dimension_value_id: int | None
    dimension_id: int | None
    dimension_order: tuple[int, str]
    value: float | None
    numerator: float | None
    denominator: float | None


def _ratio(numerator: float, denominator: float) -> float | None:
    return 100 * numerator / denominator if denominator > 0 else None


def _sum(rows: Iterable[Figure | _Row], kind: str, sources: list[int]) -> Figure | None:
    """Add figures (or rows): values, or numerators and denominators separately."""
    rows = list(rows)
    if kind == Kind.PERCENTAGE:
        whole = [r for r in rows if r.numerator is not None and r.denominator is not None]
        if not whole:
            return None
        numerator = math.fsum(r.numerator or 0 for r in whole)
        denominator = math.fsum(r.denominator or 0 for r in whole)
        return Figure(_ratio(numerator, denominator), numerator, denominator, sources)
    values = [r.value for r in rows if r.value is not None]
    if not values:
        return None
    return Figure(math.fsum(values), sources=sources)


def _single(row: _Row, kind: str) -> Figure | None:
    return _sum([row], kind, [row.update_id]) if kind in SUMMED_KINDS else _level(row)


def _level(row: _Row) -> Figure | None:
    return None if row.value is None else Figure(row.value, sources=[row.update_id])


def _period_total(rows: list[_Row], kind: str, dimensions: list[int]) -> Figure | None:
    """The period's total: the total row, else the first dimension with values, summed."""
    total = next((r for r in rows if r.dimension_value_id is None), None)
    if total is not None:
        return _single(total, kind)
    if kind not in SUMMED_KINDS:
        return None
    rank = {dimension_id: i for i, dimension_id in enumerate(dimensions)}
    broken = [r for r in rows if r.dimension_id is not None]
    if not broken:
        return None
    first = min(
        broken, key=lambda r: (rank.get(r.dimension_id or 0, len(rank)), r.dimension_order)
    ).dimension_id
    return _sum([r for r in broken if r.dimension_id == first], kind, [broken[0].update_id])


@dataclass
class _Computed:
    periods: dict[int, Figure] = field(default_factory=dict)
    period_values: dict[tuple[int, int], Figure] = field(default_factory=dict)
    overall: Figure | None = None
    overall_values: dict[int, Figure] = field(default_factory=dict)


def _latest_update_rows(rows: list[_Row]) -> dict[int, list[_Row]]:
    """{period id: the rows of the latest approved update of that period}."""
    by_period: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_period[row.period_id].append(row)
    chosen = {}
    for period_id, period_rows in by_period.items():
        latest = max(
            period_rows, key=lambda r: (r.reviewed_at is not None, r.reviewed_at, r.update_id)
        )
        chosen[period_id] = [r for r in period_rows if r.update_id == latest.update_id]
    return chosen


def _compute(rows: list[_Row], kind: str, cumulative: bool, dimensions: list[int]) -> _Computed:
    result = _Computed()
    chosen = _latest_update_rows(rows)
    # Oldest period first, so that "latest" below is the last one seen.
    order = sorted(chosen, key=lambda pk: (chosen[pk][0].starts_on, pk))
    for period_id in order:
        period_rows = chosen[period_id]
        total = _period_total(period_rows, kind, dimensions)
        if total is not None:
            result.periods[period_id] = total
        for row in period_rows:
            if row.dimension_value_id is not None:
                figure = _single(row, kind)
                if figure is not None:
                    result.period_values[(period_id, row.dimension_value_id)] = figure
    values = sorted({dv for _, dv in result.period_values})
    if cumulative and kind in SUMMED_KINDS:
        totals = [result.periods[pk] for pk in order if pk in result.periods]
        result.overall = _sum(totals, kind, _sources(totals))
        for dv in values:
            figures = [
                result.period_values[(pk, dv)] for pk in order if (pk, dv) in result.period_values
            ]
            overall = _sum(figures, kind, _sources(figures))
            if overall is not None:
                result.overall_values[dv] = overall
        return result
    latest = [pk for pk in order if pk in result.periods]
    if latest:
        result.overall = result.periods[latest[-1]]
    for dv in values:
        present = [pk for pk in order if (pk, dv) in result.period_values]
        result.overall_values[dv] = result.period_values[(present[-1], dv)]
    return result


def _sources(figures: list[Figure]) -> list[int]:
    return sorted({pk for figure in figures for pk in figure.sources})


def _read_rows(ids: list[int]) -> dict[int, list[_Row]]:
    rows: dict[int, list[_Row]] = defaultdict(list)
    measured = Measurement.objects.filter(
        indicator_id__in=ids,
        approved=True,
        update__state=ProgressUpdate.State.APPROVED,
        period__isnull=False,
    ).values_list(
        "indicator_id",
        "period_id",
        "period__starts_on",
        "update_id",
        "update__reviewed_at",
        "dimension_value_id",
        "dimension_value__dimension_id",
        "dimension_value__dimension__position",
        "dimension_value__dimension__name_en",
        "value",
        "numerator",
        "denominator",
    )
    for (
        indicator_id,
        period_id,
        starts_on,
        update_id,
        reviewed_at,
        dv,
        dimension_id,
        position,
        name,
        value,
        numerator,
        denominator,
    ) in measured.order_by():
        rows[indicator_id].append(
            _Row(
                period_id,
                starts_on,
                update_id,
                reviewed_at,
                dv,
                dimension_id,
                (position or 0, name or ""),
                value,
                numerator,
                denominator,
            )
        )
    return rows


def _dimension_orders(ids: list[int]) -> dict[int, list[int]]:
    through = Indicator.dimensions.through
    links = (
        through.objects.filter(indicator_id__in=ids)
        .order_by("dimension__position", "dimension__name_en", "dimension_id")
        .values_list("indicator_id", "dimension_id")
    )
    orders: dict[int, list[int]] = defaultdict(list)
    for indicator_id, dimension_id in links:
        orders[indicator_id].append(dimension_id)
    return orders


def _actual(indicator_id: int, period_id: int | None, dv: int | None, f: Figure) -> IndicatorActual:
    return IndicatorActual(
        indicator_id=indicator_id,
        period_id=period_id,
        dimension_value_id=dv,
        value=f.value,
        numerator=f.numerator,
        denominator=f.denominator,
        source_updates=f.sources,
    )


def indicator_actuals_recompute(*, indicator_ids: Iterable[int]) -> None:
    """Recompute and store the actuals of these indicators from their approved measurements.
    Called inside the approving transaction (and by the indicator services when a change
    alters how figures add up)."""
    ids = sorted({int(pk) for pk in indicator_ids})
    if not ids:
        return
    indicators = Indicator.objects.filter(pk__in=ids).order_by()
    kinds = {
        pk: (kind, cumulative)
        for pk, kind, cumulative in indicators.values_list("pk", "kind", "cumulative")
    }
    dimensions = _dimension_orders(ids)
    rows = _read_rows(ids)
    stored: list[IndicatorActual] = []
    for pk, (kind, cumulative) in kinds.items():
        computed = _compute(rows.get(pk, []), kind, cumulative, dimensions.get(pk, []))
        for period_id, figure in computed.periods.items():
            stored.append(_actual(pk, period_id, None, figure))
        for (period_id, dv), figure in computed.period_values.items():
            stored.append(_actual(pk, period_id, dv, figure))
        if computed.overall is not None:
            stored.append(_actual(pk, None, None, computed.overall))
        for dv, figure in computed.overall_values.items():
            stored.append(_actual(pk, None, dv, figure))
    IndicatorActual.objects.filter(indicator_id__in=ids).delete()
    IndicatorActual.objects.bulk_create(stored, batch_size=500)


# -- Reading -------------------------------------------------------------------------------


@dataclass
class IndicatorFigures:
    """An indicator's stored actuals, ready for a page: overall and per period, totals and
    per dimension value."""

    overall: Figure | None = None
    overall_values: dict[int, Figure] = field(default_factory=dict)
    periods: dict[int, Figure] = field(default_factory=dict)
    period_values: dict[tuple[int, int], Figure] = field(default_factory=dict)

    @property
    def sources(self) -> list[int]:
        """Every approved update that fed one of these figures."""
        figures = [
            *([self.overall] if self.overall else []),
            *self.overall_values.values(),
            *self.periods.values(),
            *self.period_values.values(),
        ]
        return _sources(figures)


def actuals_for(*, indicator_ids: Iterable[int]) -> dict[int, IndicatorFigures]:
    """{indicator id: its figures} for these indicators, in one query (indicators without
    approved data get empty figures)."""
    ids = list({int(pk) for pk in indicator_ids})
    result = {pk: IndicatorFigures() for pk in ids}
    if not ids:
        return result
    rows = IndicatorActual.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id",
        "period_id",
        "dimension_value_id",
        "value",
        "numerator",
        "denominator",
        "source_updates",
    )
    for pk, period_id, dv, value, numerator, denominator, sources in rows.order_by():
        figure = Figure(value, numerator, denominator, [int(s) for s in sources or []])
        figures = result[pk]
        if period_id is None and dv is None:
            figures.overall = figure
        elif period_id is None:
            figures.overall_values[dv] = figure
        elif dv is None:
            figures.periods[period_id] = figure
        else:
            figures.period_values[(period_id, dv)] = figure
    return result


def targets_for(*, indicator_ids: Iterable[int]) -> dict[int, dict[int, float]]:
    """{indicator id: {period id: target}} in one query."""
    ids = list({int(pk) for pk in indicator_ids})
    result: dict[int, dict[int, float]] = {pk: {} for pk in ids}
    if not ids:
        return result
    targets = IndicatorTarget.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id", "period_id", "value"
    )
    for pk, period_id, value in targets.order_by():
        result[pk][period_id] = value
    return result


# -- Achievement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Achievement:
    """How far an actual has come towards a target (the module docstring gives the formula)."""

    percent: float | None
    met: bool


def achievement(indicator: Any, actual: float | None, target: float | None) -> Achievement | None:
    """The actual against the target; None when either is unknown."""
    if actual is None or target is None:
        return None
    if indicator.kind == Kind.YES_NO:
        met = round(actual) == round(target)
        return Achievement(100.0 if met else 0.0, met)
    lower_is_better = indicator.direction == Indicator.Direction.DECREASE
    met = actual <= target if lower_is_better else actual >= target
    baseline = indicator.baseline_value
    start = 0.0 if indicator.cumulative or baseline is None else baseline
    distance = target - start
    if distance == 0 or (distance > 0) == lower_is_better:
        return Achievement(None, met)
    return Achievement((actual - start) / distance * 100, met)
