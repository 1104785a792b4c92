"""Reads for the indicator pages, each in a fixed number of queries: the indicators of an
item page, an indicator's own page (targets against approved actuals per period, the
breakdown, and the approved updates behind every figure), the targets form, the set-up table.
Only approved data is read: the stored actuals (``actuals.py``) and approved updates."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from .actuals import Achievement, Figure, IndicatorFigures, achievement, actuals_for, targets_for
from .models import Dimension, DimensionValue, Indicator, ProgressUpdate, ReportingPeriod

# More sources than this under one figure are listed per period instead.
SOURCES_SHOWN = 5


@dataclass
class IndicatorRow:
    """An indicator on its item's page, with its overall approved actual."""

    indicator: Indicator
    overall: Figure | None = None
    achievement: Achievement | None = None


def item_indicators(indicators: list[Indicator]) -> list[IndicatorRow]:
    """The item page's indicators (already loaded, in order) with their overall actuals:
    one query, whatever their number."""
    measured = [i.pk for i in indicators if i.measured]
    figures = actuals_for(indicator_ids=measured) if measured else {}
    rows = []
    for indicator in indicators:
        overall = figures[indicator.pk].overall if indicator.pk in figures else None
        value = overall.value if overall else None
        rows.append(
            IndicatorRow(indicator, overall, achievement(indicator, value, indicator.end_target))
        )
    return rows


@dataclass
class Cell:
    """A figure with the approved updates it came from (its trace links), oldest first."""

    figure: Figure | None
    sources: list[ProgressUpdate] = field(default_factory=list)

    @property
    def many_sources(self) -> bool:
        return len(self.sources) > SOURCES_SHOWN


@dataclass
class PeriodRow:
    period: ReportingPeriod
    target: float | None
    actual: Cell
    achievement: Achievement | None


@dataclass
class BreakdownRow:
    value: DimensionValue
    cells: list[Cell]  # one per period of the breakdown table
    overall: Cell


@dataclass
class Breakdown:
    dimension: Dimension
    periods: list[ReportingPeriod]
    rows: list[BreakdownRow]


@dataclass
class IndicatorPage:
    indicator: Indicator
    overall: Cell
    overall_achievement: Achievement | None
    periods: list[PeriodRow]
    breakdowns: list[Breakdown]
    dimensions: list[Dimension]


class _Tracer:
    """Turns figures into cells with their updates, from one query of the updates."""

    def __init__(self, figures: IndicatorFigures) -> None:
        updates = ProgressUpdate.objects.filter(
            pk__in=figures.sources, state=ProgressUpdate.State.APPROVED
        ).only("pk", "reviewed_at", "period_id", "item_id")
        self.updates = {u.pk: u for u in updates}

    def cell(self, figure: Figure | None) -> Cell:
        if figure is None:
            return Cell(None)
        found = [self.updates[pk] for pk in figure.sources if pk in self.updates]
        found.sort(key=lambda u: (u.reviewed_at is None, u.reviewed_at, u.pk))
        return Cell(figure, found)


def indicator_page(*, indicator: Indicator) -> IndicatorPage:
    """Everything the indicator's page shows, in six queries."""
    dimensions = list(
        indicator.dimensions.prefetch_related(
            Prefetch("values", queryset=DimensionValue.objects.order_by("position", "name_en"))
        )
    )
    figures = actuals_for(indicator_ids=[indicator.pk])[indicator.pk]
    targets = targets_for(indicator_ids=[indicator.pk])[indicator.pk]
    wanted = set(targets) | set(figures.periods) | {pk for pk, _ in figures.period_values}
    periods = list(ReportingPeriod.objects.filter(pk__in=wanted, plan_id=indicator.item.plan_id))
    periods.sort(key=lambda p: p.starts_on)
    tracer = _Tracer(figures)
    rows = []
    for period in periods:
        actual = figures.periods.get(period.pk)
        target = targets.get(period.pk)
        rows.append(
            PeriodRow(
                period,
                target,
                tracer.cell(actual),
                achievement(indicator, _value(actual), target),
            )
        )
    return IndicatorPage(
        indicator=indicator,
        overall=tracer.cell(figures.overall),
        overall_achievement=achievement(indicator, _value(figures.overall), indicator.end_target),
        periods=rows,
        breakdowns=_breakdowns(dimensions, periods, figures, tracer),
        dimensions=dimensions,
    )


def _value(figure: Figure | None) -> float | None:
    return figure.value if figure else None


def _breakdowns(
    dimensions: list[Dimension],
    periods: list[ReportingPeriod],
    figures: IndicatorFigures,
    tracer: _Tracer,
) -> list[Breakdown]:
    """A table per dimension with figures: its values down, the periods with any of its
    values across, and the overall actual last."""
    result = []
    for dimension in dimensions:
        values = [v for v in dimension.values.all() if v.pk in figures.overall_values]
        if not values:
            continue
        ids = {v.pk for v in values}
        shown = [p for p in periods if any((p.pk, v) in figures.period_values for v in ids)]
        rows = [
            BreakdownRow(
                value,
                [tracer.cell(figures.period_values.get((p.pk, value.pk))) for p in shown],
                tracer.cell(figures.overall_values.get(value.pk)),
            )
            for value in values
        ]
        result.append(Breakdown(dimension, shown, rows))
    return result


def plan_periods(plan_id: int) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(plan_id=plan_id).order_by("starts_on"))
