"""A seed's identity is data: the mapping saved for its exact bytes, not code.

The mappings in ``importers/saved_mappings/`` are what a user would choose in the
preview; with them the one reader gives the same slug, title, issuer and date the
retired seed parsers gave, so stored plans keep their addresses. A file in the same
shape but with other bytes gets nothing from them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plantrack.plans.importers.mapping import Mapping
from plantrack.plans.importers.reader import saved_mapping

from .helpers import RECOMMENDATIONS, ROADMAP, VISION, read, seed_plan, seed_text, tree


def mapping_for(seed: Path) -> Mapping:
    mapping = saved_mapping(seed.read_bytes())
    assert mapping is not None
    return mapping


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


@pytest.mark.parametrize("seed", [VISION, RECOMMENDATIONS, ROADMAP], ids=["000", "001", "002"])
def test_a_document_in_a_seed_shape_with_other_bytes_takes_nothing_from_the_seed(
    seed: Path,
) -> None:
    edited = seed_text(seed).replace("the", "the ", 1)
    assert saved_mapping(edited.encode("utf-8")) is None
    plan = read(edited)
    assert (plan.issuer, plan.title_mn) == ("", "")
    assert plan.short_name != mapping_for(seed).short_name
