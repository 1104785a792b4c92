"""Who may act for an organisation. A member acts for their own organisation only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.permissions import is_site_admin
from plantrack.lib.rules import has, rule, signed_in

from .models import Membership, Organisation

AGENCY_KINDS = (Organisation.Kind.GOVERNMENT, Organisation.Kind.LAW_ENFORCEMENT)
# Kinds an organisation may give itself; agencies are added by administrators or the importer.
SELF_REGISTER_KINDS = (
    Organisation.Kind.CSO,
    Organisation.Kind.PRIVATE,
    Organisation.Kind.ACADEMIA,
    Organisation.Kind.OTHER,
)


def kinds_allowed(user: Any, organisation: Organisation | None = None) -> tuple[str, ...]:
    """The kinds this user may give the organisation (a new one when ``organisation`` is
    None): site administrators any; others a self-registration kind or the current one."""
    if is_site_admin(user):
        return tuple(Organisation.Kind.values)
    if organisation is None or organisation.kind in SELF_REGISTER_KINDS:
        return SELF_REGISTER_KINDS
    return (*SELF_REGISTER_KINDS, organisation.kind)


def can_see_members(user: Any, organisation: Organisation) -> bool:
    """The privacy notice promises members are public for verified organisations only;
    an unverified one shows them to its own administrators and the site administrators."""
    if organisation.is_verified or not organisation.self_registered:
        return True
    return has(user, "organisations.change", organisation)


def active_membership(user: Any, organisation: Organisation) -> Membership | None:
    if not signed_in(user) or organisation is None:
        return None
    return Membership.objects.filter(
        user=user, organisation=organisation, state=Membership.State.ACTIVE
    ).first()


def reporting_organisation_ids(user: Any) -> set[int]:
    """Organisations this user reports for: active reporter or administrator memberships of
    verified organisations. A self-registered organisation, or one an import added, reports
    only once a site administrator has verified it, so a look-alike cannot report on an
    agency's items; a retired organisation reports no more."""
    if not signed_in(user):
        return set()
    cached = getattr(user, "_plantrack_reporting", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(
                user=user,
                state=Membership.State.ACTIVE,
                role__in=[Membership.Role.REPORTER, Membership.Role.ADMIN],
                organisation__retired_at__isnull=True,
            )
            .filter(
                Q(organisation__self_registered=False, organisation__created_by_import=False)
                | Q(organisation__verified_at__isnull=False)
            )
            .values_list("organisation_id", flat=True)
        )
        user._plantrack_reporting = cached
    return cached


@rule("organisations.register")
def can_register(user: Any, obj: Any = None) -> bool:
    """Anyone with an account may register an organisation; an administrator verifies it."""
    return signed_in(user)


@rule("organisations.join")
def can_ask_to_join(user: Any, organisation: Organisation | None = None) -> bool:
    if not signed_in(user) or organisation is None:
        return False
    return not Membership.objects.filter(user=user, organisation=organisation).exists()


@rule("organisations.change")
def can_change(user: Any, organisation: Organisation | None = None) -> bool:
    """An organisation's own administrators edit its profile and members."""
    if is_site_admin(user):
        return True
    membership = active_membership(user, organisation) if organisation else None
    return membership is not None and membership.role == Membership.Role.ADMIN


def administered_organisations(user: Any) -> QuerySet[Membership, Any]:
    """The organisations ``user`` administers (``organisations.change`` for a member), as
    a lazy subquery of ``organisation_id``; nothing for a visitor."""
    if not signed_in(user):
        return Membership.objects.none().values("organisation_id")
    return Membership.objects.filter(
        user=user, state=Membership.State.ACTIVE, role=Membership.Role.ADMIN
    ).values("organisation_id")


def get_visible_organisation(user: Any, slug: str) -> Organisation:
    """An organisation's public pages: a 404 for one only a draft plan names (its import is
    not public yet), except for site administrators, and for a rejected registration, except
    for its own administrators (who see why) and the site administrators."""
    from .selectors import only_in_drafts

    try:
        organisation = Organisation.objects.select_related("region").get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404("No such organisation.") from exc
    if not is_site_admin(user) and (
        Organisation.objects.filter(pk=organisation.pk).filter(only_in_drafts()).exists()
    ):
        raise Http404("No such organisation.")
    if organisation.is_rejected and not has(user, "organisations.change", organisation):
        raise Http404("No such organisation.")
    return organisation


@rule("organisations.verify")
def can_verify(user: Any, organisation: Organisation | None = None) -> bool:
    return is_site_admin(user)


@rule("organisations.retire")
def can_retire(user: Any, organisation: Organisation | None = None) -> bool:
    """Only site administrators retire or restore an organisation (never delete one)."""
    return is_site_admin(user)


def get_organisation_for_user(user: Any, slug: str, *, action: str | None = None) -> Organisation:
    try:
        organisation = Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404("No such organisation.") from exc
    if action and not has(user, action, organisation):
        raise PermissionDenied(action)
    return organisation
