"""Sign-in security: throttling, second factor for staff roles, no account enumeration."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.accounts.models import User

SIGN_IN = "/en/accounts/sign-in/"
EDIT = "/en/plans/vision-2050-goal-7/items/7.3.13/edit/"


@pytest.fixture
def dora(db) -> User:  # type: ignore[no-untyped-def]
    """Dora is a citizen with a confirmed email address."""
    user = User.objects.create_user("dora@example.org", "right-password-9", display_name="Dora")
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def _sign_in(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(SIGN_IN, {"username": email, "password": password})


def test_sign_in_by_email_works_for_a_confirmed_account(client, dora):  # type: ignore[no-untyped-def]
    response = _sign_in(client, "dora@example.org", "right-password-9")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(dora.pk)


def test_repeated_failures_lock_the_account_out_with_a_clear_message(client, dora):  # type: ignore[no-untyped-def]
    for _ in range(4):
        assert _sign_in(client, "dora@example.org", "wrong").status_code == 200
    assert _sign_in(client, "dora@example.org", "wrong").status_code == 429
    # Even the right password is refused while the lock lasts.
    locked = _sign_in(client, "dora@example.org", "right-password-9")
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2():
    # The test suite swaps in a fast hasher; the project's own setting is what ships.
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from plantrack import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert Argon2PasswordHasher().encode("x", Argon2PasswordHasher().salt()).startswith("argon2")


def test_an_unconfirmed_account_is_asked_to_confirm_only_after_the_right_password(client, db):  # type: ignore[no-untyped-def]
    User.objects.create_user("new@example.org", "right-password-9", display_name="New")
    wrong = _sign_in(client, "new@example.org", "wrong")
    assert b"confirm your email" not in wrong.content
    right = _sign_in(client, "new@example.org", "right-password-9")
    assert b"confirm your email address first" in right.content


def test_sign_in_messages_do_not_reveal_whether_an_email_is_registered(client, dora):  # type: ignore[no-untyped-def]
    unknown = _sign_in(client, "nobody@example.org", "whatever-1")
    wrong_password = _sign_in(client, "dora@example.org", "whatever-1")
    assert unknown.status_code == wrong_password.status_code == 200
    assert unknown.context["form"].errors == wrong_password.context["form"].errors


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, dora):  # type: ignore[no-untyped-def]
    known = client.post("/en/accounts/password-reset/", {"email": "dora@example.org"}, follow=True)
    unknown = client.post("/en/accounts/password-reset/", {"email": "zed@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content.replace(b"dora", b"") == unknown.content.replace(b"zed", b"")
    assert [m.to for m in mail.outbox] == [["dora@example.org"]]


def test_sign_up_answers_the_same_when_the_address_is_taken(client, dora):  # type: ignore[no-untyped-def]
    data = {"display_name": "Someone", "password": "a-long-passphrase-42"}
    taken = client.post("/en/accounts/sign-up/", {**data, "email": "dora@example.org"})
    fresh = client.post("/en/accounts/sign-up/", {**data, "email": "erdene@example.org"})
    assert taken.status_code == fresh.status_code == 200
    for response in (taken, fresh):
        assert "accounts/check_email.html" in [t.name for t in response.templates]
    assert User.objects.filter(email="erdene@example.org").exists()
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Confirm your email address for Plantrack",
        "Someone tried to create a Plantrack account with your email address",
    ]


def test_the_emailed_link_confirms_the_address(client, db):  # type: ignore[no-untyped-def]
    client.post(
        "/en/accounts/sign-up/",
        {"email": "tsetseg@example.org", "display_name": "Tsetseg", "password": "a-long-pass-77"},
    )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/verify/" in line)
    assert client.get(link.strip()).status_code == 302
    assert User.objects.get(email="tsetseg@example.org").email_verified_at is not None
    assert client.get("/en/accounts/verify/forged-token/").status_code == 400


@pytest.mark.parametrize("group", ["Plan managers", "Assessors", "Moderators", None])
def test_staff_roles_cannot_act_without_a_second_factor(client, alice, group):  # type: ignore[no-untyped-def]
    # Given a staff user (or a site administrator) signed in with a password only
    if group:
        alice.groups.add(Group.objects.get_or_create(name=group)[0])
    else:
        alice.is_superuser = True
        alice.save(update_fields=["is_superuser"])
    client.force_login(alice)
    # When they open any page, they are sent to set up the second step first
    response = client.get(EDIT)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-step/setup/")
    assert client.get("/en/").status_code == 302


def test_a_staff_user_is_let_in_after_proving_the_second_factor(client, alice):  # type: ignore[no-untyped-def]
    client.force_login(alice)
    setup = client.get("/en/accounts/two-step/setup/?next=" + EDIT)
    assert setup.status_code == 200
    key = base64.b32decode(setup.context["secret"])
    wrong = client.post("/en/accounts/two-step/setup/", {"token": "000000", "next": EDIT})
    assert b"That code is not right" in wrong.content
    assert client.get(EDIT).status_code == 302
    token = f"{totp(key):06d}"
    response = client.post("/en/accounts/two-step/setup/", {"token": token, "next": EDIT})
    assert response.status_code == 200
    assert len(response.context["recovery_codes"]) == 10
    assert TOTPDevice.objects.get(user=alice).confirmed
    assert client.get(EDIT).status_code == 200


def test_a_citizen_needs_no_second_factor(client, charlie):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    assert client.get("/en/accounts/profile/").status_code == 200


def test_security_headers_are_sent(client, db):  # type: ignore[no-untyped-def]
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_reports_no_issues_in_production_settings(tmp_path):
    env = {
        **os.environ,
        "PLANTRACK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "plantrack.example.org",
        "PLANTRACK_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "plantrack.settings",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
