"""Shared helpers for the outline reader's tests: the seeds and a tree summary."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import plantrack
from plantrack.plans.importers.base import ParsedPlan
from plantrack.plans.importers.document import read_text
from plantrack.plans.importers.mapping import Mapping, parse_document

SEEDS = Path(plantrack.__file__).parent / "plans" / "seeds"
VISION = SEEDS / "000_9b10a168590abdd1.txt"
RECOMMENDATIONS = SEEDS / "001_2125384cf4ad98ca.txt"
ROADMAP = SEEDS / "002_99bd07660585a0bf.txt"

FIGURES = {
    VISION.name: {"goal": 1, "objective": 5, "stage": 15, "expected_result": 53, "activity": 116},
    RECOMMENDATIONS.name: {"section": 7, "recommendation": 50},
    ROADMAP.name: {"area": 5, "activity": 55},
}


@cache
def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def seed_plan(path: Path) -> ParsedPlan:
    return read(seed_text(path))


def read(text: str, mapping: Mapping | None = None) -> ParsedPlan:
    return parse_document(read_text(text), mapping)


def counts(plan: ParsedPlan) -> dict[str, int]:
    return dict(Counter(item.kind for item in plan.items))


def tree(plan: ParsedPlan) -> list[tuple[str, str, str | None, str]]:
    """What must not change when a document is re-saved: code, kind, parent and title."""
    return [(i.code, i.kind, i.parent_code, i.title) for i in plan.items]
