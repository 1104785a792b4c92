"""Helpers for history tests: appending events, and tampering as an attacker with
database access would (triggers dropped first)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from plantrack.history.models import Event
from plantrack.history.services import record
from plantrack.plans.models import Plan

TABLES = ("history_event", "history_checkpoint")


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Inside the test's transaction, so the triggers come back when it rolls back."""
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER {table}_no_update")
                cursor.execute(f"DROP TRIGGER {table}_no_delete")
    yield


def add_events(plan: Plan, count: int) -> list[Event]:
    events = []
    with transaction.atomic():
        for n in range(count):
            events.append(
                record(plan, "changed", plan_id=plan.pk, changes={"title_en": [f"{n}", f"{n + 1}"]})
            )
    return events


@pytest.fixture
def history_key(monkeypatch):  # type: ignore[no-untyped-def]
    from plantrack.history.keys import ENV, new_key_text

    monkeypatch.setenv(ENV, new_key_text())
