"""Generated plans for benchmarks and scale tests, built from the real seeds."""

from __future__ import annotations

import copy

from .importers.base import ParsedItem, ParsedPlan
from .seedfiles import SEED_DIR, read_seed

VISION_SEED = SEED_DIR / "000_9b10a168590abdd1.txt"


def vision_plan() -> ParsedPlan:
    return read_seed(VISION_SEED)


def scaled_vision(scale: int, *, short_name: str = "") -> ParsedPlan:
    """Vision 2050 with the same structure and ``scale`` times as many activities."""
    plan = vision_plan()
    items: list[ParsedItem] = []
    activities: dict[str, list[ParsedItem]] = {}
    for item in plan.items:
        if item.kind == "activity":
            activities.setdefault(item.parent_code or "", []).append(item)
        else:
            items.append(item)
    for parent, originals in activities.items():
        number = 0
        for round_ in range(scale):
            for original in originals:
                number += 1
                clone = copy.copy(original)
                clone.code = f"{parent}.{number}"
                clone.responsibilities = list(original.responsibilities)
                if round_:
                    clone.title = f"{original.title} (copy {round_ + 1})"
                items.append(clone)
    plan.items = items
    plan.short_name = short_name or f"vision-2050-goal-7-x{scale}"
    plan.title = f"{plan.title} (generated ×{scale})"
    return plan


def renamed(plan: ParsedPlan, suffix: str) -> ParsedPlan:
    clone = copy.copy(plan)
    clone.short_name = f"{plan.short_name}-{suffix}"
    clone.title = f"{plan.title} ({suffix})"
    return clone
