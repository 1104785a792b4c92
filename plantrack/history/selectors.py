"""Reads of the history, shown in the reader's language.

Every page that shows events (plan, item, organisation, progress update, the plan's
"what changed since" view, their full history pages) starts from ``events_visible_to``,
the one place that decides which events a person may see, by the apps' own rules.
Each read here takes a fixed number of queries, whatever the number of events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plantrack.accounts.permissions import is_site_admin
from plantrack.lib.rules import signed_in

from .models import ActorKind, Event

PER_PAGE = 25
LATEST = 5  # events in the "History" section of a page; the rest on its history page
CHANGES_LIMIT = 200  # events listed by the "what changed since" view; the rest are counted
VALUE_CHARS = 300  # a long text is cut on the page; the event keeps all of it

ORGANISATION = "organisations.organisation"
MEMBERSHIP = "organisations.membership"
PROGRESS_UPDATE = "progress.progressupdate"

# Names in events' changes that are not a model field with a verbose name.
FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "parent": gettext_lazy("parent"),
    "position": gettext_lazy("position"),
    "retired": gettext_lazy("retired"),
    "items": gettext_lazy("items"),
    "state": gettext_lazy("state"),
    "organisation": gettext_lazy("organisation"),
    "role": gettext_lazy("role"),
    "groups": gettext_lazy("roles"),
    "permissions": gettext_lazy("permissions"),
    "is_staff": gettext_lazy("staff status"),
    "is_superuser": gettext_lazy("site administrator"),
    # Progress reports (issue 11)
    "measurements": gettext_lazy("measured values"),
    "evidence": gettext_lazy("evidence"),
    "reporting_periods": gettext_lazy("reporting periods"),
    "period": gettext_lazy("reporting period"),
    "locked_at": gettext_lazy("locked"),
}


# -- Who sees what --------------------------------------------------------------------------


def events_visible_to(user: Any, events: QuerySet[Event]) -> QuerySet[Event]:
    """The events of ``events`` that ``user`` may see (None or anonymous: a visitor).

    Public events are for everyone, except those of a draft plan, which only its managers
    and the site administrators see. Events that are not public are shown to:

    - the managers of their plan (``plans.change_plan``): submitted and returned reports,
      everything an import of a draft wrote;
    - the reporters of the organisation a progress update was sent for
      (``progress.view_update``): its submitted and returned events;
    - an organisation's administrators (``organisations.change``): its memberships, and
      its own events that are not public;
    - the person an event is about (``subject_user``): their memberships and roles;
    - site administrators: everything.

    Adds no query of its own beyond the user's groups and reporting organisations (each
    read once per request); the rest are subqueries of the one query that lists events."""
    if is_site_admin(user):
        return events
    from plantrack.organisations.permissions import administered_organisations
    from plantrack.plans.permissions import hidden_plans, managed_plans
    from plantrack.progress.permissions import viewable_unpublished_updates

    shown = Q(public=True)
    if signed_in(user):
        shown |= Q(plan_id__in=managed_plans(user))
        admin_of = administered_organisations(user)
        shown |= Q(object_type=MEMBERSHIP, actor_organisation_id__in=admin_of)
        shown |= Q(
            object_type=ORGANISATION,
            object_id__in=admin_of.annotate(key=Cast("organisation_id", CharField())).values("key"),
        )
        updates = viewable_unpublished_updates(user)
        if updates is not None:
            shown |= Q(
                object_type=PROGRESS_UPDATE,
                object_id__in=updates.annotate(key=Cast("pk", CharField())).values("key"),
            )
        shown |= Q(subject_user_id=user.pk)
    events = events.filter(shown)
    hidden = hidden_plans(user)
    if hidden is not None:
        events = events.exclude(plan_id__in=hidden)
    return events


# -- What an event is about -------------------------------------------------------------------


def plan_events(plan: Any) -> QuerySet[Event]:
    """A plan's events and those of its items."""
    return Event.objects.filter(plan_id=plan.pk)


def item_events(item: Any) -> QuerySet[Event]:
    return Event.objects.filter(item_id=item.pk)


def organisation_events(organisation: Any) -> QuerySet[Event]:
    """Events about an organisation: its registration, verification, profile edits, and its
    memberships (recorded with the organisation as the actor's organisation)."""
    return Event.objects.filter(
        Q(object_type=ORGANISATION, object_id=str(organisation.pk))
        | Q(object_type=MEMBERSHIP, actor_organisation_id=organisation.pk)
    )


def update_events(update: Any) -> QuerySet[Event]:
    return Event.objects.filter(object_type=PROGRESS_UPDATE, object_id=str(update.pk))


# -- Shown in the reader's language -----------------------------------------------------------


@dataclass
class ChangeRow:
    field: str
    before: str
    after: str
    lang: str = ""  # the language of the values, for a field that holds one language
    code: bool = False  # identifiers (short names, codes, file names): in no language

    @property
    def short(self) -> bool:
        """Short enough to say in one line of a History section ("status: A → B")."""
        return len(self.before) <= SHORT_VALUE and len(self.after) <= SHORT_VALUE


SHORT_VALUE = 60
# Fields whose values are identifiers, shown as code rather than as text in a language.
IDENTIFIERS = frozenset(
    {"short_name", "slug", "code", "path", "source_name", "source_sha256", "languages"}
)

TRANSLATION_STATE_LABELS = {
    "official": gettext_lazy("official"),
    "unofficial": gettext_lazy("unofficial translation"),
    "needs_review": gettext_lazy("translation needs review"),
}


def _model_field(object_type: str, name: str) -> Any:
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _field_label(object_type: str, name: str) -> str:
    model_field = _model_field(object_type, name)
    label = getattr(model_field, "verbose_name", None)
    if label and str(label).replace(" ", "_") != name:
        return str(label)
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    return str(label) if label else name.replace("_", " ")


def _dated(value: str, model_field: Any) -> str | None:
    """A date or time stored as ISO text, in the reader's date format; None if it is not one."""
    try:
        if isinstance(model_field, models.DateTimeField):
            moment = datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
        if isinstance(model_field, models.DateField):
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return None
    return None


def _shown(
    value: Any,
    choices: dict[str, str] | None = None,
    model_field: Any = None,
    object_type: str = "",
) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if choices and isinstance(value, str) and value in choices:
        return choices[value]
    if isinstance(value, str) and model_field is not None:
        dated = _dated(value, model_field)
        if dated is not None:
            return dated
    if isinstance(value, dict):
        # A translation-states map ({"title_mn": "unofficial"}): each field and its state.
        return "; ".join(
            f"{_field_label(object_type, str(name))}: "
            f"{TRANSLATION_STATE_LABELS.get(str(state), str(state))}"
            for name, state in value.items()
        )
    if isinstance(value, float):
        # 50.0 reads "50"; other numbers keep their decimals.
        return formats.number_format(value, decimal_pos=0 if value.is_integer() else None)
    text = str(value)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…"


def change_rows(event: Event) -> list[ChangeRow]:
    rows = []
    for name, pair in (event.changes or {}).items():
        if name.startswith("_"):  # the salt of a non-public event (services.SALT)
            continue
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        model_field = _model_field(event.object_type, name)
        flat = getattr(model_field, "flatchoices", None) if model_field is not None else None
        choices = {str(k): str(v) for k, v in flat} if flat else None
        rows.append(
            ChangeRow(
                _field_label(event.object_type, name),
                _shown(before, choices, model_field, event.object_type),
                _shown(after, choices, model_field, event.object_type),
                name[-2:] if name[-3:] in ("_en", "_mn") else "",
                name in IDENTIFIERS,
            )
        )
    return rows


def actor_name(event: Event) -> str:
    """The person's display name, or "import"/"system"; "deleted user" once erased."""
    if event.actor_kind == ActorKind.IMPORT and event.actor_id is None:
        return _("import")
    if event.actor_id is None:
        return _("system")
    if event.actor is None:
        return _("deleted user")
    return str(event.actor.public_name)


def _dressed(events: list[Event]) -> list[Event]:
    for event in events:
        event.rows = change_rows(event)  # type: ignore[attr-defined]
        event.actor_name = actor_name(event)  # type: ignore[attr-defined]
    return events


def _ordered(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.select_related("actor", "actor_organisation", "item", "subject_user").order_by(
        "-seq"
    )


def history_page(*, events: QuerySet[Event], user: Any, page_number: Any) -> Page:  # type: ignore[type-arg]
    """One page of the events ``user`` may see, newest first: two queries."""
    visible = _ordered(events_visible_to(user, events))
    page = Paginator(visible, PER_PAGE).get_page(page_number)
    page.object_list = _dressed(list(page.object_list))
    return page


@dataclass
class Latest:
    """The "History" section of a page: the newest events and whether there are more."""

    events: list[Event]
    more: bool
    last_public: datetime | None = None


def latest_events(*, events: QuerySet[Event], user: Any, limit: int = LATEST) -> Latest:
    """The newest ``limit`` events ``user`` may see, in one query."""
    rows = _dressed(list(_ordered(events_visible_to(user, events))[: limit + 1]))
    last_public = next((event.at for event in rows if event.public), None)
    return Latest(rows[:limit], len(rows) > limit, last_public)


def last_updated(updated_at: datetime | None, latest: Latest) -> datetime | None:
    """The later of a record's own time stamp and its latest public event shown."""
    times = [t for t in (updated_at, latest.last_public) if t is not None]
    return max(times) if times else None


# -- What changed in a plan since a date --------------------------------------------------------


@dataclass
class ChangeGroup:
    """The changes under one top-level branch of the plan (``branch`` None: the plan itself)."""

    branch: Any
    count: int
    events: list[Event] = field(default_factory=list)


BRANCH_FIELDS = (
    "id",
    "plan_id",
    "path",
    "depth",
    "kind",
    "code",
    "label_en",
    "label_mn",
    "title_en",
    "title_mn",
)


@dataclass
class PlanChanges:
    groups: list[ChangeGroup]
    total: int
    shown: int


def plan_changes(
    *, plan: Any, user: Any, since: datetime, limit: int = CHANGES_LIMIT
) -> PlanChanges:
    """The events of ``plan`` since ``since`` that ``user`` may see, grouped by the top-level
    branch their item is under, in plan order, with the plan's own events first; counts per
    group. The branches are the plan's top-level items, or, when the plan has a single root
    (one goal), that root's children (its objectives); events on the root itself are a group
    of their own. Three queries, whatever the number of events: the top two levels of items,
    the counts per branch, and the newest ``limit`` events."""
    from plantrack.plans.models import PATH_STEP, Item

    top = list(
        Item.objects.filter(plan_id=plan.pk, depth__lte=2).only(*BRANCH_FIELDS).order_by("path")
    )
    level = 2 if sum(1 for item in top if item.depth == 1) == 1 else 1
    by_path = {item.path: item for item in top}
    branch_of = Substr("item__path", 1, level * (PATH_STEP + 1) - 1)
    events = events_visible_to(user, plan_events(plan).filter(at__gte=since))
    counts = {
        row["branch"]: row["n"]
        for row in events.order_by()
        .annotate(branch=branch_of)
        .values("branch")
        .annotate(n=Count("pk"))
    }
    groups: dict[str | None, ChangeGroup] = {}
    for key in sorted(counts, key=lambda k: (k is not None, k or "")):
        groups[key] = ChangeGroup(by_path.get(key) if key else None, counts[key])
    rows = _dressed(list(_ordered(events.annotate(branch=branch_of))[:limit]))
    for event in rows:
        group = groups.get(event.branch)  # type: ignore[attr-defined]
        if group is not None:
            group.events.append(event)
    return PlanChanges(list(groups.values()), sum(counts.values()), len(rows))
