"""Seed 000 (Vision 2050, Goal 7) through the one outline reader, and broken versions of it."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

import plantrack
from plantrack.plans.importers.base import ImportRefused, ParsedItem, ParsedPlan
from plantrack.plans.importers.detect import parse_text, read_untrusted
from plantrack.plans.importers.limits import DEFAULT_LIMITS
from plantrack.plans.seedfiles import seed_mapping

SEEDS = Path(plantrack.__file__).parent / "plans" / "seeds"
SEED = SEEDS / "000_9b10a168590abdd1.txt"

THEMES = [
    "Armed forces",
    "National border",
    "Safety of people and society",
    "Development of the law enforcement",
    "Information security",
]
RESULTS_PER_STAGE = {
    "7.1": (5, 5, 4),
    "7.2": (4, 5, 4),
    "7.3": (3, 3, 1),
    "7.4": (4, 2, 1),
    "7.5": (4, 4, 4),
}
ACTIVITIES_PER_OBJECTIVE = {"7.1": 15, "7.2": 17, "7.3": 25, "7.4": 31, "7.5": 28}
STAGE_YEARS = {"I": (2021, 2030), "II": (2031, 2040), "III": (2041, 2050)}


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages and warnings are checked in English (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@cache
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@cache
def plan() -> ParsedPlan:
    """The seed file as the demo imports it: with its mapping (seeds/<name>.mapping.json)."""
    return read_untrusted(SEED.read_bytes(), DEFAULT_LIMITS, seed_mapping(SEED))


def parse(text: str) -> ParsedPlan:
    return parse_text(text)


def items(kind: str) -> list[ParsedItem]:
    return [item for item in plan().items if item.kind == kind]


def by_code(code: str) -> ParsedItem:
    return next(item for item in plan().items if item.code == code)


def minimal_goal(*, stage_body: str = "**The period to start.**\n\n1. Do a thing.\n") -> str:
    """A one-objective goal text, to vary one part at a time."""
    return (
        "# SAFE AND SECURE SOCIETY\n\n**GOAL 7.** Keep people safe.\n\n## ARMED FORCES\n\n"
        "**OBJECTIVE 7.1. Strengthen defense.**\n\n"
        "### THE OBJECTIVE'S STAGES OF IMPLEMENTATION AND EXPECTED RESULTS\n\n"
        f"#### STAGE I (2021-2030)\n\n{stage_body}\n"
        "### ACTIVITIES TO BE IMPLEMENTED IN 2021-2030 OF THE OBJECTIVE\n\n"
        "- 7.1.1. Build a school.\n"
    )


# --- the plan -----------------------------------------------------------------


def test_it_reads_the_plan_title_issuer_and_dates() -> None:
    parsed = plan()
    assert parsed.title == "Vision 2050 — Goal 7: Safe and secure society"
    assert parsed.title_mn == "Алсын хараа 2050 — 7 дугаар зорилго: Аюулгүй, найдвартай нийгэм"
    assert parsed.short_name == "vision-2050-goal-7"
    assert parsed.issuer == "State Great Khural (Parliament) of Mongolia"
    assert parsed.adopted_on == datetime.date(2020, 5, 13)
    assert (parsed.start_year, parsed.end_year) == (2021, 2050)
    assert parsed.format_name == "Outline"


# --- goal and objectives ---------------------------------------------------------


def test_it_finds_one_goal_whose_title_is_the_goal_sentence() -> None:
    [goal] = items("goal")
    assert (goal.code, goal.label, goal.parent_code) == ("7", "Goal 7", None)
    assert goal.title.startswith("Ensure human and societal security through strengthening")
    assert goal.title.endswith("and reducing disaster risks.")


def test_it_finds_five_objectives_labelled_by_the_theme_banner_above_them() -> None:
    objectives = items("objective")
    assert [item.code for item in objectives] == ["7.1", "7.2", "7.3", "7.4", "7.5"]
    assert [item.label for item in objectives] == THEMES
    assert {item.parent_code for item in objectives} == {"7"}
    assert {(item.start_year, item.end_year) for item in objectives} == {(2021, 2050)}


def test_an_objective_title_is_its_sentence_without_the_objective_prefix() -> None:
    assert (
        by_code("7.1").title == "Strengthen the country's defense system and enhance its capacity."
    )


# --- stages and expected results -------------------------------------------------


def test_each_objective_has_stages_one_to_three_with_years_from_the_heading() -> None:
    stages = items("stage")
    assert [stage.code for stage in stages] == [
        f"7.{objective}.{numeral}" for objective in range(1, 6) for numeral in ("I", "II", "III")
    ]
    for stage in stages:
        numeral = stage.code.rsplit(".", 1)[1]
        assert stage.label == f"Stage {numeral}"
        assert stage.parent_code == stage.code.rsplit(".", 1)[0]
        assert (stage.start_year, stage.end_year) == STAGE_YEARS[numeral]


def test_a_stage_title_is_its_bold_period_line() -> None:
    assert by_code("7.1.I").title == (
        "The period to strengthen the defense system, introduce technological advances "
        "and develop the defense industry."
    )
    # Seed line 50 is whitespace-only between the heading and the title.
    assert by_code("7.1.III").title == "The period to strengthen an integrated defense system."
    assert all(stage.title.startswith("The period to") for stage in items("stage"))


@pytest.mark.parametrize(("objective", "counts"), RESULTS_PER_STAGE.items())
def test_it_counts_the_expected_results_of_each_stage(
    objective: str, counts: tuple[int, int, int]
) -> None:
    found = Counter(item.parent_code for item in items("expected_result"))
    assert tuple(found[f"{objective}.{numeral}"] for numeral in STAGE_YEARS) == counts


def test_expected_results_are_numbered_within_their_stage_and_share_its_years() -> None:
    for result in items("expected_result"):
        stage = by_code(result.parent_code or "")
        assert result.code.startswith(f"{stage.code}.")
        assert (result.start_year, result.end_year) == (stage.start_year, stage.end_year)
    assert by_code("7.1.III.3").title.startswith("Create the resources needed")  # after a blank


# --- activities ------------------------------------------------------------------


def test_it_finds_116_activities_in_document_order() -> None:
    activities = items("activity")
    assert len(activities) == 116
    expected = [
        f"{objective}.{n}"
        for objective, count in ACTIVITIES_PER_OBJECTIVE.items()
        for n in range(1, count + 1)
    ]
    assert [item.code for item in activities] == expected


def test_activities_belong_to_their_objective_and_run_2021_to_2030() -> None:
    for activity in items("activity"):
        assert activity.parent_code == activity.code.rsplit(".", 1)[0]
        assert (activity.start_year, activity.end_year) == (2021, 2030)


def test_an_activity_title_is_its_full_text_after_the_code() -> None:
    assert by_code("7.1.1").title == (
        "Develop a curriculum for military-patriotic education at all educational levels "
        "and establish special classrooms."
    )
    assert by_code("7.5.28").title.endswith("constituting state and official secrets.")


def test_activities_after_a_blank_line_or_a_level_two_heading_are_still_found() -> None:
    assert by_code("7.2.13").title.startswith("Connect a certain percentage")  # after 3 blanks
    assert by_code("7.3.1").title.startswith("Protect thermal power plants")  # "## ACTIVITIES"


def test_a_wrapped_activity_line_joins_the_activity() -> None:
    text = minimal_goal().replace("Build a school.", "Build a school\nin every soum.")
    [activity] = [item for item in parse(text).items if item.kind == "activity"]
    assert activity.title == "Build a school in every soum."


# --- what must not become items or text ---------------------------------------------


def test_decorative_banners_captions_and_contents_create_no_items() -> None:
    assert Counter(item.kind for item in plan().items) == {
        "goal": 1,
        "objective": 5,
        "stage": 15,
        "expected_result": 53,
        "activity": 116,
    }
    everything = " ".join(f"{item.title} {item.label} {item.body}" for item in plan().items)
    for leak in ("INVIOABILITY", "ENSURING", "Figure", "Development of Law Enforcement", "STAGE"):
        assert leak not in everything


def test_no_title_label_or_body_carries_markdown_or_html() -> None:
    for item in plan().items:
        for text in (item.title, item.label, item.body):
            assert not re.search(r"\*\*|#|<[a-z/]", text), item.code
            assert text == text.strip() and "  " not in text, item.code


def test_every_parent_comes_before_its_children_and_codes_are_unique() -> None:
    seen: set[str] = set()
    for item in plan().items:
        assert item.parent_code is None or item.parent_code in seen, item.code
        assert item.code not in seen
        seen.add(item.code)


def test_source_line_points_at_the_line_the_item_starts_on() -> None:
    lines = seed_text().splitlines()
    assert lines[(by_code("7").source_line or 0) - 1].startswith("**GOAL 7.**")
    for item in plan().items:
        line = lines[(item.source_line or 0) - 1]
        if item.kind == "stage":
            assert line.startswith(f"#### STAGE {item.label.split()[1]} ")
        elif item.kind in ("objective", "activity"):
            assert f"{item.code}." in line
        elif item.kind == "expected_result":
            assert line.startswith(f"{item.code.rsplit('.', 1)[1]}. ")


# --- what it cannot read is refused or reported, never guessed ------------------------


def test_it_refuses_a_text_without_numbered_items() -> None:
    with pytest.raises(ImportRefused, match="not recognised"):
        parse("# Some other document\n\nJust prose.\n")


def test_a_truncated_text_reads_what_is_there_and_no_more() -> None:
    truncated = "\n".join(seed_text().splitlines()[:83])  # cut right after OBJECTIVE 7.2
    parsed = parse(truncated)
    assert [i.code for i in parsed.items if i.kind == "objective"] == ["7.1", "7.2"]
    assert not [i for i in parsed.items if i.parent_code == "7.2"]


def test_a_stray_paragraph_becomes_the_body_of_the_item_above_not_its_title() -> None:
    garbled = minimal_goal(stage_body="**The period to start.**\n\n1. Do a thing.\n\nlorem ipsum\n")
    result = next(i for i in parse(garbled).items if i.code == "7.1.I.1")
    assert (result.title, result.body) == ("Do a thing.", "lorem ipsum")


def test_a_gap_in_the_activity_numbers_is_a_warning() -> None:
    parsed = parse(seed_text().replace("- 7.1.3.", "- 7.1.4."))
    assert parsed.warnings == ["7.1.3 is missing", "7.1.4 appears twice"]


def test_a_stage_without_its_bold_title_is_titled_by_its_label() -> None:
    [stage] = [
        i for i in parse(minimal_goal(stage_body="1. Do a thing.\n")).items if i.kind == "stage"
    ]
    assert stage.title == "Stage I"
