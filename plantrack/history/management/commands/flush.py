"""Django's ``flush``, allowed to empty the history tables along with everything else."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from plantrack.history.maintenance import history_unlocked


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        with history_unlocked(connection):
            super().handle(**options)
