"""Recompute the chain and the checkpoints; report the first event that does not fit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import keys, merkle
from .canonical import canonical, sha256_hex
from .checkpoints import signed_fields
from .models import GENESIS_HASH, Checkpoint, Event, Head
from .services import HASHED_COLUMNS, content_of

CHUNK = 5000


@dataclass
class Problem:
    seq: int
    message: str

    def __str__(self) -> str:
        return f"event {self.seq}: {self.message}"


@dataclass
class Report:
    events: int
    checkpoints: int
    problem: Problem | None


def _walk() -> tuple[int, str, dict[int, str], Problem | None]:
    """Walk the events in order; the last good number and hash, every hash seen, and the
    first problem (None when the chain holds)."""
    expected, previous = 1, GENESIS_HASH
    hashes: dict[int, str] = {}
    rows = Event.objects.order_by("seq").values(*HASHED_COLUMNS, "hash")
    for row in rows.iterator(chunk_size=CHUNK):
        problem = _problem(row, expected, previous)
        if problem is not None:
            return expected - 1, previous, hashes, problem
        hashes[expected] = previous = row["hash"]
        expected += 1
    return expected - 1, previous, hashes, None


def _problem(row: dict[str, Any], expected: int, previous: str) -> Problem | None:
    seq = row["seq"]
    if seq != expected:
        return Problem(expected, "is missing")
    if row["previous_hash"] != previous:
        return Problem(seq, f"does not follow event {seq - 1} (its previous hash differs)")
    if sha256_hex(content_of(row)) != row["hash"]:
        return Problem(seq, "its content does not match its hash (it was altered)")
    return None


def _check_checkpoint(checkpoint: Checkpoint, hashes: dict[int, str]) -> Problem | None:
    message = canonical(signed_fields(checkpoint))
    if not keys.signature_valid(checkpoint.public_key, checkpoint.signature, message):
        return Problem(checkpoint.seq, "the checkpoint's signature is not valid")
    if hashes.get(checkpoint.seq) != checkpoint.head_hash:
        return Problem(checkpoint.seq, "differs from the signed checkpoint's head")
    leaves = [hashes.get(seq, "") for seq in range(checkpoint.first_seq, checkpoint.seq + 1)]
    if "" in leaves or merkle.root(leaves) != checkpoint.merkle_root:
        return Problem(checkpoint.first_seq, "the checkpoint's Merkle root does not match")
    return None


def verify_all() -> Report:
    last, previous, hashes, problem = _walk()
    checkpoints = list(Checkpoint.objects.order_by("seq"))
    if problem is None:
        head = Head.objects.filter(pk=1).first()
        if head is not None and head.seq > last:
            problem = Problem(last + 1, f"is missing (the chain's head says {head.seq})")
        elif head is not None and (head.seq, head.hash) != (last, previous):
            problem = Problem(last, "differs from the chain's head")
    if problem is None:
        for checkpoint in checkpoints:
            problem = _check_checkpoint(checkpoint, hashes)
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
        return Problem(0, f"the saved head is not a Plantrack head ({exc})")
    if not valid:
        return Problem(seq, "the saved head's signature is not valid")
    stored = Event.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if stored is None:
        return Problem(seq, "is in the saved head but missing from the history")
    if stored != head_hash:
        return Problem(seq, "differs from the saved head: the history was rewritten")
    return None
