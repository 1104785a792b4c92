"""Two-step sign-in: setting it up, proving it, recovery codes, and resets by administrators."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.accounts.models import AccountEvent, User
from plantrack.accounts.services import two_factor_reset

SETUP = "/en/accounts/two-step/setup/"
VERIFY = "/en/accounts/two-step/"
ADMIN = "/mn/admin/"


def _code(secret: str) -> str:
    return f"{totp(base64.b32decode(secret)):06d}"


def _device_rows() -> tuple[int, int, int]:
    return (TOTPDevice.objects.count(), StaticDevice.objects.count(), StaticToken.objects.count())


@pytest.fixture
def root(db) -> User:  # type: ignore[no-untyped-def]
    """Root is a site administrator whose authenticator app is already set up."""
    user = User.objects.create_user(
        "admin@example.org", "root-password-1", display_name="Root", is_staff=True
    )
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def test_a_staff_password_alone_cannot_add_a_device_and_reach_the_admin(client, root):  # type: ignore[no-untyped-def]
    # Given an attacker who knows only the administrator's password
    devices_before = list(TOTPDevice.objects.values_list("pk", "key", "confirmed"))
    client.force_login(root)
    # When they open the setup page and post a code from whatever secret it shows
    page = client.get(SETUP)
    secret = (page.context or {}).get("secret") if page.status_code == 200 else None
    secret = secret or base64.b32encode(b"x" * 20).decode()
    client.post(SETUP, {"token": _code(secret)})
    # Then the admin stays closed and no device was added or changed
    assert client.get(ADMIN).status_code != 200
    assert list(TOTPDevice.objects.values_list("pk", "key", "confirmed")) == devices_before
    assert StaticDevice.objects.count() == 0


def test_with_a_device_the_setup_page_sends_an_unverified_session_to_the_verify_page(client, root):  # type: ignore[no-untyped-def]
    client.force_login(root)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_opening_the_two_step_pages_creates_no_device_rows(client, alice, root):  # type: ignore[no-untyped-def]
    before = _device_rows()
    for user in (alice, root):
        client.force_login(user)
        for _ in range(3):
            for url in (SETUP, VERIFY, "/en/", "/en/accounts/profile/", ADMIN):
                client.get(url)
        client.logout()
    assert _device_rows() == before


def _set_up(client, user) -> list[str]:  # type: ignore[no-untyped-def]
    """Set up two-step sign-in through the pages; returns the recovery codes shown."""
    client.force_login(user)
    secret = client.get(SETUP).context["secret"]
    response = client.post(SETUP, {"token": _code(secret), "next": "/en/"})
    assert response.status_code == 200
    return list(response.context["recovery_codes"])


def test_setup_confirms_one_device_and_shows_ten_recovery_codes_once(client, alice):  # type: ignore[no-untyped-def]
    codes = _set_up(client, alice)
    assert len(codes) == len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    assert AccountEvent.objects.filter(user=alice, kind="two_factor_set_up").count() == 1
    # The codes are not shown again: the setup page now leads to the verify page
    client.logout()
    client.force_login(alice)
    again = client.get(SETUP)
    assert again.status_code == 302
    verify_page = client.get(VERIFY).content.decode()
    assert not any(code in verify_page for code in codes)


def test_a_wrong_setup_code_is_refused_and_saves_nothing(client, alice):  # type: ignore[no-untyped-def]
    client.force_login(alice)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert b"That code is not right" in response.content
    assert _device_rows() == (0, 0, 0)


def test_a_recovery_code_works_once_on_the_verify_page(client, alice):  # type: ignore[no-untyped-def]
    codes = _set_up(client, alice)
    client.logout()
    # A new session with the password only, then a recovery code
    client.force_login(alice)
    assert client.get("/en/").status_code == 302
    response = client.post(VERIFY, {"token": codes[0], "next": "/en/"})
    assert response.status_code == 302
    assert client.get("/en/").status_code == 200
    assert StaticToken.objects.filter(device__user=alice).count() == 9
    # The same code does not work a second time
    client.logout()
    client.force_login(alice)
    again = client.post(VERIFY, {"token": codes[0], "next": "/en/"})
    assert again.status_code == 200
    assert b"That code is not right" in again.content
    assert client.get("/en/").status_code == 302


def test_a_verified_session_may_replace_the_authenticator(client, alice):  # type: ignore[no-untyped-def]
    _set_up(client, alice)
    old = TOTPDevice.objects.get(user=alice)
    # Still verified from the setup: the page offers a new secret
    page = client.get(SETUP)
    assert page.status_code == 200
    response = client.post(SETUP, {"token": _code(page.context["secret"]), "next": "/en/"})
    assert response.status_code == 200
    new = TOTPDevice.objects.get(user=alice)
    assert new.pk != old.pk
    assert new.confirmed
    assert StaticToken.objects.filter(device__user=alice).count() == 10


def test_only_a_site_administrator_can_reset_two_step_sign_in(alice, bob, root):  # type: ignore[no-untyped-def]
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    with pytest.raises(PermissionDenied):
        two_factor_reset(user=alice, by=bob)
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    two_factor_reset(user=alice, by=root)
    assert TOTPDevice.objects.filter(user=alice).count() == 0
    event = AccountEvent.objects.get(user=alice, kind="two_factor_reset")
    assert event.actor == root


def test_after_a_reset_the_user_sets_up_a_new_device(client, alice, root):  # type: ignore[no-untyped-def]
    _set_up(client, alice)
    client.logout()
    two_factor_reset(user=alice, by=root)
    codes = _set_up(client, alice)
    assert len(codes) == 10
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).count() == 1


def test_the_reset_command_needs_a_site_administrator(alice, bob, root, english):  # type: ignore[no-untyped-def]
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="site administrator"):
        call_command("reset_two_step", "alice@example.org", "--by", "bob@example.org")
    with pytest.raises(CommandError, match="No account"):
        call_command("reset_two_step", "nobody@example.org", "--by", "admin@example.org")
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    call_command("reset_two_step", "alice@example.org", "--by", "admin@example.org")
    assert TOTPDevice.objects.filter(user=alice).count() == 0
    assert AccountEvent.objects.filter(user=alice, kind="two_factor_reset", actor=root).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_recovery_code_used_by_five_requests_at_once_works_once(client, alice):  # type: ignore[no-untyped-def]
    import threading

    from django.db import connections

    from plantrack.accounts.services import two_factor_verify

    code = _set_up(client, alice)[0]
    results: list[bool] = []
    barrier = threading.Barrier(5)

    def use() -> None:
        try:
            barrier.wait()
            results.append(two_factor_verify(user=alice, token=code) is not None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=use) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, False, True]
    assert StaticToken.objects.filter(device__user=alice).count() == 9


def test_proving_the_second_factor_gives_the_session_a_new_id(client, alice):  # type: ignore[no-untyped-def]
    codes = _set_up(client, alice)
    client.logout()
    client.force_login(alice)
    before = client.session.session_key
    # When the second step is proven, then a cookie seen before it is worth nothing
    assert client.post(VERIFY, {"token": codes[0], "next": "/en/"}).status_code == 302
    assert client.session.session_key != before
