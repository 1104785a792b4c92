"""Roles, and the account rules. Roles are groups, memberships and plan assignments.

| role | how a user gets it |
|---|---|
| visitor | not signed in |
| citizen | any active account |
| CSO member | an active membership in a civil-society organisation |
| agency reporter | an active reporter or administrator membership in an agency |
| plan manager | the "Plan managers" group; manages the plans they are assigned to |
| assessor, moderator | the "Assessors" / "Moderators" group |
| site administrator | ``is_superuser`` |

``is_staff`` opens Django's admin; it needs a second factor too, and only site
administrators grant it, ``is_superuser``, groups or permissions (``services.user_roles_set``).
"""

from __future__ import annotations

from typing import Any

from plantrack.lib.rules import rule, signed_in

PLAN_MANAGERS = "Plan managers"
ASSESSORS = "Assessors"
MODERATORS = "Moderators"
STAFF_GROUPS = (PLAN_MANAGERS, ASSESSORS, MODERATORS)


def group_names(user: Any) -> frozenset[str]:
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, "_plantrack_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._plantrack_groups = cached
    return cached


def is_site_admin(user: Any) -> bool:
    return signed_in(user) and bool(user.is_superuser)


def in_group(user: Any, name: str) -> bool:
    return is_site_admin(user) or name in group_names(user)


def staff_roles(user: Any) -> set[str]:
    """The roles that must use a second factor to sign in."""
    roles = {name for name in STAFF_GROUPS if name in group_names(user)}
    if is_site_admin(user):
        roles.add("Site administrators")
    return roles


def needs_second_factor(user: Any) -> bool:
    """Staff roles, plan managers, and everyone who can open Django's admin (``is_staff``)."""
    if not signed_in(user):
        return False
    return bool(user.is_staff or staff_roles(user)) or user.managed_plans.exists()


@rule("accounts.own_account")
def can_use_own_account(user: Any, obj: Any = None) -> bool:
    return signed_in(user)


@rule("accounts.administer")
def can_administer(user: Any, obj: Any = None) -> bool:
    return is_site_admin(user)
