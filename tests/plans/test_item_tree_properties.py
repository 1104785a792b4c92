"""Random sequences of add, move, retire and restore keep the tree whole (hypothesis).

After every step: each path is its parent's path plus its position, siblings are numbered
1..n, no item is deeper than the limit (lowered to 4 here so that moves hit it), no live
item sits under a retired one, and the stored roll-ups equal a recomputation from scratch.
A refused step changes nothing.
"""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from plantrack.accounts.models import User
from plantrack.accounts.permissions import PLAN_MANAGERS
from plantrack.plans import tree
from plantrack.plans.models import Item, Plan

from .test_item_tree import assert_tree_consistent, tree_snapshot

DEPTH_LIMIT = 4
KINDS = ["objective", "area", "activity", "recommendation"]
STATUSES = ["not_started", "in_progress", "completed", "delayed"]
_plans = itertools.count()


class TreeEdits(RuleBasedStateMachine):
    manager: User

    @initialize()
    def a_plan_with_two_items(self) -> None:
        number = next(_plans)
        self.plan = Plan.objects.create(slug=f"random-{number}", short_name=f"R{number}")
        self.plan.managers.add(self.manager)
        self.codes = itertools.count()
        # Two branches three levels deep, so that moves soon meet the depth limit.
        for _ in range(2):
            parent = None
            for kind in ("objective", "area", "activity"):
                parent = self._add(parent, "last", kind, "in_progress", 50)

    def _add(self, parent, position, kind, status, progress) -> Item:  # type: ignore[no-untyped-def]
        return tree.item_add(
            plan=self.plan,
            parent=parent,
            values={
                "code": f"c{next(self.codes)}",
                "kind": kind,
                "title_en": "x",
                "status": status,
                "progress": progress,
            },
            position=position,
            by=self.manager,
        )

    def _items(self, *, retired: bool) -> list[Item]:
        """Deepest first: hypothesis favours the first choices, and deep trees find more."""
        return list(
            Item.objects.filter(plan=self.plan, retired_at__isnull=not retired).order_by(
                "-depth", "pk"
            )
        )

    def _pick(self, data, items, *, none_ok: bool):  # type: ignore[no-untyped-def]
        choices = [None, *items] if none_ok else items
        return data.draw(st.sampled_from(choices)) if choices else None

    def _position(self, data, parent):  # type: ignore[no-untyped-def]
        siblings = list(Item.objects.filter(plan=self.plan, parent=parent))
        return data.draw(st.sampled_from(["first", "last", *siblings]))

    def _refused_changes_nothing(self, call) -> None:  # type: ignore[no-untyped-def]
        before = tree_snapshot(self.plan)
        try:
            call()
        except ValidationError:
            assert tree_snapshot(self.plan) == before

    @rule(
        data=st.data(),
        kind=st.sampled_from(KINDS),
        status=st.sampled_from(STATUSES),
        progress=st.one_of(st.none(), st.integers(0, 100)),
    )
    def add(self, data, kind, status, progress) -> None:  # type: ignore[no-untyped-def]
        parent = self._pick(data, self._items(retired=False), none_ok=True)
        position = self._position(data, parent)
        if status == "completed":
            progress = 100
        self._refused_changes_nothing(lambda: self._add(parent, position, kind, status, progress))

    @rule(data=st.data())
    def move(self, data) -> None:  # type: ignore[no-untyped-def]
        live = self._items(retired=False)
        item = self._pick(data, live, none_ok=False)
        if item is None:
            return
        parent = self._pick(data, live, none_ok=True)
        position = self._position(data, parent)
        self._refused_changes_nothing(
            lambda: tree.item_move(
                item=item,
                new_parent=parent,
                position=position,
                version=item.version,
                by=self.manager,
            )
        )

    @rule(data=st.data())
    def retire(self, data) -> None:  # type: ignore[no-untyped-def]
        item = self._pick(data, self._items(retired=False), none_ok=False)
        if item is not None:
            tree.item_retire(item=item, reason="random", version=item.version, by=self.manager)

    @rule(data=st.data())
    def restore(self, data) -> None:  # type: ignore[no-untyped-def]
        item = self._pick(data, self._items(retired=True), none_ok=False)
        if item is not None:
            self._refused_changes_nothing(
                lambda: tree.item_restore(item=item, version=item.version, by=self.manager)
            )

    @invariant()
    def the_tree_is_whole(self) -> None:
        if not hasattr(self, "plan"):
            return
        assert_tree_consistent(self.plan)
        assert not Item.objects.filter(plan=self.plan, depth__gt=DEPTH_LIMIT).exists()


@pytest.mark.django_db
def test_random_tree_edits_keep_the_tree_whole(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tree, "MAX_DEPTH", DEPTH_LIMIT)
    manager = User.objects.create_user("rand@example.org", "pw-random-123", display_name="R")
    manager.groups.add(Group.objects.get_or_create(name=PLAN_MANAGERS)[0])
    TreeEdits.manager = manager
    runner = TreeEdits.TestCase
    runner.settings = settings(
        max_examples=20,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    runner().runTest()
