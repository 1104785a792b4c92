"""The overdue rule read in one query gives what the rule says, item by item and period by
period, for a plan's, an organisation's or any other set of items."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plantrack.plans.models import Item
from plantrack.progress.models import ProgressUpdate, ReportingPeriod
from plantrack.progress.overdue import overdue_items

from . import dashboard_data as data


def _by_the_rule(items: list[Item], periods: list[ReportingPeriod], updates, on):  # type: ignore[no-untyped-def]
    """The rule written out plainly, pair by pair."""
    counted = {(u.item_id, u.period_id) for u in updates if u.state in ("submitted", "approved")}
    result = {}
    for item in items:
        if item.kind not in Item.TRACKED_KINDS or item.retired_at is not None:
            continue
        if item.status in ("completed", "cancelled"):
            continue
        late = [
            p
            for p in periods
            if p.plan_id == item.plan_id
            and p.due_on < on
            and p.locked_at is None
            and (item.pk, p.pk) not in counted
        ]
        if late:
            result[item.pk] = sorted((p.due_on, p.pk) for p in late)
    return result


def test_one_query_finds_exactly_the_late_pairs_the_rule_names(vision, dice):  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    periods = data.quarters(vision, 4) + data.quarters(dice, 3)
    periods[1].locked_at = timezone.now()
    periods[1].save()
    # A period not due yet: it ends today and is due in a month
    today = timezone.localdate()
    ReportingPeriod.objects.create(
        plan=vision,
        starts_on=today.replace(day=1),
        ends_on=today,
        due_on=today + dt.timedelta(days=30),
    )
    items = list(Item.objects.filter(plan__in=[vision, dice]))
    for item in items:
        roll = rng.random()
        if roll < 0.1:
            item.status = "completed"
        elif roll < 0.15:
            item.status = "cancelled"
        elif roll < 0.2:
            item.retired_at = timezone.now()
    Item.objects.bulk_update(items, ["status", "retired_at"])
    tracked = [i for i in items if i.is_tracked]
    states = ["draft", "submitted", "approved", "returned"]
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            item=item,
            period=period,
            status="in_progress",
            progress=1,
            note="x",
            state=rng.choice(states),
        )
        for item in tracked
        for period in periods
        if period.plan_id == item.plan_id and rng.random() < 0.6
    )
    all_periods = list(ReportingPeriod.objects.all())
    updates = list(ProgressUpdate.objects.all())
    for queryset in (
        Item.objects.filter(plan=vision),
        Item.objects.filter(plan__in=[vision, dice]),
        Item.objects.filter(pk__in=[i.pk for i in items[::7]]),
    ):
        chosen = list(queryset)
        with CaptureQueriesContext(connection) as queries:
            late = overdue_items(queryset)
        assert len(queries.captured_queries) == 1
        expected = _by_the_rule(chosen, all_periods, updates, today)
        assert expected  # the data has late items
        assert {pk: [(p.due_on, p.pk) for p in ps] for pk, ps in late.items()} == expected
    # The periods come back whole: their labels, due dates and plans
    some = next(iter(overdue_items(Item.objects.filter(plan=dice)).values()))
    stored = ReportingPeriod.objects.get(pk=some[0].pk)
    assert (some[0].label, some[0].due_on, some[0].plan_id) == (
        stored.label,
        stored.due_on,
        dice.pk,
    )


def test_an_item_with_a_submitted_or_approved_report_is_not_late_but_a_returned_one_is(vision):  # type: ignore[no-untyped-def]
    (quarter,) = data.quarters(vision, 1)
    a, b, c, d = Item.objects.filter(plan=vision, kind="activity").order_by("path")[:4]
    for item, state in ((a, "submitted"), (b, "approved"), (c, "returned"), (d, "draft")):
        ProgressUpdate.objects.create(
            item=item, period=quarter, status="in_progress", progress=5, note="x", state=state
        )
    late = overdue_items(Item.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk]))
    assert set(late) == {c.pk, d.pk}
    assert overdue_items(Item.objects.none()) == {}
