"""The nightly history check with django-tasks: emails on a broken chain only, is scheduled
once for the next night, and runs through the database worker's code path."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from plantrack.accounts.models import User
from plantrack.history.models import Checkpoint
from plantrack.history.tasks import (
    next_night,
    nightly_history,
    pending_nightly,
    schedule_nightly,
    verify_history,
)

from .conftest import add_events, triggers_dropped

# The messages are checked in English; the Mongolian ones in test_chain.py.
pytestmark = pytest.mark.usefixtures("english")

UB = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")


@pytest.fixture
def root(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser("root@example.org", "pw-root-1", display_name="Root")


def _break(seq: int) -> None:
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("UPDATE history_event SET reason = 'rewritten' WHERE seq = %s", [seq])


def test_a_broken_chain_emails_the_administrators_naming_the_first_bad_event(
    vision, root, settings
):  # type: ignore[no-untyped-def]
    settings.ADMINS = [("Ops", "ops@example.org")]
    User.objects.create_superuser(
        "gone@example.org", "pw-gone-1", display_name="Gone", is_active=False
    )
    events = add_events(vision, 4)
    _break(events[1].seq)
    result = verify_history.call()
    assert result["verified"] is False and result["first_bad_event"] == events[1].seq
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["ops@example.org", "root@example.org"]
    assert str(events[1].seq) in message.subject and str(events[1].seq) in message.body
    assert "altered" in message.body


def test_a_good_chain_emails_nobody_and_logs(vision, root, caplog):  # type: ignore[no-untyped-def]
    add_events(vision, 3)
    with caplog.at_level("INFO", logger="plantrack.history"):
        result = verify_history.call()
    assert result["verified"] is True
    assert mail.outbox == []
    assert "History verified" in caplog.text


def test_the_command_line_check_can_email_too(vision, root):  # type: ignore[no-untyped-def]
    events = add_events(vision, 2)
    _break(events[0].seq)
    with pytest.raises(SystemExit):
        call_command(
            "history", "verify", "--email-on-failure", stdout=StringIO(), stderr=StringIO()
        )
    assert [m.to for m in mail.outbox] == [["root@example.org"]]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime.datetime(2026, 3, 1, 14, 0, tzinfo=UB), datetime.datetime(2026, 3, 2, 3, 0)),
        (datetime.datetime(2026, 3, 1, 2, 59, tzinfo=UB), datetime.datetime(2026, 3, 1, 3, 0)),
        (datetime.datetime(2026, 3, 1, 3, 0, tzinfo=UB), datetime.datetime(2026, 3, 2, 3, 0)),
        (datetime.datetime(2026, 12, 31, 23, 0, tzinfo=UB), datetime.datetime(2027, 1, 1, 3, 0)),
    ],
)
def test_the_next_night_is_the_next_three_oclock_local_time(now, expected):  # type: ignore[no-untyped-def]
    assert next_night(now) == expected.replace(tzinfo=UB)


def test_scheduling_is_idempotent_and_waits_for_the_night(db):  # type: ignore[no-untyped-def]
    now = datetime.datetime(2026, 3, 1, 14, 0, tzinfo=UB)
    first, created = schedule_nightly(now)
    again, created_again = schedule_nightly(now)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    rows = DBTaskResult.objects.filter(task_path=nightly_history.module_path)
    assert rows.count() == 1
    row = rows.get()
    assert row.status == TaskResultStatus.READY
    assert row.run_after == datetime.datetime(2026, 3, 2, 3, 0, tzinfo=UB)


def test_the_schedule_command_says_what_it_did(db):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("history", "schedule", stdout=out)
    call_command("history", "schedule", stdout=out)
    text = out.getvalue()
    assert "scheduled for" in text and "already scheduled" in text
    assert DBTaskResult.objects.filter(task_path=nightly_history.module_path).count() == 1


def test_the_worker_runs_the_nightly_task_which_signs_verifies_and_schedules_the_next(
    vision, root, history_key
):  # type: ignore[no-untyped-def]
    events = add_events(vision, 3)
    schedule_nightly()
    row = pending_nightly()
    assert row is not None and row.run_after > datetime.datetime.now(datetime.UTC)
    assert not DBTaskResult.objects.ready().filter(pk=row.pk).exists()  # not before the night
    # The night comes: the worker claims the task and runs it as `plantrack db_worker` does.
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    row.claim("test-worker")
    worker.run_task(row)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    assert row.return_value["verified"] is True
    assert row.return_value["checkpoint"] == events[-1].seq
    assert Checkpoint.objects.filter(seq=events[-1].seq).exists()
    assert mail.outbox == []
    following = pending_nightly()
    assert following is not None and following.pk != row.pk
    assert following.run_after > row.run_after


def test_the_worker_run_on_a_broken_chain_emails_and_still_schedules_the_next(
    vision, root, history_key
):  # type: ignore[no-untyped-def]
    events = add_events(vision, 2)
    _break(events[0].seq)
    row, _created = schedule_nightly()
    row.claim("test-worker")
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run_task(row)
    row.refresh_from_db()
    assert row.return_value["first_bad_event"] == events[0].seq
    assert len(mail.outbox) == 1
    assert pending_nightly() is not None
