"""Every registry page renders in Mongolian and English, and every route declares its rule."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver

from plantrack.organisations import services
from plantrack.organisations.models import Membership

PAGES = [
    # (path after /<lang>/, who is signed in)
    ("organisations/", None),
    ("organisations/?kind=cso&verified=no&q=code", None),
    ("organisations/disability-federation/", None),
    ("organisations/disability-federation/", "charlie"),
    ("organisations/disability-federation/", "dorj"),
    ("organisations/code-tal/", "dana"),
    ("organisations/register/", "charlie"),
    ("organisations/disability-federation/edit/", "dorj"),
    ("organisations/disability-federation/members/", "dorj"),
    ("organisations/review/", "dana"),
    ("organisations/invitations/", "charlie"),
]


@pytest.mark.parametrize("lang", ["mn", "en"])
@pytest.mark.parametrize(("path", "who"), PAGES)
def test_every_registry_page_renders_in_both_languages(
    client, sign_in, request, lang, path, who, demo
):  # type: ignore[no-untyped-def]
    if who is not None:
        user = request.getfixturevalue(who)
        if who == "charlie":
            tegsh = request.getfixturevalue("tegsh")
            dorj = request.getfixturevalue("dorj")
            services.membership_request(organisation=demo["nomin-womens-rights-centre"], user=user)
            services.membership_invite(organisation=tegsh, email=user.email, role="member", by=dorj)
        if who == "dorj":
            charlie = request.getfixturevalue("charlie")
            services.membership_request(organisation=request.getfixturevalue("tegsh"), user=charlie)
        sign_in(client, user)
    response = client.get(f"/{lang}/{path}")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{lang}">' in content
    assert content.count("<h1") == 1


def test_the_mongolian_directory_shows_mongolian_names(client, demo):  # type: ignore[no-untyped-def]
    content = client.get("/mn/organisations/").content.decode()
    assert "“Тэгш алхам” хөгжлийн бэрхшээлтэй иргэдийн байгууллагуудын холбоо" in content
    assert "Улаанбаатар, Баянзүрх" in content


def test_the_profile_shows_its_facts_and_members(client, dorj, tegsh):  # type: ignore[no-untyped-def]
    content = client.get("/en/organisations/disability-federation/").content.decode()
    for text in (
        "Civil society organisation",
        "Verified by a site administrator on",
        "9011002345",
        "Disability rights",
        "People with disabilities",
        "Ulaanbaatar, Bayanzürkh, 26-р хороо",
        "Urban",
        "mailto:info@tegsh-alkham.example.org",
        "https://tegsh-alkham.example.org",
        "screen-reader users",
        "Dorj — Organisation administrator",
        "Responsibilities in plans",
    ):
        assert text in content, text
    mongolian = client.get("/mn/organisations/disability-federation/").content.decode()
    assert "дэлгэц уншигч" in mongolian
    assert '<dd lang="en">Tegsh Alkham Federation of Disability Organisations</dd>' in mongolian


def test_admin_links_show_only_for_the_organisations_admins(client, dorj, charlie, tegsh):  # type: ignore[no-untyped-def]
    Membership.objects.create(user=charlie, organisation=tegsh, role="member", state="active")
    client.force_login(charlie)
    content = client.get("/en/organisations/disability-federation/").content.decode()
    assert "Manage members" not in content
    assert "Ask to join" not in content
    assert "You are a member of this organisation" in content
    client.force_login(dorj)
    content = client.get("/en/organisations/disability-federation/").content.decode()
    assert "/en/organisations/disability-federation/edit/" in content
    assert "/en/organisations/disability-federation/members/" in content


def test_the_new_pages_answer_a_visitor_with_a_sign_in_redirect(client, db, demo):  # type: ignore[no-untyped-def]
    for path in (
        "register/",
        "review/",
        "invitations/",
        "disability-federation/edit/",
        "disability-federation/members/",
    ):
        response = client.get(f"/en/organisations/{path}")
        assert response.status_code == 302, path
        assert "/accounts/sign-in/" in response["Location"]


def test_every_registry_route_declares_its_permission_rule():  # type: ignore[no-untyped-def]
    resolver = get_resolver()
    found = {}

    def walk(patterns, namespace=""):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                if namespace == "organisations":
                    found[pattern.name] = getattr(pattern.callback, "permission_rule", None)
            else:
                walk(pattern.url_patterns, pattern.namespace or namespace)

    walk(resolver.url_patterns)
    assert found == {
        "list": "public",
        "detail": "public",
        "register": "organisations.register",
        "review": "organisations.verify",
        "verify": "organisations.verify",
        "retire": "organisations.retire",
        "restore": "organisations.retire",
        "decide": "organisations.verify",
        "edit": "organisations.change",
        "members": "organisations.change",
        "member_decide": "organisations.change",
        "member_role": "organisations.change",
        "member_remove": "organisations.change",
        "join": "organisations.join",
        "leave": "accounts.own_account",
        "invitations": "accounts.own_account",
        "invitation_respond": "accounts.own_account",
    }


def test_members_of_an_unverified_organisation_are_not_public(client, charlie, demo):  # type: ignore[no-untyped-def]
    code_tal = demo["code-tal"]
    Membership.objects.create(user=charlie, organisation=code_tal, role="admin", state="active")
    content = client.get("/en/organisations/code-tal/").content.decode()
    assert "Charlie" not in content
    assert "once a site administrator has verified the organisation" in content
    client.force_login(charlie)
    assert (
        "Charlie — Organisation administrator"
        in client.get("/en/organisations/code-tal/").content.decode()
    )
