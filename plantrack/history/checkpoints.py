"""Signed checkpoints of the chain, and inclusion proofs of events in them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import keys, merkle
from .canonical import canonical, now_ms, utc_text
from .models import Checkpoint, Event, Head

SITE = "plantrack"


class NothingToSign(Exception):
    pass


def signed_fields(checkpoint: Checkpoint) -> dict[str, Any]:
    """What the signature covers (RFC 8785 canonical JSON of this object)."""
    return {
        "site": SITE,
        "seq": checkpoint.seq,
        "first_seq": checkpoint.first_seq,
        "head_hash": checkpoint.head_hash,
        "merkle_root": checkpoint.merkle_root,
        "signed_at": utc_text(checkpoint.signed_at),
    }


def _hashes(first: int, last: int) -> list[str]:
    return list(
        Event.objects.filter(seq__gte=first, seq__lte=last)
        .order_by("seq")
        .values_list("hash", flat=True)
    )


@transaction.atomic
def checkpoint_create() -> Checkpoint:
    """Sign the current head and the Merkle root of the events since the last checkpoint."""
    key = keys.private_key()
    head = Head.objects.select_for_update().filter(pk=1).first()
    last = Checkpoint.objects.order_by("-seq").first()
    first = (last.seq if last else 0) + 1
    if head is None or head.seq < first:
        raise NothingToSign(_("No event since the last checkpoint; nothing to sign."))
    checkpoint = Checkpoint(
        seq=head.seq,
        first_seq=first,
        head_hash=head.hash,
        merkle_root=merkle.root(_hashes(first, head.seq)),
        signed_at=now_ms(),
        public_key=keys.public_text(key),
    )
    checkpoint.signature = keys.sign(key, canonical(signed_fields(checkpoint)))
    checkpoint.save()
    return checkpoint


def head_document(checkpoint: Checkpoint) -> dict[str, Any]:
    """The machine-readable signed head, as published at /transparency/head.json."""
    return {
        **signed_fields(checkpoint),
        "tree_size": checkpoint.seq - checkpoint.first_seq + 1,
        "public_key": checkpoint.public_key,
        "signature": checkpoint.signature,
        "algorithm": "Ed25519 over RFC 8785 canonical JSON of the other fields "
        "(site, seq, first_seq, head_hash, merkle_root, signed_at)",
    }


def proof_document(event: Event) -> dict[str, Any] | None:
    """An event's inclusion proof in the checkpoint that covers it; None before one does."""
    checkpoint = (
        Checkpoint.objects.filter(first_seq__lte=event.seq, seq__gte=event.seq)
        .order_by("seq")
        .first()
    )
    if checkpoint is None:
        return None
    leaves = _hashes(checkpoint.first_seq, checkpoint.seq)
    index = event.seq - checkpoint.first_seq
    return {
        "event": {"seq": event.seq, "hash": event.hash, "previous_hash": event.previous_hash},
        "leaf_index": index,
        "tree_size": len(leaves),
        "proof": merkle.inclusion_proof(leaves, index),
        "checkpoint": head_document(checkpoint),
    }
