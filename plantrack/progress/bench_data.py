"""Progress data at scale for ``plantrack bench``: reporting periods, measured indicators
with targets, approved updates with disaggregated measurements, and the actuals approval
stores — written with bulk inserts (``executemany``), not through the services, so that a
million measurements take seconds. The figures follow the actuals rule (a period's total and
breakdowns are its approved update's; the overall figure of a cumulative indicator is their
sum, of another indicator the latest period's), so the pages show what they would after real
approvals. Only for the benchmark's own database."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from plantrack.plans.models import Item, Plan

from .models import (
    Dimension,
    DimensionValue,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Measurement,
    ProgressUpdate,
    ReportingPeriod,
)

PERIODS = 8  # quarters of history
OPEN_PERIODS = 2  # the latest quarters stay unlocked; older ones are locked, as after review
OVERDUE_EVERY = 20  # every 20th activity sent no report for the latest quarter
DIMENSIONS = ("sex", "age-group")  # each indicator's breakdown
BATCH = 20_000
INDICATOR_POSITION = 1000  # bench indicators stand after any imported ones

UPDATE_COLUMNS = (
    "item_id",
    "period_id",
    "status",
    "progress",
    "note",
    "state",
    "review_note",
    "created_at",
    "submitted_at",
    "reviewed_at",
    "version",
)
MEASUREMENT_COLUMNS = (
    "update_id",
    "indicator_id",
    "period_id",
    "dimension_value_id",
    "value",
    "note",
    "approved",
)
ACTUAL_COLUMNS = (
    "indicator_id",
    "period_id",
    "dimension_value_id",
    "value",
    "source_updates",
    "computed_at",
)


@dataclass
class Generated:
    measurements: int
    updates: int
    indicators: int
    actuals: int
    targets: int
    seconds: float


def _quarters(count: int, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """``count`` quarters ending with the last full one before ``today``, oldest first."""
    start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    result = []
    for _ in range(count):
        end = start - dt.timedelta(days=1)
        start = dt.date(end.year, end.month - 2, 1)
        result.append((start, end))
    return list(reversed(result))


def _insert(table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]]) -> int:
    """Insert ``rows`` in batches with one prepared statement; returns how many."""
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count = 0
    with connection.cursor() as cursor:
        while batch := list(islice(rows, BATCH)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _periods(plans: Sequence[Plan], today: dt.date) -> dict[int, list[ReportingPeriod]]:
    now = timezone.now()
    quarters = _quarters(PERIODS, today)
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            plan=plan,
            starts_on=start,
            ends_on=end,
            due_on=end + dt.timedelta(days=30),
            locked_at=now if n < PERIODS - OPEN_PERIODS else None,
        )
        for plan in plans
        for n, (start, end) in enumerate(quarters)
    )
    by_plan: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(plan__in=plans).order_by("starts_on"):
        by_plan.setdefault(period.plan_id, []).append(period)
    return by_plan


def _indicators(activities: list[Item], count: int) -> list[tuple[Indicator, Item]]:
    """``count`` measured indicators, handed round the activities in turn."""
    made = [
        Indicator(
            item=activities[n % len(activities)],
            position=INDICATOR_POSITION + n // len(activities),
            title_en=f"Bench indicator {n + 1}",
            title_mn=f"Туршилтын шалгуур үзүүлэлт {n + 1}",
            measured=True,
            unit="people",
            cumulative=n % 2 == 0,
            end_target=1000.0,
        )
        for n in range(count)
    ]
    Indicator.objects.bulk_create(made, batch_size=2000)
    created = list(
        Indicator.objects.filter(
            item__in=activities, position__gte=INDICATOR_POSITION
        ).select_related("item")
    )
    dimensions = list(Dimension.objects.filter(slug__in=DIMENSIONS))
    through = Indicator.dimensions.through
    through.objects.bulk_create(
        (through(indicator_id=i.pk, dimension_id=d.pk) for i in created for d in dimensions),
        batch_size=5000,
    )
    return [(i, i.item) for i in created]


def _interleaved(items: list[Item]) -> list[Item]:
    """The plans' items taken in turn, each plan at its own pace (a plan 100 times bigger
    gives 100 items for each of the other's), so indicators go to every plan alike."""
    by_plan: dict[int, list[Item]] = {}
    for item in items:
        by_plan.setdefault(item.plan_id, []).append(item)
    paced = [
        (n / len(members), item.plan_id, n, item)
        for members in by_plan.values()
        for n, item in enumerate(members)
    ]
    return [item for *_key, item in sorted(paced, key=lambda row: row[:3])]


def _reported(period: ReportingPeriod, n: int) -> Any:
    """When the ``n``-th activity's report on ``period`` was sent and approved: spread over
    the month after the period, as reports come in."""
    day = dt.datetime.combine(period.ends_on, dt.time(9), tzinfo=dt.UTC)
    return connection.ops.adapt_datetimefield_value(day + dt.timedelta(minutes=7 * n % 40_000))


def _split(total: int, parts: int, seed: int) -> list[int]:
    """``total`` in ``parts`` whole shares that add up to it."""
    weights = [(seed * (k + 3)) % 7 + 1 for k in range(parts)]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares


@transaction.atomic
def generate(*, plans: Sequence[Plan], measurements: int) -> Generated:
    """Fill ``plans`` with approved progress up to ``measurements`` approved measurements."""
    started = timezone.now()
    clock = dt.datetime.now()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(started)
    periods = _periods(plans, timezone.localdate())
    activities = _interleaved(
        list(
            Item.objects.filter(
                plan__in=plans, kind__in=Item.TRACKED_KINDS, retired_at__isnull=True
            ).order_by("plan_id", "path")
        )
    )
    values = list(
        DimensionValue.objects.filter(dimension__slug__in=DIMENSIONS).order_by(
            "dimension__position", "position"
        )
    )
    by_dimension: dict[int, list[DimensionValue]] = {}
    for value in values:
        by_dimension.setdefault(value.dimension_id, []).append(value)
    rows_per_report = 1 + len(values)
    # A few more than a full set needs: the overdue activities miss a quarter.
    wanted = math.ceil(measurements / (PERIODS * rows_per_report) * 1.06) + 1
    indicators = _indicators(activities, wanted)

    # One approved update per activity and quarter; every 20th activity skipped the latest.
    def skipped(n: int, k: int) -> bool:
        return k == PERIODS - 1 and n % OVERDUE_EVERY == 0

    updates = _insert(
        ProgressUpdate._meta.db_table,
        UPDATE_COLUMNS,
        (
            (
                item.pk,
                period.pk,
                "in_progress",
                float(10 + (k * 10 + n) % 80),
                f"Bench report for {period.starts_on.isoformat()}.",
                "approved",
                "",
                *[_reported(period, n)] * 3,
                1,
            )
            for n, item in enumerate(activities)
            for k, period in enumerate(periods[item.plan_id])
            if not skipped(n, k)
        ),
    )
    update_ids = {
        (item_id, period_id): pk
        for pk, item_id, period_id in ProgressUpdate.objects.filter(
            item__plan__in=plans, state=ProgressUpdate.State.APPROVED
        ).values_list("pk", "item_id", "period_id")
    }

    # Figures: a period's total, split by sex and by age group (each adding up to it).
    def figures(indicator: Indicator, k: int) -> list[tuple[int | None, float]]:
        total = 20 + (indicator.pk * 7 + k * 13) % 60
        rows: list[tuple[int | None, float]] = [(None, float(total))]
        for dimension_values in by_dimension.values():
            shares = _split(total, len(dimension_values), indicator.pk + k)
            rows += [(v.pk, float(s)) for v, s in zip(dimension_values, shares, strict=True)]
        return rows

    def walk() -> Iterator[tuple[Indicator, int, int, int, int | None, float]]:
        """(indicator, quarter index, period id, update id, dimension value id, value) of
        every measurement, in the order they are inserted."""
        for indicator, item in indicators:
            for k, period in enumerate(periods[item.plan_id]):
                update = update_ids.get((item.pk, period.pk))
                if update is not None:
                    for value_id, value in figures(indicator, k):
                        yield indicator, k, period.pk, update, value_id, value

    made = _insert(
        Measurement._meta.db_table,
        MEASUREMENT_COLUMNS,
        (
            (update, indicator.pk, period_id, value_id, value, "", True)
            for indicator, _k, period_id, update, value_id, value in islice(walk(), measurements)
        ),
    )

    def actual_rows() -> Iterator[tuple[Any, ...]]:
        """Each period's figures as they are, then the overall ones (summed for a cumulative
        indicator, else the latest period's), from exactly the measurements inserted."""
        current: Indicator | None = None
        overall: dict[int | None, float] = {}
        sources: list[int] = []

        def overall_rows() -> Iterator[tuple[Any, ...]]:
            if current is not None:
                source = ops.adapt_json_value(sources, None)
                for value_id, value in overall.items():
                    yield (current.pk, None, value_id, value, source, stamp)

        for indicator, _k, period_id, update, value_id, value in islice(walk(), measurements):
            if indicator is not current:
                yield from overall_rows()
                current, overall, sources = indicator, {}, []
            if not sources or sources[-1] != update:
                sources.append(update)
            yield (
                indicator.pk,
                period_id,
                value_id,
                value,
                ops.adapt_json_value([update], None),
                stamp,
            )
            overall[value_id] = (
                overall.get(value_id, 0.0) + value if indicator.cumulative else value
            )
        yield from overall_rows()

    actuals = _insert(
        IndicatorActual._meta.db_table,
        ACTUAL_COLUMNS,
        actual_rows(),
    )
    targets = _insert(
        IndicatorTarget._meta.db_table,
        ("indicator_id", "period_id", "value"),
        (
            (indicator.pk, period.pk, float(40 * (k + 1)))
            for indicator, item in indicators
            for k, period in enumerate(periods[item.plan_id])
        ),
    )
    seconds = (dt.datetime.now() - clock).total_seconds()
    return Generated(made, updates, len(indicators), actuals, targets, seconds)
