"""Who may report and review: verified organisations only, never one's own report."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone, translation

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item, Responsibility
from plantrack.progress import services
from plantrack.progress.models import ProgressUpdate
from plantrack.progress.services import (
    NotAllowedToReview,
    OwnUpdate,
    progress_update_review,
    progress_update_submit,
)

ITEM = "/en/plans/vision-2050-goal-7/items/7.3.8/"


def _report(item: Item, by: User, progress: int = 20) -> ProgressUpdate:
    return progress_update_submit(
        item=item, by=by, status="in_progress", progress=progress, note="Started."
    )


def test_a_manager_who_reports_for_the_organisation_cannot_approve_their_own_report(
    activity, alice, police
):  # type: ignore[no-untyped-def]
    # Given Alice manages the plan and also reports for the responsible agency
    Membership.objects.create(user=alice, organisation=police, role="reporter", state="active")
    update = _report(activity, alice, progress=60)
    # When she approves her own report, then it is refused as her own, and nothing changes
    with pytest.raises(OwnUpdate) as refused:
        progress_update_review(update=update, by=alice, approve=True)
    assert refused.value.code == "own_update"
    update.refresh_from_db()
    activity.refresh_from_db()
    assert (update.state, update.reviewed_by) == ("submitted", None)
    assert activity.progress != 60


def test_another_manager_of_the_plan_approves_the_managers_report(activity, alice, bob, police):  # type: ignore[no-untyped-def]
    Membership.objects.create(user=alice, organisation=police, role="reporter", state="active")
    activity.plan.managers.add(bob)
    update = _report(activity, alice, progress=60)
    progress_update_review(update=update, by=bob, approve=True)
    activity.refresh_from_db()
    assert activity.progress == 60


def test_the_review_page_says_own_report_and_already_reviewed_differently(
    client, sign_in, activity, alice, erin, police
):  # type: ignore[no-untyped-def]
    Membership.objects.create(user=alice, organisation=police, role="reporter", state="active")
    own = _report(activity, alice)
    other = _report(activity, erin)
    progress_update_review(update=other, by=alice, approve=False, note="Add the letter.")
    sign_in(client, alice)
    url = "/en/plans/vision-2050-goal-7/updates/{}/review/"
    page = client.post(url.format(own.pk), {"decision": "approve"}, follow=True)
    assert "You cannot review an update you wrote yourself" in page.content.decode()
    page = client.post(url.format(other.pk), {"decision": "approve"}, follow=True)
    assert "This update was already reviewed" in page.content.decode()
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.state, other.state) == ("submitted", "returned")


def test_approving_bumps_the_item_version_in_the_database(activity, alice, erin, monkeypatch):  # type: ignore[no-untyped-def]
    # Given an update, and someone who saves the item after the review read it
    update = _report(activity, erin)
    before = Item.objects.get(pk=activity.pk).version
    real_has = services.has

    def check_then_someone_saves(user, name, obj=None):  # type: ignore[no-untyped-def]
        Item.objects.filter(pk=activity.pk).update(version=F("version") + 1)
        return real_has(user, name, obj)

    monkeypatch.setattr(services, "has", check_then_someone_saves)
    # When the manager approves
    progress_update_review(update=update, by=alice, approve=True)
    # Then both saves count: the version is two higher, not reset from a stale read
    assert Item.objects.get(pk=activity.pk).version == before + 2


def _unverified_cso_reporter(item: Item, *, verified: bool, by_import: bool = False) -> User:
    cso = Organisation.objects.create(
        slug="ncsa-cso",
        name_en="Citizens for Cyber Safety",
        acronym="NCSA",
        kind="cso",
        self_registered=not by_import,
        created_by_import=by_import,
        verified_at=timezone.now() if verified else None,
    )
    Responsibility.objects.create(item=item, organisation=cso, role="lead")
    user = User.objects.create_user("cso@example.org", "pw-cso-12345", display_name="Citizen")
    Membership.objects.create(user=user, organisation=cso, role="admin", state="active")
    return user


def test_an_unverified_self_registered_organisation_cannot_report(client, activity):  # type: ignore[no-untyped-def]
    user = _unverified_cso_reporter(activity, verified=False)
    with pytest.raises(PermissionDenied):
        _report(activity, user)
    client.force_login(user)
    assert client.get(ITEM + "report/").status_code == 403
    response = client.post(ITEM + "report/", {"status": "completed", "progress": 100, "note": "x"})
    assert response.status_code == 403
    assert not ProgressUpdate.objects.filter(item=activity).exists()


@pytest.mark.parametrize("verified", [False, True])
def test_an_organisation_an_import_added_reports_only_once_verified(activity, verified):  # type: ignore[no-untyped-def]
    user = _unverified_cso_reporter(activity, verified=verified, by_import=True)
    if verified:
        assert _report(activity, user).organisation.slug == "ncsa-cso"  # type: ignore[union-attr]
    else:
        with pytest.raises(PermissionDenied):
            _report(activity, user)
        assert not ProgressUpdate.objects.filter(item=activity).exists()


def test_a_verified_self_registered_organisation_reports(activity):  # type: ignore[no-untyped-def]
    user = _unverified_cso_reporter(activity, verified=True)
    update = _report(activity, user)
    assert update.organisation is not None and update.organisation.slug == "ncsa-cso"


def test_a_report_on_an_item_retired_since_is_not_approved(activity, erin, alice):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from plantrack.plans.tree import item_retire

    update = _report(activity, erin, progress=70)
    activity.refresh_from_db()
    item_retire(item=activity, reason="Merged", version=activity.version, by=alice)
    before = Item.objects.values("status", "progress").get(pk=activity.pk)
    with pytest.raises(ValidationError, match="retired"), translation.override("en"):
        progress_update_review(update=update, by=alice, approve=True)
    assert Item.objects.values("status", "progress").get(pk=activity.pk) == before
    update.refresh_from_db()
    assert update.state == "submitted"
    returned = progress_update_review(update=update, by=alice, approve=False, note="Retired")
    assert returned.state == "returned"


def test_a_not_allowed_reviewer_is_refused_as_not_allowed(activity, erin, charlie):  # type: ignore[no-untyped-def]
    update = _report(activity, erin)
    with pytest.raises(NotAllowedToReview):
        progress_update_review(update=update, by=charlie, approve=True)
    with pytest.raises(NotAllowedToReview):
        progress_update_review(update=update, by=erin, approve=True)
    update.refresh_from_db()
    assert update.state == "submitted"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self.all_ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"ids": [], "fors": []})
        if a.get("id"):
            self.all_ids.append(a["id"] or "")
            if self.forms:
                self.forms[-1]["ids"].append(a["id"] or "")
        if tag == "label" and a.get("for") and self.forms:
            self.forms[-1]["fors"].append(a["for"] or "")


def test_each_pending_review_form_has_its_own_element_ids(client, sign_in, activity, alice, erin):  # type: ignore[no-untyped-def]
    _report(activity, erin, progress=10)
    _report(activity, erin, progress=30)
    sign_in(client, alice)
    parser = _Ids()
    parser.feed(client.get(ITEM).content.decode())
    assert len(parser.all_ids) == len(set(parser.all_ids)), sorted(parser.all_ids)
    review_forms = [f for f in parser.forms if f["fors"]]
    assert len(review_forms) >= 2
    for form in review_forms:
        assert set(form["fors"]) <= set(form["ids"]), form


def test_a_report_sent_twice_is_recorded_once(client, activity, erin):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    token = client.get(ITEM + "report/").context["form"].initial["once"]
    data = {"status": "in_progress", "progress": 35, "note": "Cameras.", "once": token}
    assert client.post(ITEM + "report/", data).status_code == 302
    again = client.post(ITEM + "report/", data, follow=True)
    assert "already sent" in again.content.decode()
    assert ProgressUpdate.objects.filter(item=activity).count() == 1


def test_a_retired_item_takes_no_more_reports(activity, erin):  # type: ignore[no-untyped-def]
    # Given the activity was retired by a later import
    Item.objects.filter(pk=activity.pk).update(retired_at=timezone.now(), retired_reason="gone")
    activity.refresh_from_db()
    # When its agency's reporter reports on it, then it is refused and nothing is stored
    with pytest.raises(PermissionDenied):
        _report(activity, erin)
    assert not ProgressUpdate.objects.filter(item=activity).exists()
