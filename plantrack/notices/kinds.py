"""The kinds of notice and how each is written: a registry the other apps fill from their
``AppConfig.ready()`` (progress registers its report notices in ``progress/notify.py``).

A writer turns a notice's parameters into its text in the *active* language, so the same
notice reads in Mongolian on one page, in English on another, and in the recipient's own
language in the email."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from plantrack.lib.bilingual import language_order


@dataclass(frozen=True)
class Text:
    title: str  # one line: the page's heading for the notice and the email's subject
    body: str  # a few sentences, plain text


Writer = Callable[[dict[str, Any]], Text]

_WRITERS: dict[str, Writer] = {}


def notice_kind(name: str) -> Callable[[Writer], Writer]:
    """Register ``writer(params) -> Text`` for the notices of kind ``name``."""

    def add(writer: Writer) -> Writer:
        if name in _WRITERS and _WRITERS[name] is not writer:
            raise ValueError(f"the notice kind {name!r} is registered twice")
        _WRITERS[name] = writer
        return writer

    return add


def known_kinds() -> list[str]:
    return sorted(_WRITERS)


def write(kind: str, params: dict[str, Any]) -> Text:
    """The notice's text in the active language; a kind no app registers any more still
    reads as a notice rather than failing the page."""
    writer = _WRITERS.get(kind)
    if writer is None:
        return Text(title=_("Notice"), body="")
    return writer(params)


def bilingual(params: dict[str, Any], name: str) -> str:
    """``params[name_<lang>]`` in the active language, else the other one (as ``pick``)."""
    for lang in language_order():
        value = params.get(f"{name}_{lang}")
        if value:
            return str(value)
    return ""
