"""An event's hashed content in its fixed shape, encoded fast for append and verify.

The hashed content is always the same sixteen names (``HASHED``), so its RFC 8785 form is
a fixed template: the names in UTF-16 order with each value's JSON in place. Filling the
template with ``%`` gives the bytes ``canonical(content)`` gives, without building a dict,
sorting it or walking it; tests check the two agree on arbitrary events. Only ``changes``
is free-form: it goes through ``canonical_fast``, and an ``Entry`` can have it encoded
before the chain's lock is taken (``Entry.prepare``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from .canonical import MAX_INT, NotCanonical, canonical, canonical_fast, utc_text

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

# The names in canonical order (all ASCII, so code point order is UTF-16 order), and the
# columns in that order: what ``verify`` selects, so a row fills the template as it comes.
NAMES = tuple(sorted(name for name, _column in HASHED))
COLUMN_OF = dict(HASHED)
ORDERED_COLUMNS = tuple(COLUMN_OF[name] for name in NAMES)
SELECTED_COLUMNS = (*ORDERED_COLUMNS, "hash")
TEMPLATE = "{" + ",".join(f"{json.dumps(name)}:%s" for name in NAMES) + "}"
# The fields an append fills, per call or per event (the ids, which an entry may be given
# after it was prepared, among them); an entry's template holds the others.
APPEND_FIELDS = (
    "actor",
    "actor_kind",
    "actor_organisation",
    "at",
    "item",
    "object_id",
    "plan",
    "previous_hash",
    "seq",
)


def scalar(value: Any) -> str:
    """The canonical JSON of a string, an integer within ±2^53, a boolean or None."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # type: ignore[no-any-return]
    if kind is int:
        if -MAX_INT <= value <= MAX_INT:
            return str(value)
        raise NotCanonical(f"integer {value} is outside ±2^53; store it as a string")
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return canonical(value).decode("utf-8")  # anything else: refused there, or a list or dict


def entry_template(fields: dict[str, str]) -> str:
    """``TEMPLATE`` with ``fields`` (name -> JSON text) in place; ``%s`` left for the rest."""
    return (
        "{"
        + ",".join(
            f"{json.dumps(name)}:{fields[name].replace('%', '%%') if name in fields else '%s'}"
            for name in NAMES
        )
        + "}"
    )


def encode(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate
        raise NotCanonical(f"a string is not valid Unicode ({exc.reason})") from exc


# -- reading rows back -------------------------------------------------------------------

_ID_TYPES = frozenset({int, type(None)})
_decode = json.JSONDecoder().decode


class RowReader:
    """Turns raw rows (``SELECTED_COLUMNS``, as the database driver gives them) into the
    canonical bytes that Django's reading of the same row would hash to.

    ``content`` takes the usual row (integers or nulls for numbers and links, strings for
    text, a time, JSON text for the changes) by a short path, and anything else through
    ``scalar``, which encodes what it can and refuses the rest as ``NotCanonical``.
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self._utc = str(getattr(connection, "timezone", None)) == "UTC"
        self._last_at: Any = None
        self._last_at_text = ""

    def at_text(self, raw: Any) -> str:
        """The time as ``utc_text`` writes it, read as Django reads the column."""
        if raw == self._last_at and type(raw) is type(self._last_at):
            return self._last_at_text  # an append's events share one time
        if type(raw) is datetime.datetime and raw.tzinfo is None and self._utc:
            # SQLite's driver answers a naive time in the connection's zone, UTC.
            text = raw.isoformat(timespec="milliseconds") + "+00:00"
        else:
            # SQLite's reading (PostgreSQL's driver answers aware times, and has none).
            convert = getattr(self.connection.ops, "convert_datetimefield_value", None)
            moment = convert(raw, None, self.connection) if convert else raw
            if not isinstance(moment, datetime.datetime) or moment.tzinfo is None:
                raise NotCanonical(f"the time {raw!r} is not a date and time")
            text = utc_text(moment)
        self._last_at, self._last_at_text = raw, text
        return text

    @staticmethod
    def changes_text(raw: Any) -> str:
        value = _decode(raw) if type(raw) is str else raw  # both drivers answer JSON text
        return canonical_fast(value).decode("utf-8")

    @staticmethod
    def public_text(raw: Any) -> str:
        # As Django's SQLite reading: 0 and 1 are booleans, anything else stays what it is.
        if raw in (0, 1):
            return "true" if raw else "false"
        return scalar(raw)

    def content(self, row: Sequence[Any]) -> bytes:
        """The canonical bytes of one row's hashed content (its stored hash is left aside)."""
        (
            action,
            actor,
            actor_kind,
            actor_organisation,
            at,
            changes,
            item,
            object_id,
            object_label,
            object_type,
            plan,
            previous_hash,
            public,
            reason,
            seq,
            subject_user,
            _hash,
        ) = row
        if {type(actor), type(actor_organisation), type(item), type(plan), type(seq)} | {
            type(subject_user)
        } <= _ID_TYPES and -MAX_INT <= min(
            seq, actor or 0, actor_organisation or 0, item or 0, plan or 0, subject_user or 0
        ) <= max(
            seq, actor or 0, actor_organisation or 0, item or 0, plan or 0, subject_user or 0
        ) <= MAX_INT:
            null = "null"
            text = TEMPLATE % (
                encode_basestring(action),
                null if actor is None else actor,
                encode_basestring(actor_kind),
                null if actor_organisation is None else actor_organisation,
                encode_basestring(self.at_text(at)),
                self.changes_text(changes),
                null if item is None else item,
                encode_basestring(object_id),
                encode_basestring(object_label),
                encode_basestring(object_type),
                null if plan is None else plan,
                encode_basestring(previous_hash),
                self.public_text(public),
                encode_basestring(reason),
                seq,
                null if subject_user is None else subject_user,
            )
        else:
            text = TEMPLATE % (
                scalar(action),
                scalar(actor),
                scalar(actor_kind),
                scalar(actor_organisation),
                scalar(self.at_text(at)),
                self.changes_text(changes),
                scalar(item),
                scalar(object_id),
                scalar(object_label),
                scalar(object_type),
                scalar(plan),
                scalar(previous_hash),
                self.public_text(public),
                scalar(reason),
                scalar(seq),
                scalar(subject_user),
            )
        return encode(text)


# RowReader.content unpacks rows in this order, and append fills APPEND_FIELDS in it.
assert NAMES == (
    "action",
    "actor",
    "actor_kind",
    "actor_organisation",
    "at",
    "changes",
    "item",
    "object_id",
    "object_label",
    "object_type",
    "plan",
    "previous_hash",
    "public",
    "reason",
    "seq",
    "subject_user",
)
assert tuple(name for name in NAMES if name in APPEND_FIELDS) == APPEND_FIELDS
