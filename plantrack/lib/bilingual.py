"""Content held in Mongolian and English, shown in the reader's language.

A bilingual field is stored as two columns, ``<name>_mn`` and ``<name>_en``.
``pick`` returns the one for the active language and falls back to the other,
so content that exists in only one language is still shown.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

CONTENT_LANGUAGES = ("mn", "en")


def active_content_language() -> str:
    language = (translation.get_language() or "mn")[:2]
    return language if language in CONTENT_LANGUAGES else "mn"


def pick(obj: Any, name: str) -> str:
    return pick_in(obj, name, language_order())[0]


def picked_language(obj: Any, name: str) -> str:
    """The language code of the text ``pick`` returns, for the ``lang`` attribute."""
    return pick_in(obj, name, language_order())[1]


def language_order() -> tuple[str, ...]:
    """The active content language first, then the others: for picking in a tight loop."""
    first = active_content_language()
    return (first, *(lang for lang in CONTENT_LANGUAGES if lang != first))


def pick_in(obj: Any, name: str, order: tuple[str, ...]) -> tuple[str, str]:
    """(text, language) like ``pick``/``picked_language``, with the order looked up once."""
    for lang in order:
        value = getattr(obj, f"{name}_{lang}", "")
        if value:
            return str(value), lang
    return "", order[0]


# The state of one language version of a field, kept per object in a ``translations`` JSON
# field: ``{"title_mn": "unofficial"}``. A version not named there is the official text.
OFFICIAL = "official"
UNOFFICIAL = "unofficial"
NEEDS_REVIEW = "needs_review"
TRANSLATION_STATES = (OFFICIAL, UNOFFICIAL, NEEDS_REVIEW)


def translation_state(obj: Any, name: str, lang: str) -> str:
    """The state of ``<name>_<lang>`` on ``obj``: official unless its ``translations`` say so."""
    states = getattr(obj, "translations", None) or {}
    state = states.get(f"{name}_{lang}", OFFICIAL) if isinstance(states, dict) else OFFICIAL
    return state if state in TRANSLATION_STATES else OFFICIAL


def picked_unofficial(obj: Any, name: str) -> bool:
    """Whether the text ``pick`` shows is a translation not (yet) confirmed as official."""
    text, lang = pick_in(obj, name, language_order())
    return bool(text) and translation_state(obj, name, lang) != OFFICIAL
