"""An assessment indicator ↔ the plan items acting on it: linked by the plan's managers (or
assessors, for a published plan), shown on the item page, the framework page and the round
page; the item page pays one query for it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.assessments import services
from plantrack.assessments.models import AssessmentIndicator, IndicatorLink
from plantrack.history.models import Event
from plantrack.plans.models import Item

ITEM = "/en/plans/vision-2050-goal-7/items/7.1.1/"
LINKS = ITEM + "assessment-links/"


@pytest.fixture
def indicator(published) -> AssessmentIndicator:  # type: ignore[no-untyped-def]
    return AssessmentIndicator.objects.get(version=published.version, code="2.3")


def _link(client, published):  # type: ignore[no-untyped-def]
    return client.post(
        LINKS,
        {
            "add": "1",
            "framework": str(published.version.framework_id),
            "code": "2.3",
            "note": "Civilian control",
        },
    )


LINK = {"visitor": 302, "charlie": 403, "bob": 403, "alice": 302, "ada": 302, "site_admin": 302}


@pytest.mark.parametrize("who, status", LINK.items())
def test_linking_an_indicator_to_an_item_as_every_role(
    request, client, sign_in, published, vision, who, status
):  # type: ignore[no-untyped-def]
    if who != "visitor":
        sign_in(client, request.getfixturevalue(who))
    response = _link(client, published)
    assert response.status_code == status
    linked = IndicatorLink.objects.filter(item__plan=vision, item__code="7.1.1")
    assert linked.exists() == (who in ("alice", "ada", "site_admin"))
    if linked.exists():
        event = Event.objects.get(object_type="assessments.indicatorlink", action="added")
        assert event.item_id == linked.get().item_id and event.public


def test_the_link_shows_on_the_item_framework_and_round_pages(
    client, sign_in, published, indicator, alice, english
):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.1.1")
    services.indicator_link_add(indicator=indicator, item=item, by=alice, note="Civilian control")
    item_page = client.get(ITEM).content.decode()
    assert "Assessment indicators" in item_page and "Sample scorecard" in item_page
    assert "#indicator-2.3" in item_page
    framework_page = client.get(published.version.framework.get_absolute_url()).content.decode()
    assert "Plan items acting on it:" in framework_page and f"{ITEM}" in framework_page
    round_page = client.get(published.get_absolute_url()).content.decode()
    assert ITEM in round_page


def test_a_manager_of_another_plan_cannot_link_its_items(
    client, sign_in, published, alice, indicator
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)  # manages Vision 2050, not DICE
    response = client.post(
        "/en/plans/dice-inclusive-digitalization-roadmap/items/1.1/assessment-links/",
        {"add": "1", "framework": str(published.version.framework_id), "code": "2.3"},
    )
    assert response.status_code == 403
    assert not IndicatorLink.objects.exists()


def test_removing_a_link_through_the_page(client, sign_in, published, indicator, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.1.1")
    link = services.indicator_link_add(indicator=indicator, item=item, by=alice)
    other = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.1.2")
    elsewhere = services.indicator_link_add(indicator=indicator, item=other, by=alice)
    sign_in(client, alice)
    # Another item's link named on this item's page is not found (IDOR).
    assert client.post(LINKS, {"remove": str(elsewhere.pk)}).status_code == 404
    client.post(LINKS, {"remove": str(link.pk)})
    assert list(IndicatorLink.objects.all()) == [elsewhere]
    assert (
        Event.objects.filter(object_type="assessments.indicatorlink", action="removed").count() == 1
    )


def test_links_follow_the_indicator_into_a_new_version(published, indicator, alice):  # type: ignore[no-untyped-def]
    from plantrack.assessments.generate import sample_assessment
    from plantrack.assessments.importing import assessment_import

    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.1.1")
    services.indicator_link_add(indicator=indicator, item=item, by=alice)
    changed = sample_assessment(year=2024)
    changed.areas[0].indicators[0].title_en = "Reworded"
    version = assessment_import(parsed=changed, system=True).version
    assert IndicatorLink.objects.filter(
        indicator__version=version, indicator__code="2.3", item=item
    ).exists()
    from plantrack.assessments.selectors import item_links

    [shown] = item_links(item)
    assert shown.indicator.version == version


def test_the_item_page_pays_one_query_for_its_links_however_many(client, published, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.1.1")
    with CaptureQueriesContext(connection) as none:
        client.get(ITEM)
    for code in ("1.1", "2.3", "3.4", "5.6"):
        services.indicator_link_add(
            indicator=AssessmentIndicator.objects.get(version=published.version, code=code),
            item=item,
            by=alice,
        )
    with CaptureQueriesContext(connection) as four:
        page = client.get(ITEM)
    assert page.content.decode().count("#indicator-") == 4
    assert len(four.captured_queries) == len(none.captured_queries)
    link_queries = [q for q in four.captured_queries if "assessments_indicatorlink" in q["sql"]]
    assert len(link_queries) == 1
