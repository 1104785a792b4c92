"""Organisations register themselves; their administrators edit them; site admins verify."""

from __future__ import annotations

import pytest

from plantrack.organisations.models import FieldOfActivity, Membership, Organisation, Region
from plantrack.organisations.services import _unique_slug, organisation_get_or_create

REGISTER = "/en/organisations/register/"


def _profile(**changes: object) -> dict:
    data = {
        "name_mn": "“Ирээдүйн алхам” залуучуудын холбоо",
        "name_en": "Future Steps Youth Association",
        "acronym": "FSYA",
        "kind": "cso",
        "registration_number": "9011777777",
        "fields": [FieldOfActivity.objects.get(slug="digital-inclusion").pk],
        "target_groups": [],
        "region": Region.objects.get(slug="songinokhairkhan").pk,
        "soum": "12th khoroo",
        "setting": "urban",
        "contact_email": "info@future-steps.example.org",
        "contact_phone": "+976 9911 0000",
        "website": "https://future-steps.example.org",
        "description_mn": "",
        "description_en": "Digital skills for young people in ger districts.",
    }
    data.update(changes)
    return data


def test_a_visitor_is_sent_to_sign_in_before_registering(client, db):  # type: ignore[no-untyped-def]
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_registration_creates_an_unverified_organisation_with_the_registrant_as_admin(
    client, charlie
):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    response = client.post(REGISTER, _profile(), follow=True)
    organisation = Organisation.objects.get(name_en="Future Steps Youth Association")
    assert response.redirect_chain[-1][0] == f"/en/organisations/{organisation.slug}/"
    assert organisation.slug == "future-steps-youth-association"
    assert organisation.self_registered
    assert organisation.verified_at is None
    assert [f.slug for f in organisation.fields.all()] == ["digital-inclusion"]
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.state) == (charlie, "admin", "active")
    content = response.content.decode()
    assert "a site administrator checks it" in content
    assert "Not verified yet" in content
    assert "Manage members" in content


def test_a_cyrillic_only_name_gets_a_transliterated_slug(client, charlie):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    client.post(REGISTER, _profile(name_en="", acronym=""))
    organisation = Organisation.objects.get(registration_number="9011777777")
    assert organisation.slug == "ireeduin-alkham-zaluuchuudyn-kholboo"
    assert _unique_slug("Ирээдүйн алхам") == "ireeduin-alkham"
    assert _unique_slug("register") == "register-2"  # a path of the site, never a slug
    assert _unique_slug("“”") == "organisation"


def test_self_registration_cannot_create_an_agency_and_needs_a_name_and_a_field(client, charlie):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    response = client.post(REGISTER, _profile(kind="government", name_en="", name_mn="", fields=[]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Select a valid choice" in content
    assert "Give the organisation a name in Mongolian or English." in content
    assert "This field is required" in content
    assert not Organisation.objects.filter(registration_number="9011777777").exists()


def test_a_duplicate_registration_is_pointed_to_the_existing_organisation(client, charlie, demo):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    response = client.post(
        REGISTER,
        _profile(name_en="Nomin Women's Rights Centre", registration_number="9011004567"),
    )
    content = response.content.decode()
    assert "already in the registry" in content
    assert "ask to join it instead" in content


def test_only_site_administrators_verify(client, sign_in, dana, dorj, demo):  # type: ignore[no-untyped-def]
    url = "/en/organisations/code-tal/verify/"
    # A visitor is sent to sign in
    response = client.post(url)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]
    # A CSO administrator is refused, on the review page too
    sign_in(client, dorj)
    assert client.post(url).status_code == 403
    assert client.get("/en/organisations/review/").status_code == 403
    assert Organisation.objects.get(slug="code-tal").verified_at is None
    # A site administrator sees it waiting, and verifies it
    sign_in(client, dana)
    review = client.get("/en/organisations/review/").content.decode()
    assert "Code Tal Youth Digital Skills NGO" in review
    assert "Tegsh Alkham" not in review
    response = client.post(url, {"next": "review"})
    assert response["Location"] == "/en/organisations/review/"
    organisation = Organisation.objects.get(slug="code-tal")
    assert organisation.verified_by == dana
    assert organisation.verified_at is not None
    review = client.get("/en/organisations/review/").content.decode()
    assert "Code Tal Youth Digital Skills NGO is verified." in review
    assert 'href="/en/organisations/code-tal/"' not in review
    # and can take it back from the profile page
    client.post(url, {"verified": "0"})
    assert Organisation.objects.get(slug="code-tal").verified_at is None


def test_the_organisation_admin_edits_the_profile(client, dorj, tegsh):  # type: ignore[no-untyped-def]
    client.force_login(dorj)
    url = "/en/organisations/disability-federation/edit/"
    page = client.get(url).content.decode()
    assert 'value="government"' not in page  # an association cannot make itself an agency
    data = _profile(
        name_en=tegsh.name_en,
        name_mn=tegsh.name_mn,
        acronym="TAFDO",
        registration_number=tegsh.registration_number,
        contact_phone="+976 7011 9999",
        version=tegsh.version,
    )
    response = client.post(url, data)
    assert response.status_code == 302
    tegsh.refresh_from_db()
    assert tegsh.contact_phone == "+976 7011 9999"
    assert tegsh.is_verified  # nothing that identifies it changed


def test_renaming_a_verified_organisation_sends_it_back_for_verification(client, dorj, tegsh):  # type: ignore[no-untyped-def]
    client.force_login(dorj)
    data = _profile(
        name_en="Red Cross", name_mn="", registration_number="9011002345", version=tegsh.version
    )
    response = client.post("/en/organisations/disability-federation/edit/", data, follow=True)
    assert "verify the organisation again" in response.content.decode()
    tegsh.refresh_from_db()
    assert tegsh.verified_at is None


def test_a_member_of_one_organisation_cannot_edit_another(client, dorj, saraa, nomin):  # type: ignore[no-untyped-def]
    client.force_login(dorj)
    for url in (
        "/en/organisations/nomin-womens-rights-centre/edit/",
        "/en/organisations/nomin-womens-rights-centre/members/",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, _profile()).status_code == 403
    membership = Membership.objects.get(user=saraa)
    other = f"/en/organisations/nomin-womens-rights-centre/members/{membership.pk}/remove/"
    assert client.post(other).status_code == 403
    assert (
        client.post(
            f"/en/organisations/disability-federation/members/{membership.pk}/remove/"
        ).status_code
        == 404
    )  # not a membership of Dorj's organisation
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_plain_member_cannot_edit_their_own_organisation(client, charlie, tegsh):  # type: ignore[no-untyped-def]
    Membership.objects.create(user=charlie, organisation=tegsh, role="reporter", state="active")
    client.force_login(charlie)
    assert client.get("/en/organisations/disability-federation/edit/").status_code == 403


def test_the_importer_helper_still_matches_and_creates(db):  # type: ignore[no-untyped-def]
    un = organisation_get_or_create(name="United Nations", acronym="UN", kind="international")
    assert un.slug == "un"
    created = organisation_get_or_create(name="Монголын Улаан Загалмай Нийгэмлэг")
    assert created.slug == "mongolyn-ulaan-zagalmai-niigemleg"
    assert created.name_mn == "Монголын Улаан Загалмай Нийгэмлэг"
    count = Organisation.objects.count()
    # The same name in other letter case is the same organisation, on SQLite too (whose
    # iexact folds ASCII letters only): issue 7 item 4.
    again = organisation_get_or_create(name="монголын улаан загалмай нийгэмлэг")
    assert again.pk == created.pk
    assert Organisation.objects.count() == count


@pytest.mark.parametrize("lang", ["mn", "en"])
def test_the_demo_organisations_are_created_once(db, lang):  # type: ignore[no-untyped-def]
    from django.utils import translation

    from plantrack.organisations.demo import demo_organisations

    with translation.override(lang):
        first = demo_organisations()
        count = Organisation.objects.count()
        second = demo_organisations()
    assert Organisation.objects.count() == count
    assert {k: v.pk for k, v in first.items()} == {k: v.pk for k, v in second.items()}
    assert first["un"].slug == "un"
    assert first["un"].name_mn == "Нэгдсэн Үндэстний Байгууллага"
    assert first["parliament-of-mongolia"].kind == "parliament"
    assert {o.kind for o in first.values()} >= {"cso", "private", "academia", "international"}
