"""The words rating scales are written in, and the default scales, in one place.

A scorecard rates each indicator with a phrase such as "Very Strong", "Partially
Supports" or "Largely compliant", often followed by the change since the last round
("Very Strong Unchanged"). Readers recognise a rating cell or line by these words
before they know the document's own scale; the scale itself is then taken from the
document (its definitions, a table grouping indicators by level, or the levels it
uses) and ordered by the values it states or, failing that, by the order below.

Each family lists its levels best first; a level may be spelt several ways. Nothing
here names a document: these are the vocabularies of published rating methods
(strength, quality, conformance, compliance, completion, progress, maturity, traffic
lights, yes/no).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..parsed import ParsedLevel

# Best first; each level is a tuple of spellings (lower case, single spaces).
FAMILIES: dict[str, tuple[tuple[str, ...], ...]] = {
    "strength": (("very strong",), ("strong",), ("fair",), ("weak",), ("very weak",)),
    "quality": (
        ("excellent", "outstanding"),
        ("very good",),
        ("good",),
        ("satisfactory", "adequate", "fair", "acceptable"),
        ("poor", "marginal", "unsatisfactory"),
        ("very poor", "unacceptable"),
    ),
    "conformance": (
        ("supports", "fully supports", "supported", "fully supported"),
        (
            "supports with exceptions",
            "partially supports",
            "partially supported",
            "partly supports",
        ),
        ("does not support", "not supported", "unsupported"),
    ),
    "compliance": (
        ("compliant", "fully compliant"),
        ("largely compliant",),
        ("partially compliant",),
        ("non-compliant", "not compliant", "noncompliant"),
    ),
    "met": (("met", "fully met"), ("largely met",), ("partially met", "partly met"), ("not met",)),
    "effectiveness": (("high",), ("substantial",), ("moderate", "medium"), ("low",)),
    "completion": (
        ("complete", "completed", "fully implemented", "implemented"),
        ("substantial", "substantially implemented", "largely implemented"),
        ("limited", "partially implemented", "partly implemented", "in progress"),
        ("not started", "not implemented"),
    ),
    "progress": (
        ("achieved", "on track"),
        ("significant progress",),
        ("moderate progress", "some progress"),
        ("minimal progress", "limited progress"),
        ("no progress", "stalled", "regressing"),
    ),
    "maturity": (
        ("optimised", "optimized", "leading", "advanced"),
        ("managed", "established", "mature"),
        ("defined", "developing", "developed", "emerging"),
        ("repeatable", "basic", "formative"),
        ("initial", "ad hoc", "ad-hoc", "nascent", "latent", "start-up"),
        ("not in place", "non-existent", "nonexistent"),
    ),
    "traffic": (
        ("green",),
        ("amber/green", "amber-green", "green/amber"),
        ("amber", "yellow"),
        ("amber/red", "amber-red", "red/amber"),
        ("red",),
    ),
    "yesno": (("yes",), ("partial", "partly", "partially"), ("no",)),
    # The same scales as Mongolian scorecards write them.
    "mn_quality": (
        ("маш сайн", "онц сайн"),
        ("сайн",),
        ("дунд", "дунд зэрэг", "хангалттай"),
        ("сул", "муу", "хангалтгүй"),
        ("маш сул", "маш муу"),
    ),
    "mn_met": (
        ("бүрэн хангасан", "хангасан", "бүрэн биелсэн"),
        ("ихэвчлэн хангасан",),
        ("хэсэгчлэн хангасан", "хэсэгчлэн биелсэн"),
        ("хангаагүй", "биелээгүй"),
    ),
}

# Ratings that say the indicator was not rated: left out of every score.
NOT_ASSESSED = (
    "not applicable",
    "n/a",
    "na",
    "not evaluated",
    "not assessed",
    "not rated",
    "no data",
    "insufficient data",
    "insufficient information",
    "үнэлээгүй",
    "үнэлгээ хийгээгүй",
    "хамааралгүй",
    "мэдээлэл байхгүй",
)

# The change since the subject's previous round, as documents state it.
CHANGES: dict[str, tuple[str, ...]] = {
    "increase": (
        "increase",
        "increased",
        "improved",
        "improvement",
        "up",
        "upgraded",
        "↑",
        "сайжирсан",
        "өссөн",
        "нэмэгдсэн",
    ),
    "unchanged": (
        "unchanged",
        "no change",
        "same",
        "stable",
        "no movement",
        "→",
        "=",
        "өөрчлөлтгүй",
        "хэвээр",
    ),
    "decrease": (
        "decrease",
        "decreased",
        "declined",
        "decline",
        "worsened",
        "deteriorated",
        "down",
        "downgraded",
        "↓",
        "муудсан",
        "буурсан",
    ),
}


@dataclass(frozen=True)
class Known:
    """What the vocabulary knows of one phrase: its family and its rank there (0 = best)."""

    family: str
    rank: int


_TAG = re.compile(r"<[^<>]{0,40}>")


def normalise(text: str) -> str:
    """Lower case, HTML tags, emphasis marks and edge punctuation gone, single spaces."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    text = text.replace("*", " ").replace("_", " ").replace("\u2011", "-")
    text = " ".join(text.lower().split())
    return text.strip(" .,;:!–—-")


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[Known]]:
    index: dict[str, list[Known]] = {}
    for family, levels in FAMILIES.items():
        for rank, spellings in enumerate(levels):
            for spelling in spellings:
                index.setdefault(spelling, []).append(Known(family, rank))
    return index


def known(phrase: str) -> list[Known]:
    """Every family and rank a level phrase has in the vocabulary ([] when unknown)."""
    return _phrase_index().get(normalise(phrase), [])


def is_not_assessed(phrase: str) -> bool:
    return normalise(phrase) in NOT_ASSESSED


def change_of(phrase: str) -> str:
    """ "increase" | "unchanged" | "decrease" for a change phrase, else ""."""
    word = normalise(phrase)
    for change, spellings in CHANGES.items():
        if word in spellings:
            return change
    return ""


@lru_cache(maxsize=1)
def _level_alternation() -> str:
    phrases = {*(_phrase_index()), *NOT_ASSESSED}
    # Longest first, so "very strong" wins over "strong" and "partially supports" over "supports".
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in ordered)


@lru_cache(maxsize=1)
def _change_alternation() -> str:
    phrases = sorted(
        {p for spellings in CHANGES.values() for p in spellings}, key=len, reverse=True
    )
    return "|".join(re.escape(phrase).replace(r"\ ", r"\s+") for phrase in phrases)


@lru_cache(maxsize=64)
def rating_pattern(extra_levels: tuple[str, ...] = ()) -> re.Pattern[str]:
    """A whole cell or line that is a rating: a level, a change, or a level then a change.

    ``extra_levels`` are the document's own level labels (from its definitions), which the
    vocabulary may not know.
    """
    levels = _level_alternation()
    if extra_levels:
        own = "|".join(
            re.escape(normalise(label)).replace(r"\ ", r"\s+")
            for label in sorted(extra_levels, key=len, reverse=True)
        )
        levels = f"{own}|{levels}"
    changes = _change_alternation()
    return re.compile(
        rf"^(?:(?P<level>{levels})(?:\s*[,;/(–—-]?\s*(?P<change>{changes})\)?)?"
        rf"|(?P<only_change>{changes}))$",
        re.I,
    )


@lru_cache(maxsize=1)
def _level_before() -> re.Pattern[str]:
    levels = "|".join(
        re.escape(phrase).replace(r"\ ", r"\s+")
        for phrase in sorted(_phrase_index(), key=len, reverse=True)
        if " " in phrase or len(phrase) > 4
    )
    return re.compile(rf"\b(?:{levels})\s+$", re.I)


@lru_cache(maxsize=1)
def _change_word() -> re.Pattern[str]:
    words = sorted({p for s in CHANGES.values() for p in s if p.isalpha()}, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.I)


def inline_ratings(text: str) -> int:
    """How many "level change" pairs ("Strong Unchanged") a text holds anywhere in its lines:
    the ratings a reader should have found. Change words are rare, so they are found first
    and only the words before each are tried as a level."""
    level = _level_before()
    return sum(
        1
        for change in _change_word().finditer(text)
        # written as a rating ("Strong Unchanged"), not in a sentence ("strong improvement")
        if change.group(0)[0].isupper()
        and level.search(text, max(change.start() - 40, 0), change.start())
    )


@dataclass(frozen=True)
class Rating:
    level: str  # as written, "" when the phrase is only a change
    change: str  # "increase" | "unchanged" | "decrease" | ""


# A cell longer than this is a justification, never a rating: the match is then not tried.
MAX_RATING_CHARS = 60


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    phrases = [*_phrase_index(), *NOT_ASSESSED, *(p for s in CHANGES.values() for p in s)]
    return frozenset(phrase.split()[0] for phrase in phrases)


def read_rating(text: str, extra_levels: tuple[str, ...] = ()) -> Rating | None:
    """The rating a cell or line states, or None when it is not a rating phrase."""
    if len(text) > MAX_RATING_CHARS * 2:
        return None
    if not extra_levels and "<" not in text:
        words = text.split(maxsplit=1)
        first = words[0].strip("*_.,;:!–—-").lower() if words else ""
        if first and first not in _first_words():
            return None  # the quick answer for most lines and cells
    cleaned = normalise(text)
    if not cleaned or len(cleaned) > MAX_RATING_CHARS:
        return None
    first = cleaned.split(maxsplit=1)[0]
    if first not in _first_words() and not extra_levels:
        return None  # most lines: not one rating phrase starts with this word
    match = rating_pattern(extra_levels).match(cleaned)
    if not match:
        return None
    if match.group("only_change"):
        return Rating("", change_of(match.group("only_change")))
    level = " ".join(match.group("level").split())
    change = change_of(match.group("change")) if match.group("change") else ""
    return Rating(_as_written(text, level), change)


def _as_written(text: str, level: str) -> str:
    """The level's words with the capitals the document gave them."""
    plain = " ".join(re.sub(r"<[^<>]{0,40}>|[*_]", " ", text).split())
    start = plain.lower().find(level.lower())
    return plain[start : start + len(level)] if start >= 0 else level


def stem(phrase: str) -> str:
    """A level's words reduced so "Supported" and "Supports" compare equal."""
    words = []
    for word in normalise(phrase).split():
        for suffix in ("ing", "ed", "es", "s"):
            if len(word) > len(suffix) + 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        words.append(word)
    return " ".join(words)


# --- default scales, used when a document states none --------------------------------

# A maturity scale for benchmark frameworks that give attributes but no scale of their own.
# The Mongolian labels are the project's own wording.
DEFAULT_MATURITY = (
    ("Advanced", "Ахисан", 4, "Fully in place, reviewed and improved regularly."),
    ("Established", "Тогтсон", 3, "In place and working across the organisation."),
    ("Developing", "Хөгжиж буй", 2, "Partly in place; gaps remain."),
    ("Initial", "Анхан шат", 1, "Started or planned; not yet working."),
    ("Not in place", "Байхгүй", 0, "Absent."),
)

# The answers of a checklist indicator (kind "checklist"), as the assessments app stores
# them (its ``content.CHECKLIST``): the labels the readers give a checklist rating.
CHECKLIST = (
    ("Present", "Байгаа", 2, "The risk or deficit is present."),
    ("Partly", "Хэсэгчлэн", 1, "The risk or deficit is partly present."),
    ("Absent", "Байхгүй", 0, "The risk or deficit is absent."),
)


def default_maturity_scale() -> list[ParsedLevel]:
    return [
        ParsedLevel(label_en=en, label_mn=mn, value=value, description_en=description)
        for en, mn, value, description in DEFAULT_MATURITY
    ]
