"""Search over every public thing: items, plans and organisations, in Mongolian and English.

One interface, two engines:

* SQLite: one FTS5 table, ``plans_search`` (migration 0010), filled by triggers on
  ``plans_item``, ``plans_plan`` and ``organisations_organisation``: per row a code
  column (item code, plan short name, acronym), a title column (titles, labels, names) and a
  body column (descriptions), each *folded* (:func:`stemmer_mn.fold`, written in SQL as
  :func:`sqlite_fold`).
* PostgreSQL: a GIN index per table on the weighted ``tsvector`` of the same folded columns
  (:func:`pg_document`); the query unions the three.

The index holds whole folded words; the query does the rest. Each query word becomes a few
prefixes OR-ed together (:func:`word_prefixes`): for Mongolian Cyrillic the word, its stem
and its fleeting-vowel forms (``stemmer_mn.variants``); for Latin letters the word, its
British/American spellings and light English stem (``spelling_en.variants``) *and* the word
read as romanised Mongolian (``stemmer_mn.latin_to_cyrillic``). Words are AND-ed; a phrase
in quotes must appear as written (folded). A query that looks like an item code ("7.1.1")
lists the items with that code first, then their sub-items, and finds nothing else.

Measured on the labelled queries (``plantrack search evaluate``; figures in
docs/search.md), this query-side stemming over a folded whole-word index was chosen over
trigram similarity: it meets inflected forms while trigram similarity of short Mongolian
words ranks unrelated words that share a root-like trigram.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from plantrack.accounts.permissions import PLAN_MANAGERS, in_group, is_site_admin
from plantrack.lib.rules import signed_in
from plantrack.organisations.models import Organisation

from . import spelling_en, stemmer_mn
from .models import Item, Plan, Responsibility, Status
from .permissions import hidden_plans

MAX_TERMS = 8
# Counting stops here ("more than 1,000 results"): an exact count of every match of a
# common word would cost more than the page of results itself.
COUNT_LIMIT = 1000
MAX_LIMIT = 100
KINDS = ("item", "plan", "organisation")
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE_RE = re.compile(r"[\"“”«»„]([^\"“”«»„]+)[\"“”«»„]")
CODE_RE = re.compile(r"^\d+(?:\.[0-9A-Za-z]+)*\.?$")
MAX_PREFIXES = 12

# -- the folded documents (migration 0010 holds a frozen copy; a test keeps them equal) --

FOLD_PAIRS = (
    ("ИЙ", "и"),
    ("Ий", "и"),
    ("ий", "и"),
    ("Ө", "о"),
    ("ө", "о"),
    ("Ү", "у"),
    ("ү", "у"),
    ("Ё", "э"),
    ("ё", "э"),
    ("Е", "э"),
    ("е", "э"),
    ("Ы", "и"),
    ("ы", "и"),
    ("Й", "и"),
    ("й", "и"),
    ("Ь", ""),
    ("ь", ""),
    ("Ъ", ""),
    ("ъ", ""),
)
DOCUMENTS = {
    # kind: (table, code columns, title columns, body columns)
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


def _concat(columns: Iterable[str], prefix: str = "") -> str:
    return " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in columns)


def sqlite_fold(expression: str) -> str:
    for old, new in FOLD_PAIRS:
        expression = f"replace({expression}, '{old}', '{new}')"
    return expression


def pg_fold(expression: str) -> str:
    return f"translate(replace(lower({expression}), 'ий', 'и'), 'өүёеыйьъ', 'оуээии')"


def pg_document(kind: str, alias: str = "") -> str:
    _table, code, title, body = DOCUMENTS[kind]
    prefix = f"{alias}." if alias else ""
    parts = [
        f"setweight(to_tsvector('simple', {pg_fold(_concat(columns, prefix))}), '{weight}')"
        for columns, weight in ((code, "A"), (title, "B"), (body, "D"))
    ]
    return "(" + " || ".join(parts) + ")"


# -- the query ------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    words: list[list[str]] = field(default_factory=list)  # per word: prefixes, OR-ed
    phrases: list[list[str]] = field(default_factory=list)  # folded words in order
    code: str = ""

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases

    @property
    def prefixes(self) -> list[str]:
        found = [p for group in self.words for p in group]
        found += [w for phrase in self.phrases for w in phrase]
        return stemmer_mn.minimal_prefixes(found)


def word_prefixes(word: str) -> list[str]:
    """The folded prefixes a query word is matched by (see the module's doc)."""
    word = word.lower()
    if stemmer_mn.is_cyrillic(word):
        return stemmer_mn.variants(word)[:MAX_PREFIXES]
    if word.isdigit() or len(word) < 2:
        return [word]
    found: set[str] = set(spelling_en.variants(word))
    cyrillic = stemmer_mn.latin_to_cyrillic(word) if len(word) >= 3 else ""
    if cyrillic:
        found.update(stemmer_mn.variants(cyrillic))
    return stemmer_mn.minimal_prefixes(stemmer_mn.fold(f) for f in found)[:MAX_PREFIXES]


def terms(query: str) -> list[str]:
    """The words of ``query``, lower-cased, at most MAX_TERMS."""
    return [word.lower() for word in _WORD_RE.findall(query)][:MAX_TERMS]


def parse(query: str) -> ParsedQuery:
    parsed = ParsedQuery()
    stripped = query.strip()
    if CODE_RE.match(stripped):
        parsed.code = stripped.rstrip(".")
    count = 0
    for phrase in _PHRASE_RE.findall(query):
        words = [stemmer_mn.fold(w) for w in terms(phrase)][: MAX_TERMS - count]
        if words:
            parsed.phrases.append(words)
            count += len(words)
    rest = _PHRASE_RE.sub(" ", query)
    for word in terms(rest)[: max(MAX_TERMS - count, 0)]:
        prefixes = word_prefixes(word)
        if prefixes:
            parsed.words.append(prefixes)
    return parsed


def _fts5_match(parsed: ParsedQuery) -> str:
    groups = ["(" + " OR ".join(f'"{p}"*' for p in group) + ")" for group in parsed.words]
    groups += ['"' + " ".join(phrase) + '"' for phrase in parsed.phrases]
    return " AND ".join(groups)


def _tsquery(parsed: ParsedQuery) -> str:
    groups = ["(" + " | ".join(f"{p}:*" for p in group) + ")" for group in parsed.words]
    groups += ["(" + " <-> ".join(phrase) + ")" for phrase in parsed.phrases]
    return " & ".join(groups)


# -- results --------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    obj: Any
    url: str
    title: SafeString
    title_lang: str
    code: str = ""
    label: SafeString | None = None
    label_lang: str = ""
    excerpt: SafeString | None = None
    excerpt_lang: str = ""
    plan: Plan | None = None
    status: str = ""
    status_label: str = ""
    progress: int | None = None
    exact: bool = False

    @property
    def key(self) -> str:
        """The evaluation's name for this hit ('PLAN/CODE', 'plan:SLUG', 'org:SLUG')."""
        if self.kind == "item":
            return f"{self.obj.plan.slug}/{self.obj.code}"
        return f"{'plan' if self.kind == 'plan' else 'org'}:{self.obj.slug}"


@dataclass
class SearchPage:
    query: str
    hits: list[Hit]
    total: int
    offset: int
    limit: int
    code: str = ""

    @property
    def items(self) -> list[Item]:
        return [hit.obj for hit in self.hits if hit.kind == "item"]

    @property
    def exact(self) -> list[Hit]:
        return [hit for hit in self.hits if hit.exact]

    @property
    def redirect_url(self) -> str:
        """The item's address when the query is its code and no other item has it."""
        exact = self.exact
        return exact[0].url if self.offset == 0 and len(exact) == 1 else ""

    @property
    def more_than_limit(self) -> bool:
        return self.total > COUNT_LIMIT

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < min(self.total, COUNT_LIMIT)

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset else None


def highlight(text: str, prefixes: list[str]) -> SafeString:
    """``text`` escaped, with the words that start with a query prefix in <mark>."""
    out: list[str] = []
    last = 0
    for match in _WORD_RE.finditer(text):
        word = match.group(0)
        folded = stemmer_mn.fold(word)
        if prefixes and any(folded.startswith(p) for p in prefixes):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(word)}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


EXCERPT_CHARS = 240
TITLE_WORDS = 30


def excerpt(text: str, prefixes: list[str]) -> SafeString | None:
    """About EXCERPT_CHARS of ``text`` around its first matching word, highlighted."""
    for match in _WORD_RE.finditer(text):
        if any(stemmer_mn.fold(match.group(0)).startswith(p) for p in prefixes):
            start = max(match.start() - EXCERPT_CHARS // 3, 0)
            piece = text[start : start + EXCERPT_CHARS]
            lead = "… " if start else ""
            tail = " …" if start + EXCERPT_CHARS < len(text) else ""
            return mark_safe(lead + highlight(piece, prefixes) + tail)
    return None


# -- who sees what, and the filters ---------------------------------------------------


@dataclass
class Filters:
    kind: str = ""
    plan: Plan | None = None
    organisation: Organisation | None = None
    status: str = ""

    def kinds(self) -> list[str]:
        kinds = [self.kind] if self.kind in KINDS else list(KINDS)
        if self.status:
            kinds = [k for k in kinds if k == "item"]
        return kinds


def _queryset_sql(queryset: Any) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


@dataclass
class Access:
    """What ``user`` may not see, as SQL subqueries compiled once per search."""

    admin: bool
    hidden: tuple[str, list[Any]] | None  # drafts the user may not see
    managed: tuple[str, list[Any]] | None  # plans whose retired items the user sees
    organisations: tuple[str, list[Any]] | None  # organisations only drafts name

    @classmethod
    def of(cls, user: Any) -> Access:
        from plantrack.organisations.selectors import only_in_drafts

        admin = is_site_admin(user)
        hidden = hidden_plans(user)
        managed = None
        if not admin and signed_in(user) and in_group(user, PLAN_MANAGERS):
            managed = _queryset_sql(Plan.objects.filter(managers=user).values("pk"))
        return cls(
            admin=admin,
            hidden=None if hidden is None else _queryset_sql(hidden),
            managed=managed,
            organisations=None
            if admin
            else _queryset_sql(Organisation.objects.filter(only_in_drafts()).values("pk")),
        )


def _conditions(kind: str, alias: str, access: Access, filters: Filters) -> tuple[str, list[Any]]:
    """SQL conditions on ``alias`` (a row of ``kind``) for the searcher and the filters."""
    where: list[str] = []
    params: list[Any] = []
    responsibility = Responsibility._meta.db_table
    item_table = Item._meta.db_table
    if kind == "item":
        if access.hidden is not None:
            where.append(f"{alias}.plan_id NOT IN ({access.hidden[0]})")
            params += access.hidden[1]
        if access.managed is not None:
            sql, extra = access.managed
            where.append(f"({alias}.retired_at IS NULL OR {alias}.plan_id IN ({sql}))")
            params += extra
        elif not access.admin:
            where.append(f"{alias}.retired_at IS NULL")
        if filters.plan is not None:
            where.append(f"{alias}.plan_id = %s")
            params.append(filters.plan.pk)
        if filters.status:
            where.append(f"{alias}.status = %s")
            params.append(filters.status)
        if filters.organisation is not None:
            where.append(
                f"EXISTS (SELECT 1 FROM {responsibility} r WHERE r.item_id = {alias}.id "
                "AND r.organisation_id = %s)"
            )
            params.append(filters.organisation.pk)
    elif kind == "plan":
        if access.hidden is not None:
            where.append(f"{alias}.id NOT IN ({access.hidden[0]})")
            params += access.hidden[1]
        if filters.plan is not None:
            where.append(f"{alias}.id = %s")
            params.append(filters.plan.pk)
        if filters.organisation is not None:
            where.append(
                f"EXISTS (SELECT 1 FROM {responsibility} r JOIN {item_table} ri "
                f"ON ri.id = r.item_id WHERE ri.plan_id = {alias}.id AND r.organisation_id = %s)"
            )
            params.append(filters.organisation.pk)
    else:
        if access.organisations is not None:
            where.append(f"{alias}.id NOT IN ({access.organisations[0]})")
            params += access.organisations[1]
        if filters.organisation is not None:
            where.append(f"{alias}.id = %s")
            params.append(filters.organisation.pk)
        if filters.plan is not None:
            where.append(
                f"EXISTS (SELECT 1 FROM {responsibility} r JOIN {item_table} ri "
                f"ON ri.id = r.item_id WHERE r.organisation_id = {alias}.id AND ri.plan_id = %s)"
            )
            params.append(filters.plan.pk)
    return " AND ".join(where) or "1=1", params


_ALIASES = {"item": "i", "plan": "p", "organisation": "o"}


# The ranking pass looks at this many of the best matches first; only when fewer of them
# are visible than the page needs does it rank every match (a filter that few match).
CANDIDATES = 200


def _sqlite_refs(
    parsed: ParsedQuery, kinds: list[str], access: Access, filters: Filters, limit: int, offset: int
) -> tuple[list[tuple[str, int]], int]:
    # The kind and id come from the rowid (id * 3 + kind): reading the FTS table's own
    # columns for every match would cost a content lookup each.
    joins, ors, params = [], [], []
    for kind in KINDS:
        alias = _ALIASES[kind]
        table = DOCUMENTS[kind][0]
        number = KIND_NUMBER[kind]
        joins.append(
            f"LEFT JOIN {table} {alias} ON f.rowid %% 3 = {number} AND {alias}.id = f.rowid / 3"
        )
        if kind in kinds:
            sql, extra = _conditions(kind, alias, access, filters)
            ors.append(f"({alias}.id IS NOT NULL AND {sql})")
            params += extra
    visible = f"{' '.join(joins)} WHERE ({' OR '.join(ors)})"
    match = _fts5_match(parsed)
    rank = "bm25(plans_search, 10.0, 5.0, 1.0, 0.0, 0.0)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM plans_search f {visible} "
            "AND plans_search MATCH %s LIMIT %s)",
            [*params, match, COUNT_LIMIT + 1],
        )
        total = cursor.fetchone()[0]
        want = offset + limit
        rows: list[Any] = []
        if want <= CANDIDATES:
            # Rank every match once (FTS5 must), join only the best CANDIDATES.
            cursor.execute(
                f"SELECT f.rowid FROM (SELECT rowid, {rank} AS score FROM plans_search "
                f"WHERE plans_search MATCH %s ORDER BY score, rowid LIMIT %s) AS f {visible} "
                "ORDER BY f.score, f.rowid LIMIT %s OFFSET %s",
                [match, CANDIDATES, *params, limit, offset],
            )
            rows = cursor.fetchall()
        if len(rows) < limit and offset + len(rows) < total:
            cursor.execute(
                f"SELECT f.rowid FROM plans_search f {visible} AND plans_search MATCH %s "
                f"ORDER BY {rank}, f.rowid LIMIT %s OFFSET %s",
                [*params, match, limit, offset],
            )
            rows = cursor.fetchall()
        return [(KINDS[row[0] % 3], row[0] // 3) for row in rows], total


def _postgres_refs(
    parsed: ParsedQuery, kinds: list[str], access: Access, filters: Filters, limit: int, offset: int
) -> tuple[list[tuple[str, int]], int]:
    selects, params = [], []
    for kind in kinds:
        alias = _ALIASES[kind]
        document = pg_document(kind, alias)
        sql, extra = _conditions(kind, alias, access, filters)
        selects.append(
            f"SELECT '{kind}' AS kind, {alias}.id AS ref, ts_rank({document}, q.q, 1) AS rank "
            f"FROM {DOCUMENTS[kind][0]} {alias}, q WHERE {document} @@ q.q AND {sql}"
        )
        params += extra
    found = " UNION ALL ".join(selects)
    head = "WITH q AS (SELECT to_tsquery('simple', %s) AS q) "
    tsquery = _tsquery(parsed)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{head}SELECT count(*) FROM (SELECT 1 FROM ({found}) AS found LIMIT %s) AS counted",
            [tsquery, *params, COUNT_LIMIT + 1],
        )
        total = cursor.fetchone()[0]
        cursor.execute(
            f"{head}SELECT kind, ref FROM ({found}) AS found ORDER BY rank DESC, kind, ref "
            "LIMIT %s OFFSET %s",
            [tsquery, *params, limit, offset],
        )
        return [(row[0], int(row[1])) for row in cursor.fetchall()], total


def _visible_items(user: Any, filters: Filters) -> Any:
    """The items ``user`` may find, filtered (the ORM twin of ``_conditions('item', …)``)."""
    items = Item.objects.all()
    hidden = hidden_plans(user)
    if hidden is not None:
        items = items.exclude(plan__in=hidden)
    if not is_site_admin(user):
        if signed_in(user) and in_group(user, PLAN_MANAGERS):
            items = items.filter(Q(retired_at__isnull=True) | Q(plan__managers=user)).distinct()
        else:
            items = items.filter(retired_at__isnull=True)
    if filters.plan is not None:
        items = items.filter(plan=filters.plan)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.organisation is not None:
        items = items.filter(responsibilities__organisation=filters.organisation)
    return items


def _code_items(
    code: str, user: Any, filters: Filters, limit: int, offset: int
) -> tuple[list[tuple[str, int]], int, set[int]]:
    """Items with this code first (in every plan), then the items under them."""
    if "item" not in filters.kinds():
        return [], 0, set()
    items = _visible_items(user, filters)
    codes = {code, code.upper()}
    exact = items.filter(code__in=codes)
    # A range, not LIKE, so that the index on the code serves it ("/" follows ".").
    under = items.filter(code__gt=f"{code}.", code__lt=f"{code}/")
    exact_ids = list(exact.order_by("plan_id", "path").values_list("pk", flat=True)[:MAX_LIMIT])
    total = len(exact_ids) + under[: COUNT_LIMIT + 1].count()
    rows = [("item", pk) for pk in exact_ids]
    rows += [
        ("item", pk)
        for pk in under.order_by("plan_id", "path").values_list("pk", flat=True)[
            : max(offset + limit - len(rows), 0)
        ]
    ]
    return rows[offset : offset + limit], total, set(exact_ids)


def _hits(refs: list[tuple[str, int]], prefixes: list[str], exact: set[int]) -> list[Hit]:
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for kind, ref in refs:
        ids[kind].append(ref)
    items = Item.objects.select_related("plan").in_bulk(ids["item"]) if ids["item"] else {}
    plans = Plan.objects.in_bulk(ids["plan"]) if ids["plan"] else {}
    orgs = Organisation.objects.in_bulk(ids["organisation"]) if ids["organisation"] else {}
    hits: list[Hit] = []
    for kind, ref in refs:
        if kind == "item" and ref in items:
            hits.append(_item_hit(items[ref], prefixes, ref in exact))
        elif kind == "plan" and ref in plans:
            plan = plans[ref]
            hits.append(
                Hit(
                    kind="plan",
                    obj=plan,
                    url=plan.get_absolute_url(),
                    title=highlight(plan.title, prefixes),
                    title_lang=plan.title_lang,
                    excerpt=excerpt(plan.description, prefixes),
                    excerpt_lang=_lang_of(plan, "description"),
                    plan=plan,
                    progress=None if plan.progress is None else round(plan.progress),
                )
            )
        elif kind == "organisation" and ref in orgs:
            org = orgs[ref]
            hits.append(
                Hit(
                    kind="organisation",
                    obj=org,
                    url=org.get_absolute_url(),
                    title=highlight(org.name, prefixes),
                    title_lang=_lang_of(org, "name"),
                    code=org.acronym,
                    label=highlight(_other(org, "name"), prefixes) if _other(org, "name") else None,
                    label_lang="en" if _lang_of(org, "name") == "mn" else "mn",
                )
            )
    return hits


def _lang_of(obj: Any, field_name: str) -> str:
    from plantrack.lib.bilingual import picked_language

    return picked_language(obj, field_name)


def _other(obj: Any, field_name: str) -> str:
    """The field in the language not shown, when it says something else."""
    shown = _lang_of(obj, field_name)
    other = getattr(obj, f"{field_name}_{'en' if shown == 'mn' else 'mn'}", "")
    return other if other and other != getattr(obj, f"{field_name}_{shown}", "") else ""


def _item_hit(item: Item, prefixes: list[str], exact: bool) -> Hit:
    label = item.label
    title = Truncator(item.title).words(TITLE_WORDS)
    body = item.body
    return Hit(
        kind="item",
        obj=item,
        url=item.get_absolute_url(),
        title=highlight(title, prefixes),
        title_lang=item.title_lang,
        code=item.code,
        label=highlight(label, prefixes) if label and label != title else None,
        label_lang=_lang_of(item, "label") if label else "",
        excerpt=excerpt(body, prefixes) if body else None,
        excerpt_lang=_lang_of(item, "body") if body else "",
        plan=item.plan,
        status=item.status if item.is_tracked else "",
        status_label=str(Status(item.status).label) if item.is_tracked else "",
        progress=item.progress_whole,
        exact=exact,
    )


def search_items(
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    user: Any = None,
    kind: str = "",
    plan: Plan | None = None,
    organisation: Organisation | None = None,
    status: str = "",
) -> SearchPage:
    """Items, plans and organisations matching ``query`` that ``user`` may see (None: a
    visitor), best first; a code query lists the items with that code first."""
    # Callers other than the page (CLI, API) get the same bounds as the page's parameter.
    offset = max(0, min(offset, COUNT_LIMIT))
    limit = max(1, min(limit, MAX_LIMIT))
    filters = Filters(kind=kind, plan=plan, organisation=organisation, status=status)
    parsed = parse(query)
    page = SearchPage(query=query, hits=[], total=0, offset=offset, limit=limit)
    if parsed.empty:
        return page
    exact: set[int] = set()
    refs: list[tuple[str, int]] = []
    if parsed.code:
        refs, page.total, exact = _code_items(parsed.code, user, filters, limit, offset)
        page.code = parsed.code if refs or page.total else ""
    if not page.code:
        kinds = filters.kinds()
        if not kinds:
            return page
        finder = _postgres_refs if connection.vendor == "postgresql" else _sqlite_refs
        refs, page.total = finder(parsed, kinds, Access.of(user), filters, limit, offset)
    page.hits = _hits(refs, parsed.prefixes, exact)
    return page


def ranked_keys(query: str, limit: int = 10) -> list[str]:
    """The evaluation's view of a visitor's first page of results."""
    return [hit.key for hit in search_items(query, limit=limit).hits]


def search_url(**params: Any) -> str:
    from urllib.parse import urlencode

    return reverse("plans:search") + "?" + urlencode({k: v for k, v in params.items() if v})


def rebuild_index() -> int:
    """Fill the SQLite search table afresh from the three tables (the triggers keep it in
    step; this mends a table changed behind their back). Returns the rows indexed; on
    PostgreSQL the indexes are on the tables' own columns and always current (0)."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM plans_search")
        for kind, (table, code, title, body) in DOCUMENTS.items():
            values = ", ".join(
                [
                    f"src.id * 3 + {KIND_NUMBER[kind]}",
                    sqlite_fold(_concat(code, "src.")),
                    sqlite_fold(_concat(title, "src.")),
                    sqlite_fold(_concat(body, "src.")),
                    f"'{kind}'",
                    "src.id",
                ]
            )
            cursor.execute(
                f"INSERT INTO plans_search(rowid, code, title, body, kind, ref) "
                f"SELECT {values} FROM {table} AS src"
            )
        cursor.execute("SELECT count(*) FROM plans_search")
        return int(cursor.fetchone()[0])
