"""Writes to plans: import, edits, responsibilities. Pages, the CLI and tests all call these."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plantrack.accounts.models import User
from plantrack.organisations.services import organisation_get_or_create
from plantrack.progress.models import Indicator

from .importers.base import ImportRefused, ParsedItem, ParsedPlan
from .models import Item, Plan, Responsibility, Status, path_segment
from .rollup import item_rollup_ancestors, plan_rollup

# Item columns an import writes; anything else (status set by hand …) is left alone.
IMPORTED_FIELDS = (
    "kind",
    "label_en",
    "label_mn",
    "title_en",
    "title_mn",
    "body_en",
    "body_mn",
    "start_year",
    "end_year",
)


TREE_FIELDS = ("status", "progress", "weight", "path", "depth", "position", "parent", "version")


@dataclass
class ImportResult:
    plan: Plan
    plan_created: bool
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # codes in the database but not in the file
    changes: list[str] = field(default_factory=list)  # human-readable lines
    dry_run: bool = False
    created_codes: set[str] = field(default_factory=set)

    def summary(self) -> str:
        text = f"{self.created} created, {self.changed} changed, {self.unchanged} unchanged"
        if self.kept:
            text += f"; {len(self.kept)} items not in the file were kept"
        return text


def _item_values(parsed: ParsedItem, *, english: bool) -> dict[str, Any]:
    main = "en" if english else "mn"
    values = {
        "kind": parsed.kind,
        f"label_{main}": parsed.label,
        f"title_{main}": parsed.title,
        f"body_{main}": parsed.body,
        "start_year": parsed.start_year,
        "end_year": parsed.end_year,
    }
    if english:
        values.update(label_mn=parsed.label_mn, title_mn=parsed.title_mn, body_mn=parsed.body_mn)
    return values


def _check_items(parsed: ParsedPlan) -> None:
    seen: set[str] = set()
    for item in parsed.items:
        if not item.code:
            raise ImportRefused("an item has no code", line=item.source_line)
        if item.code in seen:
            raise ImportRefused(
                f"the code {item.code!r} is used twice; codes must be unique in a plan",
                line=item.source_line,
            )
        if item.parent_code is not None and item.parent_code not in seen:
            raise ImportRefused(
                f"item {item.code!r} names parent {item.parent_code!r}, which does not come "
                "before it; list every parent before its children",
                line=item.source_line,
            )
        if item.kind not in Item.Kind.values:
            raise ImportRefused(
                f"item {item.code!r} has unknown kind {item.kind!r}; use one of "
                + ", ".join(Item.Kind.values),
                line=item.source_line,
            )
        if item.status and item.status not in Status.values:
            raise ImportRefused(
                f"item {item.code!r} has unknown status {item.status!r}; use one of "
                + ", ".join(Status.values),
                line=item.source_line,
            )
        if item.progress is not None and not 0 <= item.progress <= 100:
            raise ImportRefused(
                f"item {item.code!r} has progress {item.progress}; it must be 0 to 100",
                line=item.source_line,
            )
        seen.add(item.code)


def _plan_for(parsed: ParsedPlan, slug: str) -> tuple[Plan, bool]:
    english = "en" in parsed.languages
    defaults = {
        "short_name": parsed.short_name,
        "issuer": parsed.issuer,
        "adopted_on": parsed.adopted_on,
        "start_year": parsed.start_year,
        "end_year": parsed.end_year,
        "languages": ",".join(parsed.languages),
        "title_en" if english else "title_mn": parsed.title,
        "description_en" if english else "description_mn": parsed.description,
    }
    if english:
        defaults.update(title_mn=parsed.title_mn, description_mn=parsed.description_mn)
    plan, created = Plan.objects.get_or_create(slug=slug, defaults=defaults)
    if not created:
        changed = [
            name for name, value in defaults.items() if value and getattr(plan, name) != value
        ]
        for name in changed:
            setattr(plan, name, defaults[name])
        if changed:
            plan.save(update_fields=[*changed, "updated_at"])
    return plan, created


def _paths(parsed: ParsedPlan) -> dict[str, tuple[str, int, int]]:
    """code -> (path, depth, position) in document order."""
    result: dict[str, tuple[str, int, int]] = {}
    counters: dict[str | None, int] = {}
    for item in parsed.items:
        position = counters.get(item.parent_code, 0) + 1
        counters[item.parent_code] = position
        if item.parent_code is None:
            result[item.code] = (path_segment(position), 1, position)
        else:
            parent_path, parent_depth, _ = result[item.parent_code]
            result[item.code] = (
                f"{parent_path}.{path_segment(position)}",
                parent_depth + 1,
                position,
            )
    return result


def _free_paths(items: list[Item]) -> None:
    """Move items whose path will change out of the way, so the unique index never clashes."""
    for item in items:
        item.path = f"~{item.pk}"
    Item.objects.bulk_update(items, ["path"], batch_size=500)


def _tracking_values(parsed: ParsedItem) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if parsed.status:
        values["status"] = parsed.status
    if parsed.progress is not None:
        values["progress"] = parsed.progress
    if parsed.weight is not None:
        values["weight"] = parsed.weight
    return values


def _sync_items(plan: Plan, parsed: ParsedPlan, result: ImportResult) -> dict[str, Item]:
    english = "en" in parsed.languages
    existing = {item.code: item for item in Item.objects.filter(plan=plan)}
    code_by_id = {item.pk: code for code, item in existing.items()}
    parent_of = {entry.code: entry.parent_code for entry in parsed.items}
    paths = _paths(parsed)
    by_code: dict[str, Item] = {}
    to_update: list[Item] = []
    new_by_depth: dict[int, list[Item]] = {}
    for entry in parsed.items:
        path, depth, position = paths[entry.code]
        values = {**_item_values(entry, english=english), **_tracking_values(entry)}
        item = existing.get(entry.code)
        if item is None:
            item = Item(plan=plan, code=entry.code, path=path, depth=depth, position=position)
            new_by_depth.setdefault(depth, []).append(item)
            result.created_codes.add(entry.code)
        else:
            differing = [name for name, value in values.items() if getattr(item, name) != value]
            if code_by_id.get(item.parent_id) != entry.parent_code:  # type: ignore[arg-type]
                differing.append("parent")
            if differing or item.path != path:
                to_update.append(item)
            if differing:
                item.version += 1
                result.changed += 1
                result.changes.append(f"{entry.code}: {', '.join(differing)} changed")
            else:
                result.unchanged += 1
            item.depth, item.position = depth, position
        for name, value in values.items():
            setattr(item, name, value)
        by_code[entry.code] = item
    _free_paths([item for item in to_update if item.path != paths[item.code][0]])
    for depth in sorted(new_by_depth):
        for item in new_by_depth[depth]:
            parent_code = parent_of[item.code]
            item.parent = by_code[parent_code] if parent_code else None
        Item.objects.bulk_create(new_by_depth[depth], batch_size=500)
        result.created += len(new_by_depth[depth])
    for item in to_update:
        parent_code = parent_of[item.code]
        item.parent = by_code[parent_code] if parent_code else None
        item.path = paths[item.code][0]
    Item.objects.bulk_update(
        to_update,
        [*IMPORTED_FIELDS, *TREE_FIELDS],
        batch_size=500,
    )
    result.kept = sorted(set(existing) - set(by_code))
    return by_code


def _sync_responsibilities(
    parsed: ParsedPlan, by_code: dict[str, Item], result: ImportResult
) -> None:
    wanted: dict[str, list[tuple[int, str]]] = {}
    organisations: dict[str, Any] = {}
    for entry in parsed.items:
        for resp in entry.responsibilities:
            key = resp.acronym or resp.organisation
            if key not in organisations:
                organisations[key] = organisation_get_or_create(
                    name=resp.organisation, acronym=resp.acronym, kind=resp.kind
                )
            wanted.setdefault(entry.code, []).append((organisations[key].pk, resp.role))
    item_ids = [by_code[code].pk for code in wanted]
    have = set(
        Responsibility.objects.filter(item_id__in=item_ids).values_list(
            "item_id", "organisation_id", "role"
        )
    )
    new = []
    for code, pairs in wanted.items():
        item = by_code[code]
        for organisation_id, role in dict.fromkeys(pairs):
            if (item.pk, organisation_id, role) not in have:
                new.append(Responsibility(item=item, organisation_id=organisation_id, role=role))
                have.add((item.pk, organisation_id, role))
    Responsibility.objects.bulk_create(new, batch_size=500)
    _count_side_changes(result, {r.item.code for r in new}, "responsibilities")


def _sync_indicators(parsed: ParsedPlan, by_code: dict[str, Item], result: ImportResult) -> None:
    english = "en" in parsed.languages
    column = "title_en" if english else "title_mn"
    with_indicators = [entry for entry in parsed.items if entry.indicators]
    existing = {
        (ind.item_id, ind.position): ind
        for ind in Indicator.objects.filter(item__in=[by_code[e.code] for e in with_indicators])
    }
    new, changed, touched = [], [], set()
    for entry in with_indicators:
        item = by_code[entry.code]
        for position, text in enumerate(entry.indicators, start=1):
            indicator = existing.get((item.pk, position))
            if indicator is None:
                new.append(Indicator(item=item, position=position, **{column: text}))
                touched.add(entry.code)
            elif getattr(indicator, column) != text:
                setattr(indicator, column, text)
                changed.append(indicator)
                touched.add(entry.code)
    Indicator.objects.bulk_create(new, batch_size=500)
    Indicator.objects.bulk_update(changed, [column], batch_size=500)
    _count_side_changes(result, touched, "indicators")


def _count_side_changes(result: ImportResult, codes: set[str], what: str) -> None:
    """An item counts as changed once, whether its text, links or indicators changed."""
    already = {line.split(":", 1)[0] for line in result.changes}
    for code in sorted(codes - already):
        if code in result.created_codes:
            continue
        result.changed += 1
        result.unchanged -= 1
        result.changes.append(f"{code}: {what} changed")


def plan_import(
    *,
    parsed: ParsedPlan,
    source_name: str = "",
    source_bytes: bytes = b"",
    slug: str | None = None,
    by: User | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Create or update a plan from a parsed document, all or nothing.

    Items are matched by code, so importing the same file twice changes nothing
    and an edited file updates items in place. With ``dry_run`` everything is
    computed and then rolled back, which is how the upload preview counts changes.
    """
    _check_items(parsed)
    if not parsed.items:
        raise ImportRefused("the document holds no items to import")
    slug = slugify(slug or parsed.short_name)[:120]
    if not slug:
        raise ImportRefused("the plan needs a short name made of letters or digits")
    with transaction.atomic():
        plan, created = _plan_for(parsed, slug)
        result = ImportResult(plan=plan, plan_created=created, dry_run=dry_run)
        by_code = _sync_items(plan, parsed, result)
        _sync_responsibilities(parsed, by_code, result)
        _sync_indicators(parsed, by_code, result)
        if source_bytes:
            plan.source_name = source_name[:255]
            plan.source_sha256 = hashlib.sha256(source_bytes).hexdigest()
            plan.save(update_fields=["source_name", "source_sha256", "updated_at"])
        if by is not None and by.pk and created:
            plan.managers.add(by)
        plan_rollup(plan=plan)
        if dry_run:
            transaction.set_rollback(True)
    return result


@transaction.atomic
def item_update(*, item: Item, version: int, values: dict[str, Any], by: User) -> Item:
    """Save an edit made through a form; refuse it if someone saved the item meanwhile."""
    for name, value in values.items():
        setattr(item, name, value)
    item.full_clean(exclude=["plan", "parent", "path"])
    updated = Item.objects.filter(pk=item.pk, version=version).update(
        **{name: getattr(item, name) for name in values},
        version=version + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(
            _(
                "Someone else saved this item while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            ),
            code="stale",
        )
    item.version = version + 1
    if {"status", "progress", "weight"} & set(values):
        item_rollup_ancestors(item=item)
    return item


@transaction.atomic
def plan_update(*, plan: Plan, version: int | None, values: dict[str, Any], by: User) -> Plan:
    """Save a plan's description; refuse it if someone saved the plan since ``version``
    (None, from a caller that saw no version, saves unchecked)."""
    for name, value in values.items():
        setattr(plan, name, value)
    plan.full_clean()
    stored = Plan.objects.filter(pk=plan.pk)
    if version is not None:
        stored = stored.filter(version=version)
    updated = stored.update(
        **{name: getattr(plan, name) for name in values},
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(
            _(
                "Someone else saved this plan while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            ),
            code="stale",
        )
    plan.refresh_from_db()
    return plan


@transaction.atomic
def responsibility_add(*, item: Item, organisation: Any, role: str, by: User) -> Responsibility:
    responsibility, _ = Responsibility.objects.get_or_create(
        item=item, organisation=organisation, role=role
    )
    return responsibility


@transaction.atomic
def responsibility_remove(*, responsibility: Responsibility, by: User) -> None:
    responsibility.delete()
