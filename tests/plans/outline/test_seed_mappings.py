"""A seed's identity is data: its saved mapping gives the plan the seed parsers stamped on it.

The mappings in ``seed_mappings/`` are what a user would choose in the preview; with
them the one reader gives the same slug, title, issuer and date as the retired
seed-specific parsers, so stored plans keep their addresses when the reader is wired.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantrack.plans.importers.mapping import Mapping

from .helpers import RECOMMENDATIONS, ROADMAP, VISION, read, seed_plan, seed_text, tree

MAPPINGS = Path(__file__).parent / "seed_mappings"


def mapping_for(seed: Path) -> Mapping:
    return Mapping.from_dict(json.loads((MAPPINGS / f"{seed.stem}.json").read_text("utf-8")))


@pytest.mark.parametrize(
    ("seed", "slug", "adopted", "period"),
    [
        (VISION, "vision-2050-goal-7", "2020-05-13", (2021, 2050)),
        (RECOMMENDATIONS, "law-enforcement-cooperation-2015", "2015-07-18", (2015, None)),
        (ROADMAP, "dice-inclusive-digitalization-roadmap", None, (2024, None)),
    ],
    ids=["000", "001", "002"],
)
def test_a_saved_mapping_gives_the_seed_its_identity_and_the_same_tree(
    seed: Path, slug: str, adopted: str | None, period: tuple[int, int | None]
) -> None:
    plan = read(seed_text(seed), mapping_for(seed))
    assert plan.short_name == slug
    assert plan.title and plan.title_mn and plan.issuer
    assert (str(plan.adopted_on) if plan.adopted_on else None) == adopted
    assert (plan.start_year, plan.end_year) == period
    assert tree(plan) == tree(seed_plan(seed))
