"""Joining by request or invitation; organisation administrators manage their members."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from plantrack.lib.rules import has
from plantrack.organisations import services
from plantrack.organisations.models import Membership

PROFILE = "/en/organisations/disability-federation/"
MEMBERS = "/en/organisations/disability-federation/members/"


def test_a_citizen_asks_to_join_and_the_admin_approves(client, charlie, dorj, tegsh):  # type: ignore[no-untyped-def]
    # Given Charlie sees the button on the profile
    client.force_login(charlie)
    assert "Ask to join" in client.get(PROFILE).content.decode()
    # When he asks to join
    response = client.post(f"{PROFILE}join/", follow=True)
    assert "Your request was sent" in response.content.decode()
    membership = Membership.objects.get(user=charlie, organisation=tegsh)
    assert (membership.state, membership.role) == ("requested", "member")
    assert not has(charlie, "organisations.join", tegsh)
    # Then Dorj, the organisation's admin, sees the request and approves it
    client.force_login(dorj)
    assert "Charlie" in client.get(MEMBERS).content.decode()
    response = client.post(f"{MEMBERS}{membership.pk}/decide/", {"decision": "approve"})
    assert response["Location"] == MEMBERS
    membership.refresh_from_db()
    assert (membership.state, membership.decided_by) == ("active", dorj)
    # And Charlie is listed as a member on the public profile
    client.logout()
    content = client.get(PROFILE).content.decode()
    assert "Charlie — Member" in content


def test_asking_twice_is_refused_with_a_message(client, charlie, tegsh):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    client.post(f"{PROFILE}join/")
    response = client.post(f"{PROFILE}join/", follow=True)
    assert "You have already asked to join" in response.content.decode()
    assert Membership.objects.filter(user=charlie).count() == 1


def test_a_declined_request_stays_declined(client, charlie, dorj, tegsh):  # type: ignore[no-untyped-def]
    membership = services.membership_request(organisation=tegsh, user=charlie)
    services.membership_decide(membership=membership, by=dorj, approve=False)
    assert Membership.objects.get(pk=membership.pk).state == "declined"
    with pytest.raises(ValidationError):
        services.membership_decide(membership=membership, by=dorj, approve=True)
    with translation.override("en"), pytest.raises(ValidationError, match="declined"):
        services.membership_request(organisation=tegsh, user=charlie)


def test_a_visitor_is_asked_to_sign_in_to_join(client, tegsh):  # type: ignore[no-untyped-def]
    assert "Sign in to ask to join" in client.get(PROFILE).content.decode()
    response = client.post(f"{PROFILE}join/")
    assert "/accounts/sign-in/" in response["Location"]


def test_only_the_organisations_admin_decides_requests(charlie, dorj, saraa, tegsh):  # type: ignore[no-untyped-def]
    membership = services.membership_request(organisation=tegsh, user=charlie)
    with pytest.raises(PermissionDenied):
        services.membership_decide(membership=membership, by=saraa, approve=True)


def test_an_invitation_to_an_unknown_address_shows_the_same_neutral_message(
    client, dorj, charlie, tegsh, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    client.force_login(dorj)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            MEMBERS, {"email": "nobody@example.org", "role": "member"}, follow=True
        )
        known = client.post(
            MEMBERS, {"email": "Charlie@Example.org", "role": "reporter"}, follow=True
        )
    message = "If that address has an account, it has been invited."
    assert message in unknown.content.decode()
    assert message in known.content.decode()
    assert not Membership.objects.filter(user__email="nobody@example.org").exists()
    membership = Membership.objects.get(user=charlie, organisation=tegsh)
    assert membership.state == "invited"
    assert (membership.role, membership.invited_by) == ("reporter", dorj)
    # The invited person is told by email where to answer
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["charlie@example.org"]
    assert "/en/organisations/invitations/" in mail.outbox[0].body


def test_the_invited_person_accepts_on_their_invitations_page(client, dorj, charlie, tegsh):  # type: ignore[no-untyped-def]
    membership = services.membership_invite(
        organisation=tegsh, email="charlie@example.org", role="reporter", by=dorj
    )
    assert membership is not None
    client.force_login(charlie)
    page = client.get("/en/organisations/invitations/").content.decode()
    assert tegsh.name_en in page
    assert "invited by Dorj" in page
    response = client.post(f"/en/organisations/invitations/{membership.pk}/", {"accept": "1"})
    assert response["Location"] == PROFILE
    membership.refresh_from_db()
    assert (membership.state, membership.role) == ("active", "reporter")


@pytest.mark.parametrize("intruder", ["bob", "dorj"])
def test_someone_else_cannot_answer_an_invitation(
    client, sign_in, request, intruder, dorj, charlie, tegsh
):  # type: ignore[no-untyped-def]
    membership = services.membership_invite(
        organisation=tegsh, email=charlie.email, role="member", by=dorj
    )
    assert membership is not None
    # Bob is a plan manager: signed in with his second factor, so the answer is the rule's.
    sign_in(client, request.getfixturevalue(intruder))
    response = client.post(f"/en/organisations/invitations/{membership.pk}/", {"accept": "1"})
    assert response.status_code == 404
    assert Membership.objects.get(pk=membership.pk).state == "invited"
    assert not Membership.objects.filter(organisation=tegsh, user__email="bob@example.org").exists()


def test_declining_an_invitation(client, dorj, charlie, tegsh):  # type: ignore[no-untyped-def]
    membership = services.membership_invite(
        organisation=tegsh, email="charlie@example.org", role="member", by=dorj
    )
    assert membership is not None
    client.force_login(charlie)
    client.post(f"/en/organisations/invitations/{membership.pk}/", {"accept": "0"})
    assert Membership.objects.get(pk=membership.pk).state == "declined"


def test_the_admin_changes_a_role_and_removes_a_member(client, dorj, charlie, tegsh):  # type: ignore[no-untyped-def]
    membership = Membership.objects.create(
        user=charlie, organisation=tegsh, role="member", state="active"
    )
    client.force_login(dorj)
    client.post(f"{MEMBERS}{membership.pk}/role/", {"role": "reporter"})
    membership.refresh_from_db()
    assert membership.role == "reporter"
    client.post(f"{MEMBERS}{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_admin_cannot_leave_remove_or_demote_themselves(client, dorj, charlie, tegsh):  # type: ignore[no-untyped-def]
    own = Membership.objects.get(user=dorj)
    client.force_login(dorj)
    error = "An organisation needs at least one administrator."
    response = client.post(f"{PROFILE}leave/", follow=True)
    assert error in response.content.decode()
    response = client.post(f"{MEMBERS}{own.pk}/remove/", follow=True)
    assert error in response.content.decode()
    response = client.post(f"{MEMBERS}{own.pk}/role/", {"role": "member"}, follow=True)
    assert error in response.content.decode()
    own.refresh_from_db()
    assert (own.role, own.state) == ("admin", "active")
    # With a second administrator, Dorj may step down
    Membership.objects.create(user=charlie, organisation=tegsh, role="admin", state="active")
    client.post(f"{MEMBERS}{own.pk}/role/", {"role": "member"})
    own.refresh_from_db()
    assert own.role == "member"
    response = client.post(f"{PROFILE}leave/", follow=True)
    assert "You left the organisation." in response.content.decode()
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_a_member_leaves_and_a_requester_withdraws(client, charlie, tegsh):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    client.post(f"{PROFILE}join/")
    response = client.post(f"{PROFILE}leave/", follow=True)
    assert "Your request was withdrawn." in response.content.decode()
    assert not Membership.objects.filter(user=charlie).exists()


def test_a_site_administrator_manages_any_organisations_members(client, sign_in, dana, tegsh):  # type: ignore[no-untyped-def]
    sign_in(client, dana)
    assert client.get(MEMBERS).status_code == 200
    assert "Manage members" in client.get(PROFILE).content.decode()
