"""Full-text index on items: FTS5 on SQLite, a GIN expression index on PostgreSQL."""

from django.db import migrations

FTS_COLUMNS = "code, title_en, title_mn, body_en, body_mn"

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE plans_item_fts USING fts5({FTS_COLUMNS}, "
    "content='plans_item', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER plans_item_fts_insert AFTER INSERT ON plans_item BEGIN
        INSERT INTO plans_item_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.code, new.title_en, new.title_mn, new.body_en, new.body_mn);
    END""",
    f"""CREATE TRIGGER plans_item_fts_delete AFTER DELETE ON plans_item BEGIN
        INSERT INTO plans_item_fts(plans_item_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.code, old.title_en, old.title_mn, old.body_en, old.body_mn);
    END""",
    f"""CREATE TRIGGER plans_item_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON plans_item BEGIN
        INSERT INTO plans_item_fts(plans_item_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.code, old.title_en, old.title_mn, old.body_en, old.body_mn);
        INSERT INTO plans_item_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.code, new.title_en, new.title_mn, new.body_en, new.body_mn);
    END""",
    "INSERT INTO plans_item_fts(plans_item_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS plans_item_fts_update",
    "DROP TRIGGER IF EXISTS plans_item_fts_delete",
    "DROP TRIGGER IF EXISTS plans_item_fts_insert",
    "DROP TABLE IF EXISTS plans_item_fts",
]
PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(code, '') || ' ' || coalesce(title_en, '') || ' ' || "
    "coalesce(title_mn, '') || ' ' || coalesce(body_en, '') || ' ' || coalesce(body_mn, ''))"
)
PG_FORWARD = [f"CREATE INDEX plans_item_search ON plans_item USING gin (({PG_DOCUMENT}))"]
PG_BACKWARD = ["DROP INDEX IF EXISTS plans_item_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
