"""A person can download their data and delete their account; public records stay."""

from __future__ import annotations

import json

from plantrack.accounts.models import User
from plantrack.accounts.services import account_delete
from plantrack.organisations.models import Membership, Organisation
from plantrack.progress.services import progress_update_review, progress_update_submit

ITEM = "/en/plans/vision-2050-goal-7/items/7.3.8/"


def test_a_user_downloads_everything_stored_about_them(client, activity, erin):  # type: ignore[no-untyped-def]
    progress_update_submit(item=activity, by=erin, status="in_progress", progress=5, note="Begun.")
    client.force_login(erin)
    response = client.get("/en/accounts/profile/my-data.json")
    assert response["Content-Disposition"] == 'attachment; filename="plantrack-my-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == "erin@example.org"
    assert data["organisations"][0]["organisation"] == "National Police Agency"
    assert data["progress_updates"][0]["note"] == "Begun."


def test_a_deleted_users_updates_remain_without_their_name_or_email(client, activity, erin, alice):  # type: ignore[no-untyped-def]
    # Given an approved update by Erin is public with her name
    update = progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=40, note="Training held."
    )
    progress_update_review(update=update, by=alice, approve=True)
    assert b"Reported by Erin" in client.get(ITEM).content
    # When Erin deletes her account (with her password)
    client.force_login(erin)
    wrong = client.post("/en/accounts/profile/delete/", {"password": "nope"})
    assert b"That is not your password" in wrong.content
    response = client.post("/en/accounts/profile/delete/", {"password": "pw-erin-1234"})
    assert response.status_code == 302
    # Then the update is still public, attributed to a deleted user
    client.logout()
    page = client.get(ITEM).content.decode()
    assert "Training held." in page
    assert "Reported by deleted user" in page
    assert "Erin" not in page
    assert "erin@example.org" not in page
    # And the account can no longer sign in or be found by its email
    erin.refresh_from_db()
    assert not erin.is_active
    assert not erin.has_usable_password()
    assert not User.objects.filter(email="erin@example.org").exists()
    assert not erin.memberships.exists()


def test_the_privacy_page_says_what_is_stored(client, db):  # type: ignore[no-untyped-def]
    content = client.get("/en/accounts/privacy/").content
    assert b"Argon2" in content
    assert b"Delete your account" in content


def _organisation_with(admin: User, *members: User) -> Organisation:
    organisation = Organisation.objects.create(
        slug="steppe-ngo", name_en="Steppe NGO", kind="cso", self_registered=True
    )
    Membership.objects.create(user=admin, organisation=organisation, role="admin", state="active")
    for member in members:
        Membership.objects.create(
            user=member, organisation=organisation, role="member", state="active"
        )
    return organisation


def test_the_only_administrator_with_members_must_hand_over_before_deleting(client, charlie, erin):  # type: ignore[no-untyped-def]
    # Given Charlie administers an organisation that Erin is a member of
    organisation = _organisation_with(charlie, erin)
    client.force_login(charlie)
    # When he deletes his account, then he is told to hand over, and nothing changes
    response = client.post("/en/accounts/profile/delete/", {"password": "correct-horse-3"})
    assert response.status_code == 200
    assert "only administrator of Steppe NGO" in response.content.decode()
    charlie.refresh_from_db()
    assert charlie.is_active and charlie.deleted_at is None
    assert organisation.memberships.filter(user=charlie, role="admin").exists()


def test_a_sole_member_may_delete_their_account_and_leave_the_organisation(charlie):  # type: ignore[no-untyped-def]
    organisation = _organisation_with(charlie)
    account_delete(user=charlie)
    charlie.refresh_from_db()
    assert charlie.deleted_at is not None
    assert not organisation.memberships.exists()
