"""Which language a command speaks on the command line; the site language for a code.

GNU gettext's order: ``LANGUAGE`` (a list like ``mn:en``), then the first of ``LC_ALL``,
``LC_MESSAGES`` and ``LANG`` that is set; the "C" locale says nothing, and then the site's
default language (Mongolian) is spoken. The ``plantrack`` command and ``manage.py`` activate
it before any command runs; a command's own ``--language`` (``import``) wins over it.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("mn", "en")


def environment_language(environ: Mapping[str, str]) -> str:
    """The language the environment asks for, "" when it names neither Mongolian nor English."""

    def code(value: str) -> str:
        return value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()

    for part in environ.get("LANGUAGE", "").split(":"):
        if code(part) in LANGUAGES:
            return code(part)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return code(value) if code(value) in LANGUAGES else ""
    return ""


def site_language(code: str | None) -> str:
    """One of the site's languages for ``code`` ("en-gb" → "en"); else the site's default.
    The language Plantrack keeps for a person (sign-up) and writes their emails in."""
    from django.conf import settings

    short = (code or "").replace("_", "-").split("-")[0].lower()
    return short if short in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def command_language(environ: Mapping[str, str]) -> str:
    from django.conf import settings

    return environment_language(environ) or settings.LANGUAGE_CODE


def run_management(argv: list[str]) -> None:
    """Django's command line, speaking the environment's language."""
    import os

    import django
    from django.core.management import execute_from_command_line
    from django.utils import translation

    django.setup()
    translation.activate(command_language(os.environ))
    execute_from_command_line(argv)
