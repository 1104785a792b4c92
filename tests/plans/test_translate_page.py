"""The translate page: items side by side, saved page by page through one service."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.history.models import Event
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import item_update
from plantrack.plans.translations import (
    TranslationRow,
    translation_counts,
    translations_save,
    untranslated_count,
)

URL = "/en/plans/vision-2050-goal-7/translate/"


def _row_data(item: Item, **changes: object) -> dict:
    prefix = f"row-{item.pk}"
    data: dict = {"rows": [str(item.pk)], f"{prefix}-version": item.version}
    data[f"{prefix}-title"] = item.title_mn
    if item.body_en or item.body_mn:
        data[f"{prefix}-body"] = item.body_mn
    if item.label_en or item.label_mn:
        data[f"{prefix}-label"] = item.label_mn
    for name, value in changes.items():
        data[f"{prefix}-{name}"] = value
    return data


def _merge(*parts: dict) -> dict:
    data: dict = {"rows": []}
    for part in parts:
        rows = part.pop("rows")
        data["rows"] += rows
        data.update(part)
    return data


def test_the_manager_sees_untranslated_items_side_by_side(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    item = Item.objects.get(plan=vision, code="7.1.1")
    assert f'id="row-{item.pk}"' in content
    assert '<div lang="en">' in content
    assert 'lang="mn"' in content  # the target textareas say their language
    assert "Page 1 of" in content
    assert content.count('class="translate-row"') == 25


def test_saving_a_page_translates_its_rows_and_keeps_filter_and_page(
    sign_in, client, vision, alice
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    one, two, three = Item.objects.filter(
        plan=vision, code__in=["7.1.1", "7.1.2", "7.1.3"]
    ).order_by("path")
    before = untranslated_count(vision)
    events = Event.objects.count()
    data = _merge(
        _row_data(one, title="Нэг"),
        _row_data(two, title="Хоёр", official="on"),
        _row_data(three),
    )
    response = client.post(f"{URL}?direction=en-mn&show=untranslated&page=2", data)
    assert response.status_code == 302
    assert response["Location"].endswith("?direction=en-mn&show=untranslated&page=2")
    one.refresh_from_db()
    two.refresh_from_db()
    three.refresh_from_db()
    assert (one.title_mn, one.translations, one.version) == ("Нэг", {"title_mn": "unofficial"}, 2)
    assert (two.title_mn, two.translations) == ("Хоёр", {})
    assert (three.title_mn, three.version) == ("", 1)
    assert untranslated_count(vision) == before - 2
    assert Event.objects.count() == events + 2
    event = Event.objects.filter(item_id=one.pk).latest("seq")
    assert event.changes["title_mn"] == ["", "Нэг"]


def test_emptying_a_translation_removes_its_state(vision, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.1.1")
    row = TranslationRow(code=item.code, version=item.version, texts={"title": "Нэг"})
    translations_save(plan=vision, target="mn", rows=[row], by=alice)
    item.refresh_from_db()
    assert item.translations == {"title_mn": "unofficial"}
    row = TranslationRow(code=item.code, version=item.version, texts={"title": "  "})
    translations_save(plan=vision, target="mn", rows=[row], by=alice)
    item.refresh_from_db()
    assert (item.title_mn, item.translations) == ("", {})


def test_a_stale_row_is_refused_and_the_others_saved(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    one, two = Item.objects.filter(plan=vision, code__in=["7.1.1", "7.1.2"]).order_by("path")
    data = _merge(_row_data(one, title="Нэг"), _row_data(two, title="Хоёр"))
    Item.objects.filter(pk=two.pk).update(version=5)  # someone saved it meanwhile
    response = client.post(URL, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "someone else saved this item" in content
    assert 'id="error-summary"' in content
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.title_mn == "Нэг"
    assert two.title_mn == ""


def test_a_nul_character_is_refused_next_to_its_row(vision, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.1.1")
    row = TranslationRow(code=item.code, version=item.version, texts={"title": "a\x00b"})
    result = translations_save(plan=vision, target="mn", rows=[row], by=alice)
    assert "NUL" in result.refused["7.1.1"]
    item.refresh_from_db()
    assert item.title_mn == ""


def test_unchanged_rows_and_the_official_box(vision, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.1.1")
    save = lambda **kw: translations_save(  # noqa: E731
        plan=vision,
        target="mn",
        rows=[TranslationRow(code="7.1.1", version=item.version, **kw)],
        by=alice,
    )
    save(texts={"title": "Нэг"}, official=True)
    item.refresh_from_db()
    assert item.translations == {}
    # Saving the page again as shown (box ticked) changes nothing.
    assert save(texts={"title": "Нэг"}, official=True).unchanged == 1
    # Unticking the box makes it unofficial.
    save(texts={"title": "Нэг"}, official=False)
    item.refresh_from_db()
    assert item.translations == {"title_mn": "unofficial"}
    assert save(texts={"title": "Нэг"}).unchanged == 1


def test_a_changed_source_marks_the_translation_for_review_and_review_clears_it(vision, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.1.1")
    translations_save(
        plan=vision,
        target="mn",
        rows=[TranslationRow(code="7.1.1", version=1, texts={"title": "Нэг"})],
        by=alice,
    )
    item.refresh_from_db()
    item_update(
        item=item,
        version=item.version,
        values={"title_en": "A new source", "title_mn": "Нэг"},
        by=alice,
    )
    item.refresh_from_db()
    assert item.translations == {"title_mn": "needs_review"}
    assert translation_counts(vision)["mn"]["needs_review"] == 1
    translations_save(
        plan=vision,
        target="mn",
        rows=[
            TranslationRow(
                code="7.1.1", version=item.version, texts={"title": "Нэг"}, reviewed=True
            )
        ],
        by=alice,
    )
    item.refresh_from_db()
    assert item.translations == {"title_mn": "unofficial"}


def test_editing_the_translation_itself_marks_nothing(vision, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.1.1")
    item_update(
        item=item, version=1, values={"title_en": item.title_en, "title_mn": "Нэг"}, by=alice
    )
    item.refresh_from_db()
    assert item.translations == {}


def test_a_reimport_with_a_changed_title_marks_the_translation(vision, alice):  # type: ignore[no-untyped-def]
    from plantrack.plans.demo import PLAN_SEEDS, read_seed, seed_mapping_data
    from plantrack.plans.services import plan_import

    item = Item.objects.get(plan=vision, code="7.1.1")
    translations_save(
        plan=vision,
        target="mn",
        rows=[TranslationRow(code="7.1.1", version=1, texts={"title": "Нэг"})],
        by=alice,
    )
    name = next(n for n in PLAN_SEEDS if any(i.code == "7.1.1" for i in read_seed(n).items))
    parsed = read_seed(name)
    entry = next(i for i in parsed.items if i.code == "7.1.1")
    entry.title = entry.title + " (amended)"
    other = next(i for i in parsed.items if i.code == "7.1.2")
    plan_import(
        parsed=parsed,
        slug=vision.slug,
        source_name=name,
        system=True,
        mapping=seed_mapping_data(name),
        allow_other_source=True,
    )
    item.refresh_from_db()
    assert item.translations == {"title_mn": "needs_review"}
    assert Item.objects.get(plan=vision, code=other.code).translations == {}


def test_the_filter_shows_only_what_needs_review(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    item = Item.objects.get(plan=vision, code="7.2.1")
    Item.objects.filter(pk=item.pk).update(
        title_mn="Хоёр", translations={"title_mn": "needs_review"}
    )
    content = client.get(f"{URL}?show=needs_review").content.decode()
    assert content.count('class="translate-row"') == 1
    assert f'id="row-{item.pk}"' in content
    assert "reviewed, the translation matches the source" in content


def test_the_plan_page_shows_its_managers_the_untranslated_count(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    count = untranslated_count(vision)
    assert (
        count
        == Item.objects.filter(plan=vision, retired_at__isnull=True)
        .exclude(title_en="")
        .filter(title_mn="")
        .count()
    )
    sign_in(client, alice)
    content = client.get("/en/plans/vision-2050-goal-7/").content.decode()
    assert f"Translate ({count} untranslated)" in content
    client.logout()
    assert "untranslated)" not in client.get("/en/plans/vision-2050-goal-7/").content.decode()


def _translate_page_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_translate_page_costs_the_same_queries_for_a_bigger_plan(
    sign_in, client, vision, alice
):  # type: ignore[no-untyped-def]
    from plantrack.plans.generate import scaled_vision
    from plantrack.plans.services import plan_import

    big = plan_import(parsed=scaled_vision(10), system=True).plan
    big.managers.add(alice)
    sign_in(client, alice)
    client.get(URL)  # the first request of a session loads what later ones find cached
    small = _translate_page_queries(client, URL)
    large = _translate_page_queries(client, f"/en/plans/{big.slug}/translate/")
    large_later = _translate_page_queries(
        client, f"/en/plans/{big.slug}/translate/?page=20&show=all"
    )
    assert (
        Item.objects.filter(plan=big).count() > 10 * Item.objects.filter(plan=vision).count() // 2
    )
    assert small == large == large_later


# -- Who may translate ---------------------------------------------------------------------


@pytest.fixture
def row_post(vision):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.1.1")
    return item, _row_data(item, title="Нэг")


def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(client, row_post):  # type: ignore[no-untyped-def]
    item, data = row_post
    response = client.post(URL, data)
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert client.get(f"{URL}export.xlf").status_code == 302
    item.refresh_from_db()
    assert item.title_mn == ""


@pytest.mark.parametrize("who", ["charlie", "erin", "bob"])
def test_a_citizen_a_reporter_and_another_plans_manager_are_refused(
    request, sign_in, client, row_post, dice, who
):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    if who == "bob":
        dice.managers.add(user)  # a manager, of another plan
    item, data = row_post
    sign_in(client, user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data).status_code == 403
    assert client.get(f"{URL}export.xlsx").status_code == 403
    assert client.post(f"{URL}import/", {}).status_code == 403
    item.refresh_from_db()
    assert (item.title_mn, item.version) == ("", 1)
    with pytest.raises(Exception, match="managers"):
        translations_save(
            plan=item.plan,
            target="mn",
            rows=[TranslationRow(code="7.1.1", version=1, texts={"title": "x"})],
            by=user,
        )


def test_a_manager_cannot_reach_another_plans_items_through_their_own(
    sign_in, client, vision, alice, dice
):  # type: ignore[no-untyped-def]
    other = Item.objects.get(plan=dice, code="1.1")
    data = _row_data(other, title="Нэг")
    sign_in(client, alice)
    response = client.post(URL, data)
    assert response.status_code in (200, 302)
    other.refresh_from_db()
    assert other.title_mn == "" and other.version == 1
    result = translations_save(
        plan=vision,
        target="mn",
        rows=[TranslationRow(code="1.1", version=1, texts={"title": "x"})],
        by=alice,
    )
    assert result.saved == []


@pytest.mark.parametrize("who", ["alice", "site_admin"])
def test_the_plans_manager_and_an_administrator_may(request, sign_in, client, row_post, who):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    item, data = row_post
    sign_in(client, user)
    assert client.post(URL, data).status_code == 302
    item.refresh_from_db()
    assert (item.title_mn, item.translations) == ("Нэг", {"title_mn": "unofficial"})
    assert Event.objects.filter(item_id=item.pk, actor_id=user.pk).exists()


def test_the_page_in_mongolian_renders(sign_in, client, alice, vision):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    response = client.get("/mn/plans/vision-2050-goal-7/translate/?direction=mn-en&show=all")
    assert response.status_code == 200
    assert Plan.objects.filter(slug=vision.slug).exists()


def test_after_a_refused_row_the_saved_rows_can_be_sent_again(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    one, two = Item.objects.filter(plan=vision, code__in=["7.1.1", "7.1.2"]).order_by("path")
    data = _merge(_row_data(one, title="Нэг"), _row_data(two, title="Хоёр"))
    Item.objects.filter(pk=two.pk).update(version=5)
    content = client.post(URL, data).content.decode()
    # The saved row is shown as stored now, with its new version.
    assert f'name="row-{one.pk}-version" value="2"' in content
    # Sending the same text again under the old version changes nothing and is no conflict.
    again = _merge(_row_data(Item.objects.get(pk=one.pk), version=1))
    assert client.post(URL, again).status_code == 302
    one.refresh_from_db()
    assert (one.title_mn, one.version) == ("Нэг", 2)
