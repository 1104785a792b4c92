"""Items retired by an import.

On SQLite, adding a column with a default rebuilds ``plans_item``, which drops the
full-text triggers of migration 0002; they and the index are built again afterwards
(and again after the rebuild that undoing this migration makes).
"""

import importlib

from django.db import migrations, models

_search = importlib.import_module("plantrack.plans.migrations.0002_item_search_index")


def rebuild_sqlite_search(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in [*_search.SQLITE_BACKWARD, *_search.SQLITE_FORWARD]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_constraint_messages"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, rebuild_sqlite_search),
        migrations.AddField(
            model_name="item",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="retired at"),
        ),
        migrations.AddField(
            model_name="item",
            name="retired_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="why retired"),
        ),
        migrations.RunPython(rebuild_sqlite_search, migrations.RunPython.noop),
    ]
