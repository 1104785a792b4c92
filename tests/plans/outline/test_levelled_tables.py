"""Tables whose every row is a path down the tree: a code column per level.

Global frameworks are published this way ("Goal | Target | Indicator" with the codes in
the cells, or "No. | Goal | Target no. | Target | Indicator no. | Indicator" with every
parent repeated on each row). The rows here are this project's own words in those shapes.
"""

from __future__ import annotations

import pytest

from plantrack.plans.importers.document import Document, Paragraph, Table
from plantrack.plans.importers.mapping import parse_document
from plantrack.plans.importers.outline import _header_kind_word


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        yield


def _repeated() -> Table:
    header = ["GoalNo", "Goal", "TargetNo", "Target", "IndicatorNo", "Indicator", "Lead agency"]
    rows = [
        ["1", "Clean rivers", "1.1", "Halve discharges", "1.1.1", "Tonnes discharged", "Water"],
        ["1", "Clean rivers", "1.1", "Halve discharges", "1.1.2", "Plants inspected", "Water"],
        ["1", "Clean rivers", "1.a", "Fund treatment", "1.a.1", "Money spent", "Treasury"],
        ["2", "Safe streets", "2.1", "Light every street", "2.1.1", "Streets lit", "City Hall"],
        ["2", "Safe streets", "2.2", "Train wardens", "2.2.1", "Wardens trained", "Police"],
    ]
    return Table(rows, 2, list(range(3, 3 + len(rows))), header)


def _written_once() -> list[Paragraph | Table]:
    rows = [
        ["Goal 1. Clean rivers", "", ""],
        ["1.1 Halve discharges by 2030", "1.1.1 Tonnes discharged", "C1"],
        ["", "1.1.2 Plants inspected", "C2"],
        ["1.a Fund treatment", "1.a.1 Money spent", "C3"],
        ["Goal 2. Safe streets", "", ""],
        ["2.1 Light every street", "2.1.1 Streets lit", "C4"],
    ]
    header = ["Goals and targets", "Indicators", "Codes"]
    return [
        Paragraph("A framework of goals, targets and indicators", 1, bold=True),
        Table(rows, 2, list(range(3, 3 + len(rows))), header),
    ]


def test_parents_repeated_on_every_row_are_read_once() -> None:
    plan = parse_document(Document([Paragraph("Framework", 1, heading=1), _repeated()]))
    by_code = {item.code: item for item in plan.items}
    assert sorted(by_code) == ["1", "1.1", "1.a", "2", "2.1", "2.2"]
    assert by_code["1.1"].parent_code == "1" and by_code["1.a"].parent_code == "1"
    assert by_code["1"].title == "Clean rivers"
    assert by_code["1.1"].title == "Halve discharges"
    # "IndicatorNo" names the level: it folds into its target's indicators
    assert by_code["1.1"].indicators == ["Tonnes discharged", "Plants inspected"]
    assert by_code["1.1"].kind == "objective"  # "TargetNo": a target is an objective
    assert [level["count"] for level in plan.levels] == [2, 4, 5]
    assert plan.unplaced == [] and plan.warnings == []


def test_the_other_columns_belong_to_the_deepest_item_of_the_row() -> None:
    plan = parse_document(Document([_repeated()]))
    by_code = {item.code: item for item in plan.items}
    assert [r.organisation for r in by_code["2.2"].responsibilities] == ["Police"]


def test_codes_written_in_the_cells_with_parents_written_once() -> None:
    plan = parse_document(Document(_written_once()))
    by_code = {item.code: item for item in plan.items}
    assert sorted(by_code) == ["1", "1.1", "1.a", "2", "2.1"]
    assert by_code["1"].kind == "goal" and by_code["1"].title == "Clean rivers"
    assert by_code["1.1"].indicators == ["Tonnes discharged", "Plants inspected"]
    assert by_code["2.1"].parent_code == "2"
    assert plan.unplaced == []


def test_one_odd_row_does_not_rename_a_level() -> None:
    table = _repeated()
    table.rows.append(["0", "", "", "", "Indicator 0", "A stray row", ""])
    plan = parse_document(Document([table]))
    assert {item.kind for item in plan.items if item.parent_code is None} != {"indicator"}
    assert any(item.code == "1" and item.kind != "indicator" for item in plan.items)


@pytest.mark.parametrize(
    ("header", "word"),
    [
        ("TargetsNumber Targets", "target"),
        ("Indicator code", "indicator"),
        ("Goals and targets", ""),  # two kinds named: none chosen
        ("SDGNumber SDGTitle", ""),
    ],
)
def test_a_column_header_names_its_level(header: str, word: str) -> None:
    assert _header_kind_word(header) == word
