"""Test data for indicators and their actuals, built with the ORM (the workflow services are
tested on their own): reporting periods, approved updates with measurements."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from django.utils import timezone

from plantrack.plans.models import Item, Plan
from plantrack.progress.models import (
    Dimension,
    DimensionValue,
    Indicator,
    Measurement,
    ProgressUpdate,
    ReportingPeriod,
)

_clock = count(1)


def quarter(plan: Plan, year: int, q: int) -> ReportingPeriod:
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)) - dt.timedelta(days=1)
    period, _ = ReportingPeriod.objects.get_or_create(
        plan=plan, starts_on=start, defaults={"ends_on": end, "due_on": end + dt.timedelta(30)}
    )
    return period


def indicator(item: Item, *, dimensions: tuple[str, ...] = (), **values: Any) -> Indicator:
    position = (
        item.indicators.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    made = Indicator.objects.create(
        item=item,
        position=position,
        title_en=values.pop("title_en", "People trained"),
        measured=True,
        **values,
    )
    made.dimensions.set(Dimension.objects.filter(slug__in=dimensions))
    return made


def value_of(slug: str) -> DimensionValue:
    return DimensionValue.objects.get(slug=slug)


def report(
    item: Item,
    period: ReportingPeriod,
    rows: list[tuple[Indicator, str | None, dict[str, float]]],
    *,
    state: str = ProgressUpdate.State.APPROVED,
    reviewed_at: dt.datetime | None = None,
) -> ProgressUpdate:
    """An update of ``item`` for ``period`` in ``state`` with measurements: (indicator,
    dimension value slug or None for the total, {"value": …} or {"numerator": …,
    "denominator": …})."""
    approved = state == ProgressUpdate.State.APPROVED
    if approved and reviewed_at is None:
        # Each approval later than the one before, as in real use.
        reviewed_at = timezone.now() + dt.timedelta(minutes=next(_clock))
    update = ProgressUpdate.objects.create(
        item=item,
        period=period,
        status="in_progress",
        progress=10,
        note="Reported.",
        state=state,
        reviewed_at=reviewed_at,
    )
    measurements = []
    for target, slug, figures in rows:
        numbers = dict(figures)
        if "numerator" in numbers and "value" not in numbers:
            numbers["value"] = 100 * numbers["numerator"] / numbers["denominator"]
        measurements.append(
            Measurement(
                update=update,
                indicator=target,
                period=period,
                dimension_value=value_of(slug) if slug else None,
                approved=approved,
                **numbers,
            )
        )
    Measurement.objects.bulk_create(measurements)
    return update
