"""The history events of plan writes: what an import, an edit or a link changed.

``plans.services`` calls these inside its transactions; keeping the event-building here
keeps the services' own code short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plantrack.history.models import Action, ActorKind
from plantrack.history.services import Entry, append, diff, record

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


def import_snapshot(plan: Plan | None) -> dict[int, dict[str, Any]]:
    """The stored items' values before an import writes (one query)."""
    if plan is None:
        return {}
    rows = Item.objects.filter(plan=plan).values("pk", *ITEM_FIELDS)
    return {row.pop("pk"): row for row in rows}


def _parent_as_code(values: dict[str, Any], code_of: dict[int, str]) -> dict[str, Any]:
    values = dict(values)
    parent = values.pop("parent_id", None)
    values["parent"] = code_of.get(parent) if parent else None
    return values


def _item_entry(
    item: Item, before: dict[str, Any] | None, code_of: dict[int, str], line: str
) -> Entry | None:
    after = _parent_as_code({name: getattr(item, name) for name in ITEM_FIELDS}, code_of)
    if before is None:
        changes = {k: v for k, v in diff({}, after).items() if v[1] not in (None, "")}
        action: str = Action.CREATED
    else:
        changes = diff(_parent_as_code(before, code_of), after)
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
        plan_id=item.plan_id,
        item_id=item.pk,
        changes=changes,
        reason=line,
    )


def record_import(
    prepared: _Prepared,
    plan: Plan,
    before: dict[int, dict[str, Any]],
    *,
    by: Any,
    source_name: str,
) -> None:
    """One event per created, changed, retired or restored item, then one for the plan
    with the import's summary."""
    result = prepared.result
    code_of = {item.pk: code for code, item in prepared.by_code.items()}
    lines = dict(line.split(": ", 1) for line in result.changes if ": " in line)
    entries: list[Entry] = []
    done: set[str] = set()
    for item in [*prepared.new_items, *prepared.updates]:
        entry = _item_entry(item, before.get(item.pk), code_of, lines.get(item.code, ""))
        if entry is not None:
            entries.append(entry)
            done.add(item.code)
    for code, line in sorted(lines.items()):
        linked = prepared.by_code.get(code)
        if code not in done and linked is not None and linked.pk:
            # Only its organisations or indicators changed: the line says which.
            entries.append(
                Entry(
                    action=Action.CHANGED,
                    object_type="plans.item",
                    object_id=str(linked.pk),
                    label=item_label(linked),
                    plan_id=plan.pk,
                    item_id=linked.pk,
                    reason=line,
                )
            )
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
    append(entries, by=by, kind=ActorKind.USER if by is not None else ActorKind.IMPORT)


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
