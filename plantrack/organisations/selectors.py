"""Reads for the organisation registry, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower, NullIf, Replace

from plantrack.lib.bilingual import language_order
from plantrack.lib.rules import signed_in
from plantrack.plans.models import Responsibility

from .models import FieldOfActivity, Membership, Organisation, Region, TargetGroup

# Organisations added by administrators count as verified; a self-registered one, or one a
# plan import added because the registry did not have it, is "not verified yet" until a site
# administrator checks it.
VERIFIED = Q(verified_at__isnull=False) | Q(self_registered=False, created_by_import=False)
AWAITING_VERIFICATION = Q(verified_at__isnull=True) & (
    Q(self_registered=True) | Q(created_by_import=True)
)
# Waiting for a site administrator: not verified, and not returned to its applicant or rejected.
IN_REVIEW = AWAITING_VERIFICATION & Q(review_state="")
REJECTED = Q(review_state=Organisation.ReviewState.REJECTED)


def name_search(query: str) -> Q:
    """Case-insensitive substring search over both names and the acronym.

    SQLite folds case for ASCII letters only, so Cyrillic is also tried lower-cased,
    capitalised and upper-cased; PostgreSQL needs none of that but is not harmed.
    """
    variants = {query, query.lower(), query.capitalize(), query.upper(), query.title()}
    match = Q()
    for text in variants:
        match |= Q(name_en__icontains=text) | Q(name_mn__icontains=text)
        match |= Q(acronym__icontains=text) | Q(acronym_mn__icontains=text)
    return match


# Quotation marks around a Mongolian proper name (“Номин” …) do not count for sorting.
_QUOTES = ("“", "”", '"', "«", "»", "„")


def _name_order() -> Any:
    first, second = language_order()[:2]
    name: Any = Coalesce(NullIf(F(f"name_{first}"), Value("")), F(f"name_{second}"))
    for mark in _QUOTES:
        name = Replace(name, Value(mark), Value(""))
    return Lower(name)


def only_in_drafts() -> Q:
    """Organisations an import added for a draft plan and nothing public names yet: the
    draft is not public, so neither is the list of bodies it names (until it is published
    or an administrator verifies them)."""
    named_in_public = Responsibility.objects.filter(
        organisation=OuterRef("pk"), item__plan__published_at__isnull=False
    )
    return Q(created_by_import=True, verified_at__isnull=True) & ~Q(Exists(named_in_public))


def organisation_directory(
    *,
    kind: str = "",
    field: FieldOfActivity | None = None,
    target_group: TargetGroup | None = None,
    region: Region | None = None,
    verified: str = "",
    q: str = "",
) -> QuerySet[Organisation]:
    """The public directory, filtered; rows carry their region, fields and responsibilities."""
    responsibilities = (
        Responsibility.objects.filter(
            organisation=OuterRef("pk"), item__plan__published_at__isnull=False
        )
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    organisations = (
        Organisation.objects.exclude(only_in_drafts())
        .exclude(REJECTED)
        .select_related("region")
        .prefetch_related(Prefetch("fields", queryset=FieldOfActivity.objects.all()))
        .annotate(
            responsibility_count=Coalesce(
                Subquery(responsibilities, output_field=IntegerField()), Value(0)
            ),
            sort_name=_name_order(),
        )
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    if field is not None:
        organisations = organisations.filter(fields=field)
    if target_group is not None:
        organisations = organisations.filter(target_groups=target_group)
    if region is not None:
        organisations = organisations.filter(region=region)
    if verified == "yes":
        organisations = organisations.filter(VERIFIED)
    elif verified == "no":
        organisations = organisations.filter(AWAITING_VERIFICATION)
    if q:
        organisations = organisations.filter(name_search(q))
    return organisations.order_by(F("retired_at").asc(nulls_first=True), "sort_name", "pk")


@dataclass
class Row:
    """One line of a statistics table; ``slug`` filters the directory to it."""

    label: str
    count: int
    slug: str = ""


@dataclass
class RegistryStatistics:
    total: int = 0
    verified: int = 0
    awaiting_verification: int = 0
    to_review: int = 0
    no_field: int = 0
    no_target_group: int = 0
    no_region: int = 0
    by_kind: list[Row] = field(default_factory=list)
    by_field: list[Row] = field(default_factory=list)
    by_target_group: list[Row] = field(default_factory=list)
    by_region: list[Row] = field(default_factory=list)
    # The vocabularies, for the directory's filter form (no second query for them).
    fields: Sequence[FieldOfActivity] = ()
    target_groups: Sequence[TargetGroup] = ()
    regions: Sequence[Region] = ()


def registry_statistics() -> RegistryStatistics:
    """Counts by kind, field of activity, target group and region, in five queries."""
    has_field = Exists(Organisation.fields.through.objects.filter(organisation_id=OuterRef("pk")))
    has_group = Exists(
        Organisation.target_groups.through.objects.filter(organisation_id=OuterRef("pk"))
    )
    totals = Organisation.objects.exclude(REJECTED).aggregate(
        total=Count("pk"),
        verified=Count("pk", filter=VERIFIED),
        awaiting=Count("pk", filter=AWAITING_VERIFICATION),
        to_review=Count("pk", filter=IN_REVIEW),
        no_field=Count("pk", filter=~Q(has_field)),
        no_target_group=Count("pk", filter=~Q(has_group)),
        no_region=Count("pk", filter=Q(region__isnull=True)),
    )
    kinds = {
        row["kind"]: row["n"]
        for row in Organisation.objects.exclude(REJECTED)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    }
    # Meta.ordering does not apply to GROUP BY queries; order explicitly.
    order = ("position", "name_en")
    kept = Count("organisations", filter=~Q(organisations__review_state="rejected"))
    fields = list(FieldOfActivity.objects.annotate(n=kept).order_by(*order))
    groups = list(TargetGroup.objects.annotate(n=kept).order_by(*order))
    regions = list(Region.objects.annotate(n=kept).order_by(*order))
    return RegistryStatistics(
        total=totals["total"],
        verified=totals["verified"],
        awaiting_verification=totals["awaiting"],
        to_review=totals["to_review"],
        no_field=totals["no_field"],
        no_target_group=totals["no_target_group"],
        no_region=totals["no_region"],
        by_kind=[
            Row(str(label), kinds[value], value)
            for value, label in Organisation.Kind.choices
            if kinds.get(value)
        ],
        by_field=[Row(f.name, f.n, f.slug) for f in fields],  # type: ignore[attr-defined]
        by_target_group=[Row(g.name, g.n, g.slug) for g in groups],  # type: ignore[attr-defined]
        by_region=[Row(r.name, r.n, r.slug) for r in regions if r.n],  # type: ignore[attr-defined]
        fields=fields,
        target_groups=groups,
        regions=regions,
    )


def active_members(organisation: Organisation) -> list[Membership]:
    """Active members, administrators first, for the public profile."""
    role_order = {Membership.Role.ADMIN: 0, Membership.Role.REPORTER: 1, Membership.Role.MEMBER: 2}
    members = list(
        Membership.objects.filter(organisation=organisation, state=Membership.State.ACTIVE)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )
    return sorted(members, key=lambda m: role_order.get(Membership.Role(m.role), 3))


def memberships_by_state(organisation: Organisation) -> dict[str, list[Membership]]:
    """Every membership of an organisation, for its members page, keyed by state."""
    grouped: dict[str, list[Membership]] = {state: [] for state in Membership.State.values}
    rows = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "invited_by")
        .order_by("user__display_name", "pk")
    )
    for membership in rows:
        grouped[membership.state].append(membership)
    return grouped


def membership_of(user: Any, organisation: Organisation) -> Membership | None:
    if not signed_in(user):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def memberships_of_user(user: Any) -> dict[str, list[Membership]]:
    grouped: dict[str, list[Membership]] = {state: [] for state in Membership.State.values}
    rows = (
        Membership.objects.filter(user=user)
        .select_related("organisation", "invited_by")
        .order_by("organisation__name_en", "organisation__name_mn")
    )
    for membership in rows:
        grouped[membership.state].append(membership)
    return grouped


def awaiting_verification() -> QuerySet[Organisation]:
    """Self-registered or import-added organisations no site administrator has verified yet,
    oldest first."""
    registrants = Membership.objects.filter(
        state=Membership.State.ACTIVE, role=Membership.Role.ADMIN
    ).select_related("user")
    return (
        Organisation.objects.filter(IN_REVIEW)
        .select_related("region")
        .prefetch_related(
            "fields",
            "target_groups",
            Prefetch("memberships", queryset=registrants, to_attr="admins"),
        )
        .order_by("created_at", "pk")
    )


def awaiting_verification_count() -> int:
    return Organisation.objects.filter(IN_REVIEW).count()
