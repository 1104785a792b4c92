"""Seed 002 (DICE roadmap) through the one outline reader: areas and activities from its table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import plantrack
from plantrack.organisations.models import Organisation
from plantrack.plans.importers.base import ParsedItem, ParsedPlan
from plantrack.plans.importers.detect import parse_text, read_untrusted
from plantrack.plans.importers.limits import DEFAULT_LIMITS
from plantrack.plans.seedfiles import seed_mapping

SEEDS = Path(plantrack.__file__).parent / "plans/seeds"
DICE_SEED = SEEDS / "002_99bd07660585a0bf.txt"

EXPECTED_ACTIVITY_CODES = [
    *(f"1.{n}" for n in range(1, 23)),
    *(f"2.{n}" for n in range(1, 18)),
    *(f"3.{n}" for n in range(1, 6)),
    *(f"4.{n}" for n in range(1, 5)),
    *(f"5.{n}" for n in range(1, 8)),
]
MARKUP = re.compile(r"<[a-zA-Z/][^>]*>|&[a-zA-Z]+;|&#\d+;")


@pytest.fixture(scope="module")
def text() -> str:
    return DICE_SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(text: str) -> ParsedPlan:
    """The seed file as the demo imports it: with its mapping (seeds/<name>.mapping.json)."""
    return read_untrusted(DICE_SEED.read_bytes(), DEFAULT_LIMITS, seed_mapping(DICE_SEED))


@pytest.fixture(scope="module")
def items(plan: ParsedPlan) -> dict[str, ParsedItem]:
    return {item.code: item for item in plan.items}


def _all_text(item: ParsedItem) -> list[str]:
    return [
        item.title,
        item.label,
        item.body,
        *item.indicators,
        *(r.organisation for r in item.responsibilities),
    ]


def test_the_plan_metadata_matches_the_roadmap_cover(plan: ParsedPlan) -> None:
    assert plan.title == "Inclusive Digitalization Advocacy Roadmap"
    assert plan.title_mn == "Хүртээмжтэй цахимжилтын нөлөөллийн замын зураг"
    assert plan.short_name == "dice-inclusive-digitalization-roadmap"
    assert plan.issuer == (
        "People in Need (PIN) — DICE project, with the financial support of the European Union"
    )
    assert plan.adopted_on is None
    assert plan.start_year == 2024
    assert plan.end_year is None
    assert plan.format_name == "Outline"


def test_the_year_follows_the_document_without_a_mapping(text: str) -> None:
    edited = text.replace("Ulaanbaatar  \n2024", "Ulaanbaatar  \n2026", 1)
    assert edited != text
    assert parse_text(text).start_year == 2024
    assert parse_text(edited).start_year == 2026


def test_there_are_five_top_level_areas_labelled_as_in_the_narrative(plan: ParsedPlan) -> None:
    areas = [item for item in plan.items if item.kind == "area"]
    assert [(a.code, a.label, a.parent_code) for a in areas] == [
        ("1", "Priority area 1", None),
        ("2", "Priority area 2", None),
        ("3", "Priority area 3", None),
        ("4", "Support area 1", None),
        ("5", "Support area 2", None),
    ]


def test_area_titles_come_from_the_table_without_the_area_prefix(
    items: dict[str, ParsedItem],
) -> None:
    assert items["1"].title == (
        "Policy Advocacy for CSO Inclusion in the digital transformation policy "
        "and legal and regulatory document development"
    )
    assert items["2"].title == "Enhancing digital skills of civil society organizations"
    assert items["4"].title == "Awareness Raising"
    assert items["5"].title == "Reporting and Monitoring & Evaluation"


def test_there_are_55_activities_in_document_order_under_their_areas(plan: ParsedPlan) -> None:
    activities = [item for item in plan.items if item.kind == "activity"]
    assert [a.code for a in activities] == EXPECTED_ACTIVITY_CODES
    assert all(a.parent_code == a.code.split(".")[0] for a in activities)
    assert plan.count("area") == 5
    assert plan.count("activity") == 55


def test_every_parent_comes_before_its_children(plan: ParsedPlan) -> None:
    seen: set[str] = set()
    for item in plan.items:
        assert item.parent_code is None or item.parent_code in seen
        seen.add(item.code)


def test_group_header_rows_and_the_footnote_do_not_become_items(plan: ParsedPlan) -> None:
    titles = " ".join(item.title for item in plan.items)
    assert "Activities to implement on policy" not in titles
    assert "On legal and regulation" not in titles
    assert "stakeholders listed in this section" not in " ".join(
        text for item in plan.items for text in _all_text(item)
    )


def test_no_html_markup_or_entities_survive_anywhere(plan: ParsedPlan) -> None:
    for item in plan.items:
        for value in _all_text(item):
            assert not MARKUP.search(value), (item.code, value)
    assert not MARKUP.search(plan.description)


def test_activity_title_is_the_plain_activities_cell(items: dict[str, ParsedItem]) -> None:
    assert items["1.2"].title == "Empower CSO group"
    assert items["1.1"].title.startswith("Develop and get approval of the “Targeted program")


def test_list_cells_become_one_bullet_line_per_output_without_doubled_bullets(
    items: dict[str, ParsedItem],
) -> None:
    # 1.1 has no bullet characters in its <li>s; 1.6 repeats "• " inside them.
    assert items["1.1"].body == (
        "• The targeted program on civil society is approved.\n"
        "• Inclusion of proposals and recommendations from target stakeholders within "
        "the scope of the advocacy activities will be submitted."
    )
    assert items["1.6"].body.startswith("• Portal site will be a platform")
    assert items["2.4"].body.startswith("• The results of surveys from 40 CSOs")
    assert not any("• •" in item.body or "••" in item.body for item in items.values())


def test_nested_ordered_lists_are_kept_as_numbered_lines(items: dict[str, ParsedItem]) -> None:
    assert items["3.1"].body.splitlines() == [
        "• The training program must be targeted to the certain target groups, such as blind, "
        "with hearing problem, elders, children and youth, herders, etc.",
        "• The training program will have the following content:",
        "1. Learn to read and hear all online content using special equipment,",
        "2. Learn to develop online content using special equipment,",
        "3. Training the trainers, who will gain skills to conduct training for citizens of "
        "target group.",
        "• The experience and lessons learned from activities organized under the DICE project "
        "will be observed.",
    ]
    assert "2. Modes of organizing monitoring and evaluation works (have M&E specialist" in (
        items["5.6"].body
    )


def test_a_description_written_as_running_text_keeps_its_numbered_sections_on_lines(
    items: dict[str, ParsedItem],
) -> None:
    lines = items["2.2"].body.splitlines()
    assert lines[0] == "The training program should include the following sections:"
    assert [line[:3] for line in lines[1:]] == ["1) ", "2) ", "3) "]


def test_links_keep_only_their_text(items: dict[str, ParsedItem]) -> None:
    assert "(public investment management information system, state procurement portal" in (
        items["1.13"].body
    )
    assert 'href="' not in items["1.13"].body


def test_indicators_are_split_one_entry_per_list_item(items: dict[str, ParsedItem]) -> None:
    assert items["1.4"].indicators[0] == (
        "Number of citizen inputs collected and notifications/ emails sent to provide "
        "feedback on the outcomes"
    )
    assert len(items["1.4"].indicators) == 5
    assert items["1.6"].indicators == [
        "Number of CSOs registered on the portal site",
        "Number of visits to the portal site",
        "Number of news updates and informational posts published on the portal site",
        "Percentage of users who evaluate the portal site as accessible, useful and friendly",
    ]
    assert items["2.2"].indicators == ["The training program that incorporate necessary contents"]


def test_an_activity_with_empty_cells_has_empty_body_indicators_and_stakeholders(
    items: dict[str, ParsedItem],
) -> None:
    activity = items["4.4"]
    assert activity.title == (
        "Develop video clips will be posted on social media, CSO website, YouTube "
        "and promote through media"
    )
    assert (activity.body, activity.indicators, activity.responsibilities) == ("", [], [])


def test_source_lines_point_at_the_table_rows(items: dict[str, ParsedItem], text: str) -> None:
    lines = text.splitlines()
    assert items["1"].source_line == 362
    assert items["1.1"].source_line == 364
    assert items["1.6"].source_line == 372  # after the footnote paragraph
    assert items["5.7"].source_line == 433
    for item in items.values():
        assert item.source_line is not None
        assert lines[item.source_line - 1].startswith(f"{item.code}\t")


def test_stakeholders_are_normalised_to_canonical_organisations(
    items: dict[str, ParsedItem],
) -> None:
    """Bodies by the document's abbreviations and its mapping; categories become groups."""
    stakeholders = [(r.organisation, r.acronym, r.kind) for r in items["1.4"].responsibilities]
    assert stakeholders == [
        ("Ministry of Digital Development, Innovation and Communications", "MDDIC", "government"),
        ("11–11 Center of the Cabinet Secretariat of the Government of Mongolia", "", "government"),
        ("D-Parliament (e-participation platform of the Parliament)", "", "parliament"),
    ]
    assert items["1.4"].stakeholder_groups == [
        "CSOs",  # the abbreviations table's first row is read as its header
        "International organizations",
    ]
    assert items["1.15"].stakeholder_groups == ["International organizations"]  # "IO."
    assert items["1.3"].stakeholder_groups == ["CSOs", "Sectoral ministries"]
    assert items["2.11"].stakeholder_groups == ["Private sector"]


def test_each_organisation_has_one_name_across_all_activities(plan: ParsedPlan) -> None:
    names = {r.organisation for item in plan.items for r in item.responsibilities}
    assert "Ministry of Digital Development, Innovation and Communications" in names
    for alias in (
        "MDDIC",
        "MDDIC.",
        "Ministry of Digital Development, Innovation, and Communications",
        "d-parliament",
        "IO.",
        "UN",
        "EU",
        "SDC",
        "MOSA member companies.",
    ):
        assert alias not in names
    by_name = {}
    for item in plan.items:
        for r in item.responsibilities:
            assert by_name.setdefault(r.organisation, (r.acronym, r.kind)) == (r.acronym, r.kind)


def test_all_responsibilities_are_stakeholders_of_an_allowed_kind(plan: ParsedPlan) -> None:
    responsibilities = [r for item in plan.items for r in item.responsibilities]
    assert responsibilities
    assert {r.role for r in responsibilities} == {"stakeholder"}
    assert {r.kind for r in responsibilities} <= set(Organisation.Kind.values)


def test_an_unrecognised_row_in_the_table_is_listed_as_unplaced_with_its_line(text: str) -> None:
    lines = text.splitlines()
    lines[363] = "one.one\tSomething\telse\t\t"  # line 364, where 1.1 was
    parsed = parse_text("\n".join(lines))
    assert (364, "one.one | Something | else") in parsed.unplaced
    assert "1.1" not in {item.code for item in parsed.items}
