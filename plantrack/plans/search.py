"""Full-text search over items: SQLite FTS5 or PostgreSQL text search, one interface.

Both index the code, titles and descriptions in both languages. Words are
matched by prefix, case-insensitively, in Cyrillic and Latin script alike
(FTS5's ``unicode61`` tokenizer and PostgreSQL's ``simple`` configuration fold
case without stemming, which suits a mixed-language corpus).

The SQLite index is an external-content FTS5 table kept in step by triggers
(migration 0002); the PostgreSQL one is a GIN index on the same expression the
query uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from .models import Item
from .permissions import hidden_plans

MAX_TERMS = 8
# Counting stops here ("more than 1,000 results"): an exact count of every match of a
# common word would cost more than the page of results itself.
COUNT_LIMIT = 1000
MAX_LIMIT = 100
_WORD_RE = re.compile(r"\w+", re.UNICODE)

PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(code, '') || ' ' || coalesce(title_en, '') || ' ' || "
    "coalesce(title_mn, '') || ' ' || coalesce(body_en, '') || ' ' || coalesce(body_mn, ''))"
)


@dataclass
class SearchPage:
    query: str
    items: list[Item]
    total: int
    offset: int
    limit: int

    @property
    def more_than_limit(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset else None


def terms(query: str) -> list[str]:
    return [word.lower() for word in _WORD_RE.findall(query)][:MAX_TERMS]


def _hidden_sql(user: Any) -> tuple[str, list[Any]]:
    """A subquery of the drafts the searcher may not see, or "" when they see every plan."""
    hidden = hidden_plans(user)
    if hidden is None:
        return "", []
    sql, params = hidden.query.sql_with_params()
    return sql, list(params)


def _sqlite_ids(
    words: list[str], limit: int, offset: int, hidden: tuple[str, list[Any]]
) -> tuple[list[int], int]:
    match = " ".join(f'"{word}"*' for word in words)
    where, extra = "", hidden[1]
    if hidden[0]:
        where = f" AND rowid NOT IN (SELECT id FROM plans_item WHERE plan_id IN ({hidden[0]}))"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM plans_item_fts WHERE plans_item_fts MATCH %s"
            f"{where} LIMIT %s)",
            [match, *extra, COUNT_LIMIT + 1],
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT rowid FROM plans_item_fts WHERE plans_item_fts MATCH %s{where} "
            "ORDER BY bm25(plans_item_fts, 10.0, 5.0, 5.0, 1.0, 1.0), rowid LIMIT %s OFFSET %s",
            [match, *extra, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()], total


def _postgres_ids(
    words: list[str], limit: int, offset: int, hidden: tuple[str, list[Any]]
) -> tuple[list[int], int]:
    query = " & ".join(f"{word}:*" for word in words)
    where, extra = (f" AND plan_id NOT IN ({hidden[0]})", hidden[1]) if hidden[0] else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM plans_item WHERE {PG_DOCUMENT} "
            f"@@ to_tsquery('simple', %s){where} LIMIT %s) AS found",
            [query, *extra, COUNT_LIMIT + 1],
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT id FROM plans_item WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s){where} "
            f"ORDER BY ts_rank({PG_DOCUMENT}, to_tsquery('simple', %s)) DESC, id "
            "LIMIT %s OFFSET %s",
            [query, *extra, query, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()], total


def search_items(query: str, *, limit: int = 20, offset: int = 0, user: Any = None) -> SearchPage:
    """Items matching ``query`` in the plans ``user`` may see (None: a visitor)."""
    # Callers other than the page (CLI, API) get the same bounds as the page's parameter.
    offset = max(0, min(offset, COUNT_LIMIT))
    limit = max(1, min(limit, MAX_LIMIT))
    words = terms(query)
    if not words:
        return SearchPage(query=query, items=[], total=0, offset=0, limit=limit)
    finder = _postgres_ids if connection.vendor == "postgresql" else _sqlite_ids
    ids, total = finder(words, limit, offset, _hidden_sql(user))
    found = Item.objects.select_related("plan").in_bulk(ids)
    return SearchPage(
        query=query,
        items=[found[pk] for pk in ids if pk in found],
        total=total,
        offset=offset,
        limit=limit,
    )
