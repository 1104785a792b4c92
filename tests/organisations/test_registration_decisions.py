"""A site administrator returns a registration with a note or rejects it with a reason (issue
10): only site administrators, recorded once in the history, mailed to the applicant; after a
return the applicant fixes the profile and sends it again; a rejection is final."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from plantrack.accounts.models import User
from plantrack.history.models import Event
from plantrack.organisations import selectors, services
from plantrack.organisations.models import FieldOfActivity, Membership, Organisation, Region

NOTE = "The state registration number does not match the state register."


@pytest.fixture
def applicant(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("tuya@example.org", "correct-horse-6", display_name="Tuya")


@pytest.fixture
def registration(applicant: User) -> Organisation:
    return services.organisation_register(
        by=applicant,
        data={
            "name_en": "Steppe Reading Club",
            "name_mn": "Тал нутгийн уншлагын клуб",
            "kind": "cso",
            "registration_number": "9011222333",
            "region": Region.objects.get(slug="arkhangai"),
            "soum": "Tariat soum",
            "fields": [FieldOfActivity.objects.get(slug="education")],
        },
    )


def _events(organisation: Organisation, action: str) -> list[Event]:
    return list(
        Event.objects.filter(
            object_type="organisations.organisation", object_id=str(organisation.pk), action=action
        )
    )


def _state(organisation: Organisation) -> tuple[Any, ...]:
    organisation.refresh_from_db()
    return (organisation.review_state, organisation.review_note, organisation.version)


DECISIONS = {
    "return": lambda org, by, text: services.organisation_return(
        organisation=org, by=by, note=text
    ),
    "reject": lambda org, by, text: services.organisation_reject(
        organisation=org, by=by, reason=text
    ),
}


@pytest.mark.parametrize("decision", sorted(DECISIONS))
@pytest.mark.django_db(transaction=False)
def test_only_site_administrators_decide(
    decision: str, registration: Organisation, applicant: User, charlie: User, alice: User,
    dana: User, dorj: User, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    member = User.objects.create_user("member@example.org", "correct-horse-7", display_name="M")
    Membership.objects.create(user=member, organisation=registration, role="member", state="active")
    before = _state(registration)
    # anonymous, a citizen, a member, its own applicant (its administrator), a plan manager,
    # and the administrator of another organisation
    for person in (AnonymousUser(), charlie, member, applicant, alice, dorj):
        with pytest.raises(PermissionDenied):
            DECISIONS[decision](registration, person, NOTE)
        assert _state(registration) == before
    state = "returned" if decision == "return" else "rejected"
    assert not _events(registration, state)
    with django_capture_on_commit_callbacks(execute=True):
        DECISIONS[decision](registration, dana, NOTE)
    assert _state(registration) == (state, NOTE, before[2] + 1)
    events = _events(registration, state)
    assert len(events) == 1
    assert (events[0].reason, events[0].actor_id, events[0].public) == (NOTE, dana.pk, False)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tuya@example.org"]
    assert NOTE in message.body
    # The applicant's language is not stored: Mongolian, the site's default (the name is
    # given in Mongolian, and a returned registration's link leads to the Mongolian edit page).
    assert "Тал нутгийн уншлагын клуб" in message.subject
    if decision == "return":
        assert f"/mn/organisations/{registration.slug}/edit/\n" in message.body


@pytest.mark.parametrize("decision", sorted(DECISIONS))
@pytest.mark.parametrize("text", ["", "   \n  "])
@pytest.mark.django_db
def test_a_note_or_reason_is_required(
    decision: str, text: str, registration: Organisation, dana: User
) -> None:
    before = _state(registration)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        DECISIONS[decision](registration, dana, text)
    assert list(refused.value.error_dict) == ["reason"]
    words = "Write a note for the applicant" if decision == "return" else "Write the reason"
    assert words in refused.value.message_dict["reason"][0]
    assert _state(registration) == before
    assert not Event.objects.filter(action__in=["returned", "rejected"]).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_decided_verified_or_imported_organisation_is_refused_clearly(
    registration: Organisation, dana: User, demo: dict, police: Organisation
) -> None:
    services.organisation_return(organisation=registration, by=dana, note=NOTE)
    with translation.override("en"):
        with pytest.raises(ValidationError, match="already been returned"):
            services.organisation_reject(organisation=registration, by=dana, reason=NOTE)
        verified = Organisation.objects.get(slug="disability-federation")
        with pytest.raises(ValidationError, match="is verified"):
            services.organisation_return(organisation=verified, by=dana, note=NOTE)
        with pytest.raises(ValidationError, match="Only a registration"):
            services.organisation_reject(organisation=police, by=dana, reason=NOTE)
    assert len(Event.objects.filter(action__in=["returned", "rejected"])) == 1


@pytest.mark.django_db
def test_after_a_return_the_applicant_fixes_the_profile_and_sends_it_again(
    registration: Organisation, applicant: User, dana: User
) -> None:
    services.organisation_return(organisation=registration, by=dana, note=NOTE)
    assert registration not in selectors.awaiting_verification()
    registration.refresh_from_db()
    services.organisation_update(
        organisation=registration,
        by=applicant,
        data={"registration_number": "9011222444"},
        version=registration.version,
    )
    registration.refresh_from_db()
    assert (registration.review_state, registration.registration_number) == ("", "9011222444")
    assert registration in selectors.awaiting_verification()
    assert len(_events(registration, "resubmitted")) == 1
    services.organisation_verify(organisation=registration, by=dana)
    registration.refresh_from_db()
    assert registration.is_verified and registration.review_note == ""


@pytest.mark.django_db
def test_a_rejection_is_final_for_the_applicant_and_leaves_the_directory(
    registration: Organisation, applicant: User, dana: User, client: Client, english
) -> None:
    services.organisation_reject(organisation=registration, by=dana, reason=NOTE)
    registration.refresh_from_db()
    with pytest.raises(ValidationError, match="rejected"):
        services.organisation_update(
            organisation=registration, by=applicant, data={"soum": "Ikhtamir"}, version=None
        )
    registration.refresh_from_db()
    assert registration.soum == "Tariat soum"
    assert registration not in selectors.organisation_directory()
    assert registration not in selectors.awaiting_verification()
    url = f"/en/organisations/{registration.slug}/"
    assert client.get(url).status_code == 404
    client.force_login(applicant)
    page = client.get(url)
    assert page.status_code == 200
    assert NOTE in page.content.decode()


@pytest.mark.django_db
def test_the_decision_page_ties_a_missing_reason_to_its_field(
    registration: Organisation, dana: User, client: Client, sign_in: Any
) -> None:
    sign_in(client, dana)
    url = f"/en/organisations/{registration.slug}/decide/"
    for page in ("/en/organisations/review/", f"/en/organisations/{registration.slug}/"):
        assert f'href="{url}"' in client.get(page).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_reason"' in html
    assert "Write the reason for the rejection" in html
    assert _state(registration)[0] == ""
    response = client.post(url, {"decision": "return", "reason": NOTE})
    assert response["Location"] == "/en/organisations/review/"
    assert _state(registration)[:2] == ("returned", NOTE)
    # The applicant finds the note on the profile and the edit page.
    client.force_login(registration.memberships.get().user)
    edit = client.get(f"/en/organisations/{registration.slug}/edit/").content.decode()
    assert NOTE in edit
    assert "Save and send for verification again" in edit
