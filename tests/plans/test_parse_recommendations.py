"""Seed 001 (2015 conference recommendations) through the one outline reader."""

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
SEED = SEEDS / "001_2125384cf4ad98ca.txt"

ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh"]
PER_SECTION = [6, 6, 7, 7, 5, 7, 12]


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


def items(kind: str) -> list[ParsedItem]:
    return [item for item in plan().items if item.kind == kind]


def by_code(code: str) -> ParsedItem:
    return next(item for item in plan().items if item.code == code)


# --- the plan -----------------------------------------------------------------


def test_it_reads_the_plan_title_issuer_and_date() -> None:
    parsed = plan()
    assert parsed.title == (
        "Recommendations of the International Scientific Conference "
        "“Cooperation between Law Enforcement Organizations”"
    )
    assert parsed.title_mn == (
        "“Хууль сахиулах байгууллага хоорондын хамтын ажиллагаа” "
        "олон улсын эрдэм шинжилгээний бага хурлын зөвлөмж"
    )
    assert parsed.short_name == "law-enforcement-cooperation-2015"
    assert parsed.issuer == "Law Enforcement University of Mongolia"
    assert parsed.adopted_on == datetime.date(2015, 7, 18)
    assert (parsed.start_year, parsed.end_year) == (2015, None)
    assert parsed.format_name == "Outline"


def test_the_description_is_the_introduction_reflowed_into_paragraphs() -> None:
    paragraphs = plan().description.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Under mandate of Ministry of Justice Law Enforcement")
    assert paragraphs[0].endswith("Khuvsgul on July 17th - 18th, 2015.")
    assert paragraphs[3] == (
        "• Scientific research, study and professional training of law enforcement sector\n"
        "• Cooperation between law enforcement organizations in practice"
    )
    assert paragraphs[4].endswith("the following recommendation has been developed")
    assert "First." not in plan().description
    assert all("  " not in line for line in plan().description.splitlines())


# --- sections -----------------------------------------------------------------


def test_it_finds_seven_sections_labelled_by_their_ordinal() -> None:
    sections = items("section")
    assert [section.code for section in sections] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [section.label for section in sections] == ORDINALS
    assert {section.parent_code for section in sections} == {None}


def test_a_section_title_drops_the_ordinal_and_the_colon() -> None:
    assert by_code("1").title == (
        "Cooperation between law enforcement organizations during the law reform"
    )
    assert by_code("2").title == "Cooperation on regional and border security"  # "Second.Coop…"


def test_the_seventh_section_title_is_joined_across_its_line_break() -> None:
    assert by_code("7").title == (
        "Cooperation on development of innovation, scientific research and training "
        "of law enforcement sector"
    )


# --- recommendations -------------------------------------------------------------


def test_it_finds_50_recommendations_numbered_within_their_section() -> None:
    found = items("recommendation")
    assert len(found) == 50
    expected = [
        f"{section}.{n}"
        for section, count in enumerate(PER_SECTION, 1)
        for n in range(1, count + 1)
    ]
    assert [item.code for item in found] == expected
    assert Counter(item.parent_code for item in found) == {
        str(section): count for section, count in enumerate(PER_SECTION, 1)
    }


def test_a_wrapped_recommendation_is_one_item_with_its_full_text() -> None:
    assert by_code("1.2").title == (
        "Integrate law enforcement acts and its reform with Law sector policy and development "
        "program; organize the cooperation between law enforcement organizations in "
        "international level;"
    )


def test_words_hyphenated_across_line_breaks_are_joined() -> None:
    assert "administrative measures against them" in by_code("1.3").title
    assert "personnel by special order;" in by_code("2.1").title
    assert "border violation investigation where" in by_code("6.1").title
    everything = " ".join(item.title for item in items("recommendation"))
    assert not re.search(r"\b(mea|or|inves)- ", everything)


def test_the_stray_footnote_number_after_order_is_removed() -> None:
    assert by_code("2.1").title.endswith("personnel by special order;")
    assert "19" not in by_code("2.1").title


def test_text_is_whitespace_normalised_and_curly_quotes_kept() -> None:
    assert by_code("3.4").title.endswith("in the stages of interrogation and crime recording;")
    assert "“Border commission”" in by_code("2.6").title
    assert "can’t reach" in by_code("2.5").title
    for item in plan().items:
        assert item.title == " ".join(item.title.split()), item.code


def test_no_title_carries_markdown_or_html() -> None:
    for item in plan().items:
        assert not re.search(r"\*\*|#|<[a-z/]|^- ", item.title), item.code


def test_source_line_points_at_the_heading_or_the_bullet() -> None:
    lines = seed_text().splitlines()
    for item in plan().items:
        line = lines[(item.source_line or 0) - 1]
        expected = f"{item.label}." if item.kind == "section" else "- "
        assert line.startswith(expected), item.code


# --- what it cannot read is refused or reported, never guessed ------------------------


def test_it_refuses_a_text_without_numbered_sections() -> None:
    with pytest.raises(ImportRefused, match="not recognised"):
        parse_text("RECOMMENDATION\n\nSome prose without any structure.\n")


def test_a_truncated_text_keeps_the_empty_last_section_without_inventing_items() -> None:
    truncated = "\n".join(seed_text().splitlines()[:86])  # cut right after "Second."
    parsed = parse_text(truncated)
    assert [i.code for i in parsed.items if i.kind == "section"] == ["1", "2"]
    assert not [i for i in parsed.items if i.parent_code == "2"]


def test_a_skipped_ordinal_is_a_warning_naming_the_missing_section() -> None:
    parsed = parse_text(seed_text().replace("Fourth. ", "Fifth. "))
    assert parsed.warnings[:2] == ["4 is missing", "5 appears twice"]
