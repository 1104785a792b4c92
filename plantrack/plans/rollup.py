"""Progress and status roll-up over the item tree.

A tracked item (activity, recommendation) carries its own status and progress.
Every other item gets the weighted average progress of its children that have
one, the number of tracked items below it and their counts per status. The
figures are stored, so a page reads one row instead of walking a subtree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from .models import Item, Plan

ROLLUP_FIELDS = ["progress", "tracked_count", "status_counts"]


@dataclass
class Node:
    id: int
    parent_id: int | None
    kind: str
    status: str
    progress: float | None
    weight: float
    tracked_count: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_tracked(self) -> bool:
        return self.kind in Item.TRACKED_KINDS


def _weighted_average(children: list[Node]) -> float | None:
    rated = [child for child in children if child.progress is not None]
    total_weight = sum(child.weight for child in rated)
    if not rated:
        return None
    if total_weight <= 0:
        return sum(child.progress or 0 for child in rated) / len(rated)
    return sum((child.progress or 0) * child.weight for child in rated) / total_weight


def _summarise(node: Node, children: list[Node]) -> None:
    counts: Counter[str] = Counter()
    tracked = 0
    for child in children:
        if child.is_tracked:
            tracked += 1
            counts[child.status] += 1
        tracked += child.tracked_count
        counts.update(child.status_counts)
    node.tracked_count = tracked
    node.status_counts = dict(sorted(counts.items()))
    if not node.is_tracked:
        node.progress = _weighted_average(children)
        if node.progress is not None:
            node.progress = round(node.progress, 1)


def _nodes(items: Iterable[dict]) -> dict[int, Node]:
    return {
        row["id"]: Node(
            id=row["id"],
            parent_id=row["parent_id"],
            kind=row["kind"],
            status=row["status"],
            progress=row["progress"],
            weight=row["weight"],
            tracked_count=row["tracked_count"],
            status_counts=row["status_counts"] or {},
        )
        for row in items
    }


_VALUES = ("id", "parent_id", "kind", "status", "progress", "weight", "depth")


def _save_changed(nodes: dict[int, Node], before: dict[int, tuple]) -> None:
    changed = []
    for node in nodes.values():
        after = (node.progress, node.tracked_count, node.status_counts)
        if before[node.id] != after:
            changed.append(
                Item(
                    id=node.id,
                    progress=node.progress,
                    tracked_count=node.tracked_count,
                    status_counts=node.status_counts,
                )
            )
    Item.objects.bulk_update(changed, ROLLUP_FIELDS, batch_size=500)


def _save_plan(plan: Plan, top: list[Node]) -> None:
    summary = Node(id=0, parent_id=None, kind="plan", status="", progress=None, weight=1)
    _summarise(summary, top)
    plan.progress = summary.progress
    plan.tracked_count = summary.tracked_count
    plan.status_counts = summary.status_counts
    plan.save(update_fields=["progress", "tracked_count", "status_counts", "updated_at"])


@transaction.atomic
def plan_rollup(*, plan: Plan) -> None:
    """Recompute every parent in the plan; used after an import."""
    rows = list(
        Item.objects.filter(plan=plan, retired_at__isnull=True)
        .order_by("-depth")
        .values(*_VALUES, "tracked_count", "status_counts")
    )
    nodes = _nodes(rows)
    before = {n.id: (n.progress, n.tracked_count, n.status_counts) for n in nodes.values()}
    children: dict[int | None, list[Node]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(nodes[row["id"]])
    for row in rows:  # deepest first, so children are final before their parent
        _summarise(nodes[row["id"]], children.get(row["id"], []))
    _save_changed(nodes, before)
    _save_plan(plan, children.get(None, []))


@transaction.atomic
def item_rollup_ancestors(*, item: Item) -> None:
    """Recompute the ancestors of one edited item, bottom up, and the plan."""
    ancestor_ids = list(
        Item.objects.filter(
            plan_id=item.plan_id, path__in=item.ancestor_paths(), retired_at__isnull=True
        ).values_list("id", flat=True)
    )
    rows = list(
        Item.objects.filter(plan_id=item.plan_id, retired_at__isnull=True)
        .filter(Q(parent_id__in=ancestor_ids) | Q(id__in=ancestor_ids) | Q(parent__isnull=True))
        .values(*_VALUES, "tracked_count", "status_counts")
    )
    nodes = _nodes(rows)
    before = {n.id: (n.progress, n.tracked_count, n.status_counts) for n in nodes.values()}
    depth = {row["id"]: row["depth"] for row in rows}
    for ancestor_id in sorted(ancestor_ids, key=lambda pk: -depth[pk]):
        kids = [n for n in nodes.values() if n.parent_id == ancestor_id]
        _summarise(nodes[ancestor_id], kids)
    _save_changed(nodes, before)
    _save_plan(item.plan, [n for n in nodes.values() if n.parent_id is None])
