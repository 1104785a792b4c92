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
