"""A seed's identity is data next to the seed (``seeds/<name>.mapping.json``), not code.

The mappings are what a user would choose in the preview or give with ``--mapping``;
with them the one reader gives the same slug, title, issuer and date the retired seed
parsers gave, so stored plans keep their addresses. The importer itself knows no
document: the very same seed bytes read without their mapping get nothing from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.importers.mapping import Mapping
from plantrack.plans.seedfiles import seed_mapping

from .helpers import RECOMMENDATIONS, ROADMAP, VISION, read, seed_plan, seed_text, tree


def mapping_for(seed: Path) -> Mapping:
    mapping = seed_mapping(seed)
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
def test_the_seed_bytes_without_their_mapping_take_nothing_from_the_seed(seed: Path) -> None:
    # No lookup by content: the importer reads the seed like any user's file.
    plan = parse_bytes(seed.read_bytes())
    assert (plan.issuer, plan.title_mn) == ("", "")
    assert plan.short_name != mapping_for(seed).short_name
    # The same tree, though: the mapping gives identity, the reader gives structure.
    assert [i.code for i in plan.items] == [
        i.code for i in parse_bytes(seed.read_bytes(), mapping=mapping_for(seed)).items
    ]


def test_no_importer_module_looks_files_up_by_their_hash() -> None:
    from plantrack.plans import importers

    folder = Path(importers.__file__).parent
    assert not (folder / "saved_mappings").exists()
    for module in folder.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "sha256" not in source and "saved_mapping" not in source, module.name
