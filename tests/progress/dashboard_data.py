"""Test data for the dashboards, written with the ORM as approval would leave it: approved
updates with approved measurements, the item's status and progress, the roll-up, and the
stored ``IndicatorActual`` rows (given here by hand, so the tests check figures we computed
ourselves). Unapproved updates carry marker texts and values that must never show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from plantrack.organisations.models import Organisation
from plantrack.plans.models import Item, Plan
from plantrack.plans.rollup import plan_rollup
from plantrack.progress.models import (
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Measurement,
    ProgressUpdate,
    ReportingPeriod,
)

SECRET_NOTES = {
    "draft": "DRAFT-NOTE-never-public",
    "submitted": "SUBMITTED-NOTE-never-public",
    "returned": "RETURNED-NOTE-never-public",
}
SECRET_VALUE = 987654.0


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def previous_quarter(start: dt.date) -> dt.date:
    return (
        dt.date(start.year - 1, 10, 1) if start.month == 1 else start.replace(month=start.month - 3)
    )


def quarters(plan: Plan, count: int) -> list[ReportingPeriod]:
    """``count`` quarters ending with the last full quarter before today, oldest first; each
    is due on its last day, so all of them are due."""
    starts = []
    start = quarter_start(timezone.localdate())
    for _ in range(count):
        start = previous_quarter(start)
        starts.append(start)
    periods = []
    for begin in reversed(starts):
        following = dt.date(begin.year + (begin.month == 10), (begin.month + 2) % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        periods.append(
            ReportingPeriod.objects.create(plan=plan, starts_on=begin, ends_on=end, due_on=end)
        )
    return periods


def indicator(item: Item, title: str, **fields: object) -> Indicator:
    position = item.indicators.count() + 1
    return Indicator.objects.create(
        item=item, position=position, title_en=title, measured=True, **fields
    )


def approved(
    item: Item,
    period: ReportingPeriod | None,
    *,
    status: str = "in_progress",
    progress: float = 50,
    note: str = "Work went on.",
    organisation: Organisation | None = None,
    values: dict[Indicator, float] | None = None,
    reviewed_at: dt.datetime | None = None,
) -> ProgressUpdate:
    """An approved update with its approved measurements; the item takes its figures."""
    now = reviewed_at or timezone.now()
    update = ProgressUpdate.objects.create(
        item=item,
        period=period,
        organisation=organisation,
        status=status,
        progress=progress,
        note=note,
        state=ProgressUpdate.State.APPROVED,
        submitted_at=now,
        reviewed_at=now,
    )
    Measurement.objects.bulk_create(
        Measurement(update=update, indicator=ind, period=period, value=value, approved=True)
        for ind, value in (values or {}).items()
    )
    Item.objects.filter(pk=item.pk).update(status=status, progress=progress)
    return update


def unapproved(item: Item, period: ReportingPeriod | None, ind: Indicator | None = None) -> None:
    """One draft, one submitted and one returned update, with marker notes and values."""
    for state, note in SECRET_NOTES.items():
        update = ProgressUpdate.objects.create(
            item=item, period=period, status="delayed", progress=3, note=note, state=state
        )
        if ind is not None:
            Measurement.objects.create(
                update=update, indicator=ind, period=period, value=SECRET_VALUE
            )


def actual(ind: Indicator, period: ReportingPeriod | None, value: float, **fields: object) -> None:
    IndicatorActual.objects.create(indicator=ind, period=period, value=value, **fields)


def target(ind: Indicator, period: ReportingPeriod, value: float) -> None:
    IndicatorTarget.objects.create(indicator=ind, period=period, value=value)


def rollup(plan: Plan) -> None:
    plan_rollup(plan=plan)
    plan.refresh_from_db()
