"""Registry personas: a site administrator, and CSO administrators of the demo organisations."""

from __future__ import annotations

import pytest

from plantrack.accounts.models import User
from plantrack.organisations.demo import demo_organisations
from plantrack.organisations.models import Membership, Organisation


@pytest.fixture
def dana(db) -> User:  # type: ignore[no-untyped-def]
    """Dana is a site administrator: she verifies registrations (and signs in with TOTP)."""
    return User.objects.create_superuser("dana@example.org", "correct-horse-4", display_name="Dana")


@pytest.fixture
def demo(db) -> dict[str, Organisation]:  # type: ignore[no-untyped-def]
    return demo_organisations()


@pytest.fixture
def tegsh(demo) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.get(slug="disability-federation")


@pytest.fixture
def nomin(demo) -> Organisation:  # type: ignore[no-untyped-def]
    return Organisation.objects.get(slug="nomin-womens-rights-centre")


def _admin_of(organisation: Organisation, email: str, name: str) -> User:
    user = User.objects.create_user(email, "correct-horse-5", display_name=name)
    Membership.objects.create(user=user, organisation=organisation, role="admin", state="active")
    return user


@pytest.fixture
def dorj(tegsh) -> User:  # type: ignore[no-untyped-def]
    """Dorj administers Tegsh Alkham, a federation of disability organisations."""
    return _admin_of(tegsh, "dorj@example.org", "Dorj")


@pytest.fixture
def saraa(nomin) -> User:  # type: ignore[no-untyped-def]
    """Saraa administers the Nomin women's rights centre."""
    return _admin_of(nomin, "saraa@example.org", "Saraa")
