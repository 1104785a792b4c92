"""The history events of plan writes: what an import, an edit or a link changed.

``plans.services`` calls these inside its transactions; keeping the event-building here
keeps the services' own code short. An import builds its entries before its transaction
(``import_entries``), so that the write lock is held only to number and hash them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from plantrack.history.models import Action, ActorKind
from plantrack.history.services import Entry, append_many, diff, record

from .models import Item, Plan, Responsibility

if TYPE_CHECKING:
    from .services import _Prepared

# Item columns whose changes an import's events show (tree positions are left out: a
# sibling inserted above moves every item below it without changing them).
ITEM_FIELDS = (
    "kind",
    "label_en",
    "label_mn",
    "title_en",
    "title_mn",
    "body_en",
    "body_mn",
    "start_year",
    "end_year",
    "status",
    "progress",
    "weight",
    "retired_at",
    "retired_reason",
    "parent_id",
)
PLAN_FIELDS = (
    "short_name",
    "issuer",
    "adopted_on",
    "start_year",
    "end_year",
    "languages",
    "title_en",
    "title_mn",
    "description_en",
    "description_mn",
    "source_name",
    "source_sha256",
)


def item_label(item: Item) -> str:
    return f"{item.code} {item.title}"


def import_snapshot(items: Iterable[Item]) -> dict[int, dict[str, Any]]:
    """The stored items' values, taken as the import reads them (before it changes them).

    The import reads before its write transaction, and inside it checks that no item's
    version moved meanwhile (``services._still_current``); every write of an item's own
    fields bumps its version, so what was read is still what is stored."""
    return {item.pk: {name: getattr(item, name) for name in ITEM_FIELDS} for item in items}


def _item_entry(
    item: Item,
    before: dict[str, Any] | None,
    code_of: dict[int, str],
    parent_code: str | None,
    line: str,
) -> Entry | None:
    # The parent as the import will leave it: the file's for the items in it, the stored
    # one for those it retires (``_diff_missing`` records that in ``parent_of`` too).
    after = {name: getattr(item, name) for name in ITEM_FIELDS if name != "parent_id"}
    after["parent"] = parent_code
    if before is None:
        changes = {k: v for k, v in diff({}, after).items() if v[1] not in (None, "")}
        action: str = Action.CREATED
    else:
        before = dict(before)
        parent = before.pop("parent_id", None)
        before["parent"] = code_of.get(parent) if parent else None
        changes = diff(before, after)
        was, now = before["retired_at"] is not None, item.retired_at is not None
        action = Action.RETIRED if now and not was else Action.RESTORED if was and not now else ""
        action = action or Action.CHANGED
        if not changes and not line:
            return None
    return Entry(
        action=action,
        object_type="plans.item",
        object_id=str(item.pk),
        label=item_label(item),
        item_id=item.pk,
        changes=changes,
        reason=line,
    )


def import_entries(prepared: _Prepared) -> list[tuple[Item, Entry]]:
    """Before the import's transaction: one event entry per item it creates, changes,
    retires or restores, or whose organisations or indicators alone change, with its
    changes already encoded (``Entry.prepare``). ``record_import`` gives them their ids."""
    result = prepared.result
    code_of = {item.pk: code for code, item in prepared.by_code.items() if item.pk}
    lines = dict(line.split(": ", 1) for line in result.changes if ": " in line)
    entries: list[tuple[Item, Entry]] = []
    done: set[str] = set()
    for item in [*prepared.new_items, *prepared.updates]:
        entry = _item_entry(
            item,
            prepared.before.get(item.pk) if item.pk else None,
            code_of,
            prepared.parent_of.get(item.code),
            lines.get(item.code, ""),
        )
        if entry is not None:
            entries.append((item, entry.prepare()))
            done.add(item.code)
    for code, line in sorted(lines.items()):
        linked = prepared.by_code.get(code)
        if code not in done and linked is not None and linked.pk:
            # Only its organisations or indicators changed: the line says which.
            entry = Entry(
                action=Action.CHANGED,
                object_type="plans.item",
                object_id=str(linked.pk),
                label=item_label(linked),
                item_id=linked.pk,
                reason=line,
            )
            entries.append((linked, entry.prepare()))
    return entries


def record_import(prepared: _Prepared, plan: Plan, *, by: Any, source_name: str) -> None:
    """Inside the import's transaction: the entries of ``import_entries``, now that every
    item has an id, then one for the plan with the import's summary."""
    result = prepared.result
    entries: list[Entry] = []
    for item, entry in prepared.entries:
        entry.object_id, entry.item_id, entry.plan_id = str(item.pk), item.pk, plan.pk
        entries.append(entry)
    stored = prepared.plan
    entries.append(
        Entry(
            action=Action.IMPORTED if stored is None else Action.REIMPORTED,
            object_type="plans.plan",
            object_id=str(plan.pk),
            label=plan.short_name,
            plan_id=plan.pk,
            changes=diff(
                {name: getattr(stored, name) for name in PLAN_FIELDS} if stored else {},
                {name: getattr(plan, name) for name in PLAN_FIELDS},
            ),
            reason=f"{source_name or plan.slug}: {result.summary()}",
        )
    )
    append_many(entries, by=by, kind=ActorKind.USER if by is not None else ActorKind.IMPORT)


def record_item_update(
    item: Item, before: dict[str, Any], values: dict[str, Any], *, by: Any, reason: str
) -> None:
    changes = diff(before, {name: values[name] for name in before})
    if not changes:
        return
    action = Action.PROGRESS_SET if {"status", "progress"} & set(changes) else Action.CHANGED
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


def record_plan_update(plan: Plan, before: dict[str, Any], *, by: Any) -> None:
    changes = diff(before, {name: getattr(plan, name) for name in before})
    if changes:
        record(plan, Action.CHANGED, by=by, label=plan.short_name, plan_id=plan.pk, changes=changes)


def record_responsibility(responsibility: Responsibility, action: str, *, by: Any) -> None:
    item = responsibility.item
    record(
        responsibility,
        action,
        by=by,
        label=f"{responsibility.organisation} — {item.code}",
        plan_id=item.plan_id,
        item_id=item.pk,
        changes={
            "organisation": [None, str(responsibility.organisation)],
            "role": [None, responsibility.role],
        }
        if action == Action.ADDED
        else {
            "organisation": [str(responsibility.organisation), None],
            "role": [responsibility.role, None],
        },
    )
