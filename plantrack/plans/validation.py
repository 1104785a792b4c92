"""Values a plan or item may hold, checked the same way on every door.

The model fields carry the validators below, so the edit forms and services
(``full_clean``) refuse a bad value with a form error; the import calls
``validate_parsed_plan`` before it writes, so a file with a bad value is refused
with its line number and nothing is written. Without these checks a ``weight`` of
``nan`` poisoned roll-ups, a year of 70000 or a NUL character answered 500 on
PostgreSQL, and a 1,500-level parent chain overflowed the stored ``path``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importers.base import ImportRefused, ParsedItem, ParsedPlan

MIN_YEAR = 1900
MAX_YEAR = 2200
MAX_WEIGHT = 1000.0
# Real plans are 2 to 5 levels deep; 12 leaves room and keeps the stored path
# (6 characters a level) far below its 255-character column.
MAX_DEPTH = 12

# Longest values the columns hold (models.py); text columns are unlimited.
ITEM_LIMITS = {"code": 40, "label": 200, "label_mn": 200}
PLAN_LIMITS = {"short_name": 120, "title": 400, "title_mn": 400, "issuer": 300}
# organisations.Organisation.name_en / acronym, and Plan.languages.
ORGANISATION_NAME_LIMIT = 300
ACRONYM_LIMIT = 40
LANGUAGES_LIMIT = 20
ITEM_TEXT = ("code", "title", "title_mn", "label", "label_mn", "body", "body_mn")
PLAN_TEXT = ("title", "title_mn", "short_name", "issuer", "description", "description_mn")


def validate_year(value: int | None) -> None:
    if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationError(
            gettext_lazy("%(value)s is not a plausible year; use a year from %(min)s to %(max)s."),
            code="year_range",
            params={"value": value, "min": MIN_YEAR, "max": MAX_YEAR},
        )


def validate_weight(value: float | None) -> None:
    if value is None:
        return
    if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
        raise ValidationError(
            gettext_lazy("The weight must be a number from 0 to %(max)s, not %(value)s."),
            code="weight_range",
            params={"value": value, "max": int(MAX_WEIGHT)},
        )


def validate_no_nul(value: str | None) -> None:
    if value and "\x00" in value:
        raise ValidationError(
            gettext_lazy("The text contains a NUL character (\\x00); remove it and save again."),
            code="null_characters_not_allowed",
        )


def _refuse(exc: ValidationError, where: str, line: int | None) -> ImportRefused:
    return ImportRefused(
        _("%(where)s: %(problem)s") % {"where": where, "problem": " ".join(exc.messages)},
        line=line,
    )


def _check_text(owner: object, names: Iterable[str], limits: dict[str, int], where: str) -> None:
    line = getattr(owner, "source_line", None)
    for name in names:
        value = getattr(owner, name) or ""
        if "\x00" in value:
            raise ImportRefused(
                _("%(where)s: %(field)s contains a NUL character (\\x00); remove it")
                % {"where": where, "field": name},
                line=line,
            )
        limit = limits.get(name)
        if limit is not None and len(value) > limit:
            raise ImportRefused(
                _("%(where)s: %(field)s is %(length)s characters long; the limit is %(limit)s")
                % {"where": where, "field": name, "length": f"{len(value):,}", "limit": limit},
                line=line,
            )


def _check_years(start: int | None, end: int | None, where: str, line: int | None) -> None:
    for value in (start, end):
        try:
            validate_year(value)
        except ValidationError as exc:
            raise _refuse(exc, where, line) from exc
    if start is not None and end is not None and end < start:
        raise ImportRefused(
            _("%(where)s ends in %(end)s, before it starts in %(start)s; swap the two years")
            % {"where": where, "end": end, "start": start},
            line=line,
        )


def validate_parsed_item(item: ParsedItem, *, depth: int = 1) -> None:
    """Refuse an item whose values the database or the pages cannot hold.

    ``depth`` is the item's level in the tree (1 for a top-level item).
    """
    where = _("item %(code)r") % {"code": item.code}
    line = item.source_line
    if depth > MAX_DEPTH:
        raise ImportRefused(
            _("%(where)s is nested %(depth)s levels deep; the limit is %(limit)s")
            % {"where": where, "depth": f"{depth:,}", "limit": MAX_DEPTH},
            line=line,
        )
    _check_text(item, ITEM_TEXT, ITEM_LIMITS, where)
    for text in item.indicators:
        _check_text_value(text, where, _("an indicator"), line)
    for resp in item.responsibilities:
        _check_text_value(resp.organisation + resp.acronym, where, _("an organisation"), line)
        _check_length(
            resp.organisation, ORGANISATION_NAME_LIMIT, where, _("an organisation's name"), line
        )
        _check_length(resp.acronym, ACRONYM_LIMIT, where, _("an organisation's acronym"), line)
    _check_years(item.start_year, item.end_year, where, line)
    try:
        validate_weight(item.weight)
    except ValidationError as exc:
        raise _refuse(exc, where, line) from exc
    if item.progress is not None and not (
        math.isfinite(item.progress) and 0 <= item.progress <= 100
    ):
        raise ImportRefused(
            _("%(where)s has progress %(value)s; it must be 0 to 100")
            % {"where": where, "value": item.progress},
            line=line,
        )


def _check_text_value(value: str, where: str, what: str, line: int | None) -> None:
    if "\x00" in value:
        raise ImportRefused(
            _("%(where)s: %(what)s contains a NUL character (\\x00); remove it")
            % {"where": where, "what": what},
            line=line,
        )


def _check_length(value: str, limit: int, where: str, what: str, line: int | None) -> None:
    if len(value) > limit:
        raise ImportRefused(
            _("%(where)s: %(what)s is %(length)s characters long; the limit is %(limit)s")
            % {"where": where, "what": what, "length": f"{len(value):,}", "limit": limit},
            line=line,
        )


def validate_parsed_plan(parsed: ParsedPlan) -> None:
    """Check the plan's own fields and every item, parents before children.

    Items whose parent is unknown are left to the import's structural checks.
    """
    where = _("the plan")
    _check_text(parsed, PLAN_TEXT, PLAN_LIMITS, where)
    _check_years(parsed.start_year, parsed.end_year, where, None)
    languages = ",".join(parsed.languages)
    _check_length(languages, LANGUAGES_LIMIT, where, _("the list of languages"), None)
    _check_text_value(languages, where, _("the list of languages"), None)
    depths: dict[str, int] = {}
    for item in parsed.items:
        depth = depths.get(item.parent_code, 0) + 1 if item.parent_code else 1
        depths[item.code] = depth
        validate_parsed_item(item, depth=depth)


# An item's code is part of its web address (/plans/<plan>/items/<code>/), so it holds
# no spaces or slashes; the same characters as the CSV template's code column.
ITEM_CODE_RE = re.compile(r"^[\w.\-]{1,40}$")


def validate_item_code(value: str) -> None:
    """Refuse a code typed by hand (``tree.item_add``) that a web address cannot carry."""
    if not ITEM_CODE_RE.match(value or "") or value.strip(".-_") == "":
        raise ValidationError(
            {
                "code": gettext_lazy(
                    "A code is 1 to 40 letters, digits, dots, dashes or underscores, "
                    "such as 2.3 or 7.1.a; “%(value)s” is not one."
                )
                % {"value": (value or "")[:60]}
            },
            code="code",
        )


REASON_LIMIT = 300  # the retired_reason columns of items, plans and organisations


def clean_reason(reason: str | None, *, field: str = "reason") -> str:
    """A retirement reason: required, at most REASON_LIMIT characters, no NUL."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {field: _("Say why it is retired; readers of its page will see the reason.")},
            code="reason",
        )
    if len(reason) > REASON_LIMIT:
        raise ValidationError(
            {
                field: _("The reason is %(length)s characters long; the limit is %(limit)s.")
                % {"length": len(reason), "limit": REASON_LIMIT}
            },
            code="reason_length",
        )
    if "\x00" in reason:
        raise ValidationError(
            {field: _("The text contains a NUL character (\\x00); remove it and save again.")},
            code="null_characters_not_allowed",
        )
    return reason


def validate_translations(value: object) -> None:
    """``translations`` maps a language column ("title_mn") to one of the translation states."""
    from plantrack.lib.bilingual import TRANSLATION_STATES

    if not isinstance(value, dict) or not all(
        isinstance(k, str) and re.fullmatch(r"[a-z_]+_(mn|en)", k) and v in TRANSLATION_STATES
        for k, v in value.items()
    ):
        raise ValidationError(
            gettext_lazy(
                "Translation states map a field such as “title_mn” to “official”, "
                "“unofficial” or “needs_review”."
            ),
            code="translations",
        )
