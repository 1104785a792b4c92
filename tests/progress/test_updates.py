"""Agency reporters report, plan managers approve or return, the public sees approved ones."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.plans.models import Item
from plantrack.progress.models import ProgressUpdate
from plantrack.progress.services import (
    AlreadyReviewed,
    NotAllowedToReview,
    progress_update_review,
    progress_update_submit,
)

REPORT = "/en/plans/vision-2050-goal-7/items/7.3.8/report/"
ITEM = "/en/plans/vision-2050-goal-7/items/7.3.8/"


def test_a_reporter_reports_and_the_manager_approves_then_the_public_sees_it(
    client, sign_in, activity, erin, alice
):  # type: ignore[no-untyped-def]
    # Given Erin reports on an activity her agency leads
    client.force_login(erin)
    response = client.post(
        REPORT,
        {"status": "in_progress", "progress": 35, "note": "Cameras installed in 3 districts."},
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(item=activity)
    assert update.state == "submitted"
    # Then the public does not see it yet, and the item is unchanged
    client.logout()
    assert b"Cameras installed" not in client.get(ITEM).content
    # When Alice, the plan's manager, approves it
    sign_in(client, alice)
    page = client.get(ITEM)
    assert b"Updates waiting for your approval" in page.content
    client.post(
        f"/en/plans/vision-2050-goal-7/updates/{update.pk}/review/", {"decision": "approve"}
    )
    # Then the item carries the reported figures and everyone can read the report
    activity.refresh_from_db()
    assert (activity.status, activity.progress) == ("in_progress", 35)
    client.logout()
    public = client.get(ITEM).content.decode()
    assert "Cameras installed in 3 districts." in public
    assert "Reported by Erin for National Police Agency" in public


def test_a_returned_update_needs_a_note_and_changes_nothing(activity, erin, alice):  # type: ignore[no-untyped-def]
    update = progress_update_submit(
        item=activity, by=erin, status="delayed", progress=10, note="Budget not released."
    )
    with pytest.raises(ValidationError):
        progress_update_review(update=update, by=alice, approve=False, note="")
    progress_update_review(update=update, by=alice, approve=False, note="Attach the letter.")
    activity.refresh_from_db()
    assert activity.status == "not_started"
    # A second decision is refused as "already reviewed", not as "not allowed"
    with pytest.raises(AlreadyReviewed) as refused:
        progress_update_review(update=update, by=alice, approve=True)
    assert not isinstance(refused.value, PermissionDenied)
    assert refused.value.code == "already_reviewed"
    update.refresh_from_db()
    activity.refresh_from_db()
    assert (update.state, activity.status) == ("returned", "not_started")


def test_a_reporter_cannot_report_on_another_organisations_item(client, vision, erin):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    assert client.get("/en/plans/vision-2050-goal-7/items/7.1.1/report/").status_code == 403
    with pytest.raises(PermissionDenied):
        progress_update_submit(
            item=Item.objects.get(plan=vision, code="7.1.1"),
            by=erin,
            status="completed",
            progress=100,
            note="x",
        )


def test_a_manager_of_another_plan_cannot_approve(activity, erin, bob):  # type: ignore[no-untyped-def]
    update = progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=20, note="Started."
    )
    with pytest.raises(NotAllowedToReview) as refused:
        progress_update_review(update=update, by=bob, approve=True)
    assert not isinstance(refused.value, AlreadyReviewed)
    update.refresh_from_db()
    activity.refresh_from_db()
    assert (update.state, activity.status) == ("submitted", "not_started")


def test_completed_means_100_percent(activity, erin):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        progress_update_submit(item=activity, by=erin, status="completed", progress=80, note="x")


def test_a_review_note_over_its_limit_is_refused_on_its_field(activity, erin, alice, english):  # type: ignore[no-untyped-def]
    update = progress_update_submit(
        item=activity, by=erin, status="delayed", progress=10, note="Budget not released."
    )
    with pytest.raises(ValidationError) as refused:
        progress_update_review(update=update, by=alice, approve=False, note="x" * 2001)
    assert "2001 characters long; the limit is 2000" in " ".join(
        refused.value.message_dict["review_note"]
    )
    update.refresh_from_db()
    assert update.state == "submitted"
