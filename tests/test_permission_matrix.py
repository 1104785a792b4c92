"""Every role × action × object cell, through the real pages: allowed, 403, or sign-in.

"own" objects are the persona's: the plan they manage, their organisation, an item
their agency is responsible for. "other" objects belong to someone else. A refused
action must answer 403 (or send a visitor to sign in), never 500 and never succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from plantrack.accounts.models import User
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.models import Item, Plan, Responsibility
from plantrack.progress.models import ProgressUpdate

from .conftest import sign_in_verified

ROLES = [
    "visitor",
    "citizen",
    "cso_member",
    "agency_reporter",
    "plan_manager",
    "assessor",
    "moderator",
    "site_admin",
]
OK, LOGIN, FORBIDDEN, ADMIN_LOGIN = "ok", "sign-in", "403", "admin sign-in"


@dataclass
class World:
    own_plan: Plan
    other_plan: Plan
    own_item: Item  # in the managed plan, the reporter's agency responsible
    other_item: Item  # in the managed plan, another organisation responsible
    other_plan_item: Item
    own_update: ProgressUpdate
    other_update: ProgressUpdate
    own_org: Organisation
    other_org: Organisation


def _user(email: str, **extra: object) -> User:
    return User.objects.create_user(email, "pw-matrix-1", display_name=email.split("@")[0], **extra)


@pytest.fixture
def world(db, vision, dice) -> World:  # type: ignore[no-untyped-def]
    police = Organisation.objects.create(slug="npa", name_en="Police", kind="law_enforcement")
    cso = Organisation.objects.create(slug="rights-ngo", name_en="Rights NGO", kind="cso")
    other_cso = Organisation.objects.create(slug="other-ngo", name_en="Other NGO", kind="cso")
    own_item = Item.objects.get(plan=vision, code="7.3.8")
    other_item = Item.objects.get(plan=vision, code="7.1.1")
    other_plan_item = Item.objects.get(plan=dice, code="1.1")
    Responsibility.objects.create(item=own_item, organisation=police)
    Responsibility.objects.create(item=other_plan_item, organisation=police)
    reporter = _user("reporter@example.org")
    Membership.objects.create(user=reporter, organisation=police, role="reporter", state="active")
    updates = [
        ProgressUpdate.objects.create(
            item=item,
            organisation=police,
            author=reporter,
            status="in_progress",
            progress=10,
            note="x",
        )
        for item in (own_item, other_plan_item)
    ]
    return World(vision, dice, own_item, other_item, other_plan_item, *updates, cso, other_cso)


@pytest.fixture
def persona(world):  # type: ignore[no-untyped-def]
    def make(role: str) -> User | None:
        if role == "visitor":
            return None
        if role == "agency_reporter":
            return User.objects.get(email="reporter@example.org")
        admin = role == "site_admin"
        user = _user(f"{role}@example.org", is_superuser=admin, is_staff=admin)
        groups = {
            "plan_manager": "Plan managers",
            "assessor": "Assessors",
            "moderator": "Moderators",
        }
        if role in groups:
            user.groups.add(Group.objects.get_or_create(name=groups[role])[0])
        if role == "plan_manager":
            world.own_plan.managers.add(user)
        if role == "cso_member":
            Membership.objects.create(
                user=user, organisation=world.own_org, role="admin", state="active"
            )
        return user

    return make


Action = Callable[..., object]


def _item_edit_post(item: Item) -> dict:
    return {
        "title_en": item.title_en,
        "status": "in_progress",
        "progress": 50,
        "weight": 1,
        "version": item.version,
    }


ACTIONS: dict[str, tuple[str, Callable[[World], tuple[str, str, dict | None]]]] = {
    # name: (object, lambda world: (method, url, data))
    "view plan": ("any", lambda w: ("get", f"/en/plans/{w.own_plan.slug}/", None)),
    "view item": ("any", lambda w: ("get", f"/en/plans/{w.own_plan.slug}/items/7.3.8/", None)),
    "search": ("any", lambda w: ("get", "/en/search/?q=border", None)),
    "edit plan (own)": ("own", lambda w: ("get", f"/en/plans/{w.own_plan.slug}/edit/", None)),
    "edit plan (other)": ("other", lambda w: ("get", f"/en/plans/{w.other_plan.slug}/edit/", None)),
    "edit item (own plan)": (
        "own",
        lambda w: (
            "post",
            f"/en/plans/{w.own_plan.slug}/items/7.1.1/edit/",
            _item_edit_post(w.other_item),
        ),
    ),
    "edit item (other plan)": (
        "other",
        lambda w: (
            "post",
            f"/en/plans/{w.other_plan.slug}/items/1.1/edit/",
            _item_edit_post(w.other_plan_item),
        ),
    ),
    "add responsibility (own plan)": (
        "own",
        lambda w: (
            "post",
            f"/en/plans/{w.own_plan.slug}/items/7.1.1/responsibilities/add/",
            {"organisation": w.own_org.pk, "role": "partner"},
        ),
    ),
    "add responsibility (other plan)": (
        "other",
        lambda w: (
            "post",
            f"/en/plans/{w.other_plan.slug}/items/1.1/responsibilities/add/",
            {"organisation": w.own_org.pk, "role": "partner"},
        ),
    ),
    "import plan": ("any", lambda w: ("get", "/en/plans/import/", None)),
    "report progress (own organisation's item)": (
        "own",
        lambda w: ("get", f"/en/plans/{w.own_plan.slug}/items/7.3.8/report/", None),
    ),
    "report progress (another organisation's item)": (
        "other",
        lambda w: ("get", f"/en/plans/{w.own_plan.slug}/items/7.1.1/report/", None),
    ),
    "review update (own plan)": (
        "own",
        lambda w: (
            "post",
            f"/en/plans/{w.own_plan.slug}/updates/{w.own_update.pk}/review/",
            {"decision": "approve"},
        ),
    ),
    "review update (other plan)": (
        "other",
        lambda w: (
            "post",
            f"/en/plans/{w.other_plan.slug}/updates/{w.other_update.pk}/review/",
            {"decision": "approve"},
        ),
    ),
    "edit organisation (own)": (
        "own",
        lambda w: ("get", f"/en/organisations/{w.own_org.slug}/edit/", None),
    ),
    "edit organisation (other)": (
        "other",
        lambda w: ("get", f"/en/organisations/{w.other_org.slug}/edit/", None),
    ),
    "manage members (own organisation)": (
        "own",
        lambda w: ("get", f"/en/organisations/{w.own_org.slug}/members/", None),
    ),
    "manage members (other organisation)": (
        "other",
        lambda w: ("get", f"/en/organisations/{w.other_org.slug}/members/", None),
    ),
    "register an organisation": ("any", lambda w: ("get", "/en/organisations/register/", None)),
    "review registrations": ("any", lambda w: ("get", "/en/organisations/review/", None)),
    "verify an organisation": (
        "other",
        lambda w: ("post", f"/en/organisations/{w.other_org.slug}/verify/", {}),
    ),
    "own profile": ("own", lambda w: ("get", "/en/accounts/profile/", None)),
    "download own data": ("own", lambda w: ("get", "/en/accounts/profile/my-data.json", None)),
    "site administration": ("any", lambda w: ("get", "/en/admin/", None)),
}

EVERYONE = dict.fromkeys(ROLES, OK)
SIGNED_IN = {role: OK for role in ROLES} | {"visitor": LOGIN}


def _only(*roles: str) -> dict[str, str]:
    return {role: OK if role in roles else FORBIDDEN for role in ROLES} | {"visitor": LOGIN}


EXPECTED: dict[str, dict[str, str]] = {
    "view plan": EVERYONE,
    "view item": EVERYONE,
    "search": EVERYONE,
    "edit plan (own)": _only("plan_manager", "site_admin"),
    "edit plan (other)": _only("site_admin"),
    "edit item (own plan)": _only("plan_manager", "site_admin"),
    "edit item (other plan)": _only("site_admin"),
    "add responsibility (own plan)": _only("plan_manager", "site_admin"),
    "add responsibility (other plan)": _only("site_admin"),
    "import plan": _only("plan_manager", "site_admin"),
    "report progress (own organisation's item)": _only("agency_reporter"),
    "report progress (another organisation's item)": _only(),
    "review update (own plan)": _only("plan_manager", "site_admin"),
    "review update (other plan)": _only("site_admin"),
    "edit organisation (own)": _only("cso_member", "site_admin"),
    "edit organisation (other)": _only("site_admin"),
    "manage members (own organisation)": _only("cso_member", "site_admin"),
    "manage members (other organisation)": _only("site_admin"),
    "register an organisation": SIGNED_IN,
    "review registrations": _only("site_admin"),
    "verify an organisation": _only("site_admin"),
    "own profile": SIGNED_IN,
    "download own data": SIGNED_IN,
    "site administration": {role: ADMIN_LOGIN for role in ROLES} | {"site_admin": OK},
}

CELLS = [(role, action) for action in ACTIONS for role in ROLES]


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, f"server error {response.status_code}"
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 302:
        location = response["Location"]
        if "/accounts/sign-in/" in location:
            return LOGIN
        if "/admin/login/" in location:
            return ADMIN_LOGIN
        assert "/two-step/" not in location, (
            "a staff persona was not signed in with a second factor"
        )
    assert response.status_code in (200, 302), response.status_code
    return OK


def test_the_matrix_covers_every_role_and_action():
    assert set(EXPECTED) == set(ACTIONS)
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())
    assert len(CELLS) == len(ROLES) * len(ACTIONS)


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{r}|{a}" for r, a in CELLS])
def test_permission_cell(client, world, persona, role, action):  # type: ignore[no-untyped-def]
    user = persona(role)
    if user is not None:
        sign_in_verified(client, user)
    method, url, data = ACTIONS[action][1](world)
    response = getattr(client, method)(url, data or {})
    assert _outcome(response) == EXPECTED[action][role], f"{role} → {action}: {url}"
