"""The backup commands speak the language the environment asks for (as ``plantrack import``)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from plantrack.plans.management.commands.importplan import environment_language


class SpeakingCommand(BaseCommand):
    def run_from_argv(self, argv: list[str]) -> None:
        """On the command line: LANGUAGE, LC_ALL, LC_MESSAGES or LANG, else Mongolian."""
        with translation.override(environment_language(os.environ) or settings.LANGUAGE_CODE):
            super().run_from_argv(argv)
