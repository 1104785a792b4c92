"""History pages: public events newest first, private ones for managers only, a constant
number of queries, "last updated" on item and plan pages, and the transparency pages."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from plantrack.history.models import Event
from plantrack.history.services import Entry, append, record
from plantrack.plans.models import Item


def _item_events(item: Item, count: int, *, by=None, public: bool = True) -> None:  # type: ignore[no-untyped-def]
    entries = [
        Entry(
            action="changed",
            object_type="plans.item",
            object_id=str(item.pk),
            label=item.code,
            plan_id=item.plan_id,
            item_id=item.pk,
            changes={"weight": [str(n), str(n + 1)]},
            reason=f"reason {n}",
            public=public,
        )
        for n in range(count)
    ]
    with transaction.atomic():
        append(entries, by=by)


def test_the_item_history_lists_changes_newest_first(activity, alice):  # type: ignore[no-untyped-def]
    _item_events(activity, 3, by=alice)
    with translation.override("en"):
        page = Client().get(f"/en/plans/{activity.plan.slug}/items/{activity.code}/history/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("reason 2") < html.index("reason 1") < html.index("reason 0")
    assert "Alice" in html and '<th scope="col">Before</th>' in html


def test_private_events_are_shown_to_the_plans_managers_only(activity, alice, sign_in):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        record(
            activity,
            "submitted",
            plan_id=activity.plan_id,
            item_id=activity.pk,
            public=False,
            reason="draft figures",
        )
    url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/history/"
    assert "draft figures" not in Client().get(url).content.decode()
    manager = sign_in(Client(), alice)
    assert "draft figures" in manager.get(url).content.decode()


def test_the_item_history_query_count_stays_constant_with_1000_events(activity, alice):  # type: ignore[no-untyped-def]
    url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/history/"
    client = Client()
    _item_events(activity, 5, by=alice)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _item_events(activity, 1000, by=alice)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url + "?page=3")
    assert page.status_code == 200
    assert len(many) == len(few)


def test_the_item_page_query_count_stays_constant_with_1000_events(activity, alice):  # type: ignore[no-untyped-def]
    url = f"/en/plans/{activity.plan.slug}/items/{activity.code}/"
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _item_events(activity, 1000, by=alice)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert f"/en/plans/{activity.plan.slug}/items/{activity.code}/history/" in page.content.decode()


def test_plan_history_links_each_item(activity, alice):  # type: ignore[no-untyped-def]
    _item_events(activity, 1, by=alice)
    html = Client().get(f"/en/plans/{activity.plan.slug}/history/").content.decode()
    assert f'href="/en/plans/{activity.plan.slug}/items/{activity.code}/"' in html
    plan_page = Client().get(f"/en/plans/{activity.plan.slug}/").content.decode()
    assert f"/en/plans/{activity.plan.slug}/history/" in plan_page


def test_an_erased_person_is_shown_as_deleted_user(activity, bob):  # type: ignore[no-untyped-def]
    from plantrack.accounts.services import account_delete

    _item_events(activity, 1, by=bob)
    account_delete(user=bob)
    with translation.override("en"):
        html = Client().get(f"/en/plans/{activity.plan.slug}/history/").content.decode()
    assert "deleted user" in html and "Bob" not in html


def test_head_json_says_clearly_when_nothing_is_signed_yet(db):  # type: ignore[no-untyped-def]
    response = Client().get("/en/transparency/head.json")
    assert response.status_code == 404
    assert "No checkpoint" in json.loads(response.content)["error"]


def test_the_transparency_page_shows_the_signed_head(vision, history_key):  # type: ignore[no-untyped-def]
    from plantrack.history.checkpoints import checkpoint_create

    with transaction.atomic():
        record(vision, "changed", plan_id=vision.pk)
    checkpoint = checkpoint_create()
    html = Client().get("/en/transparency/").content.decode()
    assert checkpoint.head_hash in html and checkpoint.public_key in html
    head = json.loads(Client().get("/en/transparency/head.json").content)
    assert head["seq"] == checkpoint.seq and head["signature"] == checkpoint.signature


def test_a_public_events_proof_carries_its_content(vision, history_key):  # type: ignore[no-untyped-def]
    from plantrack.history.canonical import sha256_hex
    from plantrack.history.checkpoints import checkpoint_create

    with transaction.atomic():
        event = record(vision, "changed", plan_id=vision.pk, reason="shown")
        hidden = record(vision, "changed", plan_id=vision.pk, reason="hidden", public=False)
    checkpoint_create()
    proof = json.loads(Client().get(f"/en/transparency/events/{event.seq}/proof.json").content)
    assert sha256_hex(proof["event"]["content"]) == event.hash
    private = json.loads(Client().get(f"/en/transparency/events/{hidden.seq}/proof.json").content)
    assert "content" not in private["event"] and private["event"]["hash"] == hidden.hash
    assert Event.objects.filter(seq=hidden.seq).exists()


def test_the_plan_history_query_count_stays_constant_with_1000_events(vision):  # type: ignore[no-untyped-def]
    from .conftest import add_events

    url = f"/en/plans/{vision.slug}/history/"
    client = Client()
    add_events(vision, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_events(vision, 1000)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url + "?page=3").status_code == 200
    assert len(many) == len(few)
