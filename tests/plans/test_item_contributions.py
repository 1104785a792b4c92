"""Item pages above the activity level show what contributes to them (issue 10).

In Vision 2050 the expected results sit under stages and the activities under the objective,
so an expected result has no children: its page showed a title and nothing else. Now it shows
the activities of the nearest level that has some, with their statuses and progress, and that
level's roll-up; every structural page lists its parts with their progress and status counts.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.plans.generate import scaled_vision
from plantrack.plans.models import Item, Plan, Status
from plantrack.plans.rollup import plan_rollup
from plantrack.plans.services import plan_import

URL = "/en/plans/{slug}/items/{code}/"


def _get(client, slug: str, code: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL.format(slug=slug, code=code))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _codes(html: str) -> list[str]:
    return re.findall(r'<span class="visually-hidden">Activity </span>([^<]+)</a>', html)


def test_an_expected_result_shows_the_activities_that_work_towards_it(client, vision):  # type: ignore[no-untyped-def]
    # Given expected result 7.1.I.1, which has no items of its own
    result = Item.objects.get(plan=vision, code="7.1.I.1")
    assert result.kind == Item.Kind.EXPECTED_RESULT
    assert not result.children.exists()
    delayed = Item.objects.get(plan=vision, code="7.1.3")
    Item.objects.filter(pk=delayed.pk).update(status=Status.DELAYED, progress=20)
    # When its page is read
    _, html = _get(client, vision.slug, "7.1.I.1")
    # Then it lists every activity of objective 7.1, each with its status and progress
    objective = Item.objects.get(plan=vision, code="7.1")
    expected = list(
        Item.objects.filter(plan=vision, parent=objective, kind="activity")
        .order_by("path")
        .values_list("code", flat=True)
    )
    assert len(expected) == objective.tracked_count == 15
    assert _codes(html) == expected
    assert "What works towards it" in html
    assert "the activities of Armed forces 7.1" in html
    row = html[html.index(">7.1.3</a>") :]
    row = row[: row.index("</li>")]
    assert '<span class="status status-delayed">Delayed</span>' in row
    assert '<progress max="100" value="20"' in row
    # And the objective's roll-up: its number of activities and their statuses
    assert f"<dt>Activities</dt><dd>{objective.tracked_count}" in html
    assert 'aria-label="Items by status"' in html


def test_a_stage_lists_its_results_and_the_objectives_activities(client, vision):  # type: ignore[no-untyped-def]
    _, html = _get(client, vision.slug, "7.2.I")
    parts = html[html.index("<h2>Parts</h2>") :]
    for code in Item.objects.filter(plan=vision, parent__code="7.2.I").values_list(
        "code", flat=True
    ):
        assert f"{code}</span>" in parts
    assert len(_codes(html)) == Item.objects.get(plan=vision, code="7.2").tracked_count


def test_the_goal_lists_each_objective_with_its_progress_and_statuses(client, vision):  # type: ignore[no-untyped-def]
    Item.objects.filter(plan=vision, kind="activity").update(progress=40)
    plan_rollup(plan=vision)
    _, html = _get(client, vision.slug, "7")
    parts = html[html.index("<h2>Parts</h2>") :]
    for objective in Item.objects.filter(plan=vision, kind="objective"):
        entry = parts[parts.index(f"{objective.code}</span>") :]
        entry = entry[: entry.index("</li></ul>\n</div>")]
        assert f"{objective.tracked_count} activities" in entry
        assert '<progress max="100" value="40"' in entry
        assert '<span class="status status-not_started">Not started</span>' in entry
    # The goal has activities of its own below it, so no "works towards it" section
    assert "What works towards it" not in html


def test_an_activity_page_has_no_contributions_section(client, vision):  # type: ignore[no-untyped-def]
    _, html = _get(client, vision.slug, "7.1.1")
    assert "What works towards it" not in html


@pytest.fixture
def triple_vision(db) -> Plan:  # type: ignore[no-untyped-def]
    return plan_import(parsed=scaled_vision(3), system=True).plan


@pytest.mark.parametrize("code", ["7.1.I.1", "7.1.I", "7.1", "7"])
def test_structural_pages_cost_the_same_queries_with_three_times_the_activities(
    client, vision, triple_vision, code
):  # type: ignore[no-untyped-def]
    # Given Vision 2050 and a copy with three times its activities under every objective
    assert Item.objects.get(plan=triple_vision, code="7.1").tracked_count == 45
    # When the same page of each is read
    small, small_html = _get(client, vision.slug, code)
    big, big_html = _get(client, triple_vision.slug, code)
    # Then the bigger one costs no more queries, and shows more
    assert small == big
    if code != "7":
        assert len(_codes(big_html)) > len(_codes(small_html))
