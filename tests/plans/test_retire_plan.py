"""A plan is never deleted: it is retired with a reason, through one service every door calls."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.history.models import Event
from plantrack.plans import services
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Plan
from plantrack.progress.permissions import can_report


def _events(plan: Plan) -> list[tuple[str, str]]:
    return list(
        Event.objects.filter(
            object_type="plans.plan", object_id=str(plan.pk), action__in=["retired", "restored"]
        )
        .order_by("seq")
        .values_list("action", "reason")
    )


def test_a_manager_retires_the_plan_with_a_reason(vision, alice):  # type: ignore[no-untyped-def]
    items = Item.objects.filter(plan=vision).count()
    services.plan_retire(plan=vision, reason="Replaced by the 2026 plan", version=None, by=alice)
    vision.refresh_from_db()
    assert vision.is_retired and vision.retired_reason == "Replaced by the 2026 plan"
    assert Item.objects.filter(plan=vision).count() == items  # nothing deleted
    assert _events(vision) == [("retired", "Replaced by the 2026 plan")]


@pytest.mark.parametrize("who", ["anonymous", "charlie", "bob", "erin"])
def test_only_the_plans_managers_may_retire_it(vision, who, request):  # type: ignore[no-untyped-def]
    by = None if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.plan_retire(plan=vision, reason="No", version=None, by=by)
    vision.refresh_from_db()
    assert not vision.is_retired and _events(vision) == []


def test_a_site_administrator_may_retire_any_plan(dice, site_admin):  # type: ignore[no-untyped-def]
    services.plan_retire(plan=dice, reason="Superseded", version=None, by=site_admin)
    dice.refresh_from_db()
    assert dice.is_retired


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301, "bad\x00"])
def test_a_missing_or_bad_reason_is_refused(vision, alice, reason):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.plan_retire(plan=vision, reason=reason, version=None, by=alice)
    assert "reason" in refused.value.error_dict
    vision.refresh_from_db()
    assert not vision.is_retired and _events(vision) == []


def test_a_stale_version_is_refused(vision, alice):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.plan_retire(plan=vision, reason="Old", version=vision.version - 1, by=alice)
    assert not Plan.objects.get(pk=vision.pk).is_retired


def test_restoring_brings_the_plan_back_once(vision, alice):  # type: ignore[no-untyped-def]
    services.plan_retire(plan=vision, reason="Paused", version=None, by=alice)
    services.plan_restore(plan=vision, version=None, by=alice)
    vision.refresh_from_db()
    assert not vision.is_retired and vision.retired_reason == ""
    with pytest.raises(ValidationError):
        services.plan_restore(plan=vision, version=None, by=alice)
    assert [action for action, _ in _events(vision)] == ["retired", "restored"]


def test_a_retired_plans_items_take_no_reports(vision, alice, activity, erin):  # type: ignore[no-untyped-def]
    assert can_report(erin, activity)
    services.plan_retire(plan=vision, reason="Replaced", version=None, by=alice)
    activity = Item.objects.select_related("plan").get(pk=activity.pk)
    assert not can_report(erin, activity)


def test_a_retired_plan_refuses_a_new_import(vision, alice, english):  # type: ignore[no-untyped-def]
    services.plan_retire(plan=vision, reason="Replaced", version=None, by=alice)
    parsed = parse_bytes(b"code,parent_code,kind,title\n1,,goal,G\n")
    with pytest.raises(ImportRefused, match="is retired; restore it"):
        services.plan_import(parsed=parsed, slug=vision.slug, system=True)


def test_the_pages_show_and_do_the_retirement(client, sign_in, vision, alice, charlie):  # type: ignore[no-untyped-def]
    # A citizen cannot reach the form, and a post of theirs changes nothing.
    client.force_login(charlie)
    assert client.get(f"/en/plans/{vision.slug}/retire/").status_code == 403
    client.post(f"/en/plans/{vision.slug}/retire/", {"version": vision.version, "reason": "x"})
    assert not Plan.objects.get(pk=vision.pk).is_retired
    client.logout()
    sign_in(client, alice)
    answer = client.post(f"/en/plans/{vision.slug}/retire/", {"version": vision.version})
    assert answer.status_code == 200 and not Plan.objects.get(pk=vision.pk).is_retired
    answer = client.post(
        f"/en/plans/{vision.slug}/retire/",
        {"version": vision.version, "reason": "Replaced by the 2026 plan"},
    )
    assert answer.status_code == 302
    client.logout()
    page = client.get(f"/en/plans/{vision.slug}/").content.decode()
    assert "Retired" in page and "Replaced by the 2026 plan" in page
    listing = client.get("/en/plans/").content.decode()
    others = [p.title for p in Plan.objects.exclude(pk=vision.pk)]
    assert all(listing.index(title) < listing.index(vision.title) for title in others)


def test_the_admin_cannot_delete_plans_or_items(client, sign_in, site_admin, vision):  # type: ignore[no-untyped-def]
    sign_in(client, site_admin)
    item = Item.objects.filter(plan=vision).first()
    assert client.get(f"/en/admin/plans/plan/{vision.pk}/delete/").status_code in (302, 403)
    client.post(f"/en/admin/plans/item/{item.pk}/delete/", {"post": "yes"})
    client.post(
        "/en/admin/plans/item/",
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )
    assert Plan.objects.filter(pk=vision.pk).exists() and Item.objects.filter(pk=item.pk).exists()
