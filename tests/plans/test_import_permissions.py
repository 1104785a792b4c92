"""Import permission lives in the service: no door may overwrite a plan its user does not manage."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan
from plantrack.plans.services import OtherSourceRefused, import_slug, plan_import

HOSTILE_CSV = """# title: Hijacked roadmap
# short_name: {short_name}
code,parent_code,kind,title
1,,area,Replaced area
1.1,1,activity,Replaced activity
"""


def _csv(short_name: str = "DICE Inclusive Digitalization Roadmap") -> bytes:
    return HOSTILE_CSV.format(short_name=short_name).encode()


def _state(plan: Plan) -> tuple:
    plan.refresh_from_db()
    items = list(Item.objects.filter(plan=plan).order_by("pk").values_list("code", "title_en"))
    return plan.title_en, plan.title_mn, plan.source_name, plan.source_sha256, items


def _upload(client, data: bytes, slug: str = ""):  # type: ignore[no-untyped-def]
    handle = io.BytesIO(data)
    handle.name = "plan.csv"
    return client.post("/en/plans/import/", {"file": handle, "slug": slug})


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "import-staging"


def test_the_slug_is_normalised_once_at_the_boundary():
    assert import_slug("Dice-Inclusive-Digitalization-Roadmap") == (
        "dice-inclusive-digitalization-roadmap"
    )
    assert import_slug("DICE Inclusive Digitalization Roadmap") == (
        "dice-inclusive-digitalization-roadmap"
    )


@pytest.mark.parametrize(
    "short_name", ["DICE Inclusive Digitalization Roadmap", "Dice-Inclusive-Digitalization-Roadmap"]
)
def test_the_service_refuses_a_manager_of_another_plan(db, dice, alice, short_name):  # type: ignore[no-untyped-def]
    before = _state(dice)
    with pytest.raises(PermissionDenied):
        plan_import(parsed=parse_bytes(_csv(short_name)), source_bytes=b"x", by=alice)
    assert _state(dice) == before


def test_the_service_refuses_a_mixed_case_slug_argument_too(db, dice, bob):  # type: ignore[no-untyped-def]
    before = _state(dice)
    with pytest.raises(PermissionDenied):
        plan_import(
            parsed=parse_bytes(_csv("harmless")),
            slug="Dice-Inclusive-Digitalization-Roadmap",
            source_bytes=b"x",
            by=bob,
        )
    assert _state(dice) == before


def test_the_service_refuses_a_citizen_creating_a_plan(db, charlie):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        plan_import(parsed=parse_bytes(_csv("citizen-plan")), by=charlie)
    assert not Plan.objects.filter(slug="citizen-plan").exists()


def test_the_service_refuses_no_user_unless_the_caller_says_it_is_the_system(db, dice):  # type: ignore[no-untyped-def]
    before = _state(dice)
    with pytest.raises(PermissionDenied):
        plan_import(parsed=parse_bytes(_csv()))
    with pytest.raises(PermissionDenied):
        plan_import(parsed=parse_bytes(_csv()), by=None)
    assert _state(dice) == before
    result = plan_import(parsed=parse_bytes(_csv("system-plan")), system=True)
    assert result.plan.slug == "system-plan"


def test_the_service_lets_a_manager_update_their_own_plan(db, dice, bob):  # type: ignore[no-untyped-def]
    dice.managers.add(bob)
    # The roadmap came from another document: replacing it from this file is confirmed.
    with pytest.raises(OtherSourceRefused):
        plan_import(parsed=parse_bytes(_csv()), source_bytes=b"x", by=bob)
    assert Item.objects.get(plan=dice, code="1.1").title_en != "Replaced activity"
    plan_import(parsed=parse_bytes(_csv()), source_bytes=b"x", by=bob, allow_other_source=True)
    assert Item.objects.get(plan=dice, code="1.1").title_en == "Replaced activity"


@pytest.mark.parametrize(
    ("short_name", "slug"),
    [
        ("DICE Inclusive Digitalization Roadmap", ""),
        ("harmless", "Dice-Inclusive-Digitalization-Roadmap"),
    ],
)
def test_the_preview_refuses_another_managers_plan_with_a_clear_error(  # type: ignore[no-untyped-def]
    sign_in, client, dice, alice, media, short_name, slug
):
    before = _state(dice)
    sign_in(client, alice)
    response = _upload(client, _csv(short_name), slug)
    assert response.status_code == 403
    assert b"only its managers may update it" in response.content
    assert "token" not in (response.context or {})
    assert _state(dice) == before
    assert not media.exists() or not list(media.glob("*"))


def test_a_confirm_with_a_forged_slug_cannot_reach_another_plan(  # type: ignore[no-untyped-def]
    sign_in, client, dice, bob, media
):
    before = _state(dice)
    sign_in(client, bob)
    response = _upload(client, _csv("bobs-plan"))
    token = response.context["token"]
    response = client.post(
        "/en/plans/import/confirm/",
        {"token": token, "slug": "Dice-Inclusive-Digitalization-Roadmap", "name": "x.csv"},
    )
    assert response.status_code in (302, 403)
    assert _state(dice) == before
    assert Plan.objects.filter(slug="bobs-plan").exists()


def test_a_preview_token_is_bound_to_its_user(sign_in, client, dice, alice, bob, media):  # type: ignore[no-untyped-def]
    sign_in(client, bob)
    token = _upload(client, _csv("bobs-plan")).context["token"]
    client.logout()
    sign_in(client, alice)
    client.post("/en/plans/import/confirm/", {"token": token, "name": "x.csv"})
    assert not Plan.objects.filter(slug="bobs-plan").exists()


def test_an_expired_preview_token_saves_nothing(sign_in, client, bob, media, settings):  # type: ignore[no-untyped-def]
    sign_in(client, bob)
    token = _upload(client, _csv("bobs-plan")).context["token"]
    settings.PLANTRACK_IMPORT_PREVIEW_SECONDS = -1
    response = client.post("/en/plans/import/confirm/", {"token": token}, follow=True)
    assert b"That preview has expired" in response.content
    assert not Plan.objects.filter(slug="bobs-plan").exists()
    assert not list(media.glob("*"))


def test_staged_files_are_deleted_on_confirm_and_never_pile_up(sign_in, client, bob, media):  # type: ignore[no-untyped-def]
    sign_in(client, bob)
    for n in range(3):
        _upload(client, _csv(f"draft-{n}"))
    assert len(list(media.glob("*"))) <= 1  # an older preview of the same user is replaced
    token = _upload(client, _csv("bobs-plan")).context["token"]
    response = client.post("/en/plans/import/confirm/", {"token": token, "name": "x.csv"})
    assert response.status_code == 302
    assert Plan.objects.filter(slug="bobs-plan").exists()
    assert not list(media.glob("*"))


@pytest.mark.parametrize(
    "look_alike",
    [
        "dice_inclusive_digitalization_roadmap",
        "dice\u2013inclusive\u2013digitalization\u2013roadmap",
        "DICE \u2014 Inclusive Digitalization Roadmap",
    ],
)
def test_a_look_alike_short_name_means_the_same_plan_and_is_refused(bob, look_alike):  # type: ignore[no-untyped-def]
    # Given Bob does not manage the DICE roadmap
    dice = Plan.objects.get(slug="dice-inclusive-digitalization-roadmap")
    before = _state(dice)
    # When he imports under a name that differs only in dashes or underscores, it is refused
    assert import_slug(look_alike) == dice.slug
    with pytest.raises(PermissionDenied):
        plan_import(parsed=parse_bytes(_csv(look_alike)), by=bob)
    assert _state(dice) == before


def test_a_plan_cannot_take_a_short_name_the_site_uses_for_its_own_pages(db):  # type: ignore[no-untyped-def]
    from plantrack.plans.importers.base import ImportRefused

    with translation.override("en"), pytest.raises(ImportRefused, match="site's own pages"):
        plan_import(parsed=parse_bytes(_csv("Import")), system=True)
    assert not Plan.objects.filter(slug="import").exists()
