"""Public pages: everyone can read plans, items, organisations and search."""

from __future__ import annotations

import pytest

from plantrack.plans.models import Item


@pytest.mark.parametrize(
    "url",
    [
        "/mn/",
        "/en/plans/",
        "/en/plans/vision-2050-goal-7/",
        "/mn/plans/law-enforcement-cooperation-2015/",
        "/en/plans/dice-inclusive-digitalization-roadmap/items/1.4/",
        "/en/plans/vision-2050-goal-7/items/7.1.I/",
        "/en/organisations/",
        "/en/organisations/mddic/",
        "/en/search/?q=border",
        "/en/accounts/sign-in/",
    ],
)
def test_a_visitor_can_open_every_public_page(client, db, url):  # type: ignore[no-untyped-def]
    assert client.get(url).status_code == 200


def test_the_plan_page_shows_every_activity_with_status_and_progress_text(client, vision):  # type: ignore[no-untyped-def]
    content = client.get("/en/plans/vision-2050-goal-7/").content.decode()
    assert content.count('class="activity"') == 116
    assert "7.5.28" in content
    assert "Stage III" in content
    assert "no progress reported" in content


def test_the_plan_page_filters_activities_by_status_and_branch(client, vision):  # type: ignore[no-untyped-def]
    Item.objects.filter(plan=vision, code__in=["7.3.1", "7.1.2"]).update(status="delayed")
    content = client.get("/en/plans/vision-2050-goal-7/?status=delayed&within=7.3").content
    assert b"1 activity found" in content
    assert b"7.3.1" in content
    assert b"7.1.2<" not in content


def test_an_invalid_filter_value_is_explained_not_crashed(client, vision):  # type: ignore[no-untyped-def]
    response = client.get("/en/plans/vision-2050-goal-7/?status=nonsense")
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content


def test_an_unknown_plan_or_item_is_a_404(client, db):  # type: ignore[no-untyped-def]
    assert client.get("/en/plans/no-such-plan/").status_code == 404
    assert client.get("/en/plans/vision-2050-goal-7/items/9.9.9/").status_code == 404


def test_search_finds_items_by_word_prefix_in_latin_and_cyrillic(client, vision):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.2.8")
    item.title_mn = "Хилийн боомтуудыг өндөр хурдны шилэн кабелийн сүлжээнд холбох."
    item.save(update_fields=["title_mn"])
    assert b"7.2.8" in client.get("/en/search/?q=fiber optic").content
    assert b"7.2.8" in client.get("/en/search/?q=ХИЛИЙН боомт").content
    assert b"7.2.8" in client.get("/en/search/?q=хил").content
    assert b"0 results" in client.get("/en/search/?q=zzzqqq").content


def test_search_ignores_query_syntax_characters(client, db):  # type: ignore[no-untyped-def]
    for query in ['"', "border*", "a OR b", "NEAR(", "';--", "-", "::"]:
        assert client.get("/en/search/", {"q": query}).status_code == 200


def test_content_falls_back_to_the_language_that_exists(client, vision):  # type: ignore[no-untyped-def]
    content = client.get("/mn/plans/vision-2050-goal-7/items/7.1.1/").content.decode()
    assert "military-patriotic education" in content
    assert 'lang="en"' in content


def test_structural_labels_of_english_seeds_show_in_mongolian(client, vision, dice):  # type: ignore[no-untyped-def]
    assert Item.objects.get(plan=vision, code="7.1.II").label_mn == "II-р үе шат"
    assert Item.objects.get(plan=dice, code="4").label_mn == "Дэмжих чиглэл 1"
    content = client.get("/mn/plans/vision-2050-goal-7/").content.decode()
    assert "Зэвсэгт хүчин" in content
    assert "III-р үе шат" in content
