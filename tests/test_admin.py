"""Django admin cannot go around the services: the tree and roll-ups stay consistent, and an
organisation always keeps an administrator."""

from __future__ import annotations

import pytest

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item
from tests.formdata import page_form


@pytest.fixture
def root(db, client, sign_in) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_superuser("root@example.org", "pw-root-12345", display_name="Root")
    sign_in(client, user)
    return user


def _change(client, model: str, pk: int) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    url = f"/en/admin/{model}/{pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form_id = model.split("/")[1] + "_form"
    return url, page_form(page.content.decode(), form_id)


def test_the_item_admin_cannot_change_the_stored_tree_or_version(client, root, vision):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.3.8")
    other = Item.objects.get(plan=vision, code="7.1.1")
    before = Item.objects.values("path", "parent_id", "depth", "position", "version").get(
        pk=item.pk
    )
    url, data = _change(client, "plans/item", item.pk)
    data.update(
        path="99999", parent=str(other.pk), depth="1", position="7", version="42", title_en="New"
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    after = Item.objects.values("path", "parent_id", "depth", "position", "version").get(pk=item.pk)
    assert {k: v for k, v in after.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"
    }
    assert after["version"] in (before["version"], before["version"] + 1)
    assert item.title_en == "New"


def test_a_progress_edit_in_the_admin_rolls_up_to_the_parents(client, root, vision):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.3.8")
    parent = Item.objects.get(pk=item.parent_id)
    url, data = _change(client, "plans/item", item.pk)
    data.update(status="completed", progress="100")
    assert client.post(url, data).status_code == 302
    parent.refresh_from_db()
    assert parent.status_counts.get("completed", 0) >= 1
    item.refresh_from_db()
    assert (item.status, item.progress) == ("completed", 100)


def test_the_item_admin_does_not_edit_rolled_up_figures_of_a_parent(client, root, vision):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.3.8")
    parent = Item.objects.get(pk=item.parent_id)
    before = (parent.progress, parent.tracked_count, parent.status_counts)
    url, data = _change(client, "plans/item", parent.pk)
    data.update(progress="99", tracked_count="500", status_counts='{"completed": 500}')
    assert client.post(url, data).status_code == 302
    parent.refresh_from_db()
    assert (parent.progress, parent.tracked_count, parent.status_counts) == before


@pytest.fixture
def org_with_one_admin(db) -> tuple[Organisation, Membership, Membership]:  # type: ignore[no-untyped-def]
    organisation = Organisation.objects.create(slug="steppe", name_en="Steppe Readers", kind="cso")
    admin = User.objects.create_user("a@example.org", "pw-a-123456", display_name="A")
    member = User.objects.create_user("m@example.org", "pw-m-123456", display_name="M")
    return (
        organisation,
        Membership.objects.create(
            user=admin, organisation=organisation, role="admin", state="active"
        ),
        Membership.objects.create(
            user=member, organisation=organisation, role="member", state="active"
        ),
    )


def _inline_row(data: dict, membership: Membership) -> str:  # type: ignore[type-arg]
    return next(
        k.removesuffix("-id")
        for k, v in data.items()
        if k.endswith("-id") and v == str(membership.pk)
    )


def test_the_organisation_admin_page_cannot_delete_the_last_administrator(
    client, root, org_with_one_admin
):  # type: ignore[no-untyped-def]
    organisation, admin, _member = org_with_one_admin
    url, data = _change(client, "organisations/organisation", organisation.pk)
    data[f"{_inline_row(data, admin)}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "at least one administrator" in response.content.decode()
    assert Membership.objects.filter(pk=admin.pk, role="admin", state="active").exists()


def test_the_organisation_admin_page_cannot_demote_the_last_administrator(
    client, root, org_with_one_admin
):  # type: ignore[no-untyped-def]
    organisation, admin, _member = org_with_one_admin
    url, data = _change(client, "organisations/organisation", organisation.pk)
    data[f"{_inline_row(data, admin)}-role"] = "member"
    response = client.post(url, data)
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.role == "admin"


def test_the_organisation_admin_page_may_hand_over_administration(client, root, org_with_one_admin):  # type: ignore[no-untyped-def]
    organisation, admin, member = org_with_one_admin
    url, data = _change(client, "organisations/organisation", organisation.pk)
    data[f"{_inline_row(data, admin)}-DELETE"] = "on"
    data[f"{_inline_row(data, member)}-role"] = "admin"
    assert client.post(url, data).status_code == 302
    assert not Membership.objects.filter(pk=admin.pk).exists()
    member.refresh_from_db()
    assert member.role == "admin"


def test_the_membership_admin_cannot_remove_or_demote_the_last_administrator(
    client, root, org_with_one_admin
):  # type: ignore[no-untyped-def]
    _organisation, admin, _member = org_with_one_admin
    url, data = _change(client, "organisations/membership", admin.pk)
    data["role"] = "member"
    assert client.post(url, data).status_code == 200
    response = client.post(
        f"/en/admin/organisations/membership/{admin.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code in (302, 403)
    bulk = client.post(
        "/en/admin/organisations/membership/",
        {"action": "delete_selected", "_selected_action": [admin.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    admin.refresh_from_db()
    assert (admin.role, admin.state) == ("admin", "active")


def test_an_item_admin_edit_from_a_stale_page_is_refused(client, root, vision, alice):  # type: ignore[no-untyped-def]
    from plantrack.plans.services import item_update

    item = Item.objects.get(plan=vision, code="7.3.8")
    url, data = _change(client, "plans/item", item.pk)
    item_update(item=item, version=item.version, values={"title_en": "Saved first"}, by=alice)
    data["title_en"] = "Saved second"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this" in response.content.decode()
    item.refresh_from_db()
    assert item.title_en == "Saved first"
