"""The plan page folds its activity lists so the structure shows first (issue 10).

Sections below the objectives start closed and each open section keeps its activities in a
``<details>`` of their own whose summary gives their number and statuses; "Show all"
(``?expand=all``, a plain link) renders every section open, with no JavaScript. Browser
tests measure the page (tests/browser/test_plan_layout.py).
"""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.plans.models import Item, Status


def _page(client, url: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_activities_are_folded_under_counts_and_show_all_opens_everything(client, vision):  # type: ignore[no-untyped-def]
    Item.objects.filter(plan=vision, code__in=["7.1.1", "7.1.2"]).update(status=Status.DELAYED)
    url = f"/en/plans/{vision.slug}/"
    folded_queries, folded = _page(client, url)
    expanded_queries, expanded = _page(client, url + "?expand=all")
    # The same queries either way
    assert folded_queries == expanded_queries
    # Folded: each objective's activities sit in a closed disclosure that says how many
    # there are and in which statuses; stages are closed too
    groups = re.findall(r'<details class="activity-group"( open)?><summary>(.*?)</summary>', folded)
    assert len(groups) == Item.objects.filter(plan=vision, kind="objective").count() == 5
    assert all(not is_open for is_open, _ in groups)
    first = groups[0][1]
    assert '<span class="activity-count">15 activities</span>' in first
    assert '<span class="status status-delayed">Delayed</span> 2' in first
    assert len(re.findall(r"<details open>", folded)) == 6  # the goal and its 5 objectives
    assert '<a href="?expand=all#tree-heading">Show all sections and activities</a>' in folded
    # Expected results (leaves) carry their code, as sections do in their summaries
    assert '<span class="kind">Expected result <span class="code">7.1.I.1</span></span>' in folded
    # Nothing is left out: every activity is in the page, folded
    tracked = Item.objects.filter(plan=vision, kind="activity").count()
    assert folded.count('<li class="activity">') == tracked == 116
    # Expanded: every disclosure open, and a link back
    assert "<details>" not in expanded
    assert '<details class="activity-group">' not in expanded
    assert expanded.count('<li class="activity">') == tracked
    assert f'<a href="/en/plans/{vision.slug}/#tree-heading">Show sections only</a>' in expanded


def test_a_plan_whose_sections_hold_activities_only(client, dice):  # type: ignore[no-untyped-def]
    # The DICE roadmap: areas hold activities and no subsections, so each area is the one
    # closed disclosure of its activities, its statuses in its summary (no second one inside)
    _, html = _page(client, f"/en/plans/{dice.slug}/")
    assert '<details class="activity-group"' not in html
    assert "<details open>" not in html
    summaries = re.findall(r"<details><summary>(.*?)</summary>", html)
    assert summaries
    assert all('<span class="status status-' in summary for summary in summaries)
    assert html.count('<li class="activity">') == dice.tracked_count


def test_an_unknown_expand_value_is_the_folded_page(client, vision):  # type: ignore[no-untyped-def]
    _, html = _page(client, f"/en/plans/{vision.slug}/?expand=%00nonsense")
    assert '<details class="activity-group">' in html
