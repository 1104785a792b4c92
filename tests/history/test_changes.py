"""The plan's "what changed since" view: grouped by top-level branch with counts, the plan's
own events apart, a date form that says what is wrong, and constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from plantrack.history.models import Event
from plantrack.history.selectors import CHANGES_LIMIT, plan_changes
from plantrack.history.services import Entry, append
from plantrack.plans.models import Item


def _about(item: Item) -> dict:  # type: ignore[type-arg]
    return {
        "object_type": "plans.item",
        "object_id": str(item.pk),
        "label": item.code,
        "plan_id": item.plan_id,
        "item_id": item.pk,
    }


def _append(count: int, about: dict, by=None, reason: str = "why") -> None:  # type: ignore[no-untyped-def,type-arg]
    entries = [
        Entry(action="changed", changes={"weight": [n, n + 1]}, reason=f"{reason} {n}", **about)
        for n in range(count)
    ]
    with transaction.atomic():
        append(entries, by=by)


@pytest.fixture
def branches(vision):  # type: ignore[no-untyped-def]
    # Vision 2050 has one goal (7) at the top: its objectives (7.1, 7.2 …) are the branches.
    assert Item.objects.filter(plan=vision, depth=1).count() == 1
    roots = list(Item.objects.filter(plan=vision, depth=2).order_by("path")[:2])
    deep = [
        Item.objects.filter(plan=vision, path__startswith=root.path + ".")
        .order_by("-depth")
        .first()
        for root in roots
    ]
    return roots, deep


def test_changes_are_grouped_by_top_level_branch_with_counts(vision, alice, branches):  # type: ignore[no-untyped-def]
    roots, deep = branches
    # The seed plans' import events are from today too: count only what this test adds.
    since = timezone.now() - datetime.timedelta(milliseconds=5)
    _append(2, _about(deep[1]), by=alice, reason="second branch")
    _append(3, _about(deep[0]), by=alice, reason="first branch")
    _append(1, _about(roots[0]), by=alice, reason="the root itself")
    goal = Item.objects.get(plan=vision, depth=1)
    _append(1, _about(goal), by=alice, reason="the goal")
    _append(
        1,
        {"object_type": "plans.plan", "object_id": str(vision.pk), "plan_id": vision.pk},
        by=alice,
        reason="plan level",
    )
    changes = plan_changes(plan=vision, user=None, since=since)
    assert [g.branch for g in changes.groups] == [None, goal, roots[0], roots[1]]
    assert [g.count for g in changes.groups] == [1, 1, 4, 2]
    assert changes.total == changes.shown == 8
    assert [e.reason for e in changes.groups[2].events] == [
        "the root itself 0",
        "first branch 2",
        "first branch 1",
        "first branch 0",
    ]
    with translation.override("en"):
        html = Client().get(f"/en/plans/{vision.slug}/changes/").content.decode()
    assert "The plan as a whole" in html and "changes since" in html
    assert html.index("plan level 0") < html.index("first branch 2") < html.index("second branch 1")
    assert "Alice" in html and '<th scope="row">weight</th>' in html


def test_the_date_limits_what_is_shown(vision, alice, branches):  # type: ignore[no-untyped-def]
    _append(1, _about(branches[1][0]), by=alice, reason="today")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    # Nothing since a date in the future: refused on the field instead.
    response = Client().get(f"/en/plans/{vision.slug}/changes/?since={tomorrow.isoformat()}")
    assert response.status_code == 200 and "today 0" not in response.content.decode()
    today = timezone.localdate().isoformat()
    assert (
        "today 0"
        in Client().get(f"/en/plans/{vision.slug}/changes/?since={today}").content.decode()
    )


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "1899-01-01", "٢٠٢٦-٠١-٠١", "9" * 40])
def test_a_bad_date_is_an_error_on_the_field_not_a_500(vision, bad):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        response = Client().get(f"/en/plans/{vision.slug}/changes/", {"since": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html and 'href="#id_since"' in html
    assert 'aria-invalid="true"' in html or "id_since_errors" in html


def test_without_a_date_the_last_90_days_are_shown(vision, alice, branches):  # type: ignore[no-untyped-def]
    _append(1, _about(branches[1][0]), by=alice, reason="recent")
    with translation.override("en"):
        html = Client().get(f"/en/plans/{vision.slug}/changes/").content.decode()
    default = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    assert f'value="{default}"' in html and "recent 0" in html


def test_private_and_draft_changes_follow_the_visibility_rule(vision, alice, branches, sign_in):  # type: ignore[no-untyped-def]
    about = _about(branches[1][0])
    with transaction.atomic():
        append([Entry(action="submitted", reason="not yet public", public=False, **about)])
    url = f"/en/plans/{vision.slug}/changes/"
    assert "not yet public" not in Client().get(url).content.decode()
    assert "not yet public" in sign_in(Client(), alice).get(url).content.decode()


def test_the_changes_view_takes_the_same_queries_for_1000_events(vision, alice, branches):  # type: ignore[no-untyped-def]
    _roots, deep = branches
    _append(3, _about(deep[0]), by=alice)
    url = f"/en/plans/{vision.slug}/changes/"
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _append(600, _about(deep[0]), by=alice)
    _append(400, _about(deep[1]), by=alice)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    html = response.content.decode()
    assert html.count('class="history-event"') == CHANGES_LIMIT
    with translation.override("en"):
        html = client.get(url).content.decode()
    total = Event.objects.filter(plan_id=vision.pk).count()
    assert f"Showing the newest {CHANGES_LIMIT} of {total}" in html
