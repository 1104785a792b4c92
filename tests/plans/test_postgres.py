"""Behaviour that only PostgreSQL can show: real concurrent writers, the GIN search index."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from plantrack.plans.models import Item
from plantrack.plans.services import item_update

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_edits_of_one_item_never_silently_overwrite(alice):  # type: ignore[no-untyped-def]
    # Given eight managers who all opened the same version of an item
    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.3.13")
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def edit(progress: int) -> None:
        try:
            barrier.wait()
            mine = Item.objects.get(pk=item.pk)
            item_update(item=mine, version=item.version, values={"progress": progress}, by=alice)
            outcomes.append(f"saved {progress}")
        except ValidationError:
            outcomes.append("stale")
        finally:
            connections.close_all()

    # When they all save at once
    threads = [threading.Thread(target=edit, args=(10 * n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one edit is saved and the other seven are told to reload
    saved = [o for o in outcomes if o.startswith("saved")]
    assert len(saved) == 1, outcomes
    assert outcomes.count("stale") == 7
    item.refresh_from_db()
    assert item.version == 2
    assert f"saved {round(item.progress or 0)}" == saved[0]


def test_the_search_index_exists_on_postgresql(db):  # type: ignore[no-untyped-def]
    # One GIN index per searched table (migration plans/0013).
    for name in ("plans_search_item", "plans_search_plan", "plans_search_organisation"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
            row = cursor.fetchone()
        assert row is not None, name
        assert "gin" in row[0].lower()
