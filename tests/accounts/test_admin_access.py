"""Django admin: a second factor to open it; only site administrators grant roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from plantrack.accounts.models import AccountEvent, User
from plantrack.accounts.permissions import needs_second_factor
from plantrack.accounts.services import user_roles_set

ADMIN = "/mn/admin/"


@pytest.fixture
def eve(db) -> User:  # type: ignore[no-untyped-def]
    """Eve has the staff flag and "change user", but no staff group and no superuser."""
    user = User.objects.create_user(
        "eve@example.org", "eve-password-1", display_name="Eve", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="change_user"))
    return user


@pytest.fixture
def root(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser("root@example.org", "root-password-1", display_name="Root")


def _change_form(user: User, **extra: object) -> dict[str, object]:
    return {"email": user.email, "display_name": user.display_name, "is_active": "on", **extra}


def test_the_staff_flag_alone_requires_a_second_factor(eve):  # type: ignore[no-untyped-def]
    assert needs_second_factor(eve)


def test_a_staff_flag_user_cannot_reach_the_admin_with_a_password_only(client, eve, sign_in):  # type: ignore[no-untyped-def]
    client.force_login(eve)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "/two-step/" in response["Location"]


def test_the_admin_site_itself_refuses_an_unverified_session(client, eve, settings):  # type: ignore[no-untyped-def]
    # Even with the two-step middleware gone, the admin asks for the second factor
    middleware = "plantrack.accounts.middleware.SecondFactorMiddleware"
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != middleware]
    client.force_login(eve)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_verified_staff_user_cannot_make_itself_superuser_in_the_admin(client, eve, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, eve)
    managers = Group.objects.get_or_create(name="Plan managers")[0]
    url = f"{ADMIN}accounts/user/{eve.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(
        url,
        _change_form(
            eve,
            is_staff="on",
            is_superuser="on",
            groups=[managers.pk],
            user_permissions=[Permission.objects.get(codename="delete_user").pk],
        ),
    )
    eve.refresh_from_db()
    assert not eve.is_superuser
    assert not eve.groups.exists()
    assert list(eve.user_permissions.values_list("codename", flat=True)) == ["change_user"]


def test_a_staff_user_cannot_change_a_site_administrators_account(client, eve, root, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, eve)
    url = f"{ADMIN}accounts/user/{root.pk}/change/"
    client.post(url, _change_form(root, email="eve-owns-it@example.org"))
    root.refresh_from_db()
    assert root.email == "root@example.org"


def test_a_site_administrator_grants_roles_on_the_record(client, eve, root, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, root)
    managers = Group.objects.get_or_create(name="Plan managers")[0]
    response = client.post(
        f"{ADMIN}accounts/user/{eve.pk}/change/",
        _change_form(eve, is_staff="on", groups=[managers.pk]),
    )
    assert response.status_code == 302
    eve.refresh_from_db()
    assert list(eve.groups.values_list("name", flat=True)) == ["Plan managers"]
    assert AccountEvent.objects.filter(user=eve, actor=root, kind="roles_changed").exists()


def test_the_role_service_refuses_anyone_but_a_site_administrator(eve, root, bob):  # type: ignore[no-untyped-def]
    for by in (eve, bob):
        with pytest.raises(PermissionDenied):
            user_roles_set(user=eve, by=by, is_superuser=True)
    eve.refresh_from_db()
    assert not eve.is_superuser
    user_roles_set(user=bob, by=root, is_staff=True)
    bob.refresh_from_db()
    assert bob.is_staff


def test_the_admin_pages_for_accounts_open_for_a_site_administrator(client, eve, root, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, root)
    for url in (
        "accounts/user/",
        f"accounts/user/{eve.pk}/change/",
        "auth/group/add/",
        "accounts/accountevent/",
    ):
        assert client.get(ADMIN + url).status_code == 200, url


def test_only_a_site_administrator_edits_the_roles_themselves(client, eve, sign_in):  # type: ignore[no-untyped-def]
    eve.user_permissions.add(*Permission.objects.filter(codename__in=["add_group", "change_group"]))
    sign_in(client, eve)
    client.post(f"{ADMIN}auth/group/add/", {"name": "Superpowers"})
    assert not Group.objects.filter(name="Superpowers").exists()


def test_a_site_administrator_resets_two_step_sign_in_from_the_admin(client, eve, root, sign_in):  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=eve, name="phone", confirmed=True)
    sign_in(client, root)
    data = {"action": "reset_two_step", "_selected_action": [eve.pk]}
    client.post(f"{ADMIN}accounts/user/", data)
    assert not TOTPDevice.objects.filter(user=eve).exists()
    assert AccountEvent.objects.filter(user=eve, actor=root, kind="two_factor_reset").exists()
    # A staff user who may change users does not get the action
    sign_in(client, eve)
    TOTPDevice.objects.create(user=root, name="phone2", confirmed=True)
    client.post(f"{ADMIN}accounts/user/", {**data, "_selected_action": [root.pk]})
    assert TOTPDevice.objects.filter(user=root).count() == 2


def test_change_user_is_not_enough_to_take_over_a_staff_account(client, eve, alice, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, eve)
    client.post(f"{ADMIN}accounts/user/{alice.pk}/change/", _change_form(alice, email="x@evil.org"))
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
