"""A re-import is a fixed number of bulk queries, so its write lock is short at any size."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.plans.importers.base import ParsedItem, ParsedPlan
from plantrack.plans.models import Item
from plantrack.plans.services import plan_import


def _plan(n: int, suffix: str) -> ParsedPlan:
    items = [ParsedItem(code="1", kind="objective", title=f"Objective {suffix}")]
    items += [
        ParsedItem(code=f"1.{i}", kind="activity", parent_code="1", title=f"Activity {i} {suffix}")
        for i in range(1, n + 1)
    ]
    return ParsedPlan(title="Big plan", short_name=f"big-{n}", items=items)


def _reimport_queries(n: int) -> list[str]:
    plan_import(parsed=_plan(n, "first"), system=True)
    with CaptureQueriesContext(connection) as queries:
        result = plan_import(parsed=_plan(n, "second"), system=True)
    assert result.changed == n + 1
    assert Item.objects.filter(plan=result.plan, title_en__endswith="second").count() == n + 1
    return [query["sql"] for query in queries.captured_queries]


def _is_item_batch(sql: str) -> bool:
    return 'UPDATE "plans_item" SET' in sql


def _is_event_batch(sql: str) -> bool:
    """The history's events, one per changed item, inserted in bulk."""
    return 'INSERT INTO "history_event"' in sql


def test_reimport_queries_do_not_grow_with_the_number_of_items(db):  # type: ignore[no-untyped-def]
    small, big = _reimport_queries(20), _reimport_queries(400)
    # Every query but the batched bulk UPDATE is the same, whatever the size of the plan …
    fixed = [q for q in small if not _is_item_batch(q) and not _is_event_batch(q)]
    assert len([q for q in big if not _is_item_batch(q) and not _is_event_batch(q)]) == len(fixed)
    # The events go in bulk too: many per statement (SQLite's parameter limit allows ~50).
    assert len([q for q in big if _is_event_batch(q)]) <= 402 // 40 + 1
    # … and the bulk UPDATE takes at least 150 items per statement (SQLite's parameter limit
    # allows about 200 here; PostgreSQL takes 500), never one statement per item.
    assert len([q for q in small if _is_item_batch(q)]) == 1
    assert len([q for q in big if _is_item_batch(q)]) <= 401 // 150 + 1


def test_a_dry_run_writes_nothing(db):  # type: ignore[no-untyped-def]
    plan_import(parsed=_plan(30, "first"), system=True)
    with CaptureQueriesContext(connection) as queries:
        plan_import(parsed=_plan(30, "second"), system=True, dry_run=True)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_an_edit_made_while_the_file_is_compared_is_not_overwritten(db, monkeypatch):  # type: ignore[no-untyped-def]
    # Given a plan, and an editor who saves an item after the import has read the plan
    from plantrack.plans import services

    plan = plan_import(parsed=_plan(5, "first"), system=True).plan
    real_prepare = services._prepare
    calls = []

    def prepare_then_someone_edits(**kwargs):  # type: ignore[no-untyped-def]
        prepared = real_prepare(**kwargs)
        if not calls:
            Item.objects.filter(plan=plan, code="1.3").update(
                title_en="Edited meanwhile", version=9
            )
        calls.append(1)
        return prepared

    monkeypatch.setattr(services, "_prepare", prepare_then_someone_edits)
    # When the import applies its changes
    result = plan_import(parsed=_plan(5, "second"), system=True)
    # Then it noticed the edit, compared again, and counted against the edited item
    assert len(calls) == 2
    item = Item.objects.get(plan=plan, code="1.3")
    assert (item.title_en, item.version) == ("Activity 3 second", 10)
    assert result.changed == 6
