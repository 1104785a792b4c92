"""Receipts: shown after a change made through a page, and checked at /transparency/receipt/
against the chain and the signed checkpoint that covers the event."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import translation

from plantrack.history import merkle
from plantrack.history.canonical import canonical
from plantrack.history.checkpoints import checkpoint_create, signed_fields
from plantrack.history.keys import signature_valid
from plantrack.history.models import Event
from plantrack.history.receipts import (
    ALTERED,
    NOT_FOUND,
    RECORDED,
    VERIFIED,
    WRONG_HASH,
    receipt_check,
)
from plantrack.history.services import record
from plantrack.organisations.models import Organisation
from plantrack.progress.models import ProgressUpdate
from tests.formdata import form_data

from .conftest import add_events, triggers_dropped

RECEIPT = "/en/transparency/receipt/"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "receipts.md"


def _check_page(seq: int, hash_: str) -> str:
    with translation.override("en"):
        response = Client().get(RECEIPT, {"seq": seq, "hash": hash_})
    assert response.status_code == 200
    return response.content.decode()


def _latest() -> Event:
    event = Event.objects.order_by("-seq").first()
    assert event is not None
    return event


# -- The receipt page ------------------------------------------------------------------------


def test_a_receipt_verifies_against_the_signed_head(vision, history_key):  # type: ignore[no-untyped-def]
    events = add_events(vision, 5)
    checkpoint = checkpoint_create()
    target = events[2]
    html = _check_page(target.seq, target.hash)
    assert "Result: verified" in html
    assert checkpoint.head_hash in html and checkpoint.merkle_root in html
    assert f"/en/transparency/events/{target.seq}/proof.json" in html
    assert "/en/transparency/head.json" in html
    assert receipt_check(seq=target.seq, hash=target.hash).outcome == VERIFIED
    # The same proof, recomputed independently of the page from proof.json and head.json
    proof = json.loads(Client().get(f"/en/transparency/events/{target.seq}/proof.json").content)
    head = json.loads(Client().get("/en/transparency/head.json").content)
    assert proof["checkpoint"]["merkle_root"] == head["merkle_root"] == checkpoint.merkle_root
    assert merkle.verify_inclusion(
        target.hash, proof["leaf_index"], proof["tree_size"], proof["proof"], head["merkle_root"]
    )
    assert signature_valid(
        head["public_key"], head["signature"], canonical(signed_fields(checkpoint))
    )


def test_the_documented_offline_check_verifies_a_receipt(vision, history_key, tmp_path):  # type: ignore[no-untyped-def]
    event = add_events(vision, 3)[1]
    checkpoint = checkpoint_create()
    script = re.search(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert script is not None
    (tmp_path / "check_receipt.py").write_text(script.group(1))
    proof = Client().get(f"/en/transparency/events/{event.seq}/proof.json").content
    (tmp_path / "proof.json").write_bytes(proof)

    def run(hash_: str) -> subprocess.CompletedProcess[str]:
        args = [str(event.seq), hash_, "proof.json", checkpoint.public_key]
        return subprocess.run(
            [sys.executable, "check_receipt.py", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    good = run(event.hash)
    assert good.returncode == 0 and good.stdout.startswith("VERIFIED"), good.stderr
    bad = run("f" * 64)
    assert bad.returncode == 1 and bad.stdout.startswith("NOT VERIFIED")


def test_a_receipt_not_yet_checkpointed_says_so_distinctly(vision, history_key):  # type: ignore[no-untyped-def]
    add_events(vision, 2)
    checkpoint_create()
    later = add_events(vision, 1)[0]
    html = _check_page(later.seq, later.hash)
    assert "Result: recorded, not yet in a signed checkpoint" in html
    assert "checkpoints are signed daily" in html
    assert "Result: verified" not in html and "does not verify" not in html
    assert receipt_check(seq=later.seq, hash=later.hash).outcome == RECORDED


def test_a_wrong_hash_does_not_verify(vision, history_key):  # type: ignore[no-untyped-def]
    event = add_events(vision, 2)[0]
    checkpoint_create()
    html = _check_page(event.seq, "a" * 64)
    assert "Result: does not verify" in html and "has a different hash" in html
    assert event.hash not in html  # the stored hash is not given away
    assert receipt_check(seq=event.seq, hash="a" * 64).outcome == WRONG_HASH


def test_an_unknown_number_does_not_verify(vision):  # type: ignore[no-untyped-def]
    seq = _latest().seq + 1000
    html = _check_page(seq, "b" * 64)
    assert "Result: does not verify" in html and "no event with this number" in html
    assert receipt_check(seq=seq, hash="b" * 64).outcome == NOT_FOUND


def test_a_receipt_for_an_altered_event_does_not_verify(vision, history_key):  # type: ignore[no-untyped-def]
    event = add_events(vision, 3)[1]
    checkpoint_create()
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("UPDATE history_event SET reason = 'rewritten' WHERE seq = %s", [event.seq])
    html = _check_page(event.seq, event.hash)
    assert "Result: does not verify" in html and "no longer matches its hash" in html
    assert receipt_check(seq=event.seq, hash=event.hash).outcome == ALTERED


def test_an_event_rewritten_with_a_new_hash_fails_the_old_receipt_and_the_checkpoint(
    vision, history_key
):  # type: ignore[no-untyped-def]
    from plantrack.history.services import event_hash

    events = add_events(vision, 3)
    checkpoint_create()
    target = events[2]  # the last one, so no later event points at its hash
    stored = Event.objects.get(seq=target.seq)
    stored.reason = "rewritten"
    new_hash = event_hash(stored)
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE history_event SET reason = 'rewritten', hash = %s WHERE seq = %s",
            [new_hash, target.seq],
        )
    assert receipt_check(seq=target.seq, hash=target.hash).outcome == WRONG_HASH
    # The rewritten pair is consistent in the table but not with the signed Merkle root.
    html = _check_page(target.seq, new_hash)
    assert "Result: does not verify" in html and "Merkle root" in html


def test_a_private_events_receipt_reveals_no_content(vision, history_key):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        event = record(
            vision, "submitted", plan_id=vision.pk, reason="secret figures", public=False
        )
    checkpoint_create()
    html = _check_page(event.seq, event.hash)
    assert "Result: verified" in html
    assert "secret figures" not in html
    proof = json.loads(Client().get(f"/en/transparency/events/{event.seq}/proof.json").content)
    assert "content" not in proof["event"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"seq": "abc", "hash": "a" * 64}, "seq", "whole number"),
        ({"seq": "-3", "hash": "a" * 64}, "seq", "greater than or equal to 1"),
        ({"seq": "9" * 40, "hash": "a" * 64}, "seq", "less than or equal to"),
        ({"seq": "9" * 5000, "hash": "a" * 64}, "seq", "whole number"),
        ({"seq": "1", "hash": "xyz"}, "hash", "64 characters long"),
        ({"seq": "1", "hash": "a" * 63}, "hash", "64 characters long"),
        ({"seq": "1", "hash": "a" * 65}, "hash", "64 characters long"),
        ({"seq": "", "hash": ""}, "seq", "Enter the event number"),
    ],
)
def test_bad_input_is_a_form_error_on_its_field(db, query, field, message):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        response = Client().get(RECEIPT, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_errors"' in html
    assert re.search(rf'id="id_{field}"[^>]*aria-describedby="[^"]*id_{field}_errors', html) or (
        re.search(rf'aria-describedby="[^"]*id_{field}_errors[^"]*"[^>]*id="id_{field}"', html)
    )
    assert "Result:" not in html


def test_the_empty_page_asks_without_errors_in_both_languages(db):  # type: ignore[no-untyped-def]
    for language in ("mn", "en"):
        with translation.override(language):
            response = Client().get(f"/{language}/transparency/receipt/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="seq"' in html and 'name="hash"' in html
        assert "error-summary" not in html


def test_a_hash_in_capitals_or_with_spaces_is_read(vision):  # type: ignore[no-untyped-def]
    event = add_events(vision, 1)[0]
    spaced = " ".join([event.hash[:32].upper(), event.hash[32:]])
    assert "Result: recorded" in _check_page(event.seq, spaced)


# -- Receipts after changes made through pages ------------------------------------------------


def _receipt_shown(response, event: Event) -> None:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    assert response.redirect_chain, "the change redirects to the next page"
    receipt = re.search(r'<p class="message[^"]*receipt[^"]*">(.*?)</p>', html, re.S)
    assert receipt is not None, "no receipt on the page after the change"
    text = receipt.group(1)
    assert f"<strong>{event.seq}</strong>" in text
    assert event.hash in text
    assert f"/en/transparency/receipt/?seq={event.seq}&amp;hash={event.hash}" in text
    assert '<div class="messages" role="status">' in html


def test_an_item_edit_shows_the_receipt_of_its_event(client, sign_in, activity, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/edit/"
    form = client.get(url).context["form"]
    response = client.post(url, form_data(form, title_en="Audit every ministry"), follow=True)
    event = _latest()
    assert (event.item_id, event.action, event.actor_id) == (activity.pk, "changed", alice.pk)
    assert event.changes["title_en"][1] == "Audit every ministry"
    _receipt_shown(response, event)
    # and the receipt it shows checks out
    assert "Result: recorded" in _check_page(event.seq, event.hash)


def test_a_refused_edit_shows_no_receipt(client, sign_in, activity, alice):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/edit/"
    form = client.get(url).context["form"]
    before = _latest().seq
    stale = form_data(form, title_en="Stale", version=activity.version - 1 or 99)
    response = client.post(url, stale, follow=True)
    assert _latest().seq == before
    assert "receipt" not in response.content.decode().split("<main")[1].split("<footer")[0].lower()


def test_a_report_and_its_review_each_show_a_receipt(client, sign_in, activity, erin, alice):  # type: ignore[no-untyped-def]
    item_url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/"
    client.force_login(erin)
    response = client.post(
        item_url + "report/",
        {"status": "in_progress", "progress": 35, "note": "Cameras."},
        follow=True,
    )
    submitted = _latest()
    assert (submitted.action, submitted.public, submitted.actor_id) == ("submitted", False, erin.pk)
    _receipt_shown(response, submitted)
    update = ProgressUpdate.objects.get(item=activity)
    reviewer = sign_in(Client(), alice)
    response = reviewer.post(
        f"/en/plans/{activity.plan.slug}/updates/{update.pk}/review/",
        {"decision": "approve"},
        follow=True,
    )
    approved = _latest()
    assert (approved.action, approved.actor_id) == ("approved", alice.pk)
    _receipt_shown(response, approved)


def test_an_organisation_registration_shows_a_receipt(client, charlie):  # type: ignore[no-untyped-def]
    client.force_login(charlie)
    form = client.get("/en/organisations/register/").context["form"]
    data = {
        "name_en": "Steppe Readers",
        "kind": "cso",
        "fields": [form.fields["fields"].queryset.first().pk],
        "region": form.fields["region"].queryset.first().pk,
        "once": form.initial["once"],
    }
    response = client.post("/en/organisations/register/", data, follow=True)
    organisation = Organisation.objects.get(name_en="Steppe Readers")
    event = Event.objects.filter(
        object_type="organisations.organisation", object_id=str(organisation.pk)
    ).latest("seq")
    _receipt_shown(response, event)


def test_a_status_and_progress_set_shows_its_receipt(client, sign_in, vision, alice):  # type: ignore[no-untyped-def]
    from plantrack.plans.models import Item

    item = Item.objects.get(plan=vision, code="7.3.13")
    sign_in(client, alice)
    url = f"/en/plans/{vision.slug}/items/{item.code}/edit/"
    form = client.get(url).context["form"]
    data = form_data(form, status="in_progress", progress=40)
    response = client.post(url, data, follow=True)
    event = _latest()
    assert (event.item_id, event.action, event.actor_id) == (item.pk, "progress_set", alice.pk)
    assert event.changes["progress"][1] == "40"
    _receipt_shown(response, event)


def test_an_item_added_by_hand_shows_its_receipt(client, sign_in, vision, alice):  # type: ignore[no-untyped-def]
    from plantrack.plans.models import Item

    sign_in(client, alice)
    data = {"code": "7.1.new", "kind": "activity", "title_mn": "Шинэ", "weight": 1}
    response = client.post(f"/en/plans/{vision.slug}/items/7.1/add-child/", data, follow=True)
    new = Item.objects.get(plan=vision, code="7.1.new")
    event = _latest()
    assert (event.item_id, event.actor_id) == (new.pk, alice.pk)
    _receipt_shown(response, event)


def test_an_organisation_verified_by_a_site_administrator_shows_a_receipt(client, sign_in, charlie):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User
    from plantrack.organisations.services import organisation_register

    organisation = organisation_register(
        by=charlie, data={"name_en": "Open Data Club", "kind": "cso"}
    )
    root = User.objects.create_superuser("root@example.org", "pw-root-1", display_name="Root")
    sign_in(client, root)
    response = client.post(f"/en/organisations/{organisation.slug}/verify/", follow=True)
    event = _latest()
    assert (event.action, event.object_id, event.actor_id) == (
        "verified",
        str(organisation.pk),
        root.pk,
    )
    _receipt_shown(response, event)


def test_the_receipt_page_reads_a_fixed_number_of_queries(vision, history_key):  # type: ignore[no-untyped-def]
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    def queries(count: int) -> int:
        event = add_events(vision, count)[0]
        checkpoint_create()
        with CaptureQueriesContext(db) as captured:
            assert "Result: verified" in _check_page(event.seq, event.hash)
        return len(captured)

    assert queries(2) == queries(40)


def test_the_receipt_of_a_change_kept_from_the_public_does_not_call_it_public(vision, english):  # type: ignore[no-untyped-def]
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    from plantrack.history.receipts import flash_receipt

    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    with transaction.atomic():
        hidden = record(vision, "returned", plan_id=vision.pk, public=False)
        shown = record(vision, "changed", plan_id=vision.pk)
    flash_receipt(request, hidden)
    flash_receipt(request, shown)
    first, second = (str(m) for m in get_messages(request))
    assert "in the history" in first and "not public" in first and "public history" not in first
    assert "in the public history" in second
