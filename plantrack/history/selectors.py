"""Reads of the history: event pages for a plan or an item, shown in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import ActorKind, Event

PER_PAGE = 25
VALUE_CHARS = 300  # a long text is cut on the page; the event keeps all of it


@dataclass
class ChangeRow:
    field: str
    before: str
    after: str


def _field_label(object_type: str, name: str) -> str:
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name.replace("_", " ")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS] + "…"


def change_rows(event: Event) -> list[ChangeRow]:
    rows = []
    for name, pair in (event.changes or {}).items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        rows.append(ChangeRow(_field_label(event.object_type, name), _shown(before), _shown(after)))
    return rows


def actor_name(event: Event) -> str:
    if event.actor_kind == ActorKind.IMPORT and event.actor_id is None:
        return _("import")
    if event.actor_id is None:
        return _("system")
    if event.actor is None:
        return _("deleted user")
    return str(event.actor.public_name)


def _page(events: QuerySet[Event], page_number: int) -> Page:  # type: ignore[type-arg]
    events = events.select_related("actor", "actor_organisation", "item").order_by("-seq")
    page = Paginator(events, PER_PAGE).get_page(page_number)
    for event in page.object_list:
        event.rows = change_rows(event)  # type: ignore[attr-defined]
        event.actor_name = actor_name(event)  # type: ignore[attr-defined]
    return page


def plan_history(*, plan: Any, private: bool, page_number: int) -> Page:  # type: ignore[type-arg]
    """A plan's events, newest first; ``private`` adds those only its managers see."""
    events = Event.objects.filter(plan_id=plan.pk)
    if not private:
        events = events.filter(public=True)
    return _page(events, page_number)


def item_history(*, item: Any, private: bool, page_number: int) -> Page:  # type: ignore[type-arg]
    events = Event.objects.filter(item_id=item.pk)
    if not private:
        events = events.filter(public=True)
    return _page(events, page_number)


def last_change(*, item: Any) -> Event | None:
    return Event.objects.filter(item_id=item.pk, public=True).order_by("-seq").first()
