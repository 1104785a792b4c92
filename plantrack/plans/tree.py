"""Writes to a plan's item tree by hand: add, move, retire and restore single items.

These are services like those in ``services.py`` (pages, the admin, the CLI and tests call
them) and hold every rule: the permission (``by`` must manage the plan), codes, the depth
limit, no cycles, optimistic locking with ``version``. Each runs in one short transaction
that locks the plan row, so two tree edits of one plan never interleave; it reads the rows
it renumbers in a fixed number of queries and writes them in bulk, then recomputes the
plan's roll-ups with ``rollup.plan_rollup``.

Siblings are numbered 1..n without gaps, live and retired alike (a retired item keeps its
place, hidden, as an import leaves it), and ``path`` always equals the parent's path plus
the item's position, so a move renumbers the siblings it passes and rewrites the paths of
their subtrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

import plantrack.plans.permissions  # noqa: F401  (registers the plans.* rules used below)
from plantrack.history.services import Action, record
from plantrack.lib.rules import has

from .events import item_label
from .models import Item, Plan, Status, path_segment
from .rollup import plan_rollup
from .services import _bulk_update
from .validation import MAX_DEPTH, clean_reason, validate_item_code

# The values a new item may be given; the tree fields are the service's own business.
ADD_FIELDS = frozenset(
    {
        "code",
        "kind",
        "label_en",
        "label_mn",
        "title_en",
        "title_mn",
        "body_en",
        "body_mn",
        "start_year",
        "end_year",
        "weight",
        "status",
        "progress",
    }
)

# Where an item goes among its new siblings: first, last, or right after a sibling.
Position: TypeAlias = Literal["first", "last"] | Item


@dataclass
class _Row:
    """The tree columns of one item, as read and as they will be."""

    id: int
    parent_id: int | None
    path: str
    depth: int
    position: int
    changed: bool = False


def _require_manager(by: Any, plan: Plan) -> None:
    if not has(by, "plans.change_plan", plan):
        raise PermissionDenied(_("Only this plan's managers may add, move or retire its items."))


def _lock(plan: Plan) -> None:
    """Serialise tree edits of one plan (PostgreSQL; SQLite writes one at a time anyway)."""
    Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").first()


def _fresh(item: Item, plan: Plan | None = None) -> Item:
    """The item as stored now, which may differ from the object a page loaded."""
    found = Item.objects.select_for_update().filter(pk=item.pk).first()
    if found is None or (plan is not None and found.plan_id != plan.pk):
        raise ValidationError(_("That item is not in this plan."), code="other_plan")
    return found


def _stale(item: Item, version: int) -> None:
    if item.version != version:
        raise ValidationError(
            _(
                "Someone else changed item %(code)s while you were looking at it. "
                "Reload the page to see their changes, then try again."
            )
            % {"code": item.code},
            code="stale",
        )


def _live_parent(parent: Item | None, plan: Plan) -> Item | None:
    """The parent as stored, refused if it is in another plan or retired."""
    if parent is None:
        return None
    stored = Item.objects.select_for_update().filter(pk=parent.pk).first()
    if stored is None or stored.plan_id != plan.pk:
        raise ValidationError(
            {"parent": _("The parent must be an item of this plan.")}, code="other_plan"
        )
    if stored.retired_at is not None:
        raise ValidationError(
            {
                "parent": _(
                    "Item %(code)s is retired, so nothing can be placed under it. "
                    "Restore it first or choose another parent."
                )
                % {"code": stored.code}
            },
            code="retired_parent",
        )
    return stored


def _rows(plan: Plan, anchors: list[Item | None]) -> dict[int, _Row]:
    """The tree columns of every item below the anchors (the whole plan for the top level)."""
    items = Item.objects.filter(plan=plan)
    if all(anchor is not None for anchor in anchors):
        below = Q()
        for anchor in anchors:
            assert anchor is not None
            below |= Q(path__startswith=anchor.path + ".")
        items = items.filter(below)
    return {
        pk: _Row(pk, parent_id, path, depth, position)
        for pk, parent_id, path, depth, position in items.values_list(
            "id", "parent_id", "path", "depth", "position"
        )
    }


def _children(rows: dict[int, _Row]) -> dict[int | None, list[_Row]]:
    children: dict[int | None, list[_Row]] = {}
    for row in sorted(rows.values(), key=lambda r: r.path):
        children.setdefault(row.parent_id, []).append(row)
    return children


def _index(siblings: list[_Row], position: Position, parent: Item | None) -> int:
    """Where ``position`` puts an item among ``siblings`` (which no longer hold it)."""
    if position == "first":
        return 0
    if position == "last":
        return len(siblings)
    if isinstance(position, Item):
        for index, row in enumerate(siblings):
            if row.id == position.pk:
                return index + 1
        where = parent.code if parent is not None else _("the top level")
        raise ValidationError(
            {
                "position": _(
                    "%(code)s is not directly under %(parent)s; choose first, last or one of "
                    "its parts."
                )
                % {"code": position.code, "parent": where}
            },
            code="not_a_sibling",
        )
    raise ValidationError({"position": _("Choose first, last or a sibling.")}, code="position")


def _relayout(
    children: dict[int | None, list[_Row]], anchor: Item | None, rows: dict[int, _Row]
) -> None:
    """Number every child 1..n under the anchor and give each its path and depth."""
    top_path = anchor.path if anchor is not None else ""
    top_depth = anchor.depth if anchor is not None else 0
    stack: list[tuple[int | None, str, int]] = [
        (anchor.pk if anchor else None, top_path, top_depth)
    ]
    while stack:
        parent_id, parent_path, parent_depth = stack.pop()
        for number, row in enumerate(children.get(parent_id, []), start=1):
            segment = path_segment(number)
            path = f"{parent_path}.{segment}" if parent_path else segment
            new = (parent_id, path, parent_depth + 1, number)
            if (row.parent_id, row.path, row.depth, row.position) != new:
                row.parent_id, row.path, row.depth, row.position = new
                row.changed = True
            stack.append((row.id, path, parent_depth + 1))


def _write(rows: list[_Row], moved_id: int | None = None) -> None:
    """Write changed tree columns in bulk; paths step aside first so (plan, path) stays unique."""
    changed = [row for row in rows if row.changed]
    if not changed:
        return
    now = timezone.now()
    aside = [Item(pk=row.id, path=f"~{row.id}") for row in changed]
    _bulk_update(aside, ["path"])
    final = [
        Item(
            pk=row.id,
            parent_id=row.parent_id,
            path=row.path,
            depth=row.depth,
            position=row.position,
            updated_at=now,
        )
        for row in changed
    ]
    _bulk_update(final, ["parent", "path", "depth", "position", "updated_at"])


def _check_depth(rows: dict[int, _Row], item: Item, parent: Item | None) -> None:
    """The moved subtree's deepest item must stay within MAX_DEPTH."""
    below = [row.depth for row in rows.values() if row.path.startswith(item.path + ".")]
    height = (max(below) - item.depth) if below else 0
    deepest = (parent.depth if parent is not None else 0) + 1 + height
    if deepest > MAX_DEPTH:
        raise ValidationError(
            {
                "parent": _(
                    "Under this parent, item %(code)s and its parts would be %(depth)s levels "
                    "deep; the limit is %(limit)s. Choose a parent higher up."
                )
                % {"code": item.code, "depth": deepest, "limit": MAX_DEPTH}
            },
            code="too_deep",
        )


# -- Add -----------------------------------------------------------------------------------


def _new_item(plan: Plan, values: dict[str, Any]) -> Item:
    unknown = sorted(set(values) - ADD_FIELDS)
    if unknown:
        raise ValidationError(
            _("An item cannot be given %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_field",
        )
    values = dict(values)
    code = str(values.pop("code", "") or "").strip()
    validate_item_code(code)
    kind = values.pop("kind", "")
    if kind not in Item.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of item.")}, code="kind")
    if not (values.get("title_mn") or "").strip() and not (values.get("title_en") or "").strip():
        raise ValidationError(
            {"title_mn": _("Give the item a title in Mongolian or English.")}, code="title"
        )
    clash = Item.objects.filter(plan=plan, code=code).first()
    if clash is not None:
        message = (
            _("The code %(code)s is already used by a retired item of this plan; choose another.")
            if clash.retired_at
            else _("The code %(code)s is already used in this plan; choose another.")
        )
        raise ValidationError({"code": message % {"code": code}}, code="code_taken")
    item = Item(plan=plan, code=code, kind=kind, **values)
    if not item.is_tracked:
        item.status, item.progress = Status.NOT_STARTED, None
    item.full_clean(exclude=["plan", "parent", "path"], validate_unique=False)
    return item


@transaction.atomic
def item_add(
    *,
    plan: Plan,
    parent: Item | None = None,
    values: dict[str, Any],
    position: Position = "last",
    by: Any,
) -> Item:
    """Add one item to the plan, under ``parent`` (or at the top level), last by default."""
    _require_manager(by, plan)
    _lock(plan)
    parent = _live_parent(parent, plan)
    item = _new_item(plan, values)
    depth = (parent.depth if parent else 0) + 1
    if depth > MAX_DEPTH:
        raise ValidationError(
            {
                "parent": _(
                    "A new item here would be %(depth)s levels deep; the limit is %(limit)s."
                )
                % {"depth": depth, "limit": MAX_DEPTH}
            },
            code="too_deep",
        )
    rows = _rows(plan, [parent])
    children = _children(rows)
    siblings = children.setdefault(parent.pk if parent else None, [])
    placeholder = _Row(0, parent.pk if parent else None, "", 0, 0)
    siblings.insert(_index(siblings, position, parent), placeholder)
    _relayout(children, parent, rows)
    _write(list(rows.values()))
    item.parent = parent
    item.path, item.depth, item.position = (
        placeholder.path,
        placeholder.depth,
        placeholder.position,
    )
    item.save()
    _record(
        item,
        Action.CREATED,
        by=by,
        changes={
            "code": [None, item.code],
            "kind": [None, item.kind],
            "title": [None, item.title],
            "parent": [None, parent.code if parent else None],
        },
    )
    plan_rollup(plan=plan)
    return item


def _record(item: Item, action: str, *, by: Any, changes: dict[str, Any], reason: str = "") -> None:
    """The history event of a hand edit of the tree, in its transaction."""
    record(
        item,
        action,
        by=by,
        label=item_label(item),
        plan_id=item.plan_id,
        item_id=item.pk,
        changes=changes,
        reason=reason,
    )


# -- Move ----------------------------------------------------------------------------------


def _check_move(item: Item, parent: Item | None, position: Position) -> None:
    if item.retired_at is not None:
        raise ValidationError(
            _("Item %(code)s is retired; restore it before moving it.") % {"code": item.code},
            code="retired",
        )
    if parent is not None and (parent.pk == item.pk or parent.path.startswith(item.path + ".")):
        raise ValidationError(
            {
                "parent": _(
                    "Item %(code)s cannot go under itself or one of its own parts; "
                    "choose a parent outside it."
                )
                % {"code": item.code}
            },
            code="cycle",
        )
    if isinstance(position, Item) and position.pk == item.pk:
        raise ValidationError(
            {"position": _("An item cannot be placed after itself.")}, code="not_a_sibling"
        )


def _move_anchors(item: Item, old: Item | None, new: Item | None) -> list[Item | None]:
    """The smallest subtrees holding both the old and the new siblings."""
    if old is None or new is None:
        return [None]
    if old.pk == new.pk or new.path.startswith(old.path + "."):
        return [old]
    if old.path.startswith(new.path + "."):
        return [new]
    return [old, new]


@transaction.atomic
def item_move(
    *,
    item: Item,
    new_parent: Item | None,
    position: Position = "last",
    version: int,
    by: Any,
) -> Item:
    """Move an item and its subtree under ``new_parent`` (None: the top level).

    ``position`` is "first", "last" or the sibling (under ``new_parent``) to follow.
    Siblings left behind and siblings passed are renumbered; the item keeps its code, so
    its public address stays the same.
    """
    plan = item.plan
    _require_manager(by, plan)
    _lock(plan)
    item = _fresh(item, plan)
    _stale(item, version)
    parent = _live_parent(new_parent, plan)
    if isinstance(position, Item):
        sibling = Item.objects.filter(pk=position.pk, plan=plan).first()
        if sibling is None:
            raise ValidationError(
                {"position": _("The sibling must be an item of this plan.")}, code="other_plan"
            )
        position = sibling
    _check_move(item, parent, position)
    old_parent = Item.objects.filter(pk=item.parent_id).first() if item.parent_id else None
    rows = _rows(plan, _move_anchors(item, old_parent, parent))
    _check_depth(rows, item, parent)
    children = _children(rows)
    moving = rows[item.pk]
    old_siblings = children.setdefault(item.parent_id, [])
    old_siblings.remove(moving)
    new_siblings = children.setdefault(parent.pk if parent else None, [])
    new_siblings.insert(_index(new_siblings, position, parent), moving)
    for anchor in _move_anchors(item, old_parent, parent):
        _relayout(children, anchor, rows)
    if not any(row.changed for row in rows.values()):
        return item  # already there
    old_position = item.position
    _write(list(rows.values()))
    Item.objects.filter(pk=item.pk).update(version=F("version") + 1)
    item.refresh_from_db()
    _record(
        item,
        Action.MOVED,
        by=by,
        changes={
            "parent": [old_parent.code if old_parent else None, parent.code if parent else None],
            "position": [old_position, item.position],
        },
    )
    plan_rollup(plan=plan)
    return item


# -- Retire and restore --------------------------------------------------------------------


@transaction.atomic
def item_retire(*, item: Item, reason: str, version: int, by: Any) -> int:
    """Retire the item and every live item below it; returns how many were retired.

    Retired items keep their page and history, leave the tree, counts and roll-ups, and
    take no progress reports (``progress.report`` refuses them).
    """
    plan = item.plan
    _require_manager(by, plan)
    reason = clean_reason(reason)
    _lock(plan)
    item = _fresh(item, plan)
    _stale(item, version)
    if item.retired_at is not None:
        raise ValidationError(
            _("Item %(code)s is already retired.") % {"code": item.code}, code="retired"
        )
    now = timezone.now()
    retired = (
        Item.objects.filter(plan=plan, retired_at__isnull=True)
        .filter(Q(pk=item.pk) | Q(path__startswith=item.path + "."))
        .update(retired_at=now, retired_reason=reason, version=F("version") + 1, updated_at=now)
    )
    _record(
        item,
        Action.RETIRED,
        by=by,
        changes={"retired": [False, True], "items": [None, retired]},
        reason=reason,
    )
    plan_rollup(plan=plan)
    return retired


@transaction.atomic
def item_restore(*, item: Item, version: int, by: Any) -> int:
    """Bring a retired item back, with the items below it that were retired with it.

    Parts retired earlier on their own stay retired. Returns how many were restored.
    """
    plan = item.plan
    _require_manager(by, plan)
    _lock(plan)
    item = _fresh(item, plan)
    _stale(item, version)
    if item.retired_at is None:
        raise ValidationError(
            _("Item %(code)s is not retired.") % {"code": item.code}, code="not_retired"
        )
    parent = Item.objects.filter(pk=item.parent_id).first() if item.parent_id else None
    if parent is not None and parent.retired_at is not None:
        raise ValidationError(
            _("Item %(code)s is under %(parent)s, which is retired too. Restore %(parent)s first.")
            % {"code": item.code, "parent": parent.code},
            code="retired_parent",
        )
    now = timezone.now()
    restored = (
        Item.objects.filter(plan=plan, retired_at=item.retired_at)
        .filter(Q(pk=item.pk) | Q(path__startswith=item.path + "."))
        .update(retired_at=None, retired_reason="", version=F("version") + 1, updated_at=now)
    )
    _record(
        item,
        Action.RESTORED,
        by=by,
        changes={"retired": [True, False], "items": [None, restored]},
    )
    plan_rollup(plan=plan)
    return restored
