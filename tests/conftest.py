"""Shared fixtures: the seed plans loaded once per test database, and personas."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest
from django.contrib.auth.models import Group
from django.db import connections

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.demo import import_seed_plans
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.plans.permissions import MANAGER_GROUP


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Every database test starts from the three seed plans, rolled back after each test."""
    with django_db_blocker.unblock():
        import_seed_plans()
        # Transactional tests get this data back after their flush (pytest_runtest_teardown).
        for alias in connections:
            connection = connections[alias]
            connection._test_serialized_contents = (  # type: ignore[attr-defined]
                connection.creation.serialize_db_to_string()
            )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):  # type: ignore[no-untyped-def]
    """A transactional test ends with a flush that empties the database; serialized_rollback
    restores it only at the start of the next such test. With pytest-xdist the next test on
    this worker may be an ordinary one, so put the session's starting data back right away."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in getattr(item, "fixturenames", ()) or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    # After the last test the session's teardown has already removed the test database.
    if not transactional or nextitem is None:
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents and not Plan.objects.using(alias).exists():
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def vision(db) -> Plan:  # type: ignore[no-untyped-def]
    return Plan.objects.get(slug="vision-2050-goal-7")


@pytest.fixture
def dice(db) -> Plan:  # type: ignore[no-untyped-def]
    return Plan.objects.get(slug="dice-inclusive-digitalization-roadmap")


@pytest.fixture
def alice(db, vision) -> User:  # type: ignore[no-untyped-def]
    """Alice manages the Vision 2050 plan."""
    user = User.objects.create_user("alice@example.org", "correct-horse-1", display_name="Alice")
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    vision.managers.add(user)
    return user


@pytest.fixture
def bob(db) -> User:  # type: ignore[no-untyped-def]
    """Bob is a plan manager who manages no plan yet."""
    user = User.objects.create_user("bob@example.org", "correct-horse-2", display_name="Bob")
    user.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    return user


@pytest.fixture
def charlie(db) -> User:  # type: ignore[no-untyped-def]
    """Charlie is a citizen with an account and no roles."""
    return User.objects.create_user(
        "charlie@example.org", "correct-horse-3", display_name="Charlie"
    )


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Every test starts in the site's default language: a request leaves its language
    active in the thread, so without this a test's language would depend on the one before."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with no mail-limit counts (all test clients share one IP address)."""
    from django.core.cache import cache

    cache.clear()


IN_CI = os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}
POSTGRES_ONLY = (
    "PostgreSQL-only test on SQLite (run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)"
)


def missing_part(message: str) -> NoReturn:
    """Skip a test whose part (PostgreSQL, Chromium) is missing, saying so; in CI
    (``CI=true``) fail instead, so that a run without the part cannot pass."""
    if IN_CI:
        pytest.fail(f"{message}. CI=true, so a missing part fails the run", pytrace=False)
    pytest.skip(f"{message}: skipped")


def pytest_runtest_setup(item):  # type: ignore[no-untyped-def]
    """PostgreSQL-only tests need a PostgreSQL run (skipped on SQLite, failed in CI)."""
    if "postgres" in item.keywords and not os.environ.get("DATABASE_URL", "").startswith(
        "postgres"
    ):
        missing_part(POSTGRES_ONLY)


def sign_in_verified(client, user):  # type: ignore[no-untyped-def]
    """Sign in as if through the form and the second step (TOTP) where the role needs it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def sign_in():  # type: ignore[no-untyped-def]
    return sign_in_verified


@pytest.fixture
def police(db) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.create(
        slug="npa", name_en="National Police Agency", acronym="NPA", kind="law_enforcement"
    )


@pytest.fixture
def activity(vision, police) -> Item:  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan=vision, code="7.3.8")
    Responsibility.objects.create(item=item, organisation=police, role="lead")
    return item


@pytest.fixture
def erin(db, police) -> User:  # type: ignore[no-untyped-def]
    """Erin reports progress for the National Police Agency."""
    user = User.objects.create_user("erin@example.org", "pw-erin-1234", display_name="Erin")
    Membership.objects.create(user=user, organisation=police, role="reporter", state="active")
    return user


@pytest.fixture
def english():  # type: ignore[no-untyped-def]
    """Run the test in English (tests run in Mongolian, the site's first language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def site_admin(db) -> User:  # type: ignore[no-untyped-def]
    """A site administrator (superuser); pages need them signed in with ``sign_in``."""
    return User.objects.create_superuser("site-admin@example.org", "pw-root-1", display_name="Root")
