"""The labelled search evaluation: recall@10 and MRR over ``data/search_queries.json``.

Each query names what it must find ('PLAN/CODE' for an item, 'plan:SLUG', 'org:SLUG').
A target missing from the database, or, for a Mongolian query, one with no Mongolian text
yet, is left out; a query left with nothing to find is skipped (and counted)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Q

from plantrack.organisations.models import Organisation

from .models import Item, Plan

QUERIES_FILE = Path(__file__).parent / "data" / "search_queries.json"
TOP = 10
MONGOLIAN = ("mn", "mn-latn")


@dataclass
class QueryResult:
    query: str
    lang: str
    expected: list[str]
    found: list[str]
    skipped: str = ""

    @property
    def recall(self) -> float:
        top = set(self.found[:TOP])
        return sum(1 for key in self.expected if key in top) / len(self.expected)

    @property
    def reciprocal_rank(self) -> float:
        for rank, key in enumerate(self.found[:TOP], start=1):
            if key in self.expected:
                return 1 / rank
        return 0.0


@dataclass
class Figures:
    queries: int = 0
    recall: float = 0.0
    mrr: float = 0.0


@dataclass
class Evaluation:
    results: list[QueryResult] = field(default_factory=list)

    def figures(self, lang: str = "") -> Figures:
        scored = [r for r in self.results if not r.skipped and (not lang or r.lang == lang)]
        if not scored:
            return Figures()
        return Figures(
            queries=len(scored),
            recall=sum(r.recall for r in scored) / len(scored),
            mrr=sum(r.reciprocal_rank for r in scored) / len(scored),
        )

    @property
    def skipped(self) -> list[QueryResult]:
        return [r for r in self.results if r.skipped]


def load_queries(path: Path = QUERIES_FILE) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["queries"])


def _present(keys: Iterable[str]) -> dict[str, bool]:
    """Each target key: False when absent, else whether it has Mongolian text."""
    keys = list(keys)
    present: dict[str, bool] = {}
    plan_slugs = {k[5:] for k in keys if k.startswith("plan:")}
    for plan in Plan.objects.filter(slug__in=plan_slugs):
        present[f"plan:{plan.slug}"] = bool(plan.title_mn or plan.description_mn)
    org_slugs = {k[4:] for k in keys if k.startswith("org:")}
    for org in Organisation.objects.filter(slug__in=org_slugs):
        present[f"org:{org.slug}"] = bool(org.name_mn)
    item_keys = [k.split("/", 1) for k in keys if ":" not in k and "/" in k]
    match = Q(pk__in=[])
    for slug, code in item_keys:
        match |= Q(plan__slug=slug, code=code)
    for item in Item.objects.filter(match).select_related("plan"):
        present[f"{item.plan.slug}/{item.code}"] = bool(
            item.title_mn or item.label_mn or item.body_mn
        )
    return present


def evaluate(
    finder: Callable[[str], list[str]], queries: list[dict[str, Any]] | None = None
) -> Evaluation:
    """Run every labelled query through ``finder`` (query → ranked keys)."""
    queries = load_queries() if queries is None else queries
    present = _present(key for query in queries for key in query["expect"])
    evaluation = Evaluation()
    for query in queries:
        lang = query.get("lang", "en")
        expected = [
            key
            for key in query["expect"]
            if key in present and (present[key] or lang not in MONGOLIAN)
        ]
        if not expected:
            evaluation.results.append(
                QueryResult(query["q"], lang, list(query["expect"]), [], skipped="no target")
            )
            continue
        evaluation.results.append(QueryResult(query["q"], lang, expected, finder(query["q"])))
    return evaluation
