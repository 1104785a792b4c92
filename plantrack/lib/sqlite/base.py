"""Django's SQLite backend, creating the database's folder when it first connects.

Settings must not create the data folder when they load (a command that only reads, such as
``plantrack democode``, would leave an empty ``./data`` wherever it runs); SQLite itself
creates the file but not its folder, so the folder is made here, just before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params.get("database", ""))
        folder = Path(name).parent
        # Only the data folder is ours to make; any other missing folder is a mistake to report
        # (SQLite says "unable to open database file"), not a directory to leave behind.
        if name and not self.is_in_memory_db() and folder == Path(settings.DATA_DIR):
            folder.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
