"""Turn free-text stakeholder cells into canonical organisations.

Plan documents name the same body in many ways ("MDDIC", "MDDIC.", "Ministry of
Digital Development, Innovation, and Communications"). The tracker must show one
body as one organisation everywhere, so every mention is mapped to a single
canonical ``Organisation`` (name, acronym, kind) before it reaches the database.

Resolution order for one mention: the explicit table below (names, aliases and
acronyms), then the document's own abbreviations list, then a cleaned-up copy
of the mention itself with a kind guessed from its words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from plantrack.plans.importers.base import ParsedResponsibility

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
    """One canonical body; ``aliases`` are other spellings that mean the same body."""

    name: str
    acronym: str = ""
    kind: str = "other"
    aliases: tuple[str, ...] = ()


# Bodies whose canonical spelling we fix by hand: the documents disagree with each
# other (Oxford comma, "Labor"/"Labour", old acronyms such as MFLSS) and some
# mentions are programmes rather than bodies, which we attribute to their owner.
KNOWN_ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation(
        "Ministry of Digital Development, Innovation and Communications",
        "MDDIC",
        "government",
        ("Ministry of Digital Development, Innovation and Communication",),
    ),
    Organisation(
        "Ministry of Family, Labour and Social Protection",
        "MFLSP",
        "government",
        ("MFLSS", "Ministry of Family, Labor and Social Protection"),
    ),
    Organisation("Ministry of Education", "MoE", "government"),
    Organisation("Ministry of Justice and Home Affairs", "MoJHA", "government"),
    Organisation("Government of Mongolia", "", "government", ("Government",)),
    Organisation("Sectoral ministries", "", "government", ("Line ministries",)),
    Organisation(
        "11–11 Center of the Cabinet Secretariat of the Government of Mongolia",
        "",
        "government",
        ("11-11 Center", "11-11 citizens' service center"),
    ),
    Organisation(
        "Communications Regulatory Commission",
        "CRC",
        "government",
        ("Communications Regulatory Commission of Mongolia",),
    ),
    Organisation("E-Mongolia Academy", "", "government"),
    Organisation("Parliament of Mongolia", "", "parliament", ("Parliament", "State Great Khural")),
    Organisation(
        "D-Parliament (e-participation platform of the Parliament)",
        "",
        "parliament",
        ("D-Parliament", "d.parliament.mn"),
    ),
    Organisation(
        "Working groups established by the decree of the Speaker of the Parliament of Mongolia",
        "",
        "parliament",
        ("Working groups established by the decree of the Speaker of Parliament of Mongolia",),
    ),
    Organisation(
        "United Nations",
        "UN",
        "international",
        # A UN programme is named where the body is meant; attribute it to the UN.
        ("UN Digital accelerator program", "UN Digital accelerator programme"),
    ),
    Organisation(
        "European Union",
        "EU",
        "international",
        # EU funding windows named as stakeholders; the body behind them is the EU.
        ("e-calls PADOR of EU", "Switch Asia program of EU", "EU Switch Asia program"),
    ),
    Organisation(
        "International organizations",
        "",
        "international",
        ("IO", "International organisations"),
    ),
    Organisation(
        "Swiss Agency for Development and Cooperation",
        "SDC",
        "international",
        # "SD" is a truncated "SDC" seen in stakeholder cells.
        ("SD",),
    ),
    Organisation("United States Agency for International Development", "USAID", "international"),
    Organisation(
        "International Think Tank for Landlocked Developing Countries", "ITT LLDC", "international"
    ),
    Organisation("Mongolian Software Industry Association", "MOSA", "private"),
    Organisation(
        "Member companies of the Mongolian Software Industry Association",
        "",
        "private",
        ("MOSA member companies",),
    ),
    Organisation("Private sector", "", "private"),
    Organisation(
        "Civil society organizations",
        "CSOs",
        "cso",
        ("CSO", "Civil society organisations"),
    ),
    Organisation("Contracted organization", "", "other", ("Contracted organisation",)),
)

# Cell fragments that list nothing: "…, etc." or "Others."
_FILLER_KEYS = frozenset({"etc", "others", "other", "and others", "and etc"})

# Word cues for bodies we have never seen; checked in order, first hit wins.
_KIND_CUES: tuple[tuple[str, str], ...] = (
    ("parliament", r"\b(parliament|khural|speaker)\b"),
    ("law_enforcement", r"\b(police|court|prosecutor|border|army|armed forces)\b"),
    (
        "international",
        r"\b(united nations|european|international|world bank|development bank|embassy"
        r"|unicef|undp|unfpa|usaid|jica|koica|giz)\b",
    ),
    ("government", r"\b(ministry|ministries|government|agency|commission|authority|council)\b"),
    ("academia", r"\b(university|academy|institute|school|college)\b"),
    ("cso", r"\b(ngo|ngos|cso|csos|civil society|foundation)\b"),
    ("private", r"\b(llc|company|companies|private|industry|business)\b"),
)

_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "‐": "-"})
_QUOTES = re.compile(r"[“”„\"«»‘’']")
_ACRONYM_SUFFIX = re.compile(r"^(?P<name>.*\S)\s*\((?P<acronym>[^()]{1,15})\)$")


def organisation_key(text: str) -> str:
    """A comparison key that ignores case, quotes, punctuation and a leading "the"."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    text = _QUOTES.sub("", text).replace("&", " and ")
    text = re.sub(r"[.,;:()]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _build_index(organisations: Iterable[Organisation]) -> dict[str, Organisation]:
    index: dict[str, Organisation] = {}
    for organisation in organisations:
        for spelling in (organisation.name, organisation.acronym, *organisation.aliases):
            if spelling:
                index.setdefault(organisation_key(spelling), organisation)
    return index


_INDEX = _build_index(KNOWN_ORGANISATIONS)


def guess_kind(name: str) -> str:
    """Best-effort kind for a body missing from the explicit table."""
    lowered = name.casefold()
    for kind, pattern in _KIND_CUES:
        if re.search(pattern, lowered):
            return kind
    return "other"


def clean_mention(raw: str) -> str:
    """Strip list filler around one mention: whitespace, trailing dots, "etc.", "and "."""
    text = re.sub(r"\s+", " ", raw).strip()
    text = re.sub(r"^(and|or)\s+", "", text, flags=re.IGNORECASE)
    # "MDDIC, MoE etc." — the "etc." clings to the last body.
    # The look-behind starts a match only where a run of commas and spaces starts;
    # without it the engine retried from every character of a long run (cubic).
    text = re.sub(r"(?<![,\s])[,\s]*\betc\b\.?$", "", text, flags=re.IGNORECASE)
    return text.strip(" .;:,")


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


def _is_known_name(text: str, abbreviations: dict[str, str]) -> bool:
    key = organisation_key(clean_mention(text))
    if key in _INDEX:
        return True
    return any(organisation_key(full) == key for full in abbreviations.values())


def split_mentions(raw: str, abbreviations: dict[str, str] | None = None) -> list[str]:
    """Split a stakeholder cell into mentions without cutting known names at their commas.

    "Ministry of Digital Development, Innovation, and Communications" has commas of its
    own, so at each position the longest run of comma-separated pieces that spells a
    known name wins before falling back to a single piece.
    """
    abbreviations = abbreviations or {}
    pieces = _split_top_level(raw)
    mentions: list[str] = []
    start = 0
    while start < len(pieces):
        end = start + 1
        for candidate_end in range(len(pieces), start + 1, -1):
            if _is_known_name(", ".join(pieces[start:candidate_end]), abbreviations):
                end = candidate_end
                break
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


def resolve_mention(mention: str, abbreviations: dict[str, str] | None = None) -> Organisation:
    """Map one cleaned mention to its canonical organisation."""
    abbreviations = abbreviations or {}
    mention = clean_mention(mention)
    known = _INDEX.get(organisation_key(mention))
    if known:
        return known

    # "Swiss Agency for development and cooperation (SDC)": either half may be known.
    match = _ACRONYM_SUFFIX.match(mention)
    name, acronym = (match["name"], match["acronym"].strip()) if match else (mention, "")
    for spelling in (name, acronym):
        if spelling and organisation_key(spelling) in _INDEX:
            return _INDEX[organisation_key(spelling)]

    expansion = _lookup_abbreviation(acronym or name, abbreviations)
    if expansion:
        known = _INDEX.get(organisation_key(expansion))
        if known:
            return known
        full = _strip_article(expansion.strip())
        return Organisation(full, acronym or name, guess_kind(full))

    name = _strip_article(name)
    name = name[:1].upper() + name[1:]
    return Organisation(name, acronym, guess_kind(name))


def normalise_organisation(
    raw: str, abbreviations: dict[str, str] | None = None
) -> list[ParsedResponsibility]:
    """Split a stakeholder cell and return one stakeholder responsibility per distinct body."""
    responsibilities: list[ParsedResponsibility] = []
    seen: set[str] = set()
    for mention in split_mentions(raw, abbreviations):
        organisation = resolve_mention(mention, abbreviations)
        # Two mentions of one body in a cell ("UN, UN programme") count once.
        if organisation.name in seen:
            continue
        seen.add(organisation.name)
        responsibilities.append(
            ParsedResponsibility(
                organisation=organisation.name,
                role="stakeholder",
                acronym=organisation.acronym,
                kind=organisation.kind,
            )
        )
    return responsibilities
