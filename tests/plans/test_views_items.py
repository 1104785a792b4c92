"""The pages where a plan manager adds, moves, retires and restores items."""

from __future__ import annotations

import pytest
from django.utils import translation

from plantrack.plans.models import Item

from .test_item_tree import assert_tree_consistent, codes_in_order

PLAN = "/en/plans/vision-2050-goal-7"


def _item(vision, code: str) -> Item:  # type: ignore[no-untyped-def]
    return Item.objects.get(plan=vision, code=code)


@pytest.fixture
def manager_client(client, sign_in, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    return client


def test_the_plan_page_offers_managers_add_and_retired_items_and_nobody_else(
    client, manager_client, vision
):  # type: ignore[no-untyped-def]
    page = manager_client.get(f"{PLAN}/").content.decode()
    assert f"{PLAN}/add-item/" in page and f"{PLAN}/retired/" in page
    client.logout()
    page = client.get(f"{PLAN}/").content.decode()
    assert "/add-item/" not in page and "/retired/" not in page


def test_the_edit_page_offers_add_child_move_and_retire(manager_client, vision):  # type: ignore[no-untyped-def]
    page = manager_client.get(f"{PLAN}/items/7.1/edit/").content.decode()
    for action in ("add-child", "move", "retire"):
        assert f"{PLAN}/items/7.1/{action}/" in page


def test_a_manager_adds_a_top_level_item_and_lands_on_its_page(manager_client, vision):  # type: ignore[no-untyped-def]
    assert manager_client.get(f"{PLAN}/add-item/").status_code == 200
    data = {"code": "7.9", "kind": "objective", "title_en": "A new objective", "weight": 1}
    response = manager_client.post(f"{PLAN}/add-item/", data)
    assert response.status_code == 302
    assert response["Location"].endswith("/items/7.9/")
    assert _item(vision, "7.9").depth == 1


def test_a_taken_code_is_shown_on_the_code_field(manager_client, vision):  # type: ignore[no-untyped-def]
    data = {"code": "7.1.1", "kind": "activity", "title_en": "Twin", "weight": 1}
    with translation.override("en"):
        response = manager_client.post(f"{PLAN}/items/7.1/add-child/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_code_errors"' in page and 'aria-invalid="true"' in page
    assert Item.objects.filter(plan=vision, code="7.1.1").count() == 1


def test_a_child_is_added_under_the_item_of_the_address(manager_client, vision):  # type: ignore[no-untyped-def]
    data = {"code": "7.1.new", "kind": "activity", "title_mn": "Шинэ", "weight": 1}
    response = manager_client.post(f"{PLAN}/items/7.1/add-child/", data)
    assert response.status_code == 302
    new = _item(vision, "7.1.new")
    assert new.parent == _item(vision, "7.1")
    assert_tree_consistent(vision)


def test_the_move_page_lists_places_under_the_chosen_parent(manager_client, vision):  # type: ignore[no-untyped-def]
    page = manager_client.get(f"{PLAN}/items/7.1.1/move/", {"parent": "7.2"}).content.decode()
    assert 'value="after:7.2.1"' in page
    assert 'value="after:7.1.2"' not in page
    # The item itself and its parts are not offered as parents.
    page = manager_client.get(f"{PLAN}/items/7.1/move/").content.decode()
    assert 'value="7.1"' not in page and 'value="7.2"' in page


def test_a_manager_moves_an_item_and_its_address_still_works(manager_client, vision):  # type: ignore[no-untyped-def]
    item = _item(vision, "7.1.1")
    data = {"parent": "7.2", "position": "after:7.2.1", "version": item.version}
    response = manager_client.post(f"{PLAN}/items/7.1.1/move/", data)
    assert response.status_code == 302
    order = codes_in_order(vision, "7.2")
    assert order[order.index("7.2.1") + 1] == "7.1.1"
    assert manager_client.get(f"{PLAN}/items/7.1.1/").status_code == 200
    assert_tree_consistent(vision)


def test_a_place_under_another_parent_is_refused_on_the_position_field(manager_client, vision):  # type: ignore[no-untyped-def]
    item = _item(vision, "7.1.1")
    data = {"parent": "7.2", "position": "after:7.3.1", "version": item.version}
    response = manager_client.post(f"{PLAN}/items/7.1.1/move/", data)
    assert response.status_code == 200
    assert 'id="id_position_errors"' in response.content.decode()
    assert _item(vision, "7.1.1").path == item.path


def test_a_stale_move_form_is_refused_with_a_message(manager_client, vision):  # type: ignore[no-untyped-def]
    item = _item(vision, "7.1.1")
    data = {"parent": "", "position": "last", "version": item.version - 1 or 99}
    response = manager_client.post(f"{PLAN}/items/7.1.1/move/", data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert _item(vision, "7.1.1").path == item.path


def test_retire_needs_a_reason_then_restore_brings_it_back(manager_client, vision):  # type: ignore[no-untyped-def]
    item = _item(vision, "7.1")
    response = manager_client.post(
        f"{PLAN}/items/7.1/retire/", {"reason": "", "version": item.version}
    )
    assert response.status_code == 200
    assert 'id="id_reason_errors"' in response.content.decode()
    response = manager_client.post(
        f"{PLAN}/items/7.1/retire/", {"reason": "Merged into 7.2", "version": item.version}
    )
    assert response.status_code == 302
    assert not Item.objects.filter(plan=vision, path__startswith=item.path, retired_at=None)
    listing = manager_client.get(f"{PLAN}/retired/").content.decode()
    assert f"{PLAN}/items/7.1/restore/" in listing
    assert f"{PLAN}/items/7.1.1/restore/" not in listing  # its parent comes back first
    assert "Merged into 7.2" in listing
    retired = _item(vision, "7.1")
    response = manager_client.post(f"{PLAN}/items/7.1/restore/", {"version": retired.version})
    assert response.status_code == 302
    assert not Item.objects.filter(plan=vision, retired_at__isnull=False).exists()
    assert_tree_consistent(vision)


def test_a_refused_restore_says_why(manager_client, vision):  # type: ignore[no-untyped-def]
    response = manager_client.post(f"{PLAN}/items/7.1/restore/", {"version": 1}, follow=True)
    assert "message-error" in response.content.decode()
    assert _item(vision, "7.1").retired_at is None


def test_the_retired_list_query_count_does_not_grow_with_retired_items(
    client, sign_in, vision, alice
):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from plantrack.plans.tree import item_retire

    sign_in(client, alice)
    url = f"/en/plans/{vision.slug}/retired/"

    def retire(code: str) -> None:
        item = Item.objects.get(plan=vision, code=code)
        item_retire(item=item, reason="Done elsewhere", version=item.version, by=alice)

    retire("7.1.1")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for code in ("7.2", "7.3", "7.4"):
        retire(code)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
