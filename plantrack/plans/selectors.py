"""Reads for plan pages. Each returns everything a page needs in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from plantrack.lib.bilingual import language_order
from plantrack.organisations.models import Organisation

from .models import Item, Plan, Responsibility, StakeholderGroup, Status
from .permissions import hidden_plans, visible_plans

# A plan page lists activities inline up to this many; bigger plans link to them per branch.
INLINE_ACTIVITY_LIMIT = 300
# Structural items (goal, objectives, stages, results …) shown on one plan page at most.
STRUCTURE_LIMIT = 500
ATTENTION_LIMIT = 25
PAGE_SIZE = 100
ORGANISATION_PAGE_SIZE = 50


@dataclass
class Node:
    item: Item
    children: list[Node] = field(default_factory=list)
    activities: list[Item] = field(default_factory=list)


@dataclass
class PlanTree:
    plan: Plan
    roots: list[Node]
    inline: bool  # True when every tracked item is listed inline in the tree
    attention: list[Item]  # delayed or unknown items, for plans too big to list inline
    structure_truncated: bool
    structure: list[Item] = field(default_factory=list)
    # {item id: "2026 Q2"}: the rows shown whose report is late, and since which period.
    overdue: dict[int, str] = field(default_factory=dict)


# The columns a tree or list row shows; bodies and timestamps stay in the database.
ROW_FIELDS = (
    "id",
    "plan_id",
    "parent_id",
    "path",
    "depth",
    "kind",
    "code",
    "label_en",
    "label_mn",
    "title_en",
    "title_mn",
    "translations",
    "status",
    "progress",
    "tracked_count",
    "status_counts",
)


def _live(**filters: object) -> QuerySet[Item]:
    """Items still in their plan: retired ones keep their own page but leave the tree."""
    return Item.objects.filter(retired_at__isnull=True, **filters)


def _tracked(plan: Plan) -> QuerySet[Item]:
    return _live(plan=plan, kind__in=Item.TRACKED_KINDS).order_by("path")


def attach_organisations(items: list[Item]) -> list[Item]:
    """Give each row ``org_links`` (slug, short name) in one query, without model objects."""
    by_id = {item.pk: item for item in items}
    for item in items:
        item.org_links = []  # type: ignore[attr-defined]
    rows = (
        Responsibility.objects.filter(item_id__in=list(by_id))
        .order_by("item_id", "role", "organisation__name_en")
        .values_list(
            "item_id",
            "organisation__slug",
            "organisation__acronym",
            "organisation__acronym_mn",
            "organisation__name_en",
            "organisation__name_mn",
        )
    )
    order = language_order()
    for item_id, slug, acronym, acronym_mn, name_en, name_mn in rows:
        # The acronym in the reader's language, else the name in it, else the same in the
        # other language; with the language the text is in, for its lang attribute.
        spellings = {"en": (acronym, name_en), "mn": (acronym_mn, name_mn)}
        text, lang = next(
            ((text, lang) for lang in order for text in spellings[lang] if text), ("", order[0])
        )
        by_id[item_id].org_links.append((slug, text, lang))  # type: ignore[attr-defined]
    return items


def plan_list(user: Any = None) -> QuerySet[Plan]:
    """The plans ``user`` may see: published ones, and drafts they manage.

    Current plans first, retired ones last; then in the order their managers set
    (``Plan.position``, lowest first), then the most recently adopted first (undated ones
    last), then by title in the reader's language."""
    titles = [NullIf(f"title_{lang}", Value("")) for lang in language_order()]
    return visible_plans(user).order_by(
        F("retired_at").asc(nulls_first=True),
        "position",
        F("adopted_on").desc(nulls_last=True),
        Coalesce(*titles, "short_name"),
        "slug",
    )


def plan_tree(*, plan: Plan) -> PlanTree:
    """The plan page: structure down to expected results, activities inline when few."""
    structure = list(
        _live(plan=plan)
        .exclude(kind__in=Item.TRACKED_KINDS)
        .only(*ROW_FIELDS)
        .order_by("path")[: STRUCTURE_LIMIT + 1]
    )
    truncated = len(structure) > STRUCTURE_LIMIT
    structure = structure[:STRUCTURE_LIMIT]
    inline = plan.tracked_count <= INLINE_ACTIVITY_LIMIT
    if inline:
        tracked = attach_organisations(list(_tracked(plan).only(*ROW_FIELDS)))
        attention: list[Item] = []
    else:
        # Same two queries as the inline case, so the query count does not depend on size.
        tracked = []
        attention = attach_organisations(
            list(
                _tracked(plan)
                .filter(status__in=[Status.DELAYED, Status.UNKNOWN])
                .only(*ROW_FIELDS)
                .order_by("-updated_at", "path")[:ATTENTION_LIMIT]
            )
        )
    nodes = {item.pk: Node(item) for item in structure}
    roots: list[Node] = []
    for item in structure:
        parent = nodes.get(item.parent_id) if item.parent_id else None
        (parent.children if parent else roots).append(nodes[item.pk])
    for item in tracked:
        parent = nodes.get(item.parent_id) if item.parent_id else None
        if parent is not None:
            parent.activities.append(item)
        else:
            roots.append(Node(item))
    from plantrack.progress.dashboards import overdue_since

    overdue = overdue_since(item.pk for item in (tracked or attention))
    return PlanTree(plan, roots, inline, attention, truncated, structure, overdue)


@dataclass
class ItemPage:
    item: Item
    ancestors: list[Item]
    structure: list[Item]  # non-tracked children
    tracked: Page  # tracked children, paginated (or those of ``contributors_of``)
    responsibilities: list[Responsibility]
    indicators: list
    stakeholder_groups: list[StakeholderGroup] = field(default_factory=list)
    # For a level with no activities below it (an expected result, a stage whose plan lists
    # the activities under the objective): the nearest ancestor that has some, whose
    # activities ``tracked`` then lists as what works towards this item.
    contributors_of: Item | None = None


def _contributors_of(item: Item, ancestors: list[Item]) -> Item | None:
    if item.is_tracked or item.tracked_count:
        return None
    return next((a for a in reversed(ancestors) if a.tracked_count), None)


def item_page(*, item: Item, page_number: str | int | None = 1) -> ItemPage:
    ancestors = list(
        Item.objects.filter(plan_id=item.plan_id, path__in=item.ancestor_paths()).order_by("path")
    )
    structure = list(_live(parent=item).exclude(kind__in=Item.TRACKED_KINDS).order_by("path"))
    source = _contributors_of(item, ancestors)
    if source is None:
        tracked = _live(parent=item, kind__in=Item.TRACKED_KINDS)
    else:
        tracked = _live(
            plan_id=item.plan_id, kind__in=Item.TRACKED_KINDS, path__startswith=source.path + "."
        )
    page = Paginator(tracked.only(*ROW_FIELDS).order_by("path"), PAGE_SIZE).get_page(page_number)
    page.object_list = attach_organisations(list(page.object_list))
    responsibilities = list(
        item.responsibilities.select_related("organisation").order_by(
            "role", "organisation__name_en"
        )
    )
    indicators = list(item.indicators.order_by("position"))
    groups = list(item.stakeholder_groups.order_by("key"))
    return ItemPage(item, ancestors, structure, page, responsibilities, indicators, groups, source)


def plan_activities(
    *,
    plan: Plan,
    status: str = "",
    organisation: Organisation | None = None,
    within: Item | None = None,
    page_number: str | int | None = 1,
) -> Page:
    """Tracked items of a plan, filtered; the plan page's filter form lists these."""
    items = _tracked(plan).only(*ROW_FIELDS)
    if status:
        items = items.filter(status=status)
    if organisation is not None:
        items = items.filter(responsibilities__organisation=organisation).distinct()
    if within is not None:
        items = items.filter(path__startswith=within.path + ".")
    page = Paginator(items, PAGE_SIZE).get_page(page_number)
    page.object_list = attach_organisations(list(page.object_list))
    return page


def plan_filter_choices(
    *, plan: Plan, structure: list[Item] | None = None
) -> tuple[list[Organisation], list[Item]]:
    """Organisations with work in the plan, and its top branches, for the filter form."""
    organisations = list(
        Organisation.objects.filter(
            responsibilities__item__plan=plan, responsibilities__item__retired_at__isnull=True
        )
        .only("slug", "name_en", "name_mn", "acronym", "acronym_mn")
        .distinct()
        .order_by("name_en")
    )
    if structure is None:
        structure = list(
            _live(plan=plan, depth__lte=2)
            .exclude(kind__in=Item.TRACKED_KINDS)
            .only(*ROW_FIELDS)
            .order_by("path")[:200]
        )
    branches = [item for item in structure if item.depth <= 2][:200]
    return organisations, branches


def organisation_responsibilities(
    *, organisation: Organisation, page_number: str | int | None = 1, user: Any = None
) -> Page:
    """An organisation's work in the plans ``user`` may see (drafts of others left out)."""
    rows = (
        Responsibility.objects.filter(organisation=organisation, item__retired_at__isnull=True)
        .select_related("item", "item__plan")
        .order_by("item__plan__slug", "item__path", "role")
    )
    hidden = hidden_plans(user)
    if hidden is not None:
        rows = rows.exclude(item__plan__in=hidden)
    return Paginator(rows, ORGANISATION_PAGE_SIZE).get_page(page_number)


def stored_import_mapping(slug: str | None) -> dict[str, Any] | None:
    """The mapping stored with the plan ``slug`` by its last import, if there is one."""
    if not slug:
        return None
    stored = Plan.objects.filter(slug=slug).values_list("import_mapping", flat=True).first()
    return stored if isinstance(stored, dict) and stored else None


def search_plan_choices(user: Any) -> list[tuple[str, str]]:
    """(slug, title in the reader's language) of the plans ``user`` may see, by title: the
    search page's plan filter. Plain rows, not model objects: there may be hundreds."""
    from plantrack.lib.bilingual import language_order

    order = language_order()
    rows = (
        visible_plans(user)
        .order_by()
        .values_list("slug", "short_name", *(f"title_{lang}" for lang in order))
    )
    choices = [
        (slug, next((t for t in titles if t), short_name)) for slug, short_name, *titles in rows
    ]
    return sorted(choices, key=lambda choice: choice[1].lower())


def search_organisation_choices(user: Any) -> list[tuple[str, str]]:
    """The organisations the search page's organisation filter offers: those responsible for
    some item, less those only a draft names (for everyone but site administrators)."""
    from django.db.models import Exists, OuterRef

    from plantrack.accounts.permissions import is_site_admin
    from plantrack.organisations.selectors import only_in_drafts

    named = Responsibility.objects.filter(organisation=OuterRef("pk"))
    organisations = Organisation.objects.filter(Exists(named))
    if not is_site_admin(user):
        organisations = organisations.exclude(only_in_drafts())
    choices = [(org.slug, org.name) for org in organisations]
    return sorted(choices, key=lambda choice: choice[1].lower())
