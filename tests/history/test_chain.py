"""The chain: appends, the triggers that refuse edits, and verification that names the first
event an attacker with database access changed."""

from __future__ import annotations

import json
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import translation

from plantrack.accounts.services import account_delete
from plantrack.history.models import GENESIS_HASH, Event, Head
from plantrack.history.services import event_hash, record
from plantrack.history.verify import verify_all

from .conftest import add_events, triggers_dropped

# The messages are checked in English; the Mongolian ones in test_chain.py.
pytestmark = pytest.mark.usefixtures("english")


def _verify_output() -> tuple[int, str]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("history", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


def _sql(statement: str, params: list | None = None) -> None:  # type: ignore[type-arg]
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_events_form_a_chain_from_the_genesis_hash(vision):  # type: ignore[no-untyped-def]
    start = Head.objects.get(pk=1).seq
    events = add_events(vision, 3)
    assert [e.seq for e in events] == [start + 1, start + 2, start + 3]
    assert events[1].previous_hash == events[0].hash
    assert all(event_hash(e) == e.hash for e in Event.objects.filter(seq__gt=start))
    assert Head.objects.get(pk=1).hash == events[-1].hash
    first = Event.objects.order_by("seq").first()
    assert first is not None and first.previous_hash == GENESIS_HASH


def test_record_refuses_to_run_outside_a_transaction(vision):  # type: ignore[no-untyped-def]
    # pytest-django wraps the test in a transaction; leave it aside for this one call.
    connection.in_atomic_block, saved = False, connection.in_atomic_block
    try:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            record(vision, "changed")
    finally:
        connection.in_atomic_block = saved


def test_verify_passes_on_an_untouched_chain(vision):  # type: ignore[no-untyped-def]
    add_events(vision, 5)
    code, text = _verify_output()
    assert code == 0 and "History verified" in text
    assert verify_all().problem is None


@pytest.mark.parametrize(
    "statement", ["UPDATE history_event SET reason = 'x'", "DELETE FROM history_event"]
)
def test_the_database_refuses_update_and_delete_of_events(vision, statement):  # type: ignore[no-untyped-def]
    add_events(vision, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql(statement)
    assert Event.objects.filter(reason="x").count() == 0


def test_the_database_refuses_deleting_a_checkpoint(vision, history_key):  # type: ignore[no-untyped-def]
    from plantrack.history.checkpoints import checkpoint_create

    add_events(vision, 1)
    checkpoint_create()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _sql("DELETE FROM history_checkpoint")


def test_an_edited_event_is_named(vision):  # type: ignore[no-untyped-def]
    events = add_events(vision, 4)
    with triggers_dropped():
        _sql("UPDATE history_event SET reason = 'rewritten' WHERE seq = %s", [events[1].seq])
        code, text = _verify_output()
    assert code == 1
    assert f"event {events[1].seq}:" in text and "altered" in text


def test_an_edited_event_with_a_recomputed_hash_breaks_the_next_link(vision):  # type: ignore[no-untyped-def]
    events = add_events(vision, 3)
    forged = Event.objects.get(seq=events[0].seq)
    forged.reason = "rewritten"
    forged.hash = event_hash(forged)
    with triggers_dropped():
        _sql(
            "UPDATE history_event SET reason = %s, hash = %s WHERE seq = %s",
            [forged.reason, forged.hash, forged.seq],
        )
        problem = verify_all().problem
    assert problem is not None and problem.seq == events[1].seq
    assert "does not follow" in problem.message


def test_a_deleted_event_is_named(vision):  # type: ignore[no-untyped-def]
    events = add_events(vision, 4)
    with triggers_dropped():
        _sql("DELETE FROM history_event WHERE seq = %s", [events[2].seq])
        problem = verify_all().problem
    assert problem is not None and problem.seq == events[2].seq and "missing" in problem.message


def test_a_deleted_last_event_is_named(vision):  # type: ignore[no-untyped-def]
    events = add_events(vision, 2)
    with triggers_dropped():
        _sql("DELETE FROM history_event WHERE seq = %s", [events[-1].seq])
        problem = verify_all().problem
    assert problem is not None and problem.seq == events[-1].seq


def test_an_inserted_event_is_named(vision):  # type: ignore[no-untyped-def]
    events = add_events(vision, 3)
    with triggers_dropped():
        # Make room after the first event, as an attacker inserting one would.
        for event in reversed(events[1:]):
            _sql("UPDATE history_event SET seq = %s WHERE seq = %s", [event.seq + 1, event.seq])
        intruder = Event.objects.get(seq=events[0].seq)
        intruder.pk, intruder.seq = None, events[0].seq + 1
        intruder.previous_hash, intruder.reason = events[0].hash, "inserted"
        intruder.hash = event_hash(intruder)
        intruder.save()
        problem = verify_all().problem
    assert problem is not None and problem.seq == events[0].seq + 2


def test_reordered_events_are_named(vision):  # type: ignore[no-untyped-def]
    events = add_events(vision, 3)
    a, b = events[0].seq, events[1].seq
    with triggers_dropped():
        _sql("UPDATE history_event SET seq = 0 WHERE seq = %s", [a])
        _sql("UPDATE history_event SET seq = %s WHERE seq = %s", [a, b])
        _sql("UPDATE history_event SET seq = %s WHERE seq = 0", [b])
        problem = verify_all().problem
    assert problem is not None and problem.seq == a


def test_erasing_a_person_keeps_their_events_and_the_chain(vision, bob):  # type: ignore[no-untyped-def]
    with transaction.atomic():
        event = record(vision, "changed", by=bob, plan_id=vision.pk)
    account_delete(user=bob)
    stored = Event.objects.select_related("actor").get(pk=event.pk)
    assert stored.actor is not None
    with translation.override("en"):
        assert stored.actor.public_name == "deleted user"
    assert verify_all().problem is None
    assert bob.email not in json.dumps(
        [event_hash(e) for e in Event.objects.all()]
        + list(Event.objects.values_list("changes", flat=True))
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres
def test_concurrent_appends_never_fork_the_chain():  # type: ignore[no-untyped-def]
    from plantrack.plans.models import Plan

    plan = Plan.objects.first()
    assert plan is not None
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def writer() -> None:
        try:
            barrier.wait()
            for _ in range(10):
                with transaction.atomic():
                    record(plan, "changed", plan_id=plan.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    before = Event.objects.count()
    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Event.objects.count() == before + 60
    assert verify_all().problem is None


def test_verify_speaks_mongolian_by_default(vision):  # type: ignore[no-untyped-def]
    add_events(vision, 3)
    with transaction.atomic(), triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM history_event WHERE seq = (SELECT MAX(seq) - 1 FROM history_event)"
        )
        with translation.override("mn"):
            err = StringIO()
            with pytest.raises(SystemExit):
                call_command("history", "verify", stderr=err, stdout=StringIO())
    assert "Түүх эвдэрсэн байна" in err.getvalue() and "алга байна" in err.getvalue()


def test_a_hidden_events_hash_cannot_be_recomputed_from_what_is_shown(vision):  # type: ignore[no-untyped-def]
    """Two non-public events with the same visible content get different hashes (a random
    salt in their hashed changes), the salt is never shown, and the chain still verifies."""
    from plantrack.history.selectors import change_rows
    from plantrack.history.services import SALT, Entry, append

    same = {"action": "requested", "object_type": "organisations.membership", "object_id": "1"}
    with transaction.atomic():
        first, second = append(
            [Entry(**same, changes={"state": [None, "requested"]}, public=False) for _ in "ab"]
        )
    assert first.changes[SALT] != second.changes[SALT]
    visible = [(row.field, row.before, row.after) for row in change_rows(first)]
    assert all(SALT not in str(part) for row in visible for part in row)
    assert len(visible) == 1
    with transaction.atomic():  # a public event has no salt: its content is published
        (public,) = append([Entry(**same, changes={"state": [None, "x"]})])
    assert SALT not in public.changes
    assert verify_all().problem is None
