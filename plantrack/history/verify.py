"""Recompute the chain and the checkpoints; report the first event that does not fit."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from . import keys, merkle
from .canonical import NotCanonical, canonical
from .chain import SELECTED_COLUMNS, RowReader
from .checkpoints import signed_fields
from .models import GENESIS_HASH, Checkpoint, Event, Head

CHUNK = 10_000  # rows fetched at a time: large enough that fetching costs little per row
_SEQ, _PREVIOUS, _HASH = (SELECTED_COLUMNS.index(name) for name in ("seq", "previous_hash", "hash"))


@dataclass
class Problem:
    seq: int
    message: str

    def __str__(self) -> str:
        return _("event %(seq)s: %(problem)s") % {"seq": self.seq, "problem": self.message}


@dataclass
class Report:
    events: int
    checkpoints: int
    problem: Problem | None


@dataclass(eq=False)
class _Span:
    """What the walk keeps for one checkpoint: the hashes of the events it covers."""

    checkpoint: Checkpoint
    leaves: list[str] = field(default_factory=list)
    head: str | None = None  # the hash of the event at the checkpoint's number
    root: str | None = None  # the Merkle root of the leaves, once all were seen


def _chunks() -> Iterator[Sequence[Sequence[Any]]]:
    """The events in order, as plain rows of ``SELECTED_COLUMNS``, CHUNK rows at a time
    (a server-side cursor on PostgreSQL, so a million events are never all in memory)."""
    meta = Event._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in SELECTED_COLUMNS)  # type: ignore[union-attr,arg-type]
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote('seq')}"
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield rows


def _walk(spans: list[_Span]) -> tuple[int, str, Problem | None]:
    """Walk the events in order: the last good number and hash, and the first problem
    (None when the chain holds). Fills each span's leaves, head and root on the way."""
    expected, previous = 1, GENESIS_HASH
    starts: dict[int, list[_Span]] = {}
    ends: dict[int, list[_Span]] = {}
    for span in spans:
        first, last = span.checkpoint.first_seq, span.checkpoint.seq
        ends.setdefault(last, []).append(span)
        if first <= last:
            starts.setdefault(first, []).append(span)
        else:
            span.root = merkle.root([])
    marks = set(starts) | set(ends)
    active: list[_Span] = []
    content, sha256 = RowReader(connection).content, hashlib.sha256
    for rows in _chunks():
        for row in rows:
            seq = row[_SEQ]
            if seq != expected:
                return expected - 1, previous, Problem(expected, _("is missing"))
            if row[_PREVIOUS] != previous:
                message = _("does not follow event %(seq)s (its previous hash differs)") % {
                    "seq": seq - 1
                }
                return expected - 1, previous, Problem(seq, message)
            try:
                digest = sha256(content(row)).hexdigest()
            except (NotCanonical, TypeError, ValueError):
                digest = ""  # stored content that no append could have written
            if digest != row[_HASH]:
                message = _("its content does not match its hash (it was altered)")
                return expected - 1, previous, Problem(seq, message)
            previous = digest
            if seq in marks:
                active += starts.get(seq, [])
            for span in active:
                span.leaves.append(digest)
            if seq in marks:
                for span in ends.get(seq, []):
                    span.head = digest
                    if span in active:
                        span.root = merkle.root(span.leaves)
                        active.remove(span)
                        span.leaves = []
            expected += 1
    return expected - 1, previous, None


def _check_checkpoint(span: _Span) -> Problem | None:
    checkpoint = span.checkpoint
    message = canonical(signed_fields(checkpoint))
    if not keys.signature_valid(checkpoint.public_key, checkpoint.signature, message):
        return Problem(checkpoint.seq, _("the checkpoint's signature is not valid"))
    if not keys.key_trusted(checkpoint.public_key):
        return Problem(
            checkpoint.seq,
            _(
                "the checkpoint is signed with a key this site does not trust (neither "
                "%(key)s nor one in %(previous)s): it may have been re-signed"
            )
            % {"key": keys.ENV, "previous": keys.PREVIOUS_ENV},
        )
    if span.head != checkpoint.head_hash:
        return Problem(checkpoint.seq, _("differs from the signed checkpoint's head"))
    if span.root != checkpoint.merkle_root:
        return Problem(checkpoint.first_seq, _("the checkpoint's Merkle root does not match"))
    return None


def verify_all() -> Report:
    checkpoints = list(Checkpoint.objects.order_by("seq"))
    spans = [_Span(checkpoint) for checkpoint in checkpoints]
    last, previous, problem = _walk(spans)
    if problem is None:
        head = Head.objects.filter(pk=1).first()
        if head is not None and head.seq > last:
            problem = Problem(
                last + 1, _("is missing (the chain's head says %(seq)s)") % {"seq": head.seq}
            )
        elif head is not None and (head.seq, head.hash) != (last, previous):
            problem = Problem(last, _("differs from the chain's head"))
    if problem is None:
        for span in spans:
            problem = _check_checkpoint(span)
            if problem:
                break
    return Report(events=last, checkpoints=len(checkpoints), problem=problem)


def verify_head(document: dict[str, Any]) -> Problem | None:
    """Check a head saved from /transparency/head.json against the stored chain."""
    try:
        seq, head_hash = int(document["seq"]), str(document["head_hash"])
        message = canonical(
            {
                name: document[name]
                for name in ("site", "seq", "first_seq", "head_hash", "merkle_root", "signed_at")
            }
        )
        valid = keys.signature_valid(document["public_key"], document["signature"], message)
    except (KeyError, TypeError, ValueError) as exc:
        return Problem(0, _("the saved head is not a Plantrack head (%(error)s)") % {"error": exc})
    if not valid:
        return Problem(seq, _("the saved head's signature is not valid"))
    if not keys.key_trusted(str(document["public_key"])):
        return Problem(seq, _("the saved head is signed with a key this site does not trust"))
    stored = Event.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if stored is None:
        return Problem(seq, _("is in the saved head but missing from the history"))
    if stored != head_hash:
        return Problem(seq, _("differs from the saved head: the history was rewritten"))
    return None
