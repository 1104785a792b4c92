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
import time
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
    cpu_seconds: float  # this process's (SQLite writes in it; PostgreSQL in its server)


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


MEASUREMENT = (Measurement._meta.db_table, MEASUREMENT_COLUMNS)
ACTUAL = (IndicatorActual._meta.db_table, ACTUAL_COLUMNS)


class _Writer:
    """Rows for several tables, each written ``BATCH`` at a time with one statement."""

    def __init__(self) -> None:
        self.pending: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
        self.counts: dict[tuple[str, tuple[str, ...]], int] = {}

    def add(self, table: tuple[str, tuple[str, ...]], row: tuple[Any, ...]) -> None:
        rows = self.pending.setdefault(table, [])
        rows.append(row)
        if len(rows) >= BATCH:
            self._write(table)

    def _write(self, table: tuple[str, tuple[str, ...]]) -> None:
        rows = self.pending.pop(table, [])
        self.counts[table] = self.counts.get(table, 0) + _insert(*table, iter(rows))

    def flush(self) -> None:
        for table in list(self.pending):
            self._write(table)


def _json_list() -> Any:
    """How a list of ids goes into a JSON column: PostgreSQL takes its adapter; SQLite the
    text, written here without the JSON encoder (a million of them)."""
    if connection.vendor == "postgresql":
        return lambda ids: connection.ops.adapt_json_value(ids, None)
    return lambda ids: "[" + ", ".join(map(str, ids)) + "]"


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


def _roomy_cache() -> None:
    """SQLite: a page cache big enough for the indexes being filled (200 MB, this connection
    only), so that a million inserts do not reread index pages from disk."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -200000")


@transaction.atomic
def generate(*, plans: Sequence[Plan], measurements: int) -> Generated:
    """Fill ``plans`` with approved progress up to ``measurements`` approved measurements."""
    started = timezone.now()
    clock = dt.datetime.now()
    cpu_started = time.process_time()
    _roomy_cache()
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
    for dimension_value in values:
        by_dimension.setdefault(dimension_value.dimension_id, []).append(dimension_value)
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
    groups = [[v.pk for v in group] for group in by_dimension.values()]

    def figures(indicator_id: int, k: int) -> list[tuple[int | None, float]]:
        total = 20 + (indicator_id * 7 + k * 13) % 60
        rows: list[tuple[int | None, float]] = [(None, float(total))]
        for group in groups:
            shares = _split(total, len(group), indicator_id + k)
            rows += [(v, float(share)) for v, share in zip(group, shares, strict=True)]
        return rows

    # One pass writes each measurement and the actual it makes (a period's figures are its
    # one approved update's), then the indicator's overall figures: summed for a cumulative
    # indicator, else the latest period's; it stops at exactly ``measurements``.
    writer = _Writer()
    json_list = _json_list()
    period_ids = {plan_id: [p.pk for p in ps] for plan_id, ps in periods.items()}
    made = 0
    for indicator, item in indicators:
        if made >= measurements:
            break
        pk, cumulative = indicator.pk, indicator.cumulative
        overall: dict[int | None, float] = {}
        sources: list[int] = []
        for k, period_id in enumerate(period_ids[item.plan_id]):
            update = update_ids.get((item.pk, period_id))
            rows = figures(pk, k)[: measurements - made] if update is not None else []
            if not rows:
                continue
            made += len(rows)
            sources.append(update)  # type: ignore[arg-type]
            source = json_list([update])
            for value_id, value in rows:
                writer.add(MEASUREMENT, (update, pk, period_id, value_id, value, "", True))
                writer.add(ACTUAL, (pk, period_id, value_id, value, source, stamp))
                overall[value_id] = overall.get(value_id, 0.0) + value if cumulative else value
        source = json_list(sources)
        for value_id, value in overall.items():
            writer.add(ACTUAL, (pk, None, value_id, value, source, stamp))
    writer.flush()
    actuals = writer.counts[ACTUAL]
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
    cpu = time.process_time() - cpu_started
    return Generated(made, updates, len(indicators), actuals, targets, seconds, cpu)
