"""Invitations cannot be used to probe addresses or to send mail without limit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from plantrack.accounts.services import MAIL_LIMIT_PER_ADDRESS, MailLimitReached
from plantrack.organisations import services
from plantrack.organisations.models import Membership, Organisation

URL = "https://plantrack.example/invitations/"


def test_an_unverified_organisation_cannot_invite(charlie, dana):  # type: ignore[no-untyped-def]
    # Given Charlie registered an organisation nobody has verified yet
    organisation = services.organisation_register(
        by=charlie, data={"name_en": "Probe Club", "kind": "cso"}
    )
    # When he invites an address, then he is told to wait for verification; nothing is stored
    with pytest.raises(ValidationError) as refused:
        services.membership_invite(
            organisation=organisation, email=dana.email, role="member", by=charlie
        )
    assert refused.value.code == "unverified"
    assert not Membership.objects.filter(organisation=organisation, user=dana).exists()


def test_invitations_to_one_address_stop_at_the_mail_limit(tegsh, dorj, charlie, settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Given the administrator of a verified organisation invites Charlie again and again
    for _ in range(MAIL_LIMIT_PER_ADDRESS):
        services.membership_invite(
            organisation=tegsh, email=charlie.email, role="member", by=dorj, invitations_url=URL
        )
    sent = len(mail.outbox)
    # When one more is asked for, then it is refused and no mail goes out
    with pytest.raises(MailLimitReached):
        services.membership_invite(
            organisation=tegsh, email=charlie.email, role="member", by=dorj, invitations_url=URL
        )
    assert len(mail.outbox) == sent


def test_the_members_page_lists_an_invitation_by_the_address_typed_not_the_persons_name(  # type: ignore[no-untyped-def]
    client, sign_in, tegsh, dorj, charlie
):
    services.membership_invite(organisation=tegsh, email=charlie.email, role="member", by=dorj)
    sign_in(client, dorj)
    page = client.get(f"/en/organisations/{tegsh.slug}/members/").content.decode()
    invitations = page[page.index("invitations-heading") :]
    assert charlie.email in invitations
    assert charlie.display_name not in invitations


def test_verification_is_what_lets_an_organisation_invite(charlie, dana, settings):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    organisation = services.organisation_register(
        by=charlie, data={"name_en": "Steppe Riders", "kind": "cso"}
    )
    Organisation.objects.filter(pk=organisation.pk).update(verified_at=timezone.now())
    organisation.refresh_from_db()
    invited = services.membership_invite(
        organisation=organisation, email=dana.email, role="member", by=charlie
    )
    assert invited is not None and invited.state == "invited"
