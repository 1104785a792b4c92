"""Checkpoints sign the head; inclusion proofs and saved heads verify, altered ones do not."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from plantrack.history import keys, merkle
from plantrack.history.checkpoints import (
    NothingToSign,
    checkpoint_create,
    head_document,
    proof_document,
)
from plantrack.history.models import Checkpoint, Event
from plantrack.history.verify import verify_all, verify_head

from .conftest import add_events, triggers_dropped

# The messages are checked in English; the Mongolian ones in test_chain.py.
pytestmark = pytest.mark.usefixtures("english")


def _leaves(n: int) -> list[str]:
    import hashlib

    return [hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_every_leaf_has_an_inclusion_proof_that_verifies(size):  # type: ignore[no-untyped-def]
    leaves = _leaves(size)
    root = merkle.root(leaves)
    for index, leaf in enumerate(leaves):
        proof = merkle.inclusion_proof(leaves, index)
        assert merkle.verify_inclusion(leaf, index, size, proof, root)
        assert not merkle.verify_inclusion(_leaves(size + 1)[-1], index, size, proof, root)
        if size > 1:
            assert not merkle.verify_inclusion(leaf, (index + 1) % size, size, proof, root)


def test_a_checkpoint_signs_the_head_and_covers_the_events_since_the_last(vision, history_key):  # type: ignore[no-untyped-def]
    add_events(vision, 3)
    first = checkpoint_create()
    with pytest.raises(NothingToSign):
        checkpoint_create()
    events = add_events(vision, 2)
    second = checkpoint_create()
    assert (second.first_seq, second.seq) == (first.seq + 1, events[-1].seq)
    assert verify_all().problem is None
    assert verify_head(head_document(second)) is None


def test_a_receipt_verifies_against_the_published_head(vision, history_key):  # type: ignore[no-untyped-def]
    events = add_events(vision, 5)
    checkpoint_create()
    document = proof_document(events[2])
    assert document is not None
    head = document["checkpoint"]
    assert merkle.verify_inclusion(
        events[2].hash,
        document["leaf_index"],
        document["tree_size"],
        document["proof"],
        head["merkle_root"],
    )
    forged = "f" * 64
    assert not merkle.verify_inclusion(
        forged,
        document["leaf_index"],
        document["tree_size"],
        document["proof"],
        head["merkle_root"],
    )


def test_a_rewritten_history_fails_against_a_saved_head(vision, history_key, tmp_path):  # type: ignore[no-untyped-def]
    events = add_events(vision, 3)
    saved = tmp_path / "head.json"
    saved.write_text(json.dumps(head_document(checkpoint_create())))
    call_command("history", "verify", "--against", str(saved), stdout=StringIO())
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM history_checkpoint")
        cursor.execute("UPDATE history_event SET reason = 'x' WHERE seq = %s", [events[-1].seq])
    err = StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("history", "verify", "--against", str(saved), stderr=err, stdout=StringIO())
    assert stopped.value.code == 1 and f"event {events[-1].seq}" in err.getvalue()


def test_a_forged_head_signature_is_refused(vision, history_key):  # type: ignore[no-untyped-def]
    add_events(vision, 1)
    head = head_document(checkpoint_create())
    head["head_hash"] = "0" * 64
    problem = verify_head(head)
    assert problem is not None and "signature" in problem.message


def test_a_missing_key_in_production_is_a_clear_message(vision, settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(keys.ENV, raising=False)
    settings.PRODUCTION = True
    add_events(vision, 1)
    with pytest.raises(CommandError, match="PLANTRACK_HISTORY_KEY"):
        call_command("history", "checkpoint", stdout=StringIO())


def test_keygen_prints_a_key_that_signs(monkeypatch):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("history", "keygen", stdout=out)
    monkeypatch.setenv(keys.ENV, out.getvalue().strip())
    key = keys.private_key()
    assert keys.signature_valid(keys.public_text(key), keys.sign(key, b"m"), b"m")


def test_the_audit_name_runs_the_same_command(vision):  # type: ignore[no-untyped-def]
    out = StringIO()
    from plantrack.cli import ALIASES

    call_command(ALIASES["audit"], "verify", stdout=out)
    assert "History verified" in out.getvalue()
    assert Event.objects.exists()


def test_a_checkpoint_re_signed_with_another_key_is_not_trusted(vision, monkeypatch):  # type: ignore[no-untyped-def]
    """An attacker who rewrites the history can sign fresh checkpoints with a key of their
    own; the signature is valid, but the key is not the site's."""
    attacker = keys.new_key_text()
    monkeypatch.setenv(keys.ENV, attacker)
    add_events(vision, 2)
    checkpoint_create()
    assert verify_all().problem is None  # signed with the key the site has now
    site = keys.new_key_text()
    monkeypatch.setenv(keys.ENV, site)
    problem = verify_all().problem
    assert problem is not None and "does not trust" in problem.message
    # After a rotation, the old public key listed as a previous key is trusted again.
    old_public = keys.public_text(
        keys.Ed25519PrivateKey.from_private_bytes(__import__("base64").b64decode(attacker))
    )
    monkeypatch.setenv(keys.PREVIOUS_ENV, f"somethingelse, {old_public}")
    assert verify_all().problem is None


def test_a_saved_head_signed_with_an_unknown_key_is_refused(vision, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(keys.ENV, keys.new_key_text())
    add_events(vision, 1)
    head = head_document(checkpoint_create())
    monkeypatch.setenv(keys.ENV, keys.new_key_text())
    problem = verify_head(head)
    assert problem is not None and "does not trust" in problem.message


def test_verify_says_when_it_cannot_judge_who_signed(vision, monkeypatch, settings, tmp_path):  # type: ignore[no-untyped-def]
    """On a machine without the site's key (an auditor's copy, a restore elsewhere), verify
    warns that it checked the signatures but not whose they are."""
    monkeypatch.setenv(keys.ENV, keys.new_key_text())
    add_events(vision, 1)
    checkpoint_create()
    monkeypatch.delenv(keys.ENV)
    settings.DATA_DIR = tmp_path  # no key file here either
    err = StringIO()
    call_command("history", "verify", stdout=StringIO(), stderr=err)
    assert "no signing key is known here" in err.getvalue()
    monkeypatch.setenv(keys.PREVIOUS_ENV, head_document(Checkpoint.objects.get()).get("public_key"))
    err = StringIO()
    call_command("history", "verify", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        ({"seq": True}, "seq"),
        ({"seq": -1}, "seq"),
        ({"signature": None}, "signature"),
        ({"head_hash": 7}, "head_hash"),
    ],
)
def test_a_damaged_head_json_is_called_damaged_not_a_broken_history(  # type: ignore[no-untyped-def]
    vision, history_key, tmp_path, spoil, field
):
    add_events(vision, 1)
    head = {**head_document(checkpoint_create()), **spoil}
    saved = tmp_path / "head.json"
    saved.write_text(json.dumps(head))
    with pytest.raises(
        CommandError, match=f"not a head.json saved from /transparency/: check {field}"
    ):
        call_command("history", "verify", "--against", str(saved), stdout=StringIO())
    with pytest.raises(CommandError, match="is a folder"):
        call_command("history", "verify", "--against", str(tmp_path), stdout=StringIO())
