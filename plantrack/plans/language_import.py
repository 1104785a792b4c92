"""Import another language's version of a plan already imported, matching items by code.

A plan imported from its English document gains its Mongolian texts from the Mongolian
document (or the other way round): every item whose code the file holds gets the file's
label, title and body in that language, marked official. Nothing else changes: no item
is created, moved or retired; statuses, progress, weights and responsibilities stay.
``services.plan_import_language`` is the door pages and the command call.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from plantrack.history.models import Action, ActorKind
from plantrack.history.services import Entry, append_many, diff
from plantrack.lib.bilingual import CONTENT_LANGUAGES
from plantrack.lib.rules import has

from . import events
from .importers.base import ImportRefused, ParsedPlan
from .models import Item, Plan
from .validation import validate_parsed_plan

ITEM_TEXTS = ("label", "title", "body")
PLAN_TEXTS = ("title", "description")
ATTEMPTS = 3
# Changes listed on the preview page and by the command, at most.
SHOWN_CHANGES = 20


def language_name(code: str) -> str:
    return _("Mongolian") if code == "mn" else _("English")


@dataclass
class ItemTextChange:
    code: str
    changes: dict[str, list[Any]]  # field -> [before, after]

    @property
    def rows(self) -> list[tuple[str, str, Any, Any]]:
        """(the field's name for people, its text's language or "", before, after), for the
        preview, which marks each text with its language (WCAG 3.1.2)."""
        return [
            (
                str(getattr(Item._meta.get_field(name), "verbose_name", name)),
                name[-2:] if name[-3:] in ("_mn", "_en") else "",
                before,
                after,
            )
            for name, (before, after) in self.changes.items()
        ]


@dataclass
class LanguageImportResult:
    plan: Plan
    language: str
    matched: int = 0
    changed: int = 0
    only_in_file: list[str] = field(default_factory=list)
    only_in_plan: list[str] = field(default_factory=list)
    items: list[ItemTextChange] = field(default_factory=list)
    plan_changes: dict[str, list[Any]] = field(default_factory=dict)
    dry_run: bool = False

    def summary(self) -> str:
        return _(
            "%(language)s version: %(matched)s items matched by code, %(changed)s changed, "
            "%(only_file)s only in the file, %(only_plan)s only in the plan"
        ) % {
            "language": language_name(self.language),
            "matched": self.matched,
            "changed": self.changed,
            "only_file": len(self.only_in_file),
            "only_plan": len(self.only_in_plan),
        }

    @property
    def sample(self) -> list[ItemTextChange]:
        return self.items[:SHOWN_CHANGES]


class _Changed(Exception):
    """An item or the plan was saved between reading and writing; read them again."""


def normal_code(code: str) -> str:
    """A code as matched: compatibility forms folded (full-width digits, odd dots), no
    surrounding spaces or trailing dot, case ignored ("7.1.I" and "7.1.i" are one code)."""
    return unicodedata.normalize("NFKC", code or "").strip().rstrip(".").casefold()


def _is_cyrillic(text: str) -> bool:
    """Most of the text's letters are Cyrillic."""
    cyrillic = sum(1 for ch in text if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return cyrillic > latin


def _stored_languages(obj: Any, name: str = "title") -> set[str]:
    """The languages ``obj``'s text is stored in. A Mongolian document read by the outline
    readers is stored in the English columns (they cannot tell its language), so what the
    English column holds is judged by its letters."""
    found = {"mn"} if getattr(obj, f"{name}_mn") else set()
    english = getattr(obj, f"{name}_en")
    if english:
        found.add("mn" if _is_cyrillic(english) else "en")
    return found


def _moved(
    obj: Any, names: tuple[str, ...], values: dict[str, str], language: str
) -> dict[str, str]:
    """When the English version comes for an item whose English columns hold Mongolian
    text (and its Mongolian columns are empty), that text moves to the Mongolian columns:
    kept, in its place, and the English columns hold English or nothing."""
    moved: dict[str, str] = {}
    if language != "en":
        return moved
    for name in names:
        english, mongolian = f"{name}_en", f"{name}_mn"
        stored = getattr(obj, english)
        if stored and _is_cyrillic(stored) and not getattr(obj, mongolian):
            moved[mongolian] = stored
            if english not in values:
                moved[english] = ""
    return moved


def detect_language(parsed: ParsedPlan) -> str:
    """ "mn" when most letters of the items' main texts are Cyrillic, else "en"."""
    cyrillic = latin = 0
    for item in parsed.items:
        for text in (item.label, item.title, item.body[:2000]):
            for ch in text:
                if "\u0400" <= ch <= "\u04ff":
                    cyrillic += 1
                elif ch.isascii() and ch.isalpha():
                    latin += 1
    if not cyrillic and not latin:
        raise ImportRefused(_("the file's items hold no text to read a language from"))
    return "mn" if cyrillic > latin else "en"


def _texts(parsed_item: Any, language: str, main: str) -> dict[str, str]:
    """The item's texts the file gives in ``language``: its main texts when they are in
    that language, else (a bilingual template) its Mongolian columns."""
    if language == main:
        values = {name: getattr(parsed_item, name) for name in ITEM_TEXTS}
    elif language == "mn":
        values = {name: getattr(parsed_item, f"{name}_mn") for name in ITEM_TEXTS}
    else:
        values = {}
    return {f"{name}_{language}": value for name, value in values.items() if value}


def _plan_texts(parsed: ParsedPlan, language: str, main: str) -> dict[str, str]:
    if language == main:
        values = {"title": parsed.title, "description": parsed.description}
    elif language == "mn":
        values = {"title": parsed.title_mn, "description": parsed.description_mn}
    else:
        values = {}
    return {f"{name}_{language}": value for name, value in values.items() if value}


def _check_permission(plan: Plan, by: Any, system: bool) -> None:
    if system:
        return
    if by is None or not has(by, "plans.change_plan", plan):
        raise PermissionDenied(_("Only this plan's managers may import a language version of it."))


def _language(parsed: ParsedPlan, language: str | None) -> tuple[str, str]:
    """(the language to fill, the language of the file's main texts)."""
    main = detect_language(parsed)
    if language in (None, ""):
        return main, main
    if language not in CONTENT_LANGUAGES:
        raise ImportRefused(
            _("the language must be “mn” (Mongolian) or “en” (English), not “%(value)s”")
            % {"value": str(language)[:20]}
        )
    has_columns = language == "mn" and any(item.title_mn for item in parsed.items)
    if language != main and not has_columns:
        raise ImportRefused(
            _(
                "the file's text is in %(found)s, not %(asked)s; choose %(found)s, or import "
                "the %(asked)s version of the document"
            )
            % {"found": language_name(main), "asked": language_name(language)}
        )
    return language, main


def _check_codes(parsed: ParsedPlan) -> None:
    validate_parsed_plan(parsed)
    if not parsed.items:
        raise ImportRefused(_("the document holds no items to match; its items need codes"))
    seen: set[str] = set()
    for item in parsed.items:
        code = normal_code(item.code)
        if not code:
            raise ImportRefused(
                _("an item has no code; a language version is matched by code"),
                line=item.source_line,
            )
        if code in seen:
            raise ImportRefused(
                _("the code '%(code)s' is used twice; codes must be unique in a plan")
                % {"code": item.code},
                line=item.source_line,
            )
        seen.add(code)


def _refuse_same_language(items: list[Item], language: str) -> None:
    """A file in the only language most items already have is the same document again."""
    other = "en" if language == "mn" else "mn"
    stored = [_stored_languages(item) for item in items]
    have = sum(1 for languages in stored if language in languages)
    have_other = sum(1 for languages in stored if other in languages)
    if have * 2 > len(items) and have_other * 2 <= len(items):
        raise ImportRefused(
            _(
                "this file is in %(language)s, the language this plan's items already have: "
                "it looks like a new version of the same document, not a language version. "
                "To update the plan from it, import it as a new version of the plan "
                "(Import a plan, or plantrack import FILE --plan SLUG)"
            )
            % {"language": language_name(language)}
        )


@dataclass
class _Prepared:
    result: LanguageImportResult
    plan_version: int
    versions: dict[int, int]
    updates: list[Item]
    fields: set[str]
    plan_values: dict[str, Any]
    plan_states: dict[str, str] | None  # the plan's new translation states, if they change
    entries: list[Entry]


def _official(states: Any, names: list[str]) -> dict[str, str] | None:
    """``states`` without the names given (official text), or None when none was there."""
    states = states if isinstance(states, dict) else {}
    if not any(name in states for name in names):
        return None
    return {key: value for key, value in states.items() if key not in names}


def _prepare(plan: Plan, parsed: ParsedPlan, language: str, main: str, dry_run: bool) -> _Prepared:
    items = list(Item.objects.filter(plan=plan, retired_at__isnull=True).order_by("path"))
    _refuse_same_language(items, language)
    result = LanguageImportResult(plan=plan, language=language, dry_run=dry_run)
    by_code = {normal_code(item.code): item for item in items}
    matched: set[str] = set()
    prepared = _Prepared(result, plan.version, {}, [], set(), {}, None, [])
    public = plan.published_at is not None
    for entry in parsed.items:
        code = normal_code(entry.code)
        item = by_code.get(code)
        if item is None:
            result.only_in_file.append(entry.code)
            continue
        matched.add(code)
        result.matched += 1
        values = _texts(entry, language, main)
        values.update(_moved(item, ITEM_TEXTS, values, language))
        changes = diff(
            {name: getattr(item, name) for name in values},
            values,
        )
        states = _official(item.translations, list(values))
        if states is not None:
            changes["translations"] = [dict(item.translations), states]
        if not changes:
            continue
        result.changed += 1
        result.items.append(ItemTextChange(code=item.code, changes=changes))
        prepared.versions[item.pk] = item.version
        for name, value in values.items():
            setattr(item, name, value)
        prepared.fields |= set(values)
        if states is not None:
            item.translations = states
            prepared.fields.add("translations")
        item.version += 1
        prepared.updates.append(item)
        prepared.entries.append(
            Entry(
                action=Action.CHANGED,
                object_type="plans.item",
                object_id=str(item.pk),
                label=events.item_label(item),
                plan_id=plan.pk,
                item_id=item.pk,
                changes=changes,
                reason=_("%(language)s version imported") % {"language": language_name(language)},
                public=public,
            )
        )
    result.only_in_plan = [item.code for item in items if normal_code(item.code) not in matched]
    plan_values: dict[str, str] = _plan_texts(parsed, language, main)
    plan_values.update(_moved(plan, PLAN_TEXTS, plan_values, language))
    languages = [part for part in plan.languages.split(",") if part]
    if language not in languages:
        plan_values["languages"] = ",".join([*languages, language])
    prepared.plan_values = {
        name: value for name, value in plan_values.items() if getattr(plan, name) != value
    }
    prepared.plan_states = _official(
        plan.translations, [name for name in plan_values if name != "languages"]
    )
    result.plan_changes = diff(
        {name: getattr(plan, name) for name in prepared.plan_values}, prepared.plan_values
    )
    if prepared.plan_states is not None:
        result.plan_changes["translations"] = [dict(plan.translations), prepared.plan_states]
    if not dry_run:
        prepared.entries = [entry.prepare() for entry in prepared.entries]
    return prepared


def _write(prepared: _Prepared, plan: Plan, *, by: Any, system: bool, source_name: str) -> None:
    from .services import _bulk_update

    with transaction.atomic():
        current = Plan.objects.select_for_update().filter(pk=plan.pk).first()
        if current is None or current.version != prepared.plan_version:
            raise _Changed
        _check_permission(current, by, system)
        if current.retired_at is not None:
            raise _Changed
        stored = dict(
            Item.objects.filter(pk__in=prepared.versions, retired_at__isnull=True).values_list(
                "pk", "version"
            )
        )
        if stored != prepared.versions:
            raise _Changed
        now = timezone.now()
        for item in prepared.updates:
            item.updated_at = now
        _bulk_update(prepared.updates, sorted(prepared.fields | {"version", "updated_at"}))
        result = prepared.result
        if prepared.plan_values or prepared.plan_states is not None:
            update = dict(prepared.plan_values)
            if prepared.plan_states is not None:
                update["translations"] = prepared.plan_states
            Plan.objects.filter(pk=plan.pk).update(
                **update, version=F("version") + 1, updated_at=now
            )
        entries = list(prepared.entries)
        entries.append(
            Entry(
                action=Action.REIMPORTED,
                object_type="plans.plan",
                object_id=str(plan.pk),
                label=plan.short_name,
                plan_id=plan.pk,
                changes=result.plan_changes,
                reason=f"{source_name or plan.slug}: {result.summary()}",
                public=plan.published_at is not None,
            )
        )
        append_many(entries, by=by, kind=ActorKind.USER if by is not None else ActorKind.IMPORT)


def import_language_version(
    *,
    plan: Plan,
    parsed: ParsedPlan,
    language: str | None = None,
    by: Any = None,
    system: bool = False,
    dry_run: bool = False,
    source_name: str = "",
) -> LanguageImportResult:
    """See ``services.plan_import_language``."""
    _check_permission(plan, by, system)
    _check_codes(parsed)
    language, main = _language(parsed, language)
    for _attempt in range(ATTEMPTS):
        plan.refresh_from_db()
        if plan.retired_at is not None:
            raise ImportRefused(
                _("the plan “%(slug)s” is retired; restore it on its page first")
                % {"slug": plan.slug}
            )
        prepared = _prepare(plan, parsed, language, main, dry_run)
        if dry_run:
            return prepared.result
        try:
            _write(prepared, plan, by=by, system=system, source_name=source_name)
        except _Changed:
            continue
        plan.refresh_from_db()
        return prepared.result
    raise ImportRefused(
        _(
            "the plan was changed by someone else while this file was being imported; "
            "import it again"
        )
    )
