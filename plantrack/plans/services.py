"""Writes to plans: import, edits, responsibilities. Pages, the CLI and tests all call these."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

import plantrack.plans.permissions  # noqa: F401  (registers the plans.* rules used below)
from plantrack.accounts.models import User
from plantrack.history.services import Action, Entry, record
from plantrack.lib.retirement import set_retired
from plantrack.lib.rules import has
from plantrack.organisations.matching import OrganisationIndex
from plantrack.organisations.services import organisation_get_or_create
from plantrack.progress.models import Indicator

from . import events, translations
from .import_organisations import NewOrganisation, OrganisationReport, Suggestion
from .importers.base import ImportRefused, ParsedItem, ParsedPlan, ParsedResponsibility
from .importers.stakeholders import group_key, is_group
from .models import Item, Plan, Responsibility, StakeholderGroup, Status, path_segment
from .rollup import item_rollup_ancestors, plan_rollup
from .validation import clean_reason, validate_parsed_plan

if TYPE_CHECKING:
    from .language_import import LanguageImportResult

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
TREE_FIELDS = ("path", "depth", "position", "parent")
RETIRE_FIELDS = ("retired_at", "retired_reason", "version")
BATCH = 500
# A plan edited between reading the file and writing it is read again, this many times.
IMPORT_ATTEMPTS = 3


@dataclass
class ImportResult:
    plan: Plan
    plan_created: bool
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    retired: list[str] = field(default_factory=list)  # codes no longer in the file
    restored: list[str] = field(default_factory=list)  # retired codes back in the file
    conflicts: list[str] = field(default_factory=list)  # organisations not linked, and why
    organisations: OrganisationReport = field(default_factory=OrganisationReport)
    changes: list[str] = field(default_factory=list)  # human-readable lines
    dry_run: bool = False
    created_codes: set[str] = field(default_factory=set)
    # The document the existing plan was imported from, when this file seems to be another
    # one (see ``other_source``); updating it then needs ``allow_other_source=True``.
    other_source: str = ""
    draft: bool = False  # the plan is (or, for a new plan, will be) a draft

    def summary(self) -> str:
        counts = {"created": self.created, "changed": self.changed, "unchanged": self.unchanged}
        if self.retired:
            return _(
                "%(created)s created, %(changed)s changed, %(unchanged)s unchanged, "
                "%(retired)s retired"
            ) % {**counts, "retired": len(self.retired)}
        return _("%(created)s created, %(changed)s changed, %(unchanged)s unchanged") % counts


@dataclass
class _Prepared:
    """Everything an import will write, computed before the write transaction opens."""

    result: ImportResult
    slug: str
    source: str  # the file's name, for the retired items' reason
    plan: Plan | None  # the stored plan, or None when the import creates it
    plan_values: dict[str, Any]
    versions: dict[int, int]  # item pk -> version when read, to notice edits made meanwhile
    new_items: list[Item]  # in document order, so parents come before children
    updates: list[Item]
    update_fields: set[str]
    moved: list[Item]  # items whose path changes
    parent_of: dict[str, str | None]
    by_code: dict[str, Item]
    responsibilities: list[tuple[str, str, str]]  # (item code, organisation key, role)
    organisations: dict[str, int | None]  # key -> stored pk, None when to be created
    organisation_specs: dict[str, tuple[str, str, str]]  # key -> (name, acronym, kind)
    new_indicators: list[tuple[str, int, str]]  # (item code, position, text)
    changed_indicators: list[Indicator]
    indicator_column: str
    # (item code, group key) links to add, and key -> label of every group read
    group_links: set[tuple[str, str]] = field(default_factory=set)
    group_labels: dict[str, str] = field(default_factory=dict)
    stored_group_links: set[tuple[str, str]] | None = None  # read once, when first needed
    before: dict[int, dict[str, Any]] = field(default_factory=dict)  # item pk -> stored values
    entries: list[tuple[Item, Entry]] = field(default_factory=list)  # history, built early


class OtherSourceRefused(ImportRefused):
    """The plan was imported from another document, and replacing it was not confirmed."""


class _PlanChanged(Exception):
    """The plan was edited between reading and writing; read it again."""


# Paths under /plans/ that a plan's slug must not take.
RESERVED_PLAN_SLUGS = frozenset({"import"})


def import_slug(raw: str) -> str:
    """The one normalisation of a plan's short name into its slug; every door uses it.

    Underscores and every kind of dash count as a hyphen, so a look-alike such as
    ``dice_roadmap`` or ``dice–roadmap`` (an en dash) names the same plan as ``dice-roadmap``.
    """
    spaced = "".join("-" if ch == "_" or unicodedata.category(ch) == "Pd" else ch for ch in raw)
    return re.sub(r"-{2,}", "-", slugify(spaced))[:120].strip("-")


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
        # A file in English says nothing of the Mongolian texts it lacks: a Mongolian title
        # given in the site (or a working translation) survives an English re-import.
        other = {
            "label_mn": parsed.label_mn,
            "title_mn": parsed.title_mn,
            "body_mn": parsed.body_mn,
        }
        values.update({name: value for name, value in other.items() if value})
    return values


def _check_items(parsed: ParsedPlan) -> None:
    validate_parsed_plan(parsed)
    seen: set[str] = set()
    for item in parsed.items:
        if not item.code:
            raise ImportRefused(
                _("an item has no code; give every item a code"), line=item.source_line
            )
        if item.code in seen:
            raise ImportRefused(
                _("the code '%(code)s' is used twice; codes must be unique in a plan")
                % {"code": item.code},
                line=item.source_line,
            )
        if item.parent_code is not None and item.parent_code not in seen:
            raise ImportRefused(
                _(
                    "item '%(code)s' names parent '%(parent)s', which does not come before it; "
                    "list every parent before its children"
                )
                % {"code": item.code, "parent": item.parent_code},
                line=item.source_line,
            )
        if item.kind not in Item.Kind.values:
            raise ImportRefused(
                _("item '%(code)s' has unknown kind '%(kind)s'; use one of %(kinds)s")
                % {"code": item.code, "kind": item.kind, "kinds": ", ".join(Item.Kind.values)},
                line=item.source_line,
            )
        if item.status and item.status not in Status.values:
            raise ImportRefused(
                _("item '%(code)s' has unknown status '%(status)s'; use one of %(statuses)s")
                % {"code": item.code, "status": item.status, "statuses": ", ".join(Status.values)},
                line=item.source_line,
            )
        if item.progress is not None and not 0 <= item.progress <= 100:
            raise ImportRefused(
                _("item '%(code)s' has progress %(progress)s; it must be 0 to 100")
                % {"code": item.code, "progress": item.progress},
                line=item.source_line,
            )
        seen.add(item.code)


def check_import_permission(*, by: Any, plan: Plan | None, slug: str, system: bool) -> None:
    """Refuse an import its user may not make: only a plan's managers update it.

    ``by=None`` is the command line or another system job, and must say so with
    ``system=True``; a page always passes the signed-in user.
    """
    if system:
        return
    if by is None:
        raise PermissionDenied(_("An import needs the person who makes it."))
    if plan is None:
        if not has(by, "plans.import"):
            raise PermissionDenied(_("You may not create plans by import."))
    elif not has(by, "plans.change_plan", plan):
        raise PermissionDenied(
            _(
                "A plan with the short name “%(slug)s” already exists, and only its managers "
                "may update it. Choose another short name to create a new plan."
            )
            % {"slug": slug}
        )


def _plan_values(parsed: ParsedPlan) -> dict[str, Any]:
    english = "en" in parsed.languages
    values = {
        "short_name": parsed.short_name,
        "issuer": parsed.issuer,
        "adopted_on": parsed.adopted_on,
        "start_year": parsed.start_year,
        "end_year": parsed.end_year,
        "languages": ",".join(parsed.languages),
        "title_en" if english else "title_mn": parsed.title,
        "description_en" if english else "description_mn": parsed.description,
    }
    if english:  # as for items (_item_values): Mongolian the file lacks is kept
        other = {"title_mn": parsed.title_mn, "description_mn": parsed.description_mn}
        values.update({name: value for name, value in other.items() if value})
    return values


def _paths(
    parsed: ParsedPlan,
) -> tuple[dict[str, tuple[str, int, int]], dict[str | None, int]]:
    """code -> (path, depth, position) in document order, and children counted per parent."""
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
    return result, counters


def _tracking_values(parsed: ParsedItem) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if parsed.status:
        values["status"] = parsed.status
    if parsed.progress is not None:
        values["progress"] = parsed.progress
    if parsed.weight is not None:
        values["weight"] = parsed.weight
    return values


def _diff_items(prepared: _Prepared, parsed: ParsedPlan, existing: dict[str, Item]) -> None:
    """Match items by code: new ones, changed ones, moved ones, and ones no longer there."""
    result = prepared.result
    english = "en" in parsed.languages
    code_by_id = {item.pk: code for code, item in existing.items()}
    paths, counters = _paths(parsed)
    for entry in parsed.items:
        path, depth, position = paths[entry.code]
        values = {**_item_values(entry, english=english), **_tracking_values(entry)}
        item = existing.get(entry.code)
        prepared.parent_of[entry.code] = entry.parent_code
        if item is None:
            item = Item(code=entry.code, path=path, depth=depth, position=position, **values)
            prepared.new_items.append(item)
            result.created_codes.add(entry.code)
            result.created += 1
            prepared.by_code[entry.code] = item
            continue
        prepared.by_code[entry.code] = item
        differing = [name for name, value in values.items() if getattr(item, name) != value]
        # A changed source text marks the other language's translation as needing review.
        marks = translations.review_marks(
            stored={name: getattr(item, name) for name in translations.TEXT_COLUMNS},
            changed={name: values[name] for name in differing},
            translations=item.translations,
            source="en" if english else "mn",
        )
        if marks is not None:
            values["translations"] = marks
            differing.append("translations")
        touched = set(differing)
        if code_by_id.get(item.parent_id) != entry.parent_code:  # type: ignore[arg-type]
            differing.append("parent")
        restored = item.retired_at is not None
        if restored:
            item.retired_at, item.retired_reason = None, ""
            touched.update(RETIRE_FIELDS)
            result.restored.append(entry.code)
        if (item.path, item.depth, item.position) != (path, depth, position) or "parent" in (
            differing
        ):
            touched.update(TREE_FIELDS)
        if differing or restored:
            item.version += 1
            touched.add("version")
            result.changed += 1
            line = f"{', '.join(differing)} changed" if differing else ""
            if restored:
                line = "back in the plan, no longer retired" + (f"; {line}" if line else "")
            result.changes.append(f"{entry.code}: {line}")
        else:
            result.unchanged += 1
        for name, value in values.items():
            setattr(item, name, value)
        if item.path != path:
            prepared.moved.append(item)
        item.path, item.depth, item.position = path, depth, position
        if touched:
            prepared.updates.append(item)
            prepared.update_fields |= touched
    _diff_missing(prepared, existing, code_by_id, counters)


def _diff_missing(
    prepared: _Prepared,
    existing: dict[str, Item],
    code_by_id: dict[int, str],
    counters: dict[str | None, int],
) -> None:
    """Retire items the file no longer holds; place them after their live siblings."""
    result = prepared.result
    missing = sorted(
        (item for code, item in existing.items() if code not in prepared.by_code),
        key=lambda item: item.path,
    )
    reason = _("Not in the import of %(source)s") % {"source": prepared.source}
    now = timezone.now()
    for item in missing:
        parent_code = code_by_id.get(item.parent_id) if item.parent_id else None  # type: ignore[arg-type]
        position = counters.get(parent_code, 0) + 1
        counters[parent_code] = position
        parent = prepared.by_code.get(parent_code) if parent_code else None
        path = f"{parent.path}.{path_segment(position)}" if parent else path_segment(position)
        depth = parent.depth + 1 if parent else 1
        touched: set[str] = set()
        if item.retired_at is None:
            item.retired_at, item.retired_reason = now, reason[:300]
            item.version += 1
            touched.update(RETIRE_FIELDS)
            result.retired.append(item.code)
            result.changes.append(f"{item.code}: retired, not in the file — {item.title[:80]}")
        if (item.path, item.depth, item.position) != (path, depth, position):
            prepared.moved.append(item)
            item.path, item.depth, item.position = path, depth, position
            touched.update(("path", "depth", "position"))
        prepared.by_code[item.code] = item
        prepared.parent_of.setdefault(item.code, parent_code)
        if touched:
            prepared.updates.append(item)
            prepared.update_fields |= touched


def _diff_responsibilities(
    prepared: _Prepared, parsed: ParsedPlan, have: set[tuple[int, int, str]]
) -> None:
    """Match every name read against the registry: exact name, then acronym. A name that
    matches neither becomes a new organisation added unverified (a close registry name is
    suggested in the report, never applied); a category of actors becomes a group label."""
    index = OrganisationIndex.load()
    result = prepared.result
    report = result.organisations
    touched: set[str] = set()
    wanted: set[tuple[str, str, str]] = set()
    for entry in parsed.items:
        groups = list(entry.stakeholder_groups)
        for resp in entry.responsibilities:
            if is_group(resp.organisation):
                groups.append(resp.organisation)
                continue
            key = resp.acronym or resp.organisation
            if key not in prepared.organisations:
                _match_organisation(prepared, index, key, resp)
            triple = (entry.code, key, resp.role)
            if triple in wanted:
                continue
            wanted.add(triple)
            item, organisation_id = prepared.by_code[entry.code], prepared.organisations[key]
            if item.pk and organisation_id and (item.pk, organisation_id, resp.role) in have:
                continue
            prepared.responsibilities.append(triple)
            touched.add(entry.code)
        for label in groups:
            touched |= _diff_group(prepared, entry.code, label)
    report.groups = list(prepared.group_labels.values())
    _count_side_changes(result, touched, "responsibilities")


def _match_organisation(
    prepared: _Prepared, index: OrganisationIndex, key: str, resp: ParsedResponsibility
) -> None:
    result, report = prepared.result, prepared.result.organisations
    name, acronym, kind = resp.organisation, resp.acronym, resp.kind
    found = index.match(name=name, acronym=acronym)
    prepared.organisations[key] = found
    prepared.organisation_specs[key] = (name, acronym, kind)
    if found is not None:
        report.matched[name] = index.labels.get(found, name)
        return
    report.new.append(NewOrganisation(name=name, acronym=acronym, kind=kind))
    conflict = index.conflict(name=name, acronym=acronym)
    if conflict:
        result.conflicts.append(
            _(
                "“%(name)s” has the same name or acronym as “%(other)s”, which "
                "registered itself and is not verified; the import links a "
                "separate organisation instead."
            )
            % {"name": name, "other": conflict}
        )
        return
    suggested = index.suggest(name)
    if suggested is not None:
        report.suggestions.append(Suggestion(read=name, suggested=index.labels[suggested]))


def _diff_group(prepared: _Prepared, code: str, label: str) -> set[str]:
    """Record one stakeholder group label on an item; the codes whose links change."""
    key = group_key(label)[:200]  # StakeholderGroup.key
    if not key:
        return set()
    prepared.group_labels.setdefault(key, label)
    link = (code, key)
    if link in prepared.group_links:
        return set()
    item = prepared.by_code[code]
    if item.pk and link in _stored_groups(prepared):
        return set()
    prepared.group_links.add(link)
    return {code}


def _stored_groups(prepared: _Prepared) -> set[tuple[str, str]]:
    """(item code, group key) already stored for the plan, read once."""
    if prepared.stored_group_links is None:
        prepared.stored_group_links = set()
        if prepared.plan is not None:
            through = Item.stakeholder_groups.through
            prepared.stored_group_links = set(
                through.objects.filter(item__plan=prepared.plan).values_list(
                    "item__code", "stakeholdergroup__key"
                )
            )
    return prepared.stored_group_links


def _diff_indicators(
    prepared: _Prepared, parsed: ParsedPlan, existing: dict[tuple[int, int], Indicator]
) -> None:
    column = prepared.indicator_column
    touched = set()
    for entry in parsed.items:
        item = prepared.by_code[entry.code]
        for position, text in enumerate(entry.indicators, start=1):
            indicator = existing.get((item.pk, position)) if item.pk else None
            if indicator is None:
                prepared.new_indicators.append((entry.code, position, text))
                touched.add(entry.code)
            elif getattr(indicator, column) != text:
                setattr(indicator, column, text)
                prepared.changed_indicators.append(indicator)
                touched.add(entry.code)
    _count_side_changes(prepared.result, touched, "indicators")


def _count_side_changes(result: ImportResult, codes: set[str], what: str) -> None:
    """An item counts as changed once, whether its text, links or indicators changed."""
    already = {line.split(":", 1)[0] for line in result.changes}
    for code in sorted(codes - already):
        if code in result.created_codes:
            continue
        result.changed += 1
        result.unchanged -= 1
        result.changes.append(f"{code}: {what} changed")


def _same_words(a: str, b: str) -> bool:
    return bool(a.strip()) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def other_source(plan: Plan | None, parsed: ParsedPlan, source_name: str, data: bytes) -> str:
    """The stored plan's source document, if this file looks like a different document.

    A file counts as the same document (a new version of it) when it is byte for byte
    the one imported last, or has the same file name (any extension, any case), or
    gives the same title as the plan has. A plan never imported from a file has no
    source to protect. Returns "" when the import may go ahead without asking.
    """
    if plan is None or not plan.source_sha256:
        return ""
    if data and hashlib.sha256(data).hexdigest() == plan.source_sha256:
        return ""
    stem = source_name.rsplit(".", 1)[0] if "." in source_name else source_name
    stored_stem = plan.source_name.rsplit(".", 1)[0] if "." in plan.source_name else ""
    if _same_words(stem, stored_stem or plan.source_name):
        return ""
    if any(_same_words(parsed.title, title) for title in (plan.title_en, plan.title_mn)):
        return ""
    return plan.source_name or plan.slug


def _prepare(
    *,
    parsed: ParsedPlan,
    slug: str,
    by: Any,
    system: bool,
    dry_run: bool,
    source: str,
    data: bytes = b"",
    draft: bool = False,
) -> _Prepared:
    """Read the stored plan and compute every write, with no transaction open."""
    plan = Plan.objects.filter(slug=slug).first()
    check_import_permission(by=by, plan=plan, slug=slug, system=system)
    if plan is not None and plan.retired_at is not None:
        raise ImportRefused(
            _(
                "the plan “%(slug)s” is retired; restore it on its page before importing a new "
                "version, or import this document under another short name"
            )
            % {"slug": slug}
        )
    plan_values = _plan_values(parsed)
    if plan is None:
        plan_values["published_at"] = None if draft else timezone.now()
    shown = plan or Plan(slug=slug, **plan_values)
    english = "en" in parsed.languages
    prepared = _Prepared(
        result=ImportResult(
            plan=shown,
            plan_created=plan is None,
            dry_run=dry_run,
            other_source=other_source(plan, parsed, source, data),
            draft=shown.published_at is None,
        ),
        slug=slug,
        source=source or slug,
        plan=plan,
        plan_values=plan_values,
        versions={},
        new_items=[],
        updates=[],
        update_fields=set(),
        moved=[],
        parent_of={},
        by_code={},
        responsibilities=[],
        organisations={},
        organisation_specs={},
        new_indicators=[],
        changed_indicators=[],
        indicator_column="title_en" if english else "title_mn",
    )
    existing = {item.code: item for item in Item.objects.filter(plan=plan)} if plan else {}
    prepared.versions = {item.pk: item.version for item in existing.values()}
    prepared.before = events.import_snapshot(existing.values())
    _diff_items(prepared, parsed, existing)
    have: set[tuple[int, int, str]] = set()
    indicators: dict[tuple[int, int], Indicator] = {}
    if plan is not None:
        have = set(
            Responsibility.objects.filter(item__plan=plan).values_list(
                "item_id", "organisation_id", "role"
            )
        )
        indicators = {
            (ind.item_id, ind.position): ind
            for ind in Indicator.objects.filter(item__plan=plan)  # type: ignore[misc]
        }
    _diff_responsibilities(prepared, parsed, have)
    _diff_indicators(prepared, parsed, indicators)
    if not dry_run:
        prepared.entries = events.import_entries(prepared)
    return prepared


def _still_current(prepared: _Prepared, *, by: Any, system: bool) -> Plan | None:
    """Inside the write transaction: the plan and its items are as they were read."""
    plan = Plan.objects.filter(slug=prepared.slug).first()
    if (plan and plan.pk) != (prepared.plan and prepared.plan.pk):
        raise _PlanChanged
    if (
        plan is not None
        and prepared.plan is not None
        and (plan.source_sha256 != prepared.plan.source_sha256)
    ):
        raise _PlanChanged  # imported from another file meanwhile: ask again
    check_import_permission(by=by, plan=plan, slug=prepared.slug, system=system)
    if plan is not None:
        versions = dict(Item.objects.filter(plan=plan).values_list("pk", "version"))
        if versions != prepared.versions:
            raise _PlanChanged
    return plan


def _save_plan(
    prepared: _Prepared,
    plan: Plan | None,
    source_name: str,
    data: bytes,
    mapping: dict[str, Any] | None = None,
) -> Plan:
    values = prepared.plan_values
    if plan is None:
        try:
            with transaction.atomic():
                plan = Plan.objects.create(slug=prepared.slug, **values)
        except IntegrityError as exc:
            if Plan.objects.filter(slug=prepared.slug).exists():
                raise _PlanChanged from exc  # someone created it a moment ago: read it again
            raise ImportRefused(
                _("the plan's details were refused by the database (%(reason)s); correct them")
                % {"reason": str(exc)[:200]}
            ) from exc
    changed = [name for name, value in values.items() if value and getattr(plan, name) != value]
    for name in changed:
        setattr(plan, name, values[name])
    if data:
        plan.source_name = source_name[:255]
        plan.source_sha256 = hashlib.sha256(data).hexdigest()
        changed += ["source_name", "source_sha256"]
    if mapping is not None and plan.import_mapping != mapping:
        plan.import_mapping = mapping
        changed.append("import_mapping")
    if changed:
        plan.save(update_fields=[*changed, "updated_at"])
        # An edit form opened before this import must not silently write over it.
        Plan.objects.filter(pk=plan.pk).update(version=F("version") + 1)
        plan.refresh_from_db(fields=["version"])
    return plan


def _bulk_update(items: list[Item], names: Iterable[str]) -> None:
    """``QuerySet.bulk_update`` as ``UPDATE … FROM (VALUES …)``, batched by parameter count.

    Django's own builds a ``CASE`` expression per row and field in Python, which takes
    seconds for 10,000 rows while the write lock is held; this is one plain statement
    per batch on SQLite (3.33+) and PostgreSQL alike.
    """
    if not items:
        return
    fields = [Item._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    table = quote(Item._meta.db_table)
    columns: list[str] = ["id", *(str(field.column) for field in fields)]  # type: ignore[union-attr]
    # PostgreSQL types VALUES from its parameters; SQLite needs (and wants) no casts.
    if connection.vendor == "postgresql":
        types = [Item._meta.pk.db_type(connection), *(f.db_type(connection) for f in fields)]  # type: ignore[union-attr]
        row = "(" + ", ".join(f"CAST(%s AS {kind})" for kind in types) + ")"
    else:
        row = "(" + ", ".join("%s" for _ in columns) + ")"
    limit = connection.features.max_query_params or BATCH * len(columns)
    per_batch = max(1, min(BATCH, limit // len(columns)))
    names_sql = ", ".join(quote(column) for column in columns)
    sets = ", ".join(f"{quote(column)} = v.{quote(column)}" for column in columns[1:])
    # A time is the same for every row (``updated_at``): converted once, not 10,000 times.
    times: dict[Any, Any] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(items), per_batch):
            batch = items[start : start + per_batch]
            params: list[Any] = []
            for item in batch:
                params.append(item.pk)
                for f in fields:
                    value = getattr(item, f.attname)  # type: ignore[union-attr]
                    if isinstance(f, models.DateTimeField):
                        if value not in times:
                            times[value] = f.get_db_prep_save(value, connection)
                        params.append(times[value])
                    else:
                        params.append(f.get_db_prep_save(value, connection))  # type: ignore[union-attr]
            cursor.execute(
                f"WITH v({names_sql}) AS (VALUES {', '.join([row] * len(batch))}) "
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.{quote('id')} = v.{quote('id')}",
                params,
            )


def _apply_items(prepared: _Prepared, plan: Plan) -> None:
    """Write the items in a fixed number of bulk queries, never one per row."""
    final_paths = {id(item): item.path for item in prepared.moved}
    # Moved items step out of the way first, so the unique (plan, path) index never clashes.
    for item in prepared.moved:
        item.path = f"~{item.pk}"
    _bulk_update(prepared.moved, ["path"])
    for item in prepared.moved:
        item.path = final_paths[id(item)]
    by_code, parent_of = prepared.by_code, prepared.parent_of
    by_depth: dict[int, list[Item]] = {}
    for item in prepared.new_items:
        item.plan = plan
        by_depth.setdefault(item.depth, []).append(item)
    for depth in sorted(by_depth):
        for item in by_depth[depth]:
            parent_code = parent_of[item.code]
            item.parent = by_code[parent_code] if parent_code else None
        Item.objects.bulk_create(by_depth[depth], batch_size=BATCH)
    now = timezone.now()
    for item in prepared.updates:
        if item.retired_at is None:
            parent_code = parent_of[item.code]
            item.parent = by_code[parent_code] if parent_code else None
        item.updated_at = now
    fields = sorted(prepared.update_fields | {"updated_at"})
    _bulk_update(prepared.updates, fields)


def _apply_links(prepared: _Prepared, *, public: bool = True) -> None:
    index = OrganisationIndex.load() if None in prepared.organisations.values() else None
    organisations: dict[str, int] = {k: pk for k, pk in prepared.organisations.items() if pk}
    by_code = prepared.by_code
    for key, pk in prepared.organisations.items():
        if pk is None and index is not None:
            name, acronym, kind = prepared.organisation_specs[key]
            # Not in the registry: added, marked as added by an import, and unverified.
            organisations[key] = organisation_get_or_create(
                name=name,
                acronym=acronym,
                kind=kind,
                index=index,
                created_by_import=True,
                public=public,
            ).pk
    # Two spellings of one body in a row ("NPA", "National Police Agency") link it once.
    links = {(code, organisations[key], role) for code, key, role in prepared.responsibilities}
    Responsibility.objects.bulk_create(
        [
            Responsibility(item=by_code[code], organisation_id=organisation_id, role=role)
            for code, organisation_id, role in sorted(links, key=str)
        ],
        batch_size=BATCH,
    )
    _apply_groups(prepared)
    column = prepared.indicator_column
    Indicator.objects.bulk_create(
        [
            Indicator(item=by_code[code], position=position, **{column: text})
            for code, position, text in prepared.new_indicators
        ],
        batch_size=BATCH,
    )
    Indicator.objects.bulk_update(prepared.changed_indicators, [column], batch_size=BATCH)


def _apply_groups(prepared: _Prepared) -> None:
    """Create the stakeholder groups read (one per key) and label the items with them."""
    if not prepared.group_links:
        return
    keys = {key for _code, key in prepared.group_links}
    groups = {g.key: g for g in StakeholderGroup.objects.filter(key__in=keys)}
    for key in sorted(keys - set(groups)):
        label = prepared.group_labels[key][:200]
        cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in label)
        # get_or_create: another import may have added the same group a moment ago.
        groups[key], _created = StakeholderGroup.objects.get_or_create(
            key=key, defaults={"name_mn": label} if cyrillic else {"name_en": label}
        )
    through = Item.stakeholder_groups.through
    through.objects.bulk_create(
        [
            through(item_id=prepared.by_code[code].pk, stakeholdergroup_id=groups[key].pk)
            for code, key in sorted(prepared.group_links)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def plan_import(
    *,
    parsed: ParsedPlan,
    source_name: str = "",
    source_bytes: bytes = b"",
    slug: str | None = None,
    by: User | None = None,
    system: bool = False,
    dry_run: bool = False,
    mapping: dict[str, Any] | None = None,
    draft: bool = False,
    allow_other_source: bool = False,
) -> ImportResult:
    """Create or update a plan from a parsed document, all or nothing.

    Items are matched by code, so importing the same file twice changes nothing
    and an edited file updates items in place; items the file no longer holds are
    retired. ``by`` must be allowed to change the plan (or, for a new plan, to
    import plans); only the command line passes ``system=True`` instead.

    Reading, comparing and checking happen before any transaction opens; the
    writes are one short transaction of bulk queries. ``dry_run`` computes the
    same result and writes nothing, which is how the upload preview counts changes.
    ``mapping`` (JSON data, see ``importers.mapping.Mapping``) is the mapping the file
    was read with; it is stored with the plan (``Plan.import_mapping``) for the next
    version of the document. ``None`` stores the mapping the file was read with
    (``parsed.mapping``), if one was given to the reader; else the stored one stays.

    ``draft=True`` creates a new plan as a draft, seen only by its managers and the site
    administrators until ``plan_publish``; an existing plan keeps its published state.
    Updating a plan imported from a different document (``other_source``) is refused
    unless ``allow_other_source=True``, which the page's checkbox and the command's
    ``--replace-source`` give.
    """
    if mapping is None and parsed.mapping:
        mapping = dict(parsed.mapping)
    _check_items(parsed)
    if not parsed.items:
        raise ImportRefused(
            _("the document holds no items to import; number its items or use the template")
        )
    # A document with no title of its own is named after its file, as office programs do.
    slug = import_slug(slug or parsed.short_name or PurePath(source_name).stem)
    if slug in RESERVED_PLAN_SLUGS:
        raise ImportRefused(
            _("the short name %(slug)r is used by the site's own pages; choose another")
            % {"slug": slug}
        )
    if not slug:
        raise ImportRefused(
            _(
                "the document has no title to name the plan by; give the plan a short name "
                "of letters or digits (the short name field on the upload form, --plan NAME "
                "at the command line, or '# short_name:' in the template)"
            )
        )
    for _attempt in range(IMPORT_ATTEMPTS):
        prepared = _prepare(
            parsed=parsed,
            slug=slug,
            by=by,
            system=system,
            dry_run=dry_run,
            source=source_name,
            data=source_bytes,
            draft=draft,
        )
        if dry_run:
            return prepared.result
        if prepared.result.other_source and not allow_other_source:
            raise OtherSourceRefused(
                _(
                    "the plan “%(slug)s” was imported from another document (%(source)s); "
                    "to replace it with this file, confirm that you mean to update it from a "
                    "different document (on the preview page, or with --replace-source), or "
                    "choose another short name to create a new plan"
                )
                % {"slug": slug, "source": prepared.result.other_source}
            )
        try:
            with transaction.atomic():
                plan = _still_current(prepared, by=by, system=system)
                plan = _save_plan(prepared, plan, source_name, source_bytes, mapping)
                _apply_items(prepared, plan)
                _apply_links(prepared, public=plan.published_at is not None)
                events.record_import(prepared, plan, by=by, source_name=source_name)
                if by is not None and by.pk and prepared.plan is None:
                    plan.managers.add(by)
                plan_rollup(plan=plan)
        except _PlanChanged:
            continue
        prepared.result.plan = plan
        return prepared.result
    raise ImportRefused(
        _(
            "the plan was changed by someone else while this file was being imported; "
            "import it again"
        )
    )


def plan_publish(*, plan: Plan, by: User | None) -> Plan:
    """Make a draft plan public. Only its managers and the site administrators may."""
    if by is None or not has(by, "plans.change_plan", plan):
        raise PermissionDenied(_("Only this plan's managers may publish it."))
    with transaction.atomic():
        updated = Plan.objects.filter(pk=plan.pk, published_at__isnull=True).update(
            published_at=timezone.now(), version=F("version") + 1, updated_at=timezone.now()
        )
        if updated:
            record(
                plan,
                Action.PUBLISHED,
                by=by,
                label=plan.short_name,
                plan_id=plan.pk,
                changes={"published": [False, True]},
            )
    if updated:
        plan.refresh_from_db(fields=["published_at", "version", "updated_at"])
    return plan


@transaction.atomic
def item_update(
    *, item: Item, version: int, values: dict[str, Any], by: User, reason: str = ""
) -> Item:
    """Save an edit made through a form; refuse it if someone saved the item meanwhile.

    Setting the status or progress of an item that has an approved progress report
    overrides what its reporters said, so it needs a ``reason`` (shown in its history).
    Only the plan's managers and the site administrators may edit it."""
    if by is None or not has(by, "plans.change_plan", item.plan):
        raise PermissionDenied(_("Only this plan's managers may change it."))
    # A changed source text marks the other language's translation as needing review.
    values = translations.after_source_edit(item=item, values=values)
    before = Item.objects.filter(pk=item.pk).values(*values).first() or {}
    if reason_required(item, before, values) and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "This item's progress was reported and approved. Say why you change "
                    "its status or progress."
                )
            },
            code="reason_required",
        )
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
    events.record_item_update(item, before, values, by=by, reason=reason.strip())
    return item


def reason_required(item: Item, before: dict[str, Any], values: dict[str, Any]) -> bool:
    """Does this edit override an approved progress report (status or progress changed)?"""
    from plantrack.progress.models import ProgressUpdate

    changed = any(
        name in values and values[name] != before.get(name) for name in ("status", "progress")
    )
    approved = ProgressUpdate.objects.filter(item=item, state=ProgressUpdate.State.APPROVED)
    return changed and approved.exists()


@transaction.atomic
def plan_update(*, plan: Plan, version: int | None, values: dict[str, Any], by: User) -> Plan:
    """Save a plan's description; refuse it if someone saved the plan since ``version``
    (None, from a caller that saw no version, saves unchecked). Only the plan's managers
    and the site administrators may."""
    if by is None or not has(by, "plans.change_plan", plan):
        raise PermissionDenied(_("Only this plan's managers may change it."))
    before = Plan.objects.filter(pk=plan.pk).values(*values).first() or {}
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
    events.record_plan_update(plan, before, by=by)
    return plan


def _plan_retirement(plan: Plan, version: int | None, by: User | None) -> Plan:
    if by is None or not has(by, "plans.change_plan", plan):
        raise PermissionDenied(_("Only this plan's managers may retire or restore it."))
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if version is not None and current.version != version:
        raise ValidationError(
            _(
                "Someone else saved this plan while you were looking at it. "
                "Reload the page to see their changes, then try again."
            ),
            code="stale",
        )
    return current


@transaction.atomic
def plan_retire(*, plan: Plan, reason: str, version: int | None, by: User | None) -> Plan:
    """Retire a plan that no longer applies (replaced, repealed): it is never deleted; its
    pages and history stay, marked retired with the reason, and it leaves the lists of
    current plans. Its items take no more progress reports."""
    reason = clean_reason(reason)
    current = _plan_retirement(plan, version, by)
    if current.retired_at is not None:
        raise ValidationError(_("This plan is already retired."), code="retired")
    return set_retired(
        current, reason=reason, by=by, plan_id=current.pk, public=current.published_at is not None
    )


@transaction.atomic
def plan_restore(*, plan: Plan, version: int | None, by: User | None) -> Plan:
    current = _plan_retirement(plan, version, by)
    if current.retired_at is None:
        raise ValidationError(_("This plan is not retired."), code="not_retired")
    return set_retired(
        current, reason=None, by=by, plan_id=current.pk, public=current.published_at is not None
    )


@transaction.atomic
def responsibility_add(*, item: Item, organisation: Any, role: str, by: User) -> Responsibility:
    responsibility, created = Responsibility.objects.get_or_create(
        item=item, organisation=organisation, role=role
    )
    if created:
        events.record_responsibility(responsibility, "added", by=by)
    return responsibility


@transaction.atomic
def responsibility_remove(*, responsibility: Responsibility, by: User) -> None:
    events.record_responsibility(responsibility, "removed", by=by)
    responsibility.delete()


def plan_import_language(
    *,
    plan: Plan,
    parsed: ParsedPlan,
    language: str | None = None,
    by: User | None = None,
    system: bool = False,
    dry_run: bool = False,
    source_name: str = "",
) -> LanguageImportResult:
    """Import ``parsed`` as the ``language`` version ("mn" or "en"; None reads it from the
    text) of ``plan``: items matched by code get the file's labels, titles and bodies in
    that language, marked official; the plan its title and description and the language.
    Nothing else changes: no item is created, moved or retired, and statuses, progress,
    weights and responsibilities stay. A file in the language the plan's items already
    have is refused (import it as a new version instead). Only the plan's managers and
    the site administrators may (``system=True`` for the command line). One short
    transaction; one history event per changed item and one for the plan.
    Returns a ``language_import.LanguageImportResult``; ``dry_run`` writes nothing.
    """
    from .language_import import import_language_version

    return import_language_version(
        plan=plan,
        parsed=parsed,
        language=language,
        by=by,
        system=system,
        dry_run=dry_run,
        source_name=source_name,
    )
