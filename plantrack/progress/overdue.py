"""Which items' reports are late: one rule for the plan page, the organisation page, the
reporter's task list and the dashboards.

An item is overdue for a period when the period's due date has passed, the period is not
locked, the item is tracked, live and still open (not completed or cancelled), and it has no
submitted or approved update for that period (a draft or a returned update does not count).
A fixed number of queries, whatever the number of items or periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from plantrack.plans.models import Item, Status

from .models import ProgressUpdate, ReportingPeriod

CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)
COUNTED_STATES = (ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.APPROVED)


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
    ``items`` (any queryset of items: a plan's, an organisation's, a reporter's)."""
    candidates = list(
        items.filter(kind__in=Item.TRACKED_KINDS, retired_at__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .values_list("pk", "plan_id")
    )
    if not candidates:
        return {}
    periods = due_periods({plan_id for _, plan_id in candidates}, on)
    if not periods:
        return {}
    reported = set(
        ProgressUpdate.objects.filter(
            period__in=periods, state__in=COUNTED_STATES, item_id__in=[pk for pk, _ in candidates]
        ).values_list("item_id", "period_id")
    )
    by_plan: dict[int, list[ReportingPeriod]] = {}
    for period in periods:
        by_plan.setdefault(period.plan_id, []).append(period)
    result: dict[int, list[ReportingPeriod]] = {}
    for pk, plan_id in candidates:
        missing = [p for p in by_plan.get(plan_id, []) if (pk, p.pk) not in reported]
        if missing:
            result[pk] = missing
    return result
