"""Stakeholder groups: names of a category of actors, not of one body.

Plans name "Private sector", "Civil society organizations", "Sectoral ministries" or
"Иргэний нийгмийн байгууллагууд" next to real bodies. Such a name is a *stakeholder
group* label on the item, never an organisation in the registry. It is recognised by a
general rule over a small vocabulary kept as data (``data/stakeholder_words.json``, in
English and Mongolian): every word of the name is a category word, a qualifier or a
joining word, and at least one is a category ("head") word such as "sector",
"ministries", "partners", "иргэд". A name with any other word ("Ministry of Education",
"Government of Mongolia", "People in Need") names a body. No body is listed anywhere.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "stakeholder_words.json"
_WORD = re.compile(r"[\w'’&-]+")
# Starts at a "(" only: a leading \s* would retry from every space of a long run.
_ACRONYM_TAIL = re.compile(r"\([^()]{1,40}\)\s*$")


@cache
def vocabulary() -> tuple[frozenset[tuple[str, ...]], frozenset[str]]:
    """The head phrases (as word tuples) and every word a group name may hold."""
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    heads: set[tuple[str, ...]] = set()
    words: set[str] = set()
    for section in ("heads", "qualifiers", "joiners"):
        for entries in data[section].values():
            for entry in entries:
                tokens = tuple(words_of(entry))
                words.update(tokens)
                if section == "heads":
                    heads.add(tokens)
    return frozenset(heads), frozenset(words)


def words_of(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return [word.strip("'-") for word in _WORD.findall(text) if word.strip("'-")]


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tuple(tokens[i : i + size]) == phrase for i in range(len(tokens) - size + 1))


def is_group(name: str) -> bool:
    """True when ``name`` names a category of actors rather than one body."""
    name = _ACRONYM_TAIL.sub("", name)  # "Civil society organizations (CSOs)"
    tokens = words_of(name)
    if not tokens or len(tokens) > 8:
        return False
    heads, words = vocabulary()
    if any(token not in words for token in tokens):
        return False
    return any(_contains(tokens, head) for head in heads)


def group_label(name: str) -> str:
    """The label shown for a group: spaces collapsed, first letter capital."""
    name = " ".join(name.split()).strip(" .;:,")
    return name[:1].upper() + name[1:]


def group_key(name: str) -> str:
    return " ".join(words_of(_ACRONYM_TAIL.sub("", name)))
