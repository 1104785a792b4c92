"""A document's rating scale: its levels, in order, with values.

The levels come from the document, in this order of preference: levels the
document defines with values ("4 = Very Strong", "Very Strong (4)"), levels it
defines with descriptions (a "Terms" list: "Supports: the functionality …"), the
labels of a table grouping its indicators by level (in the table's order), and last
the levels its ratings use, put in order by the vocabulary. Values are the ones
stated, else taken from the order, best level highest: five levels give 4, 3, 2, 1
and 0. When the document lists its levels worst first, the vocabulary turns the
order round.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..parsed import ParsedLevel
from .units import Para, Row, Unit, cell_text
from .vocabulary import Known, known, normalise, stem

_NUMBER = r"(?P<value>-?\d{1,3}(?:[.,]\d{1,2})?)"
_LABEL = r"(?P<label>[^\W\d_][\w/' -]{0,48}?)"
_VALUE_FIRST = re.compile(
    rf"^(?:level\s+)?{_NUMBER}\s*(?:=|:|–|—|-|\.|\))\s*{_LABEL}\s*(?:[:–—-]\s*(?P<text>.+))?$", re.I
)
_NUMBER_AGAIN = _NUMBER.replace("value", "value2")
_LABEL_FIRST = re.compile(
    rf"^{_LABEL}\s*(?:\(\s*{_NUMBER}\s*(?:points?|pts)?\s*\)|=\s*{_NUMBER_AGAIN})"
    r"\s*(?:[:–—-]\s*(?P<text>.+))?$",
    re.I,
)
_TERM = re.compile(r"^(?P<label>[^:]{2,50}?)\s*:\s*(?P<text>\S.{15,})$")
# A scale stated on one line: "Scale: Very Strong 4, Strong 3, …", "Rating scale: Fully met
# (2), Partly met (1), Not met (0)", "Levels: 0 = Absent; 1 = Weak; …", "Үнэлгээний
# шатлал: Маш сайн (4), Сайн (3), …".
_LIST_INTRO = re.compile(
    r"^\W{0,3}(?:(?:the\s+)?(?:rating\s+|scoring\s+)?(?:scale|levels)"
    r"|(?:үнэлгээний\s+)?(?:шатлал|түвшин|түвшнүүд|хэмжүүр))\s*:\s*(?P<rest>\S.+)$",
    re.I,
)
_LABEL_VALUE = re.compile(rf"^{_LABEL}\s+{_NUMBER}$", re.I)
_LABEL_VALUE_LEAD = re.compile(rf"^{_LABEL}\s+{_NUMBER}(?=\s|$)", re.I)
_WITHIN = re.compile(r"[.;:!?]\s+(?=\S)")


@dataclass
class Scale:
    levels: list[ParsedLevel] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def level_for(self, written: str) -> str:
        """The scale's label for a level as a rating wrote it ("Supported" → "Supports")."""
        if not written:
            return ""
        for test in (normalise, stem):
            for level in self.levels:
                if test(level.label_en) == test(written):
                    return level.label_en
        places = {(k.family, k.rank) for k in known(written)}
        for level in self.levels:
            if places & {(k.family, k.rank) for k in known(level.label_en)}:
                return level.label_en
        return ""


@dataclass
class Definition:
    label: str
    value: float | None
    description: str


def _definition(text: str) -> Definition | None:
    for pattern in (_VALUE_FIRST, _LABEL_FIRST):
        match = pattern.match(text)
        if match:
            value = match.group("value") or match.groupdict().get("value2")
            label = match.group("label").strip()
            if len(label.split()) <= 4:
                number = float(value.replace(",", ".")) if value else None
                return Definition(label, number, (match.group("text") or "").strip())
    term = _TERM.match(text)
    if term and known(term.group("label")):
        return Definition(term.group("label").strip(), None, term.group("text").strip())
    return None


def _listed(text: str, *, within: bool = False) -> list[Definition]:
    """The levels of a scale stated on one line, or [] when the line is not one.
    ``within``: the statement may start after a sentence and run into more text, as a PDF's
    lines joined into a paragraph give it (the levels up to the first part that is not one)."""
    text = text.strip()
    intro = _LIST_INTRO.match(text)
    if intro is None and within:
        for start in _WITHIN.finditer(text):
            intro = _LIST_INTRO.match(text[start.end() :])
            if intro:
                break
    if not intro:
        return []
    parts = [p for p in re.split(r"\s*[,;]\s*", intro.group("rest").strip().rstrip(".")) if p]
    found: list[Definition] = []
    for part in parts:
        definition = _definition(part)
        if definition is None:
            match = (_LABEL_VALUE_LEAD if within else _LABEL_VALUE).match(part)
            if match is None:
                if within and len(found) >= 2:
                    break
                return []
            definition = Definition(
                match.group("label").strip(), float(match.group("value").replace(",", ".")), ""
            )
            if within and match.end() < len(part):
                found.append(definition)
                break
        found.append(definition)
    return found if len(found) >= 2 else []


def listed_labels(line: str) -> set[str]:
    """The level names (normalised) of a scale stated on ``line``, and their values when
    it states them ("3"), or an empty set."""
    if ":" not in line:
        return set()
    listed = _listed(line, within=True)
    return {normalise(d.label) for d in listed} | {
        f"{d.value:g}" for d in listed if d.value is not None
    }


def valued_levels(units: list[Unit]) -> dict[str, str]:
    """Value → label of the levels the document defines with values ("3 = Strong"), so
    that a rating column holding the number reads as its level; {} otherwise."""
    defined = definitions(units, set())
    if not defined or any(d.value is None for d in defined):
        return {}
    return {f"{d.value:g}": d.label for d in defined}


def definitions(units: list[Unit], used: set[str]) -> list[Definition]:
    """Levels the document defines: the longest run of two or more consecutive definitions,
    most of whose labels are rating phrases or are used as ratings."""
    runs: list[list[Definition]] = [[]]
    for unit in units:
        if isinstance(unit, Para):
            texts = [unit.text]
        elif isinstance(unit, Row):
            cells = [cell_text(cell) for cell in unit.cells if cell.strip()]
            texts = [" : ".join(cells)] if len(cells) == 2 else [" = ".join(cells)]
        else:
            texts = []
        found = [d for d in (_definition(t) for t in texts) if d is not None]
        listed = _listed(unit.text) if isinstance(unit, Para) else []
        if listed:
            runs.append(listed)
            runs.append([])
            continue
        if found:
            runs[-1].extend(found)
        elif runs[-1]:
            runs.append([])

    def recognised(run: list[Definition]) -> bool:
        if len(run) < 2:
            return False
        values = sorted(d.value for d in run if d.value is not None)
        if len(values) == len(run) >= 3 and len(set(values)) == len(values):
            return True  # "3 = …", "2 = …", "1 = …": a scale whatever its words
        hits = sum(1 for d in run if known(d.label) or stem(d.label) in used)
        return hits * 2 >= len(run) and hits >= 1

    good = [run for run in runs if recognised(run)]
    return max(good, key=len) if good else []


def _ranks(labels: list[str]) -> list[int | None]:
    """Each label's rank in the family that knows most of them (None when unknown)."""
    families: Counter[str] = Counter()
    for label in labels:
        families.update({k.family for k in known(label)})
    if not families:
        return [None] * len(labels)
    family = families.most_common(1)[0][0]
    ranks: list[int | None] = []
    for label in labels:
        places: list[Known] = [k for k in known(label) if k.family == family]
        ranks.append(places[0].rank if places else None)
    return ranks


def _best_first(labels: list[str]) -> list[str]:
    """The labels as the document ordered them, turned round when the vocabulary shows
    the document went from worst to best."""
    ranks = [rank for rank in _ranks(labels) if rank is not None]
    if len(ranks) >= 2 and ranks == sorted(ranks, reverse=True) and ranks[0] != ranks[-1]:
        return list(reversed(labels))
    return labels


def _by_vocabulary(written: list[str]) -> tuple[list[str], list[str]]:
    """Used level names in the vocabulary's order, one spelling per level (the commonest);
    the names the vocabulary cannot place come back separately."""
    ranks = _ranks(written)
    spellings: dict[int, Counter[str]] = {}
    unplaced: list[str] = []
    for label, rank in zip(written, ranks, strict=True):
        if rank is None:
            if label not in unplaced:
                unplaced.append(label)
        else:
            spellings.setdefault(rank, Counter())[label] += 1
    ordered = [spellings[rank].most_common(1)[0][0] for rank in sorted(spellings)]
    return ordered, unplaced


def _levels(labels: list[str], values: list[float | None], texts: list[str]) -> list[ParsedLevel]:
    count = len(labels)
    return [
        ParsedLevel(
            label_en=label,
            value=value if value is not None else count - 1 - index,
            description_en=text,
        )
        for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True))
    ]


def _order_note(levels: list[ParsedLevel]) -> str:
    listed = ", ".join(f"{level.label_en} {level.value:g}" for level in levels)
    return _(
        "the document states no values for its rating levels; they were taken from the "
        "levels' order, best highest: %(levels)s"
    ) % {"levels": listed}


def own_levels(units: list[Unit]) -> tuple[str, ...]:
    """The labels of levels the document defines that the vocabulary does not know, so
    that ratings written with them are read as ratings."""
    return tuple(d.label for d in definitions(units, set()) if not known(d.label))


def resolve(units: list[Unit], written: list[str], groups: list[str]) -> Scale:
    """The scale of a document whose ratings use the level names ``written`` (in document
    order, one entry per rating) and whose grouping table, if any, has labels ``groups``."""
    scale = Scale()
    used = {stem(label) for label in written}
    defined = definitions(units, used)
    if defined:
        labels = [d.label for d in defined]
        stated = all(d.value is not None for d in defined)
        if not stated:
            ordered = _best_first(labels)
            by_label = {d.label: d for d in defined}
            defined = [by_label[label] for label in ordered]
        scale.levels = _levels(
            [d.label for d in defined],
            [d.value if stated else None for d in defined],
            [d.description for d in defined],
        )
        if stated:
            scale.levels.sort(key=lambda level: level.value, reverse=True)
        else:
            scale.warnings.append(_order_note(scale.levels))
    elif groups:
        labels = _best_first(list(dict.fromkeys(groups)))
        scale.levels = _levels(labels, [None] * len(labels), [""] * len(labels))
        scale.warnings.append(_order_note(scale.levels))
    else:
        ordered, unplaced = _by_vocabulary(written)
        scale.levels = _levels(ordered, [None] * len(ordered), [""] * len(ordered))
        if scale.levels:
            scale.warnings.append(_order_note(scale.levels))
        for label in unplaced:
            scale.warnings.append(
                _(
                    "the rating level “%(level)s” could not be placed on the scale; those "
                    "indicators are left not assessed. Add the level in the preview"
                )
                % {"level": label}
            )
    return scale
