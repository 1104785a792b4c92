"""Real public plan documents, read through the real import path (see tests/data/realdocs).

The files are not committed (see the README there); each test is skipped, naming its file,
until the file is placed where ``realdocs_folder`` looks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from plantrack.plans.importers.base import ParsedPlan
from plantrack.plans.importers.detect import parse_bytes

ROOT = Path(__file__).resolve().parents[2]


def realdocs_folders() -> list[Path]:
    folders = [ROOT / "tests" / "data" / "realdocs", ROOT.parent / "shared" / "realdocs"]
    if os.environ.get("PLANTRACK_REALDOCS"):
        folders.insert(0, Path(os.environ["PLANTRACK_REALDOCS"]))
    return folders


@dataclass
class Expected:
    file: str
    levels: list[tuple[int, int]]  # (depth, count) of every level kept as items
    titles: dict[str, str]  # code -> the start of its title, exact
    indicators: int = 0  # indicators folded into their items
    unplaced: int = 0  # lines the README explains
    parents: dict[str, str] = field(default_factory=dict)  # code -> parent code


DOCUMENTS = [
    Expected(
        "nap-5.md",
        levels=[(0, 9), (1, 41), (2, 3)],
        titles={"8": "Ensure Equal Justice Under the Law", "8.6": "Increase Access to Justice."},
        parents={"7.10.1": "7.10"},
    ),
    Expected(
        "UPR34_Slovenia_Thematic_list_of_Recommendations.docx",
        levels=[(0, 53), (1, 215)],
        titles={
            "1": "Acceptance of international norms",
            "121.1": "Ratify the International Convention for the Protection of All Persons",
        },
        parents={"121.1": "1"},
    ),
    Expected(
        "UPR20__Slovenia_ThematicListRecommendations_E.docx",
        levels=[(0, 37), (1, 163)],
        titles={"115.1": "Take further steps for the ratification of several international"},
    ),
    Expected(
        "global-indicator-framework.xlsx",
        levels=[(0, 17), (1, 169)],
        indicators=248,
        titles={"1": "End poverty in all its forms everywhere", "17.19": "By 2030, build on"},
        parents={"1.a": "1", "17.19": "17"},
        unplaced=8,  # the "Systemic issues" sub-heading and the seven notes under the table
    ),
    Expected(
        "SDG_Target_Indicator_UNSD_2023.xlsx",
        levels=[(0, 17), (1, 169)],
        indicators=248,
        titles={"1": "No Poverty", "1.1": "By 2030, eradicate extreme poverty"},
        parents={"1.a": "1"},
    ),
    Expected(
        "SDG_Target_Indicator_UNSD_2023.csv",
        levels=[(0, 17), (1, 169)],
        indicators=248,
        titles={"1": "No Poverty", "1.1": "By 2030, eradicate extreme poverty"},
        parents={"1.a": "1"},
    ),
]


def _read(name: str) -> ParsedPlan:
    for folder in realdocs_folders():
        path = folder / name
        if path.is_file():
            return parse_bytes(path.read_bytes(), max_bytes=20 * 1024 * 1024)
    pytest.skip(
        f"{name} is not placed yet (see tests/data/realdocs/README.md); looked in "
        + ", ".join(str(f) for f in realdocs_folders())
    )


@pytest.mark.parametrize("expected", DOCUMENTS, ids=[d.file for d in DOCUMENTS])
def test_a_real_document_reads_to_its_counted_tree(expected: Expected) -> None:
    plan = _read(expected.file)
    depth: dict[str, int] = {}
    for item in plan.items:
        depth[item.code] = 0 if item.parent_code is None else depth[item.parent_code] + 1
    counts: dict[int, int] = {}
    for value in depth.values():
        counts[value] = counts.get(value, 0) + 1
    assert sorted(counts.items()) == expected.levels
    by_code = {item.code: item for item in plan.items}
    for code, start in expected.titles.items():
        assert by_code[code].title.startswith(start), (code, by_code[code].title)
    for code, parent in expected.parents.items():
        assert by_code[code].parent_code == parent
    assert sum(len(item.indicators) for item in plan.items) == expected.indicators
    assert len(plan.unplaced) == expected.unplaced, plan.unplaced[:5]
