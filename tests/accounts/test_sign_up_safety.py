"""Sign-up and password reset reveal nothing by timing, cannot flood a mailbox, never answer 500."""

from __future__ import annotations

import re
import threading
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.db import connections
from django.test import Client
from django.utils import timezone

from plantrack.accounts import services
from plantrack.accounts.models import User

SIGN_UP = "/en/accounts/sign-up/"
RESET = "/en/accounts/password-reset/"
LIMIT_MESSAGE = "Too many emails were asked for"


@pytest.fixture
def dora(db) -> User:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("dora@example.org", "right-password-9", display_name="Dora")
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return user


def _sign_up(client, email: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {"email": email, "display_name": "Someone", "password": "a-long-passphrase-42"}
    return client.post(SIGN_UP, data, **extra)


def _page(response, name: str) -> str:  # type: ignore[no-untyped-def]
    """The page without the address typed and without the (per-response) CSRF token."""
    text = response.content.decode().replace(name, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _hashes_during(client, email: str) -> int:  # type: ignore[no-untyped-def]
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
    ) as encode:
        assert _sign_up(client, email).status_code == 200
    return encode.call_count


def test_sign_up_hashes_the_password_as_often_for_a_taken_address_as_for_a_new_one(client, dora):  # type: ignore[no-untyped-def]
    taken = _hashes_during(client, "dora@example.org")
    fresh = _hashes_during(client, "new-person@example.org")
    assert fresh >= 1
    assert taken == fresh


def test_the_21st_sign_up_from_one_address_sends_no_email_and_says_why(client, db):  # type: ignore[no-untyped-def]
    limit = services.MAIL_LIMIT_PER_IP
    assert limit == 20
    for n in range(limit):
        assert _sign_up(client, f"person{n}@example.org").status_code == 200
    assert len(mail.outbox) == limit
    response = _sign_up(client, "one-more@example.org")
    assert response.status_code == 429
    assert LIMIT_MESSAGE in response.content.decode()
    assert len(mail.outbox) == limit
    assert not User.objects.filter(email="one-more@example.org").exists()


def test_one_mailbox_gets_only_a_few_emails_whoever_asks(client, dora):  # type: ignore[no-untyped-def]
    limit = services.MAIL_LIMIT_PER_ADDRESS
    for n in range(limit):
        ip = f"10.0.0.{n + 1}"
        client.post(RESET, {"email": "dora@example.org"}, REMOTE_ADDR=ip)
    assert len(mail.outbox) == limit
    blocked = client.post(RESET, {"email": "dora@example.org"}, REMOTE_ADDR="10.0.1.1")
    assert blocked.status_code == 429
    assert LIMIT_MESSAGE in blocked.content.decode()
    assert len(mail.outbox) == limit
    # Sign-up to the same mailbox counts against the same limit
    taken = _sign_up(client, "dora@example.org", REMOTE_ADDR="10.0.1.2")
    assert taken.status_code == 429
    assert len(mail.outbox) == limit


def test_the_limit_message_is_the_same_for_known_and_unknown_addresses(client, dora):  # type: ignore[no-untyped-def]
    with mock.patch.object(services, "MAIL_LIMIT_PER_ADDRESS", 0):
        known = client.post(RESET, {"email": "dora@example.org"}, REMOTE_ADDR="10.0.2.1")
        unknown = client.post(RESET, {"email": "zed@example.org"}, REMOTE_ADDR="10.0.2.2")
        taken = _sign_up(client, "dora@example.org", REMOTE_ADDR="10.0.2.3")
        fresh = _sign_up(client, "zed@example.org", REMOTE_ADDR="10.0.2.4")
    assert known.status_code == unknown.status_code == taken.status_code == fresh.status_code == 429
    assert _page(known, "dora") == _page(unknown, "zed")
    assert _page(taken, "dora") == _page(fresh, "zed")
    assert mail.outbox == []


def test_a_sign_up_that_loses_a_race_answers_like_an_address_already_taken(client, dora):  # type: ignore[no-untyped-def]
    # Given the check for an existing account ran before another request created it
    with mock.patch.object(services, "user_by_email", return_value=None):
        response = _sign_up(client, "dora@example.org")
    # Then the database's unique constraint answers, and the person sees the usual page
    assert response.status_code == 200
    assert "accounts/check_email.html" in [t.name for t in response.templates]
    assert User.objects.filter(email="dora@example.org").count() == 1
    assert [m.subject for m in mail.outbox] == [
        "Someone tried to create a Plantrack account with your email address"
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_parallel_sign_ups_with_one_address_make_one_account_and_no_error():
    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def sign_up(n: int) -> None:
        try:
            barrier.wait()
            response = _sign_up(Client(), "race@example.org", REMOTE_ADDR=f"10.1.0.{n}")
            statuses.append(response.status_code)
        except Exception as exc:  # the test client re-raises a view's exception
            statuses.append(type(exc).__name__)  # type: ignore[arg-type]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(10)]
    # Ten emails to one address are over the mail limit; this test is about the race.
    with mock.patch.object(services, "MAIL_LIMIT_PER_ADDRESS", 100):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 10
    assert User.objects.filter(email="race@example.org").count() == 1
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects.count("Confirm your email address for Plantrack") == 1
    assert len(subjects) == 10
