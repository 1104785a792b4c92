"""Plan managers edit through the site's own forms; everyone else is refused."""

from __future__ import annotations

import pytest

from plantrack.organisations.models import Organisation
from plantrack.plans.demo import SEED_DIR
from plantrack.plans.models import Item, Plan, Responsibility

EDIT_URL = "/en/plans/vision-2050-goal-7/items/7.3.13/edit/"


def _item_form(item: Item, **changes: object) -> dict:
    data = {
        "title_en": item.title_en,
        "title_mn": item.title_mn,
        "status": item.status,
        "progress": "" if item.progress is None else item.progress,
        "weight": item.weight,
        "version": item.version,
    }
    data.update(changes)
    return data


def test_a_visitor_is_sent_to_sign_in(client, vision):  # type: ignore[no-untyped-def]
    response = client.get(EDIT_URL)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_a_citizen_and_a_manager_of_another_plan_are_refused(sign_in, client, vision, bob, charlie):  # type: ignore[no-untyped-def]
    for user in (bob, charlie):
        sign_in(client, user)
        assert client.get(EDIT_URL).status_code == 403
        assert client.post(EDIT_URL, {"status": "completed"}).status_code == 403
        assert client.get("/en/plans/vision-2050-goal-7/edit/").status_code == 403
    assert client.get("/en/plans/import/").status_code == 403  # charlie is no manager


def test_the_plan_manager_sets_status_and_progress_and_parents_roll_up(
    sign_in, client, vision, alice
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    item = Item.objects.get(plan=vision, code="7.3.13")
    response = client.post(EDIT_URL, _item_form(item, status="in_progress", progress=60))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.progress, item.version) == ("in_progress", 60, 2)
    objective = Item.objects.get(plan=vision, code="7.3")
    assert objective.progress == 60
    assert objective.status_counts == {"in_progress": 1, "not_started": 24}
    vision.refresh_from_db()
    assert vision.progress == 60


def test_a_stale_edit_is_refused_instead_of_overwriting(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    item = Item.objects.get(plan=vision, code="7.3.13")
    first = _item_form(item, status="completed", progress=100)
    second = _item_form(item, status="delayed", progress=10)
    assert client.post(EDIT_URL, first).status_code == 302
    response = client.post(EDIT_URL, second)
    assert response.status_code == 200
    assert b"Someone else saved this item" in response.content
    item.refresh_from_db()
    assert item.status == "completed"


def test_invalid_edits_are_explained_next_to_the_field(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    item = Item.objects.get(plan=vision, code="7.3.13")
    response = client.post(EDIT_URL, _item_form(item, progress=150, title_en="", title_mn=""))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in content
    assert "less than or equal to 100" in content
    assert "Give the item a title" in content
    item.refresh_from_db()
    assert item.progress is None


def test_the_manager_adds_and_removes_a_responsible_organisation(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    organisation = Organisation.objects.get(acronym="MDDIC")
    url = "/en/plans/vision-2050-goal-7/items/7.5.1/responsibilities/add/"
    client.post(url, {"organisation": organisation.pk, "role": "lead"})
    responsibility = Responsibility.objects.get(item__code="7.5.1", item__plan=vision)
    assert responsibility.organisation == organisation
    client.post(
        f"/en/plans/vision-2050-goal-7/items/7.5.1/responsibilities/{responsibility.pk}/remove/"
    )
    assert not Responsibility.objects.filter(pk=responsibility.pk).exists()


def test_the_manager_edits_the_plan(sign_in, client, vision, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    response = client.post(
        "/en/plans/vision-2050-goal-7/edit/",
        {
            "title_en": vision.title_en,
            "title_mn": "Алсын хараа 2050",
            "short_name": "Vision 2050",
            "version": vision.version,
        },
    )
    assert response.status_code == 302
    assert Plan.objects.get(pk=vision.pk).title_mn == "Алсын хараа 2050"


@pytest.mark.parametrize(
    "url",
    [
        "/en/plans/vision-2050-goal-7/items/7.5.1/responsibilities/add/",
        "/en/plans/vision-2050-goal-7/items/7.5.1/responsibilities/1/remove/",
        "/en/plans/import/confirm/",
    ],
)
def test_write_only_urls_refuse_get(sign_in, client, vision, alice, url):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    assert client.get(url).status_code == 405


def test_upload_preview_then_confirm_creates_the_plan(sign_in, client, bob, tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, bob)
    with (SEED_DIR / "001_2125384cf4ad98ca.txt").open("rb") as handle:
        response = client.post("/en/plans/import/", {"file": handle, "slug": "recs-copy"})
    assert response.status_code == 200
    assert b"57 created, 0 changed" in response.content
    assert not Plan.objects.filter(slug="recs-copy").exists()
    token = response.context["token"]
    response = client.post(
        "/en/plans/import/confirm/", {"token": token, "slug": "recs-copy", "name": "recs.txt"}
    )
    assert response.status_code == 302
    plan = Plan.objects.get(slug="recs-copy")
    assert plan.items.count() == 57
    assert bob in plan.managers.all()


def test_an_upload_that_cannot_be_read_shows_the_reason_on_the_form(sign_in, client, bob):  # type: ignore[no-untyped-def]
    sign_in(client, bob)
    with (SEED_DIR / "003_8a0f78df4ed7b134.txt").open("rb") as handle:
        response = client.post("/en/plans/import/", {"file": handle})
    assert response.status_code == 200
    assert b"assessments module" in response.content
    assert b'href="/en/assessments/import/"' in response.content  # where it does go


def test_a_manager_cannot_overwrite_a_plan_they_do_not_manage_by_import(
    sign_in, client, bob, tmp_path, settings
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, bob)
    with (SEED_DIR / "000_9b10a168590abdd1.txt").open("rb") as handle:
        response = client.post("/en/plans/import/", {"file": handle, "slug": "vision-2050-goal-7"})
    # The preview already refuses, so there is no token to confirm.
    assert response.status_code == 403
    assert "token" not in response.context


def test_an_expired_preview_token_is_explained(sign_in, client, bob, tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, bob)
    response = client.post("/en/plans/import/confirm/", {"token": "../../etc/passwd"}, follow=True)
    assert b"That preview has expired" in response.content
