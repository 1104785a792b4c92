"""Receipts: the event number and hash shown to whoever makes a change through a page, and
the check anyone can make of one at /transparency/receipt/.

A view wraps its service call in ``receipt(request)``; every event the service appends in
that block is collected (``services.CAPTURED``), and when the block ends without an error
the last one is shown after the redirect as a message with a link to its check. The rules
stay in the services: the view only says "show what was recorded".

``receipt_check`` answers for a number and hash whether that pair is in the chain, whether
the stored event still matches its hash, and — once a signed checkpoint covers it — whether
its Merkle inclusion proof leads to the checkpoint's root and the checkpoint's signature
holds. It reveals nothing of an event's content: not public events' content must stay hidden.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import keys, merkle
from .canonical import canonical
from .checkpoints import signed_fields
from .models import GENESIS_HASH, Checkpoint, Event
from .services import CAPTURED, event_hash


def receipt_url(event: Event) -> str:
    query = urlencode({"seq": event.seq, "hash": event.hash})
    return f"{reverse('history:receipt')}?{query}"


def flash_receipt(request: HttpRequest, event: Event) -> None:
    """Show ``event``'s number and hash on the next page, with a link to check them."""
    if event.public:
        sentence = _(
            "Receipt: your change is event %(seq)s in the public history, with the hash %(hash)s."
        )
    else:
        # A change not (yet) shown to the public, such as a report sent back to its author:
        # its event is in the same chain, its contents are not shown.
        sentence = _(
            "Receipt: your change is event %(seq)s in the history, with the hash %(hash)s; its "
            "contents are not public."
        )
    text = escape(sentence) % {
        "seq": format_html("<strong>{}</strong>", event.seq),
        "hash": format_html('<code class="hash">{}</code>', event.hash),
    }
    link = format_html('<a href="{}">{}</a>', receipt_url(event), _("Check this receipt"))
    messages.info(request, mark_safe(f"{text} {link}"), extra_tags="receipt")


@contextmanager
def receipt(request: HttpRequest) -> Iterator[list[Event]]:
    """Collect the events appended inside the block; on success show the last one's receipt."""
    events: list[Event] = []
    token = CAPTURED.set(events)
    try:
        yield events
    finally:
        CAPTURED.reset(token)
    if events:
        flash_receipt(request, events[-1])


# -- Checking a receipt ---------------------------------------------------------------------

VERIFIED = "verified"  # in the chain, and in a signed checkpoint whose proof and signature hold
RECORDED = "recorded"  # in the chain; no signed checkpoint covers it yet
NOT_FOUND = "not_found"
WRONG_HASH = "wrong_hash"
ALTERED = "altered"
NOT_IN_CHECKPOINT = "not_in_checkpoint"
BAD_SIGNATURE = "bad_signature"


@dataclass
class ReceiptCheck:
    outcome: str
    seq: int
    hash: str
    checkpoint: Checkpoint | None = None
    leaf_index: int | None = None
    tree_size: int | None = None
    proof: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        """The number and hash are in the chain (signed or not yet)."""
        return self.outcome in (VERIFIED, RECORDED)

    @property
    def message(self) -> str:
        return {
            VERIFIED: _(
                "This receipt verifies: the event is in the history with this hash, and it is "
                "included in a signed checkpoint whose signature is valid."
            ),
            RECORDED: _(
                "This event is recorded with this hash, but not yet in a signed checkpoint; "
                "checkpoints are signed daily. Check again tomorrow."
            ),
            NOT_FOUND: _(
                "This receipt does not verify: the history has no event with this number."
            ),
            WRONG_HASH: _(
                "This receipt does not verify: the event with this number has a different hash. "
                "Either the receipt was copied wrongly, or the event was changed."
            ),
            ALTERED: _(
                "This receipt does not verify: the stored event no longer matches its hash or "
                "does not follow the event before it. The history was changed after it was "
                "recorded."
            ),
            NOT_IN_CHECKPOINT: _(
                "This receipt does not verify: its inclusion proof does not lead to the signed "
                "checkpoint's Merkle root. The history was changed after it was signed."
            ),
            BAD_SIGNATURE: _(
                "This receipt does not verify: the signature of the checkpoint that covers it "
                "is not valid."
            ),
        }[self.outcome]


def _chain_holds(event: Event) -> bool:
    if event_hash(event) != event.hash:
        return False
    if event.seq == 1:
        return event.previous_hash == GENESIS_HASH
    previous = Event.objects.filter(seq=event.seq - 1).values_list("hash", flat=True).first()
    return previous == event.previous_hash


def receipt_check(*, seq: int, hash: str) -> ReceiptCheck:
    """Does the receipt (event number ``seq`` with hash ``hash``) hold? See the module doc."""
    hash = hash.lower()
    event = Event.objects.filter(seq=seq).first()
    if event is None:
        return ReceiptCheck(NOT_FOUND, seq, hash)
    if event.hash != hash:
        return ReceiptCheck(WRONG_HASH, seq, hash)
    if not _chain_holds(event):
        return ReceiptCheck(ALTERED, seq, hash)
    checkpoint = Checkpoint.objects.filter(first_seq__lte=seq, seq__gte=seq).order_by("seq").first()
    if checkpoint is None:
        return ReceiptCheck(RECORDED, seq, hash)
    leaves = list(
        Event.objects.filter(seq__gte=checkpoint.first_seq, seq__lte=checkpoint.seq)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    index = seq - checkpoint.first_seq
    proof = merkle.inclusion_proof(leaves, index)
    found = ReceiptCheck(
        VERIFIED, seq, hash, checkpoint, leaf_index=index, tree_size=len(leaves), proof=proof
    )
    size = checkpoint.seq - checkpoint.first_seq + 1
    if len(leaves) != size or not merkle.verify_inclusion(
        hash, index, size, proof, checkpoint.merkle_root
    ):
        found.outcome = NOT_IN_CHECKPOINT
    elif not keys.signature_valid(
        checkpoint.public_key, checkpoint.signature, canonical(signed_fields(checkpoint))
    ) or not keys.key_trusted(checkpoint.public_key):
        found.outcome = BAD_SIGNATURE
    return found
