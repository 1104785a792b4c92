"""Who reports on which items in bulk, and which periods take reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from plantrack.lib.rules import has, signed_in
from plantrack.organisations.permissions import reporting_organisation_ids
from plantrack.plans.models import Item, Plan, Responsibility

from ..models import ProgressUpdate, ReportingPeriod

OPEN_STATES = (
    ProgressUpdate.State.DRAFT,
    ProgressUpdate.State.SUBMITTED,
    ProgressUpdate.State.RETURNED,
)


def bulk_items(user: Any, plan: Plan) -> QuerySet[Item]:
    """The items ``user`` reports on in bulk: all tracked live items of a plan they manage,
    else those their organisations are responsible for."""
    items = Item.objects.filter(plan=plan, kind__in=Item.TRACKED_KINDS, retired_at__isnull=True)
    if not has(user, "plans.change_plan", plan):
        mine = reporting_organisation_ids(user)
        items = items.filter(pk__in=_responsible_items(mine))
    return items.order_by("path")


def _responsible_items(organisation_ids: Iterable[int]) -> Any:

    return Responsibility.objects.filter(organisation_id__in=list(organisation_ids)).values(
        "item_id"
    )


def can_bulk(user: Any, plan: Plan) -> bool:
    """May open the plan's bulk page: its managers and the reporters of its items."""
    if not signed_in(user) or plan.is_retired:
        return False
    return has(user, "plans.change_plan", plan) or bulk_items(user, plan).exists()


def today() -> dt.date:
    return timezone.localdate()


def open_periods(plan: Plan, on: dt.date | None = None) -> list[ReportingPeriod]:
    """The periods that take reports: started and not locked, oldest first."""
    return list(
        ReportingPeriod.objects.filter(
            plan=plan, starts_on__lte=on or today(), locked_at__isnull=True
        ).order_by("starts_on")
    )


def default_period(periods: list[ReportingPeriod], on: dt.date | None = None) -> Any:
    """The period people report on now: the latest that has ended, else the current one."""
    ended = [p for p in periods if p.ends_on < (on or today())]
    return ended[-1] if ended else (periods[-1] if periods else None)
