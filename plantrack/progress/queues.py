"""Work queues: "My reporting" for an agency's reporters and "To review" for plan managers;
their counts in the header and the page staff land on after signing in (``accounts.work``).

Each reads in a fixed number of queries, whatever the number of items, periods or updates.
Late is decided by ``overdue.overdue_items`` alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from plantrack.accounts import work
from plantrack.accounts.permissions import PLAN_MANAGERS, in_group
from plantrack.lib.rules import signed_in
from plantrack.organisations.models import Organisation
from plantrack.organisations.permissions import reporting_organisation_ids
from plantrack.plans.models import Item, Responsibility
from plantrack.plans.permissions import hidden_plans, managed_plans

from .models import ProgressUpdate, ReportingPeriod
from .overdue import CLOSED_STATUSES, overdue_items, today

State = ProgressUpdate.State
OPEN_STATES = (State.DRAFT, State.RETURNED, State.SUBMITTED)
REVIEW_PER_PAGE = 50
ITEM_FIELDS = (
    "pk",
    "code",
    "kind",
    "status",
    "progress",
    "path",
    "title_en",
    "title_mn",
    "translations",
    "plan__slug",
    "plan__short_name",
    "plan__title_en",
    "plan__title_mn",
    "plan__short_title_en",
    "plan__short_title_mn",
    "plan__translations",
)


@dataclass
class Task:
    """One item to report on for one period, with the update already begun, if any."""

    item: Item
    period: ReportingPeriod | None = None
    update: ProgressUpdate | None = None
    late: list[ReportingPeriod] = field(default_factory=list)  # overdue: every late period

    @property
    def report_url(self) -> str:
        url = reverse("progress:report", args=[self.item.plan.slug, self.item.code])
        return f"{url}?period={self.period.pk}" if self.period is not None else url


@dataclass
class MyReporting:
    organisations: list[Organisation] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    returned: list[Task] = field(default_factory=list)
    drafts: list[Task] = field(default_factory=list)
    due: list[Task] = field(default_factory=list)
    submitted: list[Task] = field(default_factory=list)
    done: list[Task] = field(default_factory=list)
    other: list[Item] = field(default_factory=list)  # nothing due, nothing open

    @property
    def plans(self) -> list[Any]:
        """The plans of the listed items (already loaded with them), for the spreadsheet links."""
        found: dict[int, Any] = {}
        for group in (
            self.overdue,
            self.returned,
            self.drafts,
            self.due,
            self.submitted,
            self.done,
        ):
            for task in group:
                found.setdefault(task.item.plan_id, task.item.plan)
        for item in self.other:
            found.setdefault(item.plan_id, item.plan)
        return list(found.values())

    @property
    def needs_action(self) -> int:
        """Late or sent back: the number shown in the header."""
        return len(self.overdue) + len(self.returned)


def reporter_items(user: Any, organisation_ids: Iterable[int]) -> QuerySet[Item]:
    """The live tracked items of live plans that ``user``'s organisations are responsible
    for (any role), in plans ``user`` may see."""
    items = Item.objects.filter(
        pk__in=Responsibility.objects.filter(organisation_id__in=list(organisation_ids)).values(
            "item_id"
        ),
        kind__in=Item.TRACKED_KINDS,
        retired_at__isnull=True,
        plan__retired_at__isnull=True,
    )
    hidden = hidden_plans(user)
    return items.exclude(plan__in=hidden) if hidden is not None else items


def _reporter_updates(user: Any, organisation_ids: set[int]) -> QuerySet[ProgressUpdate]:
    """Updates a reporter sees before approval: their organisations' and their own."""
    return ProgressUpdate.objects.filter(Q(organisation_id__in=organisation_ids) | Q(author=user))


def my_reporting(*, user: Any, on: dt.date | None = None) -> MyReporting:
    """A reporter's items, grouped; each (item, period) in one group, the first that fits:
    overdue (``overdue_items``), returned, draft, due now (a period that has started, is
    open and not yet due, with nothing sent), submitted (waiting for review) and done
    (approved for the plan's latest period that has started)."""
    on = on or today()
    organisation_ids = reporting_organisation_ids(user)
    if not organisation_ids:
        return MyReporting()
    result = MyReporting(
        organisations=list(
            Organisation.objects.filter(pk__in=organisation_ids).order_by("name_en", "name_mn")
        )
    )
    scope = reporter_items(user, organisation_ids)
    items = list(scope.select_related("plan").only(*ITEM_FIELDS).order_by("plan__slug", "path"))
    if not items:
        return result
    late = overdue_items(scope, on=on)
    periods = list(
        ReportingPeriod.objects.filter(
            plan_id__in={item.plan_id for item in items}, starts_on__lte=on
        ).order_by("plan_id", "starts_on")
    )
    latest: dict[int, ReportingPeriod] = {}
    open_now: dict[int, list[ReportingPeriod]] = {}
    for period in periods:
        latest[period.plan_id] = period  # ordered by start: the last one wins
        if period.due_on >= on and period.locked_at is None:
            open_now.setdefault(period.plan_id, []).append(period)
    watched = {p.pk for p in latest.values()} | {p.pk for ps in open_now.values() for p in ps}
    updates = list(
        _reporter_updates(user, organisation_ids)
        .filter(item__in=scope.values("pk"))
        .filter(Q(state__in=OPEN_STATES) | Q(state=State.APPROVED, period_id__in=watched))
        .select_related("period", "author")
        .order_by("created_at", "pk")
    )
    _group(result, items, late, latest, open_now, updates)
    return result


def _group(
    result: MyReporting,
    items: list[Item],
    late: dict[int, list[ReportingPeriod]],
    latest: dict[int, ReportingPeriod],
    open_now: dict[int, list[ReportingPeriod]],
    updates: list[ProgressUpdate],
) -> None:
    by_item: dict[int, list[ProgressUpdate]] = {}
    for update in updates:
        by_item.setdefault(update.item_id, []).append(update)
    for item in items:
        mine = by_item.get(item.pk, [])
        # The open update of each period (one per item and period; the newest if not).
        open_by_period = {u.period_id: u for u in mine if u.state in OPEN_STATES}
        approved = {u.period_id for u in mine if u.state == State.APPROVED}
        placed: set[int | None] = set()
        late_periods = late.get(item.pk, [])
        if late_periods:
            first = late_periods[0]
            result.overdue.append(
                Task(item, first, open_by_period.get(first.pk), late=late_periods)
            )
            placed |= {p.pk for p in late_periods}
        for period_id, update in open_by_period.items():
            if period_id in placed:
                continue
            placed.add(period_id)
            group = {
                State.RETURNED: result.returned,
                State.DRAFT: result.drafts,
                State.SUBMITTED: result.submitted,
            }[State(update.state)]
            group.append(Task(item, update.period, update))
        closed = item.status in CLOSED_STATUSES
        for period in open_now.get(item.plan_id, []):
            if not closed and period.pk not in placed and period.pk not in approved:
                result.due.append(Task(item, period))
                placed.add(period.pk)
        final = latest.get(item.plan_id)
        if final is not None and final.pk in approved:
            result.done.append(Task(item, final))
        elif not placed:
            result.other.append(item)
    result.overdue.sort(key=lambda t: (t.late[0].due_on, t.item.plan.slug, t.item.path))
    result.returned.sort(key=lambda t: _when(t.update, "reviewed_at"))
    result.drafts.sort(key=lambda t: _when(t.update, "created_at"))
    result.due.sort(key=lambda t: t.period.due_on if t.period else dt.date.max)
    result.submitted.sort(key=lambda t: _when(t.update, "submitted_at"))


def _when(update: ProgressUpdate | None, name: str) -> Any:
    value = getattr(update, name, None) if update is not None else None
    return (value is None, value or 0, update.pk if update is not None else 0)


def reporter_needs_action(user: Any) -> int | None:
    """For the header: how many (item, period) pairs of a reporter's are late or sent back,
    counted as "My reporting" groups them; None for someone who reports for nobody."""
    organisation_ids = reporting_organisation_ids(user)
    if not organisation_ids:
        return None
    scope = reporter_items(user, organisation_ids)
    late = overdue_items(scope)
    pairs = {(pk, period.pk) for pk, periods in late.items() for period in periods}
    returned = (
        _reporter_updates(user, organisation_ids)
        .filter(item__in=scope.values("pk"), state=State.RETURNED)
        .values_list("item_id", "period_id")
    )
    # An overdue item is one task, whatever the number of its late periods.
    late_items = set(late)
    return len(late_items) + sum(
        1 for pk, period_id in set(returned) if pk not in late_items or (pk, period_id) not in pairs
    )


# To review -----------------------------------------------------------------------------


def is_reviewer(user: Any) -> bool:
    return signed_in(user) and (user.is_superuser or in_group(user, PLAN_MANAGERS))


def review_queue(user: Any) -> QuerySet[ProgressUpdate]:
    """Submitted updates on the plans ``user`` manages (all plans: a site administrator),
    oldest first; not their own, which another manager reviews."""
    if not is_reviewer(user):
        return ProgressUpdate.objects.none()
    return (
        ProgressUpdate.objects.filter(state=State.SUBMITTED, item__plan__in=managed_plans(user))
        .exclude(author=user)
        .annotate(sent_at=Coalesce("submitted_at", "created_at"))
        .order_by("sent_at", "pk")
    )


def to_review(*, user: Any, page: int) -> Page[Any]:
    """One page of ``review_queue`` with what the table shows (two queries)."""
    updates = review_queue(user).select_related(
        "item", "item__plan", "organisation", "period", "author"
    )
    return Paginator(updates, REVIEW_PER_PAGE).get_page(page)


# The work queues of the header and the sign-in landing -------------------------------------


@work.register("progress.reporting")
def _reporting_queue(user: Any) -> list[work.WorkQueue]:
    waiting = reporter_needs_action(user)
    if waiting is None:
        return []
    return [work.WorkQueue("reporting", _("My reporting"), reverse("queues:reporting"), waiting)]


@work.register("progress.review")
def _review_queue(user: Any) -> list[work.WorkQueue]:
    if not is_reviewer(user):
        return []
    waiting = review_queue(user).count()
    return [work.WorkQueue("review", _("To review"), reverse("queues:review"), waiting)]
