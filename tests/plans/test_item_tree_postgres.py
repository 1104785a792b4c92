"""Tree edits from several people at once (PostgreSQL: real concurrent writers)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from plantrack.plans.models import Item, Plan
from plantrack.plans.tree import item_move

from .test_item_tree import assert_tree_consistent

pytestmark = pytest.mark.postgres
VISION = "vision-2050-goal-7"


def _all_at_once(jobs: list[Callable[[], None]]) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            job()
            outcomes.append("moved")
        except ValidationError as exc:
            outcomes.append(exc.code or "refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_moves_of_one_item_from_one_version_move_it_once(alice):  # type: ignore[no-untyped-def]
    # Given six managers who opened the move page of the same item at the same version
    item = Item.objects.get(plan__slug=VISION, code="7.1.1")
    parents = ["7.2", "7.3", "7.1", "7.2", "7.3", "7.1"]

    def move(parent_code: str) -> Callable[[], None]:
        def job() -> None:
            parent = Item.objects.get(plan__slug=VISION, code=parent_code)
            mine = Item.objects.get(pk=item.pk)
            item_move(
                item=mine, new_parent=parent, position="first", version=item.version, by=alice
            )

        return job

    # When they all move it at once
    outcomes = _all_at_once([move(code) for code in parents])
    # Then one move wins and the other five are told the item changed
    assert sorted(outcomes) == ["moved", "stale", "stale", "stale", "stale", "stale"]
    assert Item.objects.get(pk=item.pk).version == item.version + 1
    assert_tree_consistent(Plan.objects.get(slug=VISION))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_moves_of_siblings_all_land_and_keep_the_tree_whole(alice):  # type: ignore[no-untyped-def]
    # Given six activities of one objective, moved first by six managers at once
    siblings = list(Item.objects.filter(plan__slug=VISION, parent__code="7.3").order_by("path")[:6])

    def move(sibling: Item) -> Callable[[], None]:
        def job() -> None:
            mine = Item.objects.get(pk=sibling.pk)
            item_move(
                item=mine,
                new_parent=mine.parent,
                position="first",
                version=sibling.version,
                by=alice,
            )

        return job

    outcomes = _all_at_once([move(sibling) for sibling in siblings])
    # Then every move lands (the plan lock puts them in a row) and no path clashes
    assert outcomes == ["moved"] * 6
    assert_tree_consistent(Plan.objects.get(slug=VISION))
