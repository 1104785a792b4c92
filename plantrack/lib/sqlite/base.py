"""Django's SQLite backend, creating the database's folder when it first connects.

Settings must not create the data folder when they load (a command that only reads, such as
``plantrack democode``, would leave an empty ``./data`` wherever it runs); SQLite itself
creates the file but not its folder, so the folder is made here, just before.

Each connection also gets ``plantrack_history_unlocked()``, which the history tables'
triggers call: false, except while ``flush`` empties the whole database (see
``plantrack.history.maintenance``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper


class DatabaseWrapper(SQLiteDatabaseWrapper):
    history_unlocked = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params.get("database", ""))
        made = False
        if name and not self.is_in_memory_db() and not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            made = not Path(name).exists()
        conn = super().get_new_connection(conn_params)
        if made and Path(name).exists():
            # It holds password hashes and unpublished drafts: readable by this account only.
            Path(name).chmod(0o600)
        conn.create_function("plantrack_history_unlocked", 0, lambda: int(self.history_unlocked))
        return conn
