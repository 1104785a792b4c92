"""English words for search: British and American spellings, and a light stemmer.

Both are applied to the query only, as alternatives matched by prefix against whole indexed
words: a spelling that exists nowhere simply matches nothing, so the rules can be liberal.
"""

from __future__ import annotations

# British → American word beginnings; each also maps back.
PAIRS = (
    ("defence", "defense"),
    ("offence", "offense"),
    ("licence", "license"),
    ("pretence", "pretense"),
    ("centre", "center"),
    ("metre", "meter"),
    ("litre", "liter"),
    ("theatre", "theater"),
    ("fibre", "fiber"),
    ("calibre", "caliber"),
    ("programme", "program"),
    ("catalogue", "catalog"),
    ("dialogue", "dialog"),
    ("labour", "labor"),
    ("colour", "color"),
    ("favour", "favor"),
    ("behaviour", "behavior"),
    ("harbour", "harbor"),
    ("neighbour", "neighbor"),
    ("honour", "honor"),
    ("endeavour", "endeavor"),
    ("rumour", "rumor"),
    ("vigour", "vigor"),
    ("travell", "travel"),
    ("modell", "model"),
    ("cancell", "cancel"),
    ("counsell", "counsel"),
    ("enrol", "enroll"),
    ("fulfil", "fulfill"),
    ("ageing", "aging"),
    ("aluminium", "aluminum"),
    ("grey", "gray"),
    ("analys", "analyz"),
    ("paralys", "paralyz"),
)
MIN_STEM = 3


def _swap_is_iz(word: str) -> set[str]:
    """organisation ↔ organization, prioritise ↔ prioritize (and their endings)."""
    found = set()
    for british, american in (("is", "iz"), ("iz", "is")):
        at = word.rfind(british)
        # -ise/-isation/-ising/-ised/-ises: the 'is' is followed by e or a(tion) or ing.
        if at >= 3 and word[at + 2 : at + 3] in {"e", "a", "i"}:
            found.add(word[:at] + american + word[at + 2 :])
    return found


def spellings(word: str) -> set[str]:
    """``word`` and its other spellings (British ↔ American)."""
    word = word.lower()
    found = {word}
    for british, american in PAIRS:
        for one, other in ((british, american), (american, british)):
            if word.startswith(one):
                found.add(other + word[len(one) :])
    for known in list(found):
        found |= _swap_is_iz(known)
    return found


def stem(word: str) -> str:
    """A light English stem, used as a prefix: policies/policy → polic, protected → protect."""
    word = word.lower()
    for suffix, keep in (("ies", ""), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("y", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM + 1:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                continue
            if suffix == "es" and not word.endswith(("ses", "xes", "ches", "shes", "zes")):
                continue
            return word[: -len(suffix)] + keep
    return word


def variants(word: str) -> set[str]:
    """Prefixes that find an English ``word``: its spellings and their stems."""
    found = set()
    for spelling in spellings(word):
        found.add(spelling)
        found.add(stem(spelling))
    return {f for f in found if f}
