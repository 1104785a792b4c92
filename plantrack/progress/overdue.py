"""Which items' reports are late: one rule for the plan page, the organisation page, the
reporter's task list and the dashboards.

An item is overdue for a period when the period's due date has passed, the period is not
locked, the item is tracked, live and still open (not completed or cancelled), and it has no
submitted or approved update for that period (a draft or a returned update does not count).
One query, whatever the number of items or periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from plantrack.plans.models import Item, Status

from .models import ProgressUpdate, ReportingPeriod

CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)
COUNTED_STATES = (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED)
# What overdue_items reads of each late period (all its columns; it is open, so unlocked).
PERIOD_FIELDS = ("id", "plan_id", "starts_on", "ends_on", "due_on", "frequency", "locked_at")


def today() -> dt.date:
    return timezone.localdate()


def due_periods(plan_ids: Iterable[int], on: dt.date | None = None) -> list[ReportingPeriod]:
    """The plans' periods whose reports are due and still open (not locked), oldest first."""
    return list(
        ReportingPeriod.objects.filter(
            plan_id__in=list(plan_ids), due_on__lt=on or today(), locked_at__isnull=True
        ).order_by("due_on", "pk")
    )


def overdue_items(
    items: QuerySet[Item], on: dt.date | None = None
) -> dict[int, list[ReportingPeriod]]:
    """{item id: the periods it is overdue for, oldest first} for the open tracked items of
    ``items`` (any queryset of items: a plan's, an organisation's, a reporter's).

    One query: the open items joined with their plans' due, unlocked periods, less the
    (item, period) pairs that have a counted update. Only the late pairs come back, so a
    plan of ten thousand items that mostly reported costs what its few late ones cost."""
    reported = ProgressUpdate.objects.filter(
        item_id=OuterRef("pk"), period_id=OuterRef("late_period"), state__in=COUNTED_STATES
    )
    # Both conditions on the periods in one filter(): one join, the same the values read.
    rows = (
        items.filter(kind__in=Item.TRACKED_KINDS, retired_at__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .filter(
            plan__reporting_periods__due_on__lt=on or today(),
            plan__reporting_periods__locked_at__isnull=True,
        )
        .annotate(late_period=F("plan__reporting_periods__pk"))
        .filter(~Exists(reported))
        .order_by()
        .values_list("pk", *(f"plan__reporting_periods__{name}" for name in PERIOD_FIELDS))
    )
    periods: dict[int, ReportingPeriod] = {}
    result: dict[int, list[ReportingPeriod]] = {}
    for pk, *values in rows:
        fields = dict(zip(PERIOD_FIELDS, values, strict=True))
        period = periods.get(fields["id"])
        if period is None:
            period = periods[fields["id"]] = ReportingPeriod(**fields)
        result.setdefault(pk, []).append(period)
    for late in result.values():
        late.sort(key=lambda period: (period.due_on, period.pk))
    return result
