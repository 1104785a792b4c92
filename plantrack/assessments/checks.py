"""Checks on a framework's structure and a round's identity, before anything is written.

Each message says what is wrong, where, and how to fix it; limits are named
(``limits.py``)."""

from __future__ import annotations

import hashlib
from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plantrack.organisations.services import latin

from . import limits
from .content import fold
from .models import IndicatorKind
from .parsed import ParsedArea, ParsedLevel

SHOWN = 10  # codes named in one message; the rest are counted


def subject_key(subject: str) -> str:
    """The normalised name that groups one subject's rounds: "Mongolia" and "MONGOLIA " have
    one, "Монгол" another (Cyrillic written in Latin letters); a name with no letter a slug
    keeps gets one from its hash."""
    folded = fold(subject)
    key = slugify(latin(folded))[:100].strip("-")
    return key or "subject-" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:12]


def named_codes(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN])
    if len(codes) > SHOWN:
        shown += " " + _("and %(count)d more") % {"count": len(codes) - SHOWN}
    return shown


def _too_long(errors: list[str], what: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.append(
            _("%(what)s is %(length)d characters long; the limit is %(limit)d. Shorten it.")
            % {"what": what, "length": len(value), "limit": limit}
        )


def structure_errors(*, scale: list[ParsedLevel], areas: list[ParsedArea]) -> list[str]:
    """What is wrong with a framework's scale and areas (empty when nothing is)."""
    errors: list[str] = []
    indicators = [ind for area in areas for ind in area.indicators]
    if not areas or not indicators:
        errors.append(
            _("The framework has no indicators. Give at least one area with one indicator.")
        )
    if len(areas) > limits.MAX_AREAS:
        errors.append(
            _("The framework has %(count)d areas; the limit is %(limit)d.")
            % {"count": len(areas), "limit": limits.MAX_AREAS}
        )
    if len(indicators) > limits.MAX_INDICATORS:
        errors.append(
            _("The framework has %(count)d indicators; the limit is %(limit)d.")
            % {"count": len(indicators), "limit": limits.MAX_INDICATORS}
        )
    if errors:
        return errors
    for codes in ([a.code for a in areas], [i.code for i in indicators]):
        empty = sum(1 for code in codes if not code.strip())
        if empty:
            errors.append(
                _("%(count)d areas or indicators have no code. Give each one a code.")
                % {"count": empty}
            )
        repeated = sorted(c for c, n in Counter(codes).items() if n > 1 and c.strip())
        if repeated:
            errors.append(
                _("These codes are used more than once: %(codes)s. Each code must be unique.")
                % {"codes": named_codes(repeated)}
            )
        long_codes = [c for c in codes if len(c) > limits.MAX_CODE_CHARS]
        if long_codes:
            errors.append(
                _("These codes are longer than %(limit)d characters: %(codes)s.")
                % {"limit": limits.MAX_CODE_CHARS, "codes": named_codes(long_codes)}
            )
    untitled = [
        ind.code for ind in indicators if not (ind.title_en.strip() or ind.title_mn.strip())
    ]
    if untitled:
        errors.append(
            _("These indicators have no title: %(codes)s. Give each a title in either language.")
            % {"codes": named_codes(untitled)}
        )
    kinds = [ind.code for ind in indicators if ind.kind not in IndicatorKind.values]
    if kinds:
        errors.append(
            _('These indicators have an unknown kind: %(codes)s. Use "rated" or "checklist".')
            % {"codes": named_codes(kinds)}
        )
    for area in areas:
        _too_long(
            errors,
            _("The title of area %(code)s") % {"code": area.code},
            area.title_en,
            limits.MAX_TITLE_CHARS,
        )
        _too_long(
            errors,
            _("The title of area %(code)s") % {"code": area.code},
            area.title_mn,
            limits.MAX_TITLE_CHARS,
        )
    for ind in indicators:
        for text in (ind.title_en, ind.title_mn, ind.guidance_en, ind.guidance_mn):
            _too_long(
                errors,
                _("A text of indicator %(code)s") % {"code": ind.code},
                text,
                limits.MAX_TEXT_CHARS,
            )
    if any(ind.kind == IndicatorKind.RATED for ind in indicators):
        errors += scale_errors(scale)
    return errors


def scale_errors(scale: list[ParsedLevel]) -> list[str]:
    errors: list[str] = []
    if len(scale) < 2:
        errors.append(
            _(
                "The rating scale has %(count)d level(s). Give at least two levels, each with "
                "a label and a value."
            )
            % {"count": len(scale)}
        )
    if len(scale) > limits.MAX_LEVELS:
        errors.append(
            _("The rating scale has %(count)d levels; the limit is %(limit)d.")
            % {"count": len(scale), "limit": limits.MAX_LEVELS}
        )
    labels = [fold(level.label_en or level.label_mn) for level in scale]
    if any(not label for label in labels):
        errors.append(_("A level of the rating scale has no label. Give every level a label."))
    elif len(set(labels)) != len(labels):
        errors.append(_("Two levels of the rating scale have the same label. Labels must differ."))
    values = [level.value for level in scale]
    # Not a number, infinite or too large (a negative value has its own message below).
    odd = [v for v in values if not v < 0 and not 0 <= v <= limits.MAX_LEVEL_VALUE]
    if odd:
        errors.append(
            _(
                "A level of the rating scale has the value %(value)s; a value is a number from 0 "
                "to %(limit)s."
            )
            % {"value": odd[0], "limit": f"{limits.MAX_LEVEL_VALUE:,}"}
        )
        values = [v for v in values if v not in odd]
    if len(set(values)) != len(values):
        errors.append(_("Two levels of the rating scale have the same value. Values must differ."))
    if any(value < 0 for value in values):
        errors.append(_("A level of the rating scale has a negative value. Use 0 or more."))
    for level in scale:
        _too_long(errors, _("A level's label"), level.label_en, limits.MAX_LABEL_CHARS)
        _too_long(errors, _("A level's label"), level.label_mn, limits.MAX_LABEL_CHARS)
    return errors


def raise_if(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)
