"""Organisation rules live in the services (any door); two editors never overwrite each other."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.organisations import services
from plantrack.organisations.models import Membership, Organisation
from plantrack.organisations.permissions import can_see_members, kinds_allowed
from tests.formdata import form_data


def _profile(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data = {name: getattr(organisation, name) for name in services.PROFILE_FIELDS}
    data.update(changes)
    return data


def test_an_organisation_admin_cannot_make_their_cso_a_law_enforcement_agency(tegsh, dorj):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.organisation_update(
            organisation=tegsh,
            by=dorj,
            data=_profile(tegsh, kind="law_enforcement"),
            version=tegsh.version,
        )
    assert "kind" in refused.value.message_dict
    tegsh.refresh_from_db()
    assert tegsh.kind == "cso"


def test_a_site_admin_may_set_any_kind(tegsh, dana):  # type: ignore[no-untyped-def]
    services.organisation_update(
        organisation=tegsh,
        by=dana,
        data=_profile(tegsh, kind="government"),
        version=tegsh.version,
    )
    tegsh.refresh_from_db()
    assert tegsh.kind == "government"


def test_an_agency_keeps_its_own_kind_when_its_admin_edits_it(db, police):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User

    admin = User.objects.create_user("npa-admin@example.org", "pw-npa-12345", display_name="Nara")
    Membership.objects.create(user=admin, organisation=police, role="admin", state="active")
    assert "law_enforcement" in kinds_allowed(admin, police)
    assert "government" not in kinds_allowed(admin, police)
    services.organisation_update(
        organisation=police,
        by=admin,
        data=_profile(police, contact_phone="+976 7000 0102"),
        version=1,
    )
    police.refresh_from_db()
    assert (police.kind, police.contact_phone) == ("law_enforcement", "+976 7000 0102")


def test_the_admin_of_another_organisation_cannot_edit_this_one(tegsh, saraa):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=tegsh, by=saraa, data=_profile(tegsh, soum="x"), version=tegsh.version
        )
    tegsh.refresh_from_db()
    assert tegsh.soum != "x"


def test_members_of_an_unverified_organisation_are_seen_by_its_admins_only(db, charlie, dana):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User

    owner = User.objects.create_user("owner@example.org", "pw-owner-1234", display_name="Oyun")
    organisation = services.organisation_register(
        by=owner, data={"name_en": "Steppe Readers", "kind": "cso"}
    )
    assert can_see_members(owner, organisation)
    assert can_see_members(dana, organisation)
    assert not can_see_members(charlie, organisation)
    assert not can_see_members(None, organisation)
    services.organisation_verify(organisation=organisation, by=dana)
    assert can_see_members(charlie, organisation)


def test_two_editors_of_one_organisation_do_not_overwrite_each_other(
    client, tegsh, dorj, dana, sign_in
):  # type: ignore[no-untyped-def]
    # Given Dorj and Dana both open the profile
    other = client.__class__()
    client.force_login(dorj)
    sign_in(other, dana)
    url = f"/en/organisations/{tegsh.slug}/edit/"
    dorj_form = client.get(url).context["form"]
    dana_form = other.get(url).context["form"]
    # When Dorj changes the phone, then Dana changes the soum from her older copy
    first = client.post(url, form_data(dorj_form, contact_phone="+976 9999 0000"))
    assert first.status_code == 302
    second = other.post(url, form_data(dana_form, soum="27th khoroo"))
    # Then Dana is told to reload, and Dorj's phone is kept
    assert second.status_code == 200
    assert "Someone else saved this organisation" in second.content.decode()
    tegsh.refresh_from_db()
    assert (tegsh.contact_phone, tegsh.soum) == ("+976 9999 0000", "26-р хороо")
    # And after reloading, her change is saved on top of his
    fresh = other.get(url).context["form"]
    assert other.post(url, form_data(fresh, soum="27th khoroo")).status_code == 302
    tegsh.refresh_from_db()
    assert (tegsh.contact_phone, tegsh.soum) == ("+976 9999 0000", "27th khoroo")


def test_a_stale_role_change_is_refused(tegsh, dorj):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User

    user = User.objects.create_user("m@example.org", "pw-m-123456", display_name="Mönkh")
    membership = Membership.objects.create(
        user=user, organisation=tegsh, role="member", state="active"
    )
    seen = membership.version
    services.membership_set_role(membership=membership, role="reporter", by=dorj, version=seen)
    with pytest.raises(ValidationError) as refused:
        services.membership_set_role(
            membership=Membership.objects.get(pk=membership.pk),
            role="admin",
            by=dorj,
            version=seen,
        )
    assert refused.value.code == "stale"
    membership.refresh_from_db()
    assert membership.role == "reporter"


def test_changing_the_acronym_sends_a_verified_organisation_back_for_verification(tegsh, dorj):  # type: ignore[no-untyped-def]
    # Given a verified self-registered organisation (acronyms are what imports match by)
    assert tegsh.self_registered and tegsh.verified_at is not None
    # When its administrator gives it an agency's acronym
    services.organisation_update(
        organisation=tegsh, by=dorj, data=_profile(tegsh, acronym="NCSA"), version=tegsh.version
    )
    # Then it is unverified again until an administrator checks it
    tegsh.refresh_from_db()
    assert (tegsh.acronym, tegsh.verified_at) == ("NCSA", None)
