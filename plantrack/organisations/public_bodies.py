"""The public bodies fixture (``data/public_bodies.json``): names, acronyms and spellings.

The fixture is data, versioned and with a source note per body; no body is named in code.
``matching.OrganisationIndex`` reads it so that any spelling of a body in either language
(an English or Mongolian name, a spelling variant such as Defence/Defense, a former name,
an acronym in Latin or Cyrillic letters) finds the trusted organisation holding another
spelling of the same body. ``services.organisation_get_or_create`` fills a new
organisation's empty names from it, and ``services.public_bodies_apply`` (run by
``plantrack demo``) fills in the names of organisations that already exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "data" / "public_bodies.json"


def fold(text: str) -> str:
    """The comparison key of a name or acronym: case and runs of spaces ignored (Cyrillic too);
    the en dash some documents write in "11–11" is a hyphen."""
    return " ".join(text.replace("\u2013", "-").split()).casefold()


@dataclass(frozen=True)
class PublicBody:
    key: str
    kind: str
    name_en: str
    name_mn: str
    acronym_en: str = ""
    acronym_mn: str = ""
    variants: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    source: str = ""
    confidence: str = ""

    @property
    def acronyms(self) -> tuple[str, ...]:
        return tuple(a for a in (self.acronym_en, self.acronym_mn) if a)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way of writing the body: names, variants, former names and acronyms."""
        names = (self.name_en, self.name_mn, *self.variants, *self.former, *self.acronyms)
        return tuple(n for n in names if n)


@dataclass
class PublicBodies:
    version: str
    bodies: tuple[PublicBody, ...]
    by_spelling: dict[str, PublicBody] = field(default_factory=dict)

    def find(self, spellings: Iterable[str]) -> PublicBody | None:
        """The body written as any of ``spellings`` (the first one found), or None."""
        for spelling in spellings:
            if spelling:
                found = self.by_spelling.get(fold(spelling))
                if found is not None:
                    return found
        return None


def _body(data: dict[str, Any]) -> PublicBody:
    return PublicBody(
        key=str(data["key"]),
        kind=str(data.get("kind", "other")),
        name_en=str(data.get("name_en", "")),
        name_mn=str(data.get("name_mn", "")),
        acronym_en=str(data.get("acronym_en", "")),
        acronym_mn=str(data.get("acronym_mn", "")),
        variants=tuple(str(v) for v in data.get("variants", ())),
        former=tuple(str(v) for v in data.get("former", ())),
        source=str(data.get("source", "")),
        confidence=str(data.get("confidence", "")),
    )


def parse(data: dict[str, Any]) -> PublicBodies:
    """The fixture's JSON as ``PublicBodies``; a spelling two bodies share is an error."""
    bodies = tuple(_body(entry) for entry in data["bodies"])
    found = PublicBodies(version=str(data["version"]), bodies=bodies)
    for body in bodies:
        for spelling in body.spellings:
            other = found.by_spelling.setdefault(fold(spelling), body)
            if other is not body:
                raise ValueError(f"{spelling!r} names both {other.key} and {body.key}")
    return found


@cache
def public_bodies() -> PublicBodies:
    return parse(json.loads(FIXTURE.read_text(encoding="utf-8")))
