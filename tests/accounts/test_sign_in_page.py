"""The sign-in page links to the password reset, and an email confirmation lands on it with the
address filled in (carried in the session, never in the address)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from plantrack.accounts.models import User

SIGN_IN = "/en/accounts/sign-in/"


def _email_value(html: str) -> str | None:
    field = re.search(r'<input[^>]*name="username"[^>]*>', html)
    assert field is not None
    value = re.search(r'value="([^"]*)"', field.group(0))
    return value.group(1) if value else None


@pytest.mark.django_db
def test_the_sign_in_page_links_to_the_password_reset(client: Client) -> None:
    html = client.get(SIGN_IN).content.decode()
    assert 'href="/en/accounts/password-reset/"' in html
    with translation.override("en"):
        assert "Forgot your password?" in html


@pytest.mark.django_db
def test_the_confirmation_link_lands_on_sign_in_with_the_address_filled_in(client: Client) -> None:
    client.post(
        "/en/accounts/sign-up/",
        {"email": "nomin@example.org", "display_name": "Nomin", "password": "a-long-passphrase-42"},
    )
    link = re.search(r"https?://\S+/verify/\S+/", mail.outbox[-1].body)
    assert link is not None
    response = client.get(link.group(0), follow=True)
    assert response.redirect_chain[-1][0] == SIGN_IN
    html = response.content.decode()
    assert _email_value(html) == "nomin@example.org"
    assert User.objects.get(email="nomin@example.org").email_verified_at is not None
    # The cursor waits in the password field, and the address shows once only.
    assert re.search(r'<input[^>]*name="password"[^>]*autofocus', html)
    assert _email_value(client.get(SIGN_IN).content.decode()) is None


@pytest.mark.django_db
def test_no_query_parameter_fills_the_sign_in_form(client: Client) -> None:
    html = client.get(SIGN_IN + "?email=victim@example.org&username=victim@example.org")
    assert _email_value(html.content.decode()) is None


@pytest.mark.django_db
def test_a_bad_confirmation_link_fills_nothing(client: Client) -> None:
    assert client.get("/en/accounts/verify/not-a-token/").status_code == 400
    assert _email_value(client.get(SIGN_IN).content.decode()) is None
