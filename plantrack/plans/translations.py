"""The translation workflow: a plan's item texts from one language into the other.

Every write of a translation goes through ``translations_save`` (the translate page) or
``translations_import`` (an XLIFF or XLSX file from a translator, read by
``translation_files``); both end in ``_write``, which checks each item's ``version``
(a stale row is refused with a message, the others are saved), validates with the
model's own validators, sets the state of each language column in ``Item.translations``
(saved text is ``unofficial`` unless marked official; emptied text loses its state) and
appends one history event per changed item, all in one transaction.

A changed *source* text makes the other language's existing translation
``needs_review``: ``review_marks`` decides, and ``item_update`` and ``plan_import`` call it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.history.models import Action
from plantrack.history.services import Entry, append, diff
from plantrack.lib.bilingual import (
    CONTENT_LANGUAGES,
    NEEDS_REVIEW,
    OFFICIAL,
    UNOFFICIAL,
    translation_state,
)
from plantrack.lib.rules import has

from .events import item_label
from .models import Item, Plan

# The item texts a translator works on, in the order the page shows them.
FIELDS = ("title", "body", "label")
TEXT_COLUMNS = tuple(f"{name}_{lang}" for name in FIELDS for lang in CONTENT_LANGUAGES)
# The columns a count or the "untranslated" filter looks at (labels are short headings,
# often only "Goal 7", so they are optional and not counted).
COUNTED = ("title", "body")
UNTRANSLATED, ALL = "untranslated", "all"
FILTERS = (UNTRANSLATED, NEEDS_REVIEW, ALL)


def other_language(lang: str) -> str:
    return "en" if lang == "mn" else "mn"


def source_language(plan: Plan) -> str:
    """The language the plan's document was imported in: its main text columns
    (``plan_import`` writes English columns when the file's languages include English)."""
    return "en" if "en" in (plan.languages or "").replace(" ", "").split(",") else "mn"


def norm(text: str | None) -> str:
    """A text as compared and hashed: line ends made one, outer white space dropped."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def source_hash(text: str | None) -> str:
    return hashlib.sha256(norm(text).encode("utf-8")).hexdigest()


# -- Counts and the filter -----------------------------------------------------------------


def missing_q(source: str, target: str) -> Q:
    """Items with a source text (title or description) whose target text is empty."""
    q = Q()
    for name in COUNTED:
        q |= ~Q(**{f"{name}_{source}": ""}) & Q(**{f"{name}_{target}": ""})
    return q


def review_q(target: str) -> Q:
    """Items with a target text marked as needing review."""
    q = Q()
    for name in FIELDS:
        q |= Q(**{f"translations__{name}_{target}": NEEDS_REVIEW})
    return q


def live_items(plan: Plan) -> Any:
    return Item.objects.filter(plan=plan, retired_at__isnull=True)


def translation_counts(plan: Plan) -> dict[str, dict[str, int]]:
    """Per target language: how many live items are untranslated and how many need
    review, in one query (conditional counts)."""
    aggregates: dict[str, Any] = {}
    for target in CONTENT_LANGUAGES:
        source = other_language(target)
        aggregates[f"missing_{target}"] = Count("pk", filter=missing_q(source, target))
        aggregates[f"review_{target}"] = Count("pk", filter=review_q(target))
    row = live_items(plan).aggregate(**aggregates)
    return {
        target: {"untranslated": row[f"missing_{target}"], "needs_review": row[f"review_{target}"]}
        for target in CONTENT_LANGUAGES
    }


def untranslated_count(plan: Plan) -> int:
    """Live items of the plan without a translation into the other language than its own."""
    target = other_language(source_language(plan))
    return int(
        live_items(plan).aggregate(n=Count("pk", filter=missing_q(source_language(plan), target)))[
            "n"
        ]
    )


def filtered_items(plan: Plan, *, source: str, target: str, which: str) -> Any:
    items = live_items(plan)
    if which == UNTRANSLATED:
        items = items.filter(missing_q(source, target))
    elif which == NEEDS_REVIEW:
        items = items.filter(review_q(target))
    return items.order_by("path")


def row_state(item: Item, *, source: str, target: str) -> str:
    """The state a row shows: untranslated, needs_review, unofficial or official."""
    states = []
    for name in FIELDS:
        has_source = bool(norm(getattr(item, f"{name}_{source}")))
        has_target = bool(norm(getattr(item, f"{name}_{target}")))
        if has_source and not has_target and name in COUNTED:
            return UNTRANSLATED
        if has_target:
            states.append(translation_state(item, name, target))
    for state in (NEEDS_REVIEW, UNOFFICIAL):
        if state in states:
            return state
    return OFFICIAL if states else UNTRANSLATED


# -- A changed source marks its translation --------------------------------------------


def review_marks(
    *,
    stored: Mapping[str, Any],
    changed: Mapping[str, Any],
    translations: Mapping[str, str] | None,
    source: str,
) -> dict[str, str] | None:
    """The translation states after the columns in ``changed`` take their new values, or
    None when they stay as they are.

    A text whose other-language version exists (and is not changed too) makes that
    version ``needs_review`` when the changed text is in the plan's source language, or
    when the other version is itself a translation (not official)."""
    states = dict(translations or {})
    for column, new in changed.items():
        name, _sep, lang = column.rpartition("_")
        if name not in FIELDS or lang not in CONTENT_LANGUAGES:
            continue
        if norm(stored.get(column)) == norm(new):
            continue
        other = f"{name}_{other_language(lang)}"
        if not norm(stored.get(other)):
            continue
        if other in changed and norm(changed[other]) != norm(stored.get(other)):
            continue  # both versions were edited together
        if lang == source or states.get(other, OFFICIAL) != OFFICIAL:
            states[other] = NEEDS_REVIEW
    return states if states != dict(translations or {}) else None


def after_source_edit(*, item: Item, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` for ``item_update``, with ``translations`` added when a source text
    changes under an existing translation. A caller that sets ``translations`` itself
    is left alone. One query, only when a text column is edited."""
    if "translations" in values or not set(values) & set(TEXT_COLUMNS):
        return values
    stored = (
        Item.objects.filter(pk=item.pk)
        .values(*TEXT_COLUMNS, "translations", "plan__languages")
        .first()
    )
    if stored is None:
        return values
    plan = Plan(languages=stored["plan__languages"])
    marks = review_marks(
        stored=stored,
        changed={k: v for k, v in values.items() if k in TEXT_COLUMNS},
        translations=stored["translations"],
        source=source_language(plan),
    )
    return values if marks is None else {**values, "translations": marks}


# -- Saving ---------------------------------------------------------------------------------


@dataclass
class TranslationRow:
    """One item's target texts as a page or a file gives them.

    ``texts`` maps a field ("title", "body", "label") to the target text. From the page,
    ``official`` is the row's checkbox and ``reviewed`` confirms a translation that needs
    review; from a file, ``states`` gives each field's state (None: leave it as it is).
    """

    code: str
    version: int
    texts: dict[str, str]
    official: bool = False
    reviewed: bool = False
    states: dict[str, str | None] | None = None
    where: str = ""  # how messages name the row ("unit 7.1.1:title", "row 12")


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)  # codes of the items changed
    unchanged: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # code -> why


def _check_permission(plan: Plan, by: Any) -> None:
    if by is None or not has(by, "plans.change_plan", plan):
        raise PermissionDenied(_("Only this plan's managers may translate it."))


def _row_official(item: Item, target: str) -> bool:
    """What the row's "official translation" box showed: every target text official."""
    present = [name for name in FIELDS if norm(getattr(item, f"{name}_{target}"))]
    return bool(present) and all(
        translation_state(item, name, target) == OFFICIAL for name in present
    )


def _new_state(row: TranslationRow, item: Item, name: str, target: str, changed: bool) -> str:
    old = translation_state(item, name, target)
    if row.states is not None:
        state = row.states.get(name)
        return old if state is None else state
    shown_official = _row_official(item, target)
    if row.official:
        return OFFICIAL
    if changed or row.reviewed or shown_official:
        return UNOFFICIAL
    return old


def _planned(row: TranslationRow, item: Item, target: str) -> tuple[dict[str, str], dict]:
    """(column -> new text, new translations) for one row; unchanged ones left out."""
    texts: dict[str, str] = {}
    states = dict(item.translations or {})
    for name, typed in row.texts.items():
        if name not in FIELDS:
            continue
        column = f"{name}_{target}"
        old, new = getattr(item, column) or "", norm(typed)
        changed = norm(old) != new
        if changed:
            texts[column] = new
        if not new:
            states.pop(column, None)
            continue
        state = _new_state(row, item, name, target, changed)
        if state == OFFICIAL:
            states.pop(column, None)
        else:
            states[column] = state
    return texts, states


def _write(
    *, plan: Plan, target: str, rows: Iterable[TranslationRow], by: Any, reason: str
) -> SaveResult:
    result = SaveResult()
    rows = list(rows)
    items = {i.code: i for i in Item.objects.filter(plan=plan, code__in=[r.code for r in rows])}
    entries: list[Entry] = []
    now = timezone.now()
    for row in rows:
        item = items.get(row.code)
        where = row.where or row.code
        if item is None:
            result.refused[row.code] = _("%(where)s: no item with this code in the plan.") % {
                "where": where
            }
            continue
        texts, states = _planned(row, item, target)
        # A row that asks for what is stored changes nothing, whoever saved the item last.
        if not texts and states == (item.translations or {}):
            result.unchanged += 1
            continue
        if item.version != row.version:
            result.refused[row.code] = _stale(where)
            continue
        before = {**{c: getattr(item, c) for c in texts}, "translations": item.translations}
        for column, text in texts.items():
            setattr(item, column, text)
        item.translations = states
        try:
            item.clean_fields(exclude=[f.name for f in Item._meta.fields if f.name not in before])
        except ValidationError as exc:
            result.refused[row.code] = _("%(where)s: %(problem)s") % {
                "where": where,
                "problem": " ".join(exc.messages),
            }
            continue
        updated = Item.objects.filter(pk=item.pk, version=row.version).update(
            **texts, translations=states, version=F("version") + 1, updated_at=now
        )
        if not updated:
            result.refused[row.code] = _stale(where)
            continue
        item.version = row.version + 1
        after = {**texts, "translations": states}
        entries.append(
            Entry(
                action=Action.CHANGED,
                object_type="plans.item",
                object_id=str(item.pk),
                label=item_label(item),
                plan_id=plan.pk,
                item_id=item.pk,
                changes=diff(before, after),
                reason=reason,
            )
        )
        result.saved.append(item.code)
    append(entries, by=by)
    return result


def _stale(where: str) -> str:
    return _(
        "%(where)s: someone else saved this item after you opened the page; "
        "your text for it was not saved. Reload to see theirs, then translate it again."
    ) % {"where": where}


@transaction.atomic
def translations_save(
    *, plan: Plan, target: str, rows: Iterable[TranslationRow], by: Any
) -> SaveResult:
    """Save one page of the translate view: each row's target texts and its "official"
    box. A row whose item was saved by someone else since the page was shown is refused
    (its message in ``refused``); the others are saved, one history event each."""
    _check_permission(plan, by)
    if target not in CONTENT_LANGUAGES:
        raise ValidationError(_("Choose Mongolian or English as the language to translate into."))
    names = LANGUAGE_NAMES_EN
    reason = f"translation {names[other_language(target)]} → {names[target]}"
    return _write(plan=plan, target=target, rows=rows, by=by, reason=reason)


# Stored in history reasons (hashed, so one language, like the import's summary lines).
LANGUAGE_NAMES_EN = {"mn": "Mongolian", "en": "English"}


# -- Files for translators ------------------------------------------------------------------


def export_units(plan: Plan, *, source: str, target: str) -> list[Any]:
    """Every text of the plan's live items that has a source, in document order."""
    from .translation_files import UNTRANSLATED as NO_TARGET
    from .translation_files import ExportUnit

    units = []
    columns = ("code", *TEXT_COLUMNS, "translations")
    for item in live_items(plan).order_by("path").only(*columns):
        for name in FIELDS:
            text = norm(getattr(item, f"{name}_{source}"))
            if not text:
                continue
            target_text = norm(getattr(item, f"{name}_{target}"))
            state = translation_state(item, name, target) if target_text else NO_TARGET
            units.append(
                ExportUnit(
                    code=item.code,
                    field=name,
                    source=text,
                    target=target_text,
                    state=state,
                    source_sha256=source_hash(text),
                )
            )
    return units


@dataclass
class ImportReport:
    format_name: str
    source: str
    target: str
    saved: list[str] = field(default_factory=list)  # codes of items changed
    review: list[str] = field(default_factory=list)  # "code field" marked needs_review
    unchanged: int = 0
    refused: dict[str, str] = field(default_factory=dict)


def _file_problems(plan: Plan, parsed: Any, items: dict[str, Item]) -> list[str]:
    from .translation_files import FIELD_NAMES

    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    label_limit = Item._meta.get_field("label_en").max_length or 200
    for unit in parsed.units:
        if unit.code not in items:
            problems.append(
                _("%(where)s: the plan has no item with the code “%(code)s”")
                % {"where": unit.where, "code": unit.code[:60]}
            )
        elif unit.field not in FIELD_NAMES:
            problems.append(
                _("%(where)s: “%(field)s” is not a text of an item; use title, body or label")
                % {"where": unit.where, "field": unit.field[:40]}
            )
        elif (unit.code, unit.field) in seen:
            problems.append(
                _("%(where)s: %(code)s %(field)s appears twice in the file")
                % {"where": unit.where, "code": unit.code, "field": unit.field}
            )
        elif "\x00" in unit.target:
            problems.append(
                _("%(where)s: the translation contains a NUL character (\\x00); remove it")
                % {"where": unit.where}
            )
        elif unit.field == "label" and len(norm(unit.target)) > label_limit:
            problems.append(
                _("%(where)s: the label is %(length)s characters long; the limit is %(limit)s")
                % {"where": unit.where, "length": len(norm(unit.target)), "limit": label_limit}
            )
        seen.add((unit.code, unit.field))
    return problems


def _import_rows(parsed: Any, items: dict[str, Item], report: ImportReport) -> list[TranslationRow]:
    """The rows a file changes: a new or different target (needs_review when its source
    changed since the export), or a state the translator changed on an unchanged text.
    An empty target never erases a stored translation."""
    rows: dict[str, TranslationRow] = {}
    source, target = parsed.source, parsed.target
    for unit in parsed.units:
        item = items[unit.code]
        current_source = getattr(item, f"{unit.field}_{source}")
        stored = norm(getattr(item, f"{unit.field}_{target}"))
        new = norm(unit.target)
        if not new:
            continue
        moved = (
            unit.source_sha256 != source_hash(current_source)
            if unit.source_sha256
            else norm(unit.source) != norm(current_source)
        )
        state = translation_state(item, unit.field, target)
        if new != stored:
            wanted = NEEDS_REVIEW if moved else (unit.state or UNOFFICIAL)
            if moved:
                report.review.append(f"{unit.code} {unit.field}")
        elif unit.state is not None and unit.state != state and not moved:
            wanted = unit.state
        else:
            continue
        row = rows.setdefault(
            unit.code,
            TranslationRow(code=unit.code, version=item.version, texts={}, states={}),
        )
        row.texts[unit.field] = new
        assert row.states is not None
        row.states[unit.field] = wanted
        row.where = unit.where if not row.where else row.where
    return list(rows.values())


def translations_import(
    *, plan: Plan, data: bytes, file_name: str, by: Any, limits: Any = None
) -> ImportReport:
    """Import a translator's XLIFF or XLSX file into ``plan``: texts matched by code and
    field, only targets (or states) that differ are written. A file for another plan, in
    other languages, or with unknown codes is refused whole (``ImportRefused``, naming the
    units or rows); nothing is written then."""
    from .importers.base import ImportRefused
    from .importers.limits import current
    from .translation_files import read_translation_file

    _check_permission(plan, by)
    parsed = read_translation_file(
        data, limits or current(max_bytes=settings.PLANTRACK_MAX_IMPORT_BYTES)
    )
    if parsed.slug != plan.slug:
        raise ImportRefused(
            _(
                "this file was exported from the plan “%(other)s”, not “%(plan)s”; import it "
                "on that plan's translate page, or export this plan's texts"
            )
            % {"other": parsed.slug[:120] or "?", "plan": plan.slug}
        )
    items = {i.code: i for i in Item.objects.filter(plan=plan)}
    problems = _file_problems(plan, parsed, items)
    if problems:
        from .translation_files import _refuse

        raise _refuse(problems)
    report = ImportReport(
        format_name=parsed.format_name, source=parsed.source, target=parsed.target
    )
    rows = _import_rows(parsed, items, report)
    names = LANGUAGE_NAMES_EN
    reason = f"{file_name[:120]}: translation {names[parsed.source]} → {names[parsed.target]}"
    with transaction.atomic():
        _check_permission(plan, by)
        saved = _write(plan=plan, target=parsed.target, rows=rows, by=by, reason=reason)
    report.saved, report.refused = saved.saved, saved.refused
    report.unchanged = len({u.code for u in parsed.units}) - len(saved.saved) - len(saved.refused)
    return report
