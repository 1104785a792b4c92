"""A person's language for notices and emails: taken from the sign-up page, changed on the
profile page, and the one their emails are written in."""

from __future__ import annotations

import pytest

from plantrack.accounts.models import User
from plantrack.lib.language import site_language

from .helpers import person


@pytest.mark.parametrize("language", ["en", "mn"])
def test_signing_up_keeps_the_language_of_the_sign_up_page(client, db, language):  # type: ignore[no-untyped-def]
    data = {"email": "new@example.org", "display_name": "New", "password": "a-long-passphrase-42"}
    client.post(f"/{language}/accounts/sign-up/", data)
    assert User.objects.get(email="new@example.org").language == language


def test_the_profile_page_changes_the_language(client, db):  # type: ignore[no-untyped-def]
    user = person("ann@example.org", "Ann")
    assert user.language == "mn"
    client.force_login(user)
    page = client.get("/en/accounts/profile/").content.decode()
    assert 'name="language"' in page and "Notices on this site and the emails" in page
    response = client.post("/en/accounts/profile/", {"display_name": "Ann", "language": "en"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_a_language_the_site_does_not_have_is_refused_on_the_profile(client, db):  # type: ignore[no-untyped-def]
    user = person("ann@example.org", "Ann")
    client.force_login(user)
    response = client.post("/en/accounts/profile/", {"display_name": "Ann", "language": "fr"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.language == "mn"


@pytest.mark.parametrize(
    ("given", "kept"), [("en", "en"), ("en-gb", "en"), ("mn", "mn"), ("fr", "mn"), (None, "mn")]
)
def test_a_kept_language_is_one_of_the_sites(given, kept):  # type: ignore[no-untyped-def]
    assert site_language(given) == kept


def test_a_profile_form_sent_without_the_language_keeps_it(client, db):  # type: ignore[no-untyped-def]
    user = person("ann@example.org", "Ann", language="en")
    client.force_login(user)
    assert client.post("/en/accounts/profile/", {"display_name": "Annie"}).status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Annie", "en")


def test_a_persons_notices_are_in_their_data_and_go_with_their_account(client, db):  # type: ignore[no-untyped-def]
    from plantrack.accounts.services import account_delete, account_export
    from plantrack.notices.models import Notice

    user, other = person("ann@example.org", "Ann"), person("bea@example.org", "Bea")
    for owner in (user, other):
        Notice.objects.create(
            recipient=owner, kind="progress.approved", subject_type="t", subject_id=1, key="k"
        )
    data = account_export(user=user)
    assert data["account"]["language"] == "mn"
    assert [n["kind"] for n in data["notices"]] == ["progress.approved"]
    account_delete(user=user)
    assert list(Notice.objects.values_list("recipient__email", flat=True)) == ["bea@example.org"]
