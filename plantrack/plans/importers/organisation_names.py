"""Turn free-text stakeholder cells into organisation mentions and stakeholder groups.

A cell such as "NGOs, MoH, Ministry of Family, Labour and Social Protection, etc." is
split into mentions by general rules only: commas inside parentheses do not split, a
name's own enumeration ("Ministry of Family, Labour and Social Protection") is kept
whole, list filler ("etc.", "others") is dropped. Each mention is then resolved:

1. the mapping's ``organisations`` entries (the spellings a person fixed for this
   document, saved with the plan and reused for its next version);
2. the document's own abbreviations table (an acronym → its expansion);
3. the mention itself, cleaned, with "Name (ACR)" split into name and acronym.

A mention that names a category of actors (``stakeholders.is_group``) becomes a
stakeholder group, not an organisation. Which stored organisation a name means is
decided later, against the registry (``plans.services`` and ``organisations.matching``);
no list of known bodies lives in code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from plantrack.plans.importers.base import ParsedResponsibility

from .stakeholders import group_key, group_label, is_group

KINDS = frozenset(
    {
        "government",
        "law_enforcement",
        "cso",
        "international",
        "private",
        "academia",
        "parliament",
        "other",
    }
)


@dataclass(frozen=True)
class Organisation:
    """One body as read, or (``group=True``) a stakeholder group's label."""

    name: str
    acronym: str = ""
    kind: str = "other"
    group: bool = False


# Cell fragments that list nothing: "…, etc." or "Others."
_FILLER_KEYS = frozenset({"etc", "others", "other", "and others", "and etc", "бусад", "гэх мэт"})

# Word cues for a body's kind; checked in order, first hit wins. Generic words only.
_KIND_CUES: tuple[tuple[str, str], ...] = (
    ("parliament", r"\b(parliament|khural|speaker|их хурал|парламент)"),
    (
        "law_enforcement",
        r"\b(police|court|prosecutor|border|army|armed forces|цагдаа|шүүх|прокурор|хил)",
    ),
    (
        "international",
        r"\b(united nations|european|international|world bank|development bank|embassy"
        r"|олон улсын|элчин)",
    ),
    (
        "government",
        r"\b(ministry|ministries|government|agency|commission|authority|council|office"
        r"|яам|агентлаг|газар|хороо|засгийн)",
    ),
    ("academia", r"\b(university|academy|institute|school|college|их сургууль|академи)"),
    ("cso", r"\b(ngo|ngos|cso|csos|civil society|foundation|төрийн бус|сан\b)"),
    ("private", r"\b(llc|company|companies|private|industry|business|ххк|компани)"),
)

_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "‐": "-"})
_QUOTES = re.compile(r"[“”„\"«»‘’']")
_ACRONYM_SUFFIX = re.compile(r"^(?P<name>.*\S)\s*\((?P<acronym>[^()]{1,15})\)$")
# A word that starts a body's own name; a piece holding one is never part of another name.
_BODY_WORDS = re.compile(
    r"\b(ministry|ministries|government|agency|commission|authority|council|parliament|office"
    r"|university|academy|institute|association|bank|union|nations|centre|center|court"
    r"|яам|агентлаг|газар|хороо|их хурал)",
    re.IGNORECASE,
)


def organisation_key(text: str) -> str:
    """A comparison key that ignores case, quotes, punctuation and a leading "the"."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    text = _QUOTES.sub("", text).replace("&", " and ")
    text = re.sub(r"[.,;:()]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def guess_kind(name: str) -> str:
    """Best-effort kind from a name's generic words; "other" when none fits."""
    lowered = name.casefold()
    for kind, pattern in _KIND_CUES:
        if re.search(pattern, lowered):
            return kind
    return "other"


def clean_mention(raw: str) -> str:
    """Strip list filler around one mention: whitespace, trailing dots, "etc.", "and "."""
    text = re.sub(r"\s+", " ", raw).strip()
    text = re.sub(r"^(and|or)\s+", "", text, flags=re.IGNORECASE)
    # "MoH, MoE etc." — the "etc." clings to the last body.
    # The look-behind starts a match only where a run of commas and spaces starts;
    # without it the engine retried from every character of a long run (cubic).
    text = re.sub(r"(?<![,\s])[,\s]*\betc\b\.?$", "", text, flags=re.IGNORECASE)
    return text.strip(" .;:,")


def tidy_name(name: str) -> str:
    """One spelling of a name: spaces collapsed, no serial comma before "and"."""
    name = " ".join(name.split())
    return re.sub(r",\s+(and|ба|болон)\s", r" \1 ", name)


def _split_top_level(text: str) -> list[str]:
    """Split on commas/semicolons that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _is_acronym(text: str) -> bool:
    text = text.strip(" .")
    return bool(text) and " " not in text and sum(c.isupper() for c in text) >= 2


def _enumeration_end(pieces: list[str], start: int) -> int:
    """Where a name's own enumeration ends: "Ministry of Family, Labour and Social Protection".

    A piece "X of Y" may continue with short pieces that name no body and are no acronym,
    up to one that holds "and" (the enumeration's last member); otherwise it stands alone.
    """
    if " of " not in f" {pieces[start].casefold()} ":
        return start + 1
    for end in range(start + 1, min(len(pieces), start + 6)):
        text = pieces[end].strip()
        if _is_acronym(text) or _BODY_WORDS.search(re.sub(r"^and\s+", "", text, flags=re.I)):
            return start + 1
        if len(text.split()) > 5 or is_group(text):
            return start + 1
        if re.search(r"(^|\s)(and|ба|болон)\s", text, flags=re.IGNORECASE):
            return end + 1
    return start + 1


def split_mentions(
    raw: str,
    abbreviations: dict[str, str] | None = None,
    known: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """Split a stakeholder cell into mentions without cutting names at their own commas.

    ``known`` holds the comparison keys of names the document or its mapping spells out;
    at each position the longest run of comma-separated pieces that spells one wins,
    then the general enumeration rule (``_enumeration_end``), then a single piece.
    """
    keys = set(known) | {organisation_key(full) for full in (abbreviations or {}).values()}
    pieces = _split_top_level(raw)
    mentions: list[str] = []
    start = 0
    while start < len(pieces):
        end = 0
        for candidate_end in range(len(pieces), start + 1, -1):
            if organisation_key(clean_mention(", ".join(pieces[start:candidate_end]))) in keys:
                end = candidate_end
                break
        end = end or _enumeration_end(pieces, start)
        mention = clean_mention(", ".join(pieces[start:end]))
        if mention and organisation_key(mention) not in _FILLER_KEYS:
            mentions.append(mention)
        start = end
    return mentions


def _strip_article(name: str) -> str:
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def _lookup_abbreviation(acronym: str, abbreviations: dict[str, str]) -> str | None:
    """The document's expansion of ``acronym``; exact case first, then case-insensitive."""
    if acronym in abbreviations:
        return abbreviations[acronym]
    folded = {key.casefold(): value for key, value in abbreviations.items()}
    return folded.get(acronym.casefold())


def aliases_from_mapping(entries: dict[str, Any] | None) -> dict[str, Organisation]:
    """The mapping's ``organisations`` object: spelling → {"name", "acronym", "kind"} or
    {"group": label}, keyed by ``organisation_key`` of the spelling."""
    found: dict[str, Organisation] = {}
    for spelling, entry in (entries or {}).items():
        if not isinstance(entry, dict):
            continue
        if entry.get("group"):
            label = str(entry["group"])
            found[organisation_key(spelling)] = Organisation(label, group=True)
            continue
        name = tidy_name(str(entry.get("name") or spelling))
        kind = str(entry.get("kind") or guess_kind(name))
        found[organisation_key(spelling)] = Organisation(
            name, str(entry.get("acronym") or ""), kind if kind in KINDS else "other"
        )
    return found


def resolve_mention(
    mention: str,
    abbreviations: dict[str, str] | None = None,
    aliases: dict[str, Organisation] | None = None,
) -> Organisation:
    """Map one cleaned mention to the body (or group) it names, by general rules."""
    abbreviations, aliases = abbreviations or {}, aliases or {}
    mention = clean_mention(mention)
    if organisation_key(mention) in aliases:
        return aliases[organisation_key(mention)]
    match = _ACRONYM_SUFFIX.match(mention)
    name, acronym = (match["name"], match["acronym"].strip()) if match else (mention, "")
    for spelling in (name, acronym):
        if spelling and organisation_key(spelling) in aliases:
            return aliases[organisation_key(spelling)]
    expansion = _lookup_abbreviation(acronym or name, abbreviations)
    if is_group(mention) and not (expansion and not is_group(expansion)):
        return Organisation(group_label(expansion or name), group=True)
    if expansion:
        if organisation_key(expansion) in aliases:
            return aliases[organisation_key(expansion)]
        full = tidy_name(_strip_article(expansion.strip()))
        if is_group(full):
            return Organisation(group_label(full), group=True)
        return Organisation(full, acronym or name, guess_kind(full))
    name = tidy_name(_strip_article(name))
    name = name[:1].upper() + name[1:]
    return Organisation(name, acronym, guess_kind(name))


def read_stakeholders(
    raw: str,
    abbreviations: dict[str, str] | None = None,
    aliases: dict[str, Organisation] | None = None,
    *,
    role: str = "stakeholder",
) -> tuple[list[ParsedResponsibility], list[str]]:
    """The bodies a cell names (one responsibility each) and the stakeholder groups."""
    aliases = aliases or {}
    responsibilities: list[ParsedResponsibility] = []
    groups: list[str] = []
    seen: set[str] = set()
    for mention in split_mentions(raw, abbreviations, frozenset(aliases)):
        organisation = resolve_mention(mention, abbreviations, aliases)
        key = ("group:" + group_key(organisation.name)) if organisation.group else organisation.name
        # Two mentions of one body in a cell (its acronym and its name) count once.
        if key in seen:
            continue
        seen.add(key)
        if organisation.group:
            groups.append(organisation.name)
            continue
        responsibilities.append(
            ParsedResponsibility(
                organisation=organisation.name,
                role=role,
                acronym=organisation.acronym,
                kind=organisation.kind,
            )
        )
    return responsibilities, groups


def normalise_organisation(
    raw: str, abbreviations: dict[str, str] | None = None
) -> list[ParsedResponsibility]:
    """The bodies a stakeholder cell names; its stakeholder groups are left out."""
    return read_stakeholders(raw, abbreviations)[0]
