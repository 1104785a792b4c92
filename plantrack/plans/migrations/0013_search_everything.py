"""Search over items, plans and organisations, on folded text (issue 10).

SQLite: the items-only FTS5 table of 0002 gives way to ``plans_search``, one FTS5 table for
the three kinds (rowid = id * 3 + kind), kept in step by triggers and filled here from the
existing rows. PostgreSQL: the items-only GIN index gives way to one GIN index per table on
the weighted tsvector of the folded columns. The SQL is frozen here; ``plans/search.py``
builds the same expressions at query time (tests/plans/test_search.py keeps them equal).
"""

from django.db import migrations, models

FOLD_PAIRS = (
    ("ИЙ", "и"), ("Ий", "и"), ("ий", "и"), ("Ө", "о"), ("ө", "о"), ("Ү", "у"), ("ү", "у"),
    ("Ё", "э"), ("ё", "э"), ("Е", "э"), ("е", "э"), ("Ы", "и"), ("ы", "и"), ("Й", "и"),
    ("й", "и"), ("Ь", ""), ("ь", ""), ("Ъ", ""), ("ъ", ""),
)  # fmt: skip
DOCUMENTS = {
    "item": (
        "plans_item",
        ("code",),
        ("title_en", "title_mn", "label_en", "label_mn"),
        ("body_en", "body_mn"),
    ),
    "plan": (
        "plans_plan",
        ("short_name",),
        ("title_en", "title_mn", "short_title_en", "short_title_mn"),
        ("description_en", "description_mn", "issuer", "issuer_mn"),
    ),
    "organisation": (
        "organisations_organisation",
        ("acronym", "acronym_mn"),
        ("name_en", "name_mn"),
        ("description_en", "description_mn"),
    ),
}
KIND_NUMBER = {"item": 0, "plan": 1, "organisation": 2}


def _concat(columns, prefix=""):
    return " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in columns)


def sqlite_fold(expression):
    for old, new in FOLD_PAIRS:
        expression = f"replace({expression}, '{old}', '{new}')"
    return expression


def pg_fold(expression):
    return f"translate(replace(lower({expression}), 'ий', 'и'), 'өүёеыйьъ', 'оуээии')"


def pg_document(kind, alias=""):
    _table, code, title, body = DOCUMENTS[kind]
    prefix = f"{alias}." if alias else ""
    parts = [
        f"setweight(to_tsvector('simple', {pg_fold(_concat(columns, prefix))}), '{weight}')"
        for columns, weight in ((code, "A"), (title, "B"), (body, "D"))
    ]
    return "(" + " || ".join(parts) + ")"


def _sqlite_values(kind, row):
    _table, code, title, body = DOCUMENTS[kind]
    number = KIND_NUMBER[kind]
    return (
        f"{row}.id * 3 + {number}, {sqlite_fold(_concat(code, row + '.'))}, "
        f"{sqlite_fold(_concat(title, row + '.'))}, {sqlite_fold(_concat(body, row + '.'))}, "
        f"'{kind}', {row}.id"
    )


COLUMNS = "rowid, code, title, body, kind, ref"


def sqlite_forward():
    statements = [
        "DROP TRIGGER IF EXISTS plans_item_fts_update",
        "DROP TRIGGER IF EXISTS plans_item_fts_delete",
        "DROP TRIGGER IF EXISTS plans_item_fts_insert",
        "DROP TABLE IF EXISTS plans_item_fts",
        "CREATE VIRTUAL TABLE plans_search USING fts5(code, title, body, kind UNINDEXED, "
        "ref UNINDEXED, tokenize='unicode61 remove_diacritics 2')",
    ]
    for kind, (table, code, title, body) in DOCUMENTS.items():
        number = KIND_NUMBER[kind]
        columns = ", ".join((*code, *title, *body))
        statements += [
            f"""CREATE TRIGGER plans_search_{kind}_insert AFTER INSERT ON {table} BEGIN
                INSERT INTO plans_search({COLUMNS}) VALUES ({_sqlite_values(kind, "new")});
            END""",
            f"""CREATE TRIGGER plans_search_{kind}_delete AFTER DELETE ON {table} BEGIN
                DELETE FROM plans_search WHERE rowid = old.id * 3 + {number};
            END""",
            f"""CREATE TRIGGER plans_search_{kind}_update AFTER UPDATE OF {columns} ON {table}
            BEGIN
                DELETE FROM plans_search WHERE rowid = old.id * 3 + {number};
                INSERT INTO plans_search({COLUMNS}) VALUES ({_sqlite_values(kind, "new")});
            END""",
            f"INSERT INTO plans_search({COLUMNS}) SELECT {_sqlite_values(kind, 'src')} "
            f"FROM {table} AS src",
        ]
    return statements


def sqlite_backward():
    statements = []
    for kind in DOCUMENTS:
        for event in ("insert", "delete", "update"):
            statements.append(f"DROP TRIGGER IF EXISTS plans_search_{kind}_{event}")
    statements.append("DROP TABLE IF EXISTS plans_search")
    # Back to 0002's items-only index.
    fts = "code, title_en, title_mn, body_en, body_mn"
    statements += [
        f"CREATE VIRTUAL TABLE plans_item_fts USING fts5({fts}, content='plans_item', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"""CREATE TRIGGER plans_item_fts_insert AFTER INSERT ON plans_item BEGIN
            INSERT INTO plans_item_fts(rowid, {fts})
            VALUES (new.id, new.code, new.title_en, new.title_mn, new.body_en, new.body_mn);
        END""",
        f"""CREATE TRIGGER plans_item_fts_delete AFTER DELETE ON plans_item BEGIN
            INSERT INTO plans_item_fts(plans_item_fts, rowid, {fts}) VALUES ('delete', old.id,
            old.code, old.title_en, old.title_mn, old.body_en, old.body_mn);
        END""",
        f"""CREATE TRIGGER plans_item_fts_update AFTER UPDATE OF {fts} ON plans_item BEGIN
            INSERT INTO plans_item_fts(plans_item_fts, rowid, {fts}) VALUES ('delete', old.id,
            old.code, old.title_en, old.title_mn, old.body_en, old.body_mn);
            INSERT INTO plans_item_fts(rowid, {fts})
            VALUES (new.id, new.code, new.title_en, new.title_mn, new.body_en, new.body_mn);
        END""",
        "INSERT INTO plans_item_fts(plans_item_fts) VALUES ('rebuild')",
    ]
    return statements


OLD_PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(code, '') || ' ' || coalesce(title_en, '') || ' ' || "
    "coalesce(title_mn, '') || ' ' || coalesce(body_en, '') || ' ' || coalesce(body_mn, ''))"
)


def pg_forward():
    statements = ["DROP INDEX IF EXISTS plans_item_search"]
    for kind, (table, *_columns) in DOCUMENTS.items():
        statements.append(
            f"CREATE INDEX plans_search_{kind} ON {table} USING gin ({pg_document(kind)})"
        )
    return statements


def pg_backward():
    statements = [f"DROP INDEX IF EXISTS plans_search_{kind}" for kind in DOCUMENTS]
    statements.append(
        f"CREATE INDEX plans_item_search ON plans_item USING gin (({OLD_PG_DOCUMENT}))"
    )
    return statements


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, list)():
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0012_plan_translations"),
        ("organisations", "0010_registration_decisions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="item",
            index=models.Index(fields=["code"], name="item_code"),
        ),
        migrations.RunPython(
            _run({"sqlite": sqlite_forward, "postgresql": pg_forward}),
            _run({"sqlite": sqlite_backward, "postgresql": pg_backward}),
        )
    ]
