"""Writes to the history: ``record`` appends one event in the caller's transaction.

Every service that changes a public record calls ``record`` (never a signal, which a bulk
update would skip). The chain is extended under a lock on the one ``Head`` row, and the
event number is unique, so two transactions can never both follow the same event.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from .canonical import canonical_fast, now_ms, plain, sha256_hex, utc_text
from .chain import HASHED, HASHED_COLUMNS, encode, entry_template, scalar
from .models import GENESIS_HASH, Action, ActorKind, Event, Head

LABEL_LENGTH = 300
SALT = "_salt"  # the key of a non-public event's random salt in its changes (never shown)
_CHANGES_FIELD = Event._meta.get_field("changes")
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
    # Once ``prepare`` has run: ``changes`` made plain, as the database driver takes it
    # (what Django writes, so that a row re-saved unchanged by Django's serializers is
    # unchanged), and the event's canonical JSON as a template for the rest.
    _plain: Any = field(default=None, init=False, repr=False, compare=False)
    _stored: Any = field(default=None, init=False, repr=False, compare=False)
    _template: str = field(default="", init=False, repr=False, compare=False)

    def prepare(self) -> Entry:
        """Encode the entry now, so that the append, under the chain's lock, only numbers
        and hashes it. Only its ids (``object_id``, ``plan_id``, ``item_id``) may change
        after this; any other change would not be seen.

        A non-public event (a membership, a report not yet approved) gets a random salt in
        its hashed changes: its hash is published in the Merkle proofs of its neighbours,
        and without the salt its few possible contents could be guessed and tested against
        that hash."""
        if not self.public and SALT not in self.changes:
            self.changes = {**self.changes, SALT: secrets.token_hex(16)}
        self._plain = plain(self.changes)
        self._stored = _CHANGES_FIELD.get_db_prep_save(self._plain, connection)
        self._template = entry_template(
            {
                "action": scalar(self.action),
                "changes": canonical_fast(self._plain).decode("utf-8"),
                "object_label": scalar(self.label[:LABEL_LENGTH]),
                "object_type": scalar(self.object_type),
                "public": scalar(self.public),
                "reason": scalar(self.reason),
                "subject_user": scalar(self.subject_user_id),
            }
        )
        return self


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
    rows, ids = _append_rows(list(entries), by=by, kind=kind, organisation=organisation, ids=True)
    events = []
    for row, pk in zip(rows, ids, strict=True):
        event = Event(pk=pk, **dict(zip(_COLUMNS, row, strict=True)))
        event._state.adding, event._state.db = False, connection.alias
        events.append(event)
    return events


def append_many(
    entries: Iterable[Entry],
    *,
    by: Any = None,
    kind: str | None = None,
    organisation: Any = None,
) -> int:
    """``append`` for many entries (an import's): the number appended, no model instances
    built. Entries ``prepare``d before the caller's transaction leave only hashing here."""
    return len(_append_rows(list(entries), by=by, kind=kind, organisation=organisation)[0])


# The columns an append writes, in the order of its rows.
_COLUMNS = (*HASHED_COLUMNS, "hash")
_CHANGES = _COLUMNS.index("changes")


def _append_rows(
    entries: list[Entry], *, by: Any, kind: str | None, organisation: Any, ids: bool = False
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """Number, hash and insert the entries' events: their rows in ``_COLUMNS`` order, and
    (with ``ids``) their primary keys."""
    if not connection.in_atomic_block:
        raise RuntimeError("history events are recorded inside the transaction of the change")
    if not entries:
        return [], []
    actor_kind, actor_id = _actor(by, kind)
    organisation_id = getattr(organisation, "pk", organisation)
    for entry in entries:
        if not entry._template:
            entry.prepare()
    head = _locked_head()
    now = now_ms()
    per_call = (scalar(actor_id), scalar(actor_kind), scalar(organisation_id))
    at_json = scalar(utc_text(now))
    sha256 = hashlib.sha256
    rows = []
    seq, previous = head.seq, head.hash
    for entry in entries:
        seq += 1
        object_id = entry.object_id[:40]
        # In the order of ``chain.NAMES``: what the entry's template leaves open.
        filled = entry._template % (
            *per_call,
            at_json,
            scalar(entry.item_id),
            scalar(object_id),
            scalar(entry.plan_id),
            f'"{previous}"',
            seq,
        )
        digest = sha256(encode(filled)).hexdigest()
        rows.append(
            (
                seq,
                now,
                actor_kind,
                actor_id,
                organisation_id,
                entry.object_type,
                object_id,
                entry.label[:LABEL_LENGTH],
                entry.plan_id,
                entry.item_id,
                entry.subject_user_id,
                entry.action,
                entry._plain,
                entry.reason,
                entry.public,
                previous,
                digest,
            )
        )
        previous = digest
    pks = _insert(rows, [entry._stored for entry in entries], returning=ids)
    Head.objects.filter(pk=1).update(seq=seq, hash=previous)
    captured = CAPTURED.get()
    if captured is not None:  # a page shows the author a receipt of the last one
        captured.extend(Event(seq=row[0], hash=row[-1]) for row in rows)
    return rows, pks


def _insert(rows: list[tuple[Any, ...]], changes: list[Any], *, returning: bool) -> list[int]:
    """Multi-row INSERTs, ``changes`` as prepared for the driver (``Entry.prepare``); the
    new ids when ``returning``. Django's bulk_create prepares every value of every row
    through its field, which for an import's ten thousand events took longer than
    hashing them."""
    meta = Event._meta
    quote = connection.ops.quote_name
    at = meta.get_field("at").get_db_prep_save(rows[0][1], connection)  # one time per append
    row_sql = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    columns = ", ".join(quote(meta.get_field(name).column) for name in _COLUMNS)  # type: ignore[union-attr,arg-type]
    per_batch = max(1, min(500, (connection.features.max_query_params or 10_000) // len(_COLUMNS)))
    returning_sql = returning and connection.features.can_return_rows_from_bulk_insert
    suffix = f" RETURNING {quote(meta.pk.column)}" if returning_sql else ""  # type: ignore[union-attr]
    pks: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            params: list[Any] = []
            batch = rows[start : start + per_batch]
            for row, stored in zip(batch, changes[start : start + per_batch], strict=True):
                values = list(row)
                values[1], values[_CHANGES] = at, stored
                params += values
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                + ", ".join([row_sql] * len(batch))
                + suffix,
                params,
            )
            if returning_sql:
                pks += [pk for (pk,) in cursor.fetchall()]
    if returning and not returning_sql:
        by_seq = dict(
            Event.objects.filter(seq__gte=rows[0][0], seq__lte=rows[-1][0]).values_list("seq", "pk")
        )
        pks = [by_seq[row[0]] for row in rows]
    return pks


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


__all__ = [
    "GENESIS_HASH",
    "HASHED",
    "HASHED_COLUMNS",
    "Action",
    "ActorKind",
    "Entry",
    "append",
    "append_many",
    "diff",
    "record",
]
