"""Keep a table's triggers across a migration that rebuilds it on SQLite.

Adding or removing a column with a default makes Django rebuild the table on SQLite (a new
table, copy, drop, rename), which drops the triggers on it — such as the full-text search
triggers. ``keep_triggers(tables)`` gives the two migration operations to put around such
changes: the first notes the triggers' SQL, the second creates again any that are gone.
Whatever triggers exist at that point of the migration history are kept, so the migration
does not need to know which search migration made them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

_saved: dict[str, list[tuple[str, str]]] = {}


def _save(tables: tuple[str, ...]) -> Any:
    def save(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "sqlite":
            return
        marks = ", ".join("%s" for _ in tables)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                f"AND tbl_name IN ({marks}) ORDER BY name",
                list(tables),
            )
            _saved[connection.alias] = list(cursor.fetchall())

    return save


def _restore(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    for name, sql in _saved.pop(connection.alias, []):
        if name not in present and sql:
            schema_editor.execute(sql)


def keep_triggers(*tables: str) -> tuple[migrations.RunPython, migrations.RunPython]:
    """(before, after): put ``before`` ahead of the table changes and ``after`` behind them."""
    save = _save(tables)
    return (
        migrations.RunPython(save, _restore, elidable=False),
        migrations.RunPython(_restore, save, elidable=False),
    )
