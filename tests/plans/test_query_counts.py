"""Plan pages must not run more queries as plans grow (the Akvo RSR / Decidim failure)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.plans.generate import scaled_vision
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import plan_import


def _queries(client, url: str) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content


@pytest.fixture
def big_plan(db) -> Plan:  # type: ignore[no-untyped-def]
    plan = plan_import(parsed=scaled_vision(100), system=True).plan
    # Some delayed activities, so the page's "needs attention" list has rows to show.
    delayed = Item.objects.filter(plan=plan, kind="activity").order_by("path")[::400]
    Item.objects.filter(pk__in=[item.pk for item in delayed]).update(status="delayed")
    return plan


def test_the_vision_plan_page_and_its_100x_copy_use_the_same_number_of_queries(
    client, vision, big_plan
):  # type: ignore[no-untyped-def]
    # Given the seed plan and a generated plan with 100 times its activities
    assert Item.objects.filter(plan=big_plan, kind="activity").count() == 11600
    # When both plan pages are rendered
    small, _ = _queries(client, f"/en/plans/{vision.slug}/")
    big, content = _queries(client, f"/en/plans/{big_plan.slug}/")
    # Then they cost the same number of queries, and the big page stays small
    assert small == big
    assert len(content) < 400_000
    assert content.count(b'class="activity"') <= 500


def test_an_objective_page_of_the_big_plan_paginates_its_activities(client, big_plan):  # type: ignore[no-untyped-def]
    first, content = _queries(client, f"/en/plans/{big_plan.slug}/items/7.4/")
    later, _ = _queries(client, f"/en/plans/{big_plan.slug}/items/7.4/?page=20")
    assert first == later
    assert content.count(b'class="activity"') == 100
    assert b"Page 1 of 31" in content


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/plans/",
        "/en/organisations/",
        "/en/organisations/mddic/",
        "/en/search/?q=border",
        "/en/plans/dice-inclusive-digitalization-roadmap/items/1.4/",
        "/en/plans/vision-2050-goal-7/?status=not_started",
    ],
)
def test_public_pages_cost_the_same_queries_with_more_plans(db, client, url):  # type: ignore[no-untyped-def]
    before, _ = _queries(client, url)
    seed = Plan.objects.get(slug="dice-inclusive-digitalization-roadmap")
    from plantrack.plans.demo import SEED_DIR
    from plantrack.plans.generate import renamed
    from plantrack.plans.seedfiles import read_seed

    parsed = read_seed(SEED_DIR / "002_99bd07660585a0bf.txt")
    for n in range(3):
        plan_import(parsed=renamed(parsed, f"copy{n}"), system=True)
    assert seed.pk
    after, _ = _queries(client, url)
    assert before == after
