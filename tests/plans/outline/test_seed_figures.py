"""The three plan seeds, read as text by the one outline reader, give the foundation figures."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest

from plantrack.plans.importers.base import ParsedItem, ParsedPlan

from .helpers import FIGURES, RECOMMENDATIONS, ROADMAP, VISION, counts, read, seed_plan, seed_text

MARKUP = re.compile(r"\*\*|<[a-zA-Z/][^>]*>|&[a-zA-Z]+;|^#")


def plan_of(path) -> ParsedPlan:  # type: ignore[no-untyped-def]
    return seed_plan(path)


def by_code(plan: ParsedPlan, code: str) -> ParsedItem:
    return next(item for item in plan.items if item.code == code)


@pytest.mark.parametrize("seed", [VISION, RECOMMENDATIONS, ROADMAP], ids=lambda p: p.name[:3])
def test_each_plan_seed_gives_exactly_its_figures(seed) -> None:  # type: ignore[no-untyped-def]
    assert counts(plan_of(seed)) == FIGURES[seed.name]


@pytest.mark.parametrize("seed", [VISION, RECOMMENDATIONS, ROADMAP], ids=lambda p: p.name[:3])
def test_parents_come_first_codes_are_unique_and_no_markup_survives(seed) -> None:  # type: ignore[no-untyped-def]
    seen: set[str] = set()
    for item in plan_of(seed).items:
        assert item.parent_code is None or item.parent_code in seen, item.code
        assert item.code not in seen
        seen.add(item.code)
        for text in (item.title, item.label, item.body, *item.indicators):
            assert not MARKUP.search(text), (item.code, text)
        assert item.title == " ".join(item.title.split())


@pytest.mark.parametrize("seed", [VISION, RECOMMENDATIONS, ROADMAP], ids=lambda p: p.name[:3])
def test_no_code_path_stamps_a_known_identity_on_the_plan(seed) -> None:  # type: ignore[no-untyped-def]
    plan = plan_of(seed)
    assert plan.issuer == ""  # not in the documents: the user gives it
    assert plan.title_mn == ""
    assert plan.format_name == "Outline"


def test_vision_tree_codes_labels_and_years() -> None:
    plan = plan_of(VISION)
    assert [i.code for i in plan.items if i.kind == "objective"] == [f"7.{n}" for n in range(1, 6)]
    assert [i.label for i in plan.items if i.kind == "objective"] == [
        "Armed forces",
        "National border",
        "Safety of people and society",
        "Development of the law enforcement",
        "Information security",
    ]
    goal = by_code(plan, "7")
    assert goal.title.startswith("Ensure human and societal security")
    assert (goal.label, goal.start_year, goal.end_year) == ("Goal 7", 2021, 2050)
    stage = by_code(plan, "7.1.III")
    assert (stage.label, stage.parent_code, stage.start_year, stage.end_year) == (
        "Stage III",
        "7.1",
        2041,
        2050,
    )
    assert stage.title == "The period to strengthen an integrated defense system."
    result = by_code(plan, "7.1.III.3")
    assert result.title.startswith("Create the resources needed")
    assert (result.start_year, result.end_year) == (2041, 2050)
    per_stage = Counter(i.parent_code for i in plan.items if i.kind == "expected_result")
    assert [per_stage[f"7.1.{n}"] for n in ("I", "II", "III")] == [5, 5, 4]
    assert [per_stage[f"7.3.{n}"] for n in ("I", "II", "III")] == [3, 3, 1]
    activities = [i for i in plan.items if i.kind == "activity"]
    assert activities[0].code == "7.1.1" and activities[-1].code == "7.5.28"
    assert {(a.start_year, a.end_year) for a in activities} == {(2021, 2030)}
    assert all(a.parent_code == a.code.rsplit(".", 1)[0] for a in activities)
    assert by_code(plan, "7.2.13").title.startswith("Connect a certain percentage")


def test_vision_decorative_banner_is_listed_as_unplaced_not_glued_into_an_item() -> None:
    plan = plan_of(VISION)
    assert [text[:20] for _line, text in plan.unplaced] == [
        "NATIONAL BORDER",
        "ENSURING INVIOABILIT",
    ]
    everything = " ".join(f"{i.title} {i.label} {i.body}" for i in plan.items)
    for leak in ("INVIOABILITY", "Figure", "STAGE"):
        assert leak not in everything
    assert plan.warnings == []


def test_vision_source_lines_point_at_the_lines_items_start_on() -> None:
    lines = seed_text(VISION).splitlines()
    for item in plan_of(VISION).items:
        line = lines[(item.source_line or 0) - 1]
        if item.kind in ("objective", "activity"):
            assert f"{item.code}." in line
        elif item.kind == "expected_result":
            assert line.startswith(f"{item.code.rsplit('.', 1)[1]}. ")


def test_recommendations_sections_titles_wrapped_lines_and_metadata() -> None:
    plan = plan_of(RECOMMENDATIONS)
    sections = [i for i in plan.items if i.kind == "section"]
    assert [(s.code, s.label) for s in sections] == [
        (str(n), word)
        for n, word in enumerate(
            ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh"], 1
        )
    ]
    assert sections[1].title == "Cooperation on regional and border security"  # "Second.Coop…"
    assert sections[6].title == (
        "Cooperation on development of innovation, scientific research and training "
        "of law enforcement sector"
    )
    per_section = Counter(i.parent_code for i in plan.items if i.kind == "recommendation")
    assert [per_section[str(n)] for n in range(1, 8)] == [6, 6, 7, 7, 5, 7, 12]
    assert by_code(plan, "1.2").title == (
        "Integrate law enforcement acts and its reform with Law sector policy and development "
        "program; organize the cooperation between law enforcement organizations in "
        "international level;"
    )
    assert "administrative measures against them" in by_code(plan, "1.3").title
    assert by_code(plan, "2.1").title.endswith("personnel by special order;")
    assert plan.adopted_on == datetime.date(2015, 7, 18)  # read from the introduction
    assert plan.unplaced == []
    assert "• Scientific research, study and professional training" in plan.description


def test_roadmap_rows_give_areas_activities_indicators_and_stakeholders() -> None:
    plan = plan_of(ROADMAP)
    areas = [i for i in plan.items if i.kind == "area"]
    assert [(a.code, a.label) for a in areas] == [
        ("1", "Priority area 1"),
        ("2", "Priority area 2"),
        ("3", "Priority area 3"),
        ("4", "Priority area 4"),
        ("5", "Priority areas 5"),
    ]
    assert areas[3].title == "Awareness Raising"
    activities = [i for i in plan.items if i.kind == "activity"]
    per_area = Counter(a.parent_code for a in activities)
    assert [per_area[str(n)] for n in range(1, 6)] == [22, 17, 5, 4, 7]
    items = {i.code: i for i in plan.items}
    assert items["1.2"].title == "Empower CSO group"
    assert len(items["1.4"].indicators) == 5
    assert items["1.6"].indicators[0] == "Number of CSOs registered on the portal site"
    assert items["3.1"].body.splitlines()[2] == (
        "1. Learn to read and hear all online content using special equipment,"
    )
    names = [r.organisation for r in items["1.4"].responsibilities]
    assert "Ministry of Digital Development, Innovation and Communications" in names
    assert (items["4.4"].body, items["4.4"].indicators, items["4.4"].responsibilities) == (
        "",
        [],
        [],
    )
    titles = " ".join(i.title for i in plan.items)
    assert "Activities to implement on policy" not in titles
    assert plan.unplaced == [] and plan.warnings == []
    lines = seed_text(ROADMAP).splitlines()
    for item in plan.items:
        assert lines[(item.source_line or 0) - 1].startswith(f"{item.code}\t")


def test_the_mapping_renames_levels_without_code() -> None:
    from plantrack.plans.importers.mapping import Mapping

    mapping = Mapping.from_dict({"levels": ["area", "recommendation"], "plan": {"issuer": "X"}})
    plan = read(seed_text(RECOMMENDATIONS), mapping)
    assert counts(plan) == {"area": 7, "recommendation": 50}
    assert plan.issuer == "X"
