"""From a document's lines to a ``ParsedAssessment``: the general document reader.

The lines (a paragraph or table row each, cells separated by tabs) lose their
footnotes (``footnotes``), become units (``units``) and are read as a scorecard
(``scorecard``). When the document rates indicators, the result is a framework (its
scale from ``scale``, areas and indicators) and a round (every rating with its change,
justification and the footnotes it cites as sources; identity from ``identity``).
When it rates nothing but sets out a benchmark as headed lists, it is read as a
self-assessment framework (``principles``) with no round.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from plantrack.plans.importers.base import ImportRefused

from ..parsed import (
    ParsedArea,
    ParsedAssessment,
    ParsedIndicator,
    ParsedLevel,
    ParsedRating,
    ParsedRound,
    ParsedSource,
)
from . import principles
from .footnotes import Footnote, cited, source_of, split_footnotes, superscript_markers
from .identity import Identity, framework_title, narrative_summary, read_identity, title_case
from .scale import Scale, definitions, own_levels, resolve, valued_levels
from .scorecard import Draft, Reading, read_scorecard
from .units import units_of
from .vocabulary import default_maturity_scale, inline_ratings, normalise

_FRONT_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]{0,30})\s*:\s*(?P<value>.*)$")


def front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """A Markdown file's YAML front matter as fields, and the lines with it blanked out
    (blank, so line numbers stay those of the file)."""
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, min(len(lines), 200)):
        if lines[end].strip() in ("---", "..."):
            fields = {}
            for line in lines[1:end]:
                match = _FRONT_FIELD.match(line.strip())
                if match:
                    fields[match.group("key").lower()] = match.group("value").strip().strip("\"'")
            return fields, [""] * (end + 1) + lines[end + 1 :]
    return {}, lines


def read_lines(lines: list[str], *, hints: dict[str, Any] | None = None) -> ParsedAssessment:
    """The assessment in a document's lines, or ``ImportRefused`` saying what is missing."""
    hints = hints or {}
    front, lines = front_matter(lines)
    body, notes = split_footnotes(lines)
    units = units_of(body)
    levels = own_levels(units)
    if levels:  # read again, knowing the document's own level names
        units = units_of(body, levels)
    reading = read_scorecard(units, levels, valued_levels(units))
    _check_found(reading, lines)
    if reading.drafts or reading.groups:
        parsed = _from_scorecard(reading, units, notes, front, hints)
    else:
        sections = principles.read_sections("\n".join(lines))
        stated = definitions(units, set())
        if not any(section.kind != "guidance" for section in sections) and len(stated) >= 2:
            raise ImportRefused(
                _(
                    "the document states a rating scale (%(levels)s) but no indicator could be "
                    "tied to a rating: a table whose columns were lost (as a PDF prints it) "
                    "cannot be read. Import the original DOCX, XLSX or CSV, or use the "
                    "assessment template"
                )
                % {"levels": ", ".join(d.label for d in stated[:8])}
            )
        if not any(section.kind != "guidance" for section in sections):
            raise ImportRefused(
                _(
                    "no rated indicators were found: the document has no rating (such as "
                    "“Strong”, “Partially supports” or “Largely compliant”) next to an "
                    "indicator, and no list of attributes or risks to rate. Use the assessment "
                    "template (CSV or XLSX) or check that the file is the scorecard itself"
                )
            )
        parsed = _from_principles(sections, units, front, hints)
    return parsed


# --- scorecards ---------------------------------------------------------------------


def _check_found(reading: Reading, lines: list[str]) -> None:
    """Refuse a scorecard whose ratings stand in running text but could not be tied to
    indicators: a table printed to PDF loses its columns, and a partial reading would pass
    for the whole."""
    stated = inline_ratings("\n".join(lines))
    found = sum(1 for draft in reading.drafts if draft.level and draft.change)
    if stated >= 3 and found * 2 < stated:
        raise ImportRefused(
            _(
                "the document states %(stated)s ratings with a change (such as “Strong "
                "Unchanged”), but only %(found)s could be tied to their indicators: its table "
                "has lost its columns, as happens when a table is printed to PDF. Import the "
                "DOCX or text version, or copy the table into the assessment template"
            )
            % {"stated": stated, "found": found}
        )


def _drafts_from_groups(reading: Reading) -> list[Draft]:
    return [
        Draft("", title, level, "", 0)
        for level, titles in reading.groups
        for title in titles
        if title
    ]


def _scale(units: list[Any], reading: Reading, hints: dict[str, Any]) -> Scale:
    if hints.get("scale"):
        return Scale(levels=[_hinted_level(level) for level in hints["scale"]])
    written = [draft.level for draft in reading.drafts if draft.level]
    groups = [level for level, _titles in reading.groups]
    return resolve(units, written, groups)


def _hinted_level(level: Any) -> ParsedLevel:
    if isinstance(level, ParsedLevel):
        return level
    if isinstance(level, dict):
        return ParsedLevel(**level)
    label, value = level
    return ParsedLevel(label_en=str(label), value=float(value))


def _from_scorecard(
    reading: Reading,
    units: list[Any],
    notes: dict[str, Footnote],
    front: dict[str, str],
    hints: dict[str, Any],
) -> ParsedAssessment:
    parsed = ParsedAssessment(warnings=list(reading.warnings))
    if not reading.drafts:
        reading.drafts = _drafts_from_groups(reading)
        parsed.warnings.append(
            _(
                "the document only groups its indicators by level; the ratings were read from "
                "that table and have no justification"
            )
        )
    elif reading.groups:
        parsed.warnings.extend(_cross_check(reading))
    scale = _scale(units, reading, hints)
    parsed.scale = scale.levels
    parsed.warnings.extend(scale.warnings)
    identity = read_identity(units)
    if front.get("title") and "title" not in identity.fields:
        identity.fields["title"] = front["title"]
        identity.title = title_case(front["title"])
    parsed.round = _round(identity, reading, hints)
    parsed.framework_title_en = _framework_title(identity, reading, parsed.round, hints)
    if not parsed.framework_title_en:
        parsed.warnings.append(_("the document names no title; give the framework one"))
    parsed.areas, parsed.round.ratings = _areas_and_ratings(
        reading.drafts, scale, notes, parsed.warnings, parsed.framework_title_en
    )
    _mongolian_in_mongolian_fields(parsed)
    return parsed


def _is_mongolian(text: str) -> bool:
    """Text written in Cyrillic (a Mongolian document's), not in Latin letters."""
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return bool(letters) and cyrillic * 2 > len(letters)


def _mongolian_in_mongolian_fields(parsed: ParsedAssessment) -> None:
    """A title, label or description the reader put in an English field but written in
    Mongolian moves to the Mongolian field, so pages mark its language right."""
    if _is_mongolian(parsed.framework_title_en) and not parsed.framework_title_mn:
        parsed.framework_title_mn, parsed.framework_title_en = parsed.framework_title_en, ""
    for level in parsed.scale:
        if _is_mongolian(level.label_en) and not level.label_mn:
            level.label_mn, level.label_en = level.label_en, ""
            level.description_mn, level.description_en = level.description_en, ""
    for area in parsed.areas:
        if _is_mongolian(area.title_en):
            area.title_mn, area.title_en = area.title_en, ""
        for indicator in area.indicators:
            if _is_mongolian(indicator.title_en) and not indicator.title_mn:
                indicator.title_mn, indicator.title_en = indicator.title_en, ""


def _round(identity: Identity, reading: Reading, hints: dict[str, Any]) -> ParsedRound:
    subject = str(hints.get("subject") or identity.subject)
    year = hints.get("year") or identity.year
    body = str(hints.get("assessing_body") or identity.assessing_body)
    if "official" in hints:
        official = bool(hints["official"])
    elif identity.self_assessment:
        official = True
    else:
        # Another body's assessment of the subject (a centre rating a country) is not the
        # subject's own, official one.
        official = not (body and subject and normalise(subject) not in normalise(body))
    title = str(hints.get("title") or "")
    if not title:
        title = f"{subject} {year}" if subject and year else identity.title
    return ParsedRound(
        title=title,
        subject=subject,
        year=int(year) if year else None,
        assessed_on=str(hints.get("assessed_on") or identity.assessed_on),
        assessing_body=body,
        official=official,
        summary=narrative_summary(reading.narrative),
        reported_scores=dict(identity.reported_scores),
    )


def _framework_title(
    identity: Identity, reading: Reading, round_: ParsedRound, hints: dict[str, Any]
) -> str:
    if hints.get("framework_title"):
        return str(hints["framework_title"])
    if reading.running_heads:
        heads = [h for h in reading.running_heads if len(h) > 12]
        if heads:
            return title_case(heads[0].upper()) if heads[0].islower() else heads[0]
    return framework_title(identity.title, round_.subject) or identity.title


def _areas_and_ratings(
    drafts: list[Draft],
    scale: Scale,
    notes: dict[str, Footnote],
    warnings: list[str],
    framework: str,
) -> tuple[list[ParsedArea], list[ParsedRating]]:
    areas: dict[str, ParsedArea] = {}
    ratings: list[ParsedRating] = []
    unjustified: list[str] = []
    # The document's own codes, when every indicator has one and no two share it; else
    # each indicator is numbered in its area.
    own_codes = all(d.code for d in drafts) and len({d.code for d in drafts}) == len(drafts)
    for draft in drafts:
        key = normalise(draft.area)
        if key not in areas:
            code = str(len(areas) + 1)
            # Data, not interface text: stored in both languages whatever the reader speaks.
            title = draft.area or framework or "Indicators"
            areas[key] = ParsedArea(
                code=code, title_en=title, title_mn="" if draft.area or framework else "Үзүүлэлтүүд"
            )
        area = areas[key]
        code = draft.code if own_codes else f"{area.code}.{len(area.indicators) + 1}"
        title = superscript_markers(draft.title)
        area.indicators.append(ParsedIndicator(code=code, title_en=_unmarked(title)))
        justification = superscript_markers(draft.justification)
        rating = ParsedRating(
            indicator_code=code,
            justification=justification,
            change=draft.change,
            not_assessed=draft.not_assessed,
        )
        if not draft.not_assessed:
            rating.level_label = scale.level_for(draft.level)
            if not rating.level_label:
                rating.not_assessed = True
                warnings.append(
                    _("%(code)s: the rating “%(level)s” is not on the scale; left not assessed")
                    % {"code": code, "level": draft.level}
                )
        rating.sources = _sources(code, f"{title} {justification}", notes, warnings)
        if not justification and not rating.not_assessed:
            unjustified.append(code)
        ratings.append(rating)
    if unjustified:
        warnings.append(
            _("%(count)s ratings have no justification: %(codes)s")
            % {"count": len(unjustified), "codes": ", ".join(unjustified[:20])}
        )
    return list(areas.values()), ratings


def _unmarked(title: str) -> str:
    return re.sub(r"\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+", "", title).strip()


def _sources(
    code: str, text: str, notes: dict[str, Footnote], warnings: list[str]
) -> list[ParsedSource]:
    sources = []
    for marker in cited(text):
        note = notes.get(marker)
        if note is None:
            warnings.append(
                _("%(code)s cites footnote %(marker)s, which the document does not give")
                % {"code": code, "marker": marker}
            )
            continue
        sources.append(source_of(note))
    return sources


def _cross_check(reading: Reading) -> list[str]:
    """The grouping table and the detailed table should rate each indicator alike."""
    grouped = {normalise(title)[:40]: level for level, titles in reading.groups for title in titles}
    differ = []
    for draft in reading.drafts:
        level = grouped.get(normalise(draft.title)[:40])
        if level is not None and draft.level and normalise(level) != normalise(draft.level):
            differ.append(f"{draft.title} ({level} / {draft.level})")
    if not differ:
        return []
    return [
        _(
            "the summary table and the detailed table rate these indicators differently; the "
            "detailed table was used: %(list)s"
        )
        % {"list": "; ".join(differ[:10])}
    ]


# --- self-assessment frameworks without ratings -------------------------------------


def _from_principles(
    sections: list[principles.Section],
    units: list[Any],
    front: dict[str, str],
    hints: dict[str, Any],
) -> ParsedAssessment:
    parsed = ParsedAssessment()
    guidance: list[str] = []
    for section in sections:
        if section.kind == "guidance":
            guidance.append(principles.guidance_text(section))
            continue
        code = str(len(parsed.areas) + 1)
        area = ParsedArea(code=code, title_en=principles.area_title(section.heading))
        for number, (title, notes) in enumerate(principles.indicator_texts(section), start=1):
            area.indicators.append(
                ParsedIndicator(
                    code=f"{code}.{number}", title_en=title, guidance_en=notes, kind=section.kind
                )
            )
        parsed.areas.append(area)
        if section.context:
            guidance.append(
                _("%(context)s — see the indicators of “%(area)s”")
                % {"context": section.context, "area": area.title_en}
            )
    parsed.guidance_en = "\n\n".join(guidance)
    if hints.get("scale"):
        parsed.scale = [_hinted_level(level) for level in hints["scale"]]
    elif defined := definitions(units, set()):
        parsed.scale = resolve(units, [d.label for d in defined], []).levels
    if not parsed.scale and any(
        indicator.kind == "rated" for area in parsed.areas for indicator in area.indicators
    ):
        parsed.scale = default_maturity_scale()
        parsed.warnings.append(
            _(
                "the document states no rating scale for its attributes; the default maturity "
                "scale was used (Advanced 4, Established 3, Developing 2, Initial 1, Not in "
                "place 0). Change it in the preview if the framework has its own"
            )
        )
    identity = read_identity(units)
    title = str(hints.get("framework_title") or front.get("title") or identity.title)
    if not title:
        benchmark = next((a.title_en for a in parsed.areas), "")
        title = f"Self-assessment: {benchmark}"  # data in English; the warning says so
        parsed.warnings.append(
            _("the document names no title; “%(title)s” was made from its benchmark; change it")
            % {"title": title}
        )
    parsed.framework_title_en = title
    return parsed
