"""Every role of the permission matrix, for the indicator tests: who each person is, and
who may manage the indicators of the Vision 2050 plan (its managers and site admins)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.permissions import MANAGER_GROUP

ROLES = (
    "visitor",
    "citizen",
    "other_reporter",
    "reporter",
    "other_manager",
    "manager",
    "site_admin",
)
MANAGES_VISION = {"manager", "site_admin"}


@pytest.fixture
def people(db, alice, charlie, erin, dice, site_admin) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """visitor, citizen (Charlie), a reporter of another organisation (Olga), the responsible
    organisation's reporter (Erin), the manager of another plan (Bob, DICE), the plan's
    manager (Alice), a site administrator."""
    other = Organisation.objects.create(
        slug="other-agency", name_en="Other Agency", kind="government"
    )
    olga = User.objects.create_user("olga@example.org", "pw-olga-1234", display_name="Olga")
    Membership.objects.create(user=olga, organisation=other, role="reporter", state="active")
    bob = User.objects.create_user("bob-dice@example.org", "pw-bob-1234", display_name="Bob")
    bob.groups.add(Group.objects.get_or_create(name=MANAGER_GROUP)[0])
    dice.managers.add(bob)
    return {
        "visitor": AnonymousUser(),
        "citizen": charlie,
        "other_reporter": olga,
        "reporter": erin,
        "other_manager": bob,
        "manager": alice,
        "site_admin": site_admin,
    }
