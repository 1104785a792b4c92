"""Writes to the history: ``record`` appends one event in the caller's transaction.

Every service that changes a public record calls ``record`` (never a signal, which a bulk
update would skip). The chain is extended under a lock on the one ``Head`` row, and the
event number is unique, so two transactions can never both follow the same event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from .canonical import now_ms, plain, sha256_hex, utc_text
from .models import GENESIS_HASH, Action, ActorKind, Event, Head

LABEL_LENGTH = 300
# The events appended while ``receipts.receipt`` listens (one page's change), else None.
CAPTURED: ContextVar[list[Event] | None] = ContextVar("history_captured", default=None)


@dataclass
class Entry:
    """One event to append, before it has a number and a hash."""

    action: str
    object_type: str
    object_id: str
    label: str = ""
    plan_id: int | None = None
    item_id: int | None = None
    subject_user_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    public: bool = True


# What an event's hash covers, as (name in the hashed JSON, column): every column but the
# hash itself. People appear by id only, so erasing a person's name changes no hashed content.
HASHED = (
    ("seq", "seq"),
    ("at", "at"),
    ("actor_kind", "actor_kind"),
    ("actor", "actor_id"),
    ("actor_organisation", "actor_organisation_id"),
    ("object_type", "object_type"),
    ("object_id", "object_id"),
    ("object_label", "object_label"),
    ("plan", "plan_id"),
    ("item", "item_id"),
    ("subject_user", "subject_user_id"),
    ("action", "action"),
    ("changes", "changes"),
    ("reason", "reason"),
    ("public", "public"),
    ("previous_hash", "previous_hash"),
)
HASHED_COLUMNS = [column for _name, column in HASHED]


def content_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed content of an event given as a mapping of its columns."""
    data = {name: row[column] for name, column in HASHED}
    data["at"] = utc_text(data["at"])
    return data


def content(event: Event) -> dict[str, Any]:
    return content_of(vars(event))


def event_hash(event: Event) -> str:
    return sha256_hex(content(event))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose plain values differ."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = plain(before.get(name)), plain(after.get(name))
        if old != new:
            changes[name] = [old, new]
    return changes


def entry_for(obj: Any, action: str, **extra: Any) -> Entry:
    """An entry about a model instance: its type, id and (by default) its name as label."""
    label = extra.pop("label", None)
    return Entry(
        action=str(action),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        label=str(obj if label is None else label),
        **extra,
    )


def _actor(by: Any, kind: str | None) -> tuple[str, int | None]:
    user_id = getattr(by, "pk", None) if by is not None else None
    if kind is None:
        kind = ActorKind.USER if user_id else ActorKind.SYSTEM
    return str(kind), user_id


def _locked_head() -> Head:
    head = Head.objects.select_for_update().filter(pk=1).first()
    if head is None:
        Head.objects.get_or_create(pk=1)
        head = Head.objects.select_for_update().get(pk=1)
    return head


def append(
    entries: Iterable[Entry],
    *,
    by: Any = None,
    kind: str | None = None,
    organisation: Any = None,
) -> list[Event]:
    """Append ``entries`` in order, all by one actor, in the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("history events are recorded inside the transaction of the change")
    entries = list(entries)
    if not entries:
        return []
    actor_kind, actor_id = _actor(by, kind)
    organisation_id = getattr(organisation, "pk", organisation)
    head = _locked_head()
    now = now_ms()
    events = []
    seq, previous = head.seq, head.hash
    for entry in entries:
        seq += 1
        event = Event(
            seq=seq,
            at=now,
            actor_kind=actor_kind,
            actor_id=actor_id,
            actor_organisation_id=organisation_id,
            object_type=entry.object_type,
            object_id=entry.object_id[:40],
            object_label=entry.label[:LABEL_LENGTH],
            plan_id=entry.plan_id,
            item_id=entry.item_id,
            subject_user_id=entry.subject_user_id,
            action=entry.action,
            changes=plain(entry.changes),
            reason=entry.reason,
            public=entry.public,
            previous_hash=previous,
        )
        event.hash = event_hash(event)
        previous = event.hash
        events.append(event)
    Event.objects.bulk_create(events, batch_size=500)
    Head.objects.filter(pk=1).update(seq=seq, hash=previous)
    captured = CAPTURED.get()
    if captured is not None:
        captured.extend(events)
    return events


def record(
    obj: Any,
    action: str,
    *,
    by: Any = None,
    kind: str | None = None,
    organisation: Any = None,
    **extra: Any,
) -> Event:
    """Append one event about ``obj``; ``extra`` fills the ``Entry`` (changes, reason,
    plan_id, item_id, public, label …). Call it inside the change's transaction."""
    return append([entry_for(obj, action, **extra)], by=by, kind=kind, organisation=organisation)[0]


__all__ = ["GENESIS_HASH", "Action", "ActorKind", "Entry", "append", "diff", "record"]
