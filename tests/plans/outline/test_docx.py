"""A Word document built the way Word writes it reads to the same tree as the seed text."""

from __future__ import annotations

from functools import cache

import pytest

from plantrack.plans.importers.base import ImportRefused, ParsedPlan
from plantrack.plans.importers.cells import cell_entries, cell_lines
from plantrack.plans.importers.document import read_text
from plantrack.plans.importers.docx_reader import read_docx
from plantrack.plans.importers.limits import DEFAULT_LIMITS
from plantrack.plans.importers.mapping import Mapping, parse_document
from plantrack.plans.importers.outline import merge_continued_tables
from plantrack.plans.seedfiles import seed_mapping_data

from .helpers import (
    FIGURES,
    RECOMMENDATIONS,
    ROADMAP,
    VISION,
    counts,
    read,
    seed_plan,
    seed_text,
    tree,
)
from .word import WordDocument

ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh"]


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages and warnings are checked in English (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def read_word(data: bytes) -> ParsedPlan:
    return parse_document(read_docx(data, DEFAULT_LIMITS))


@cache
def vision_docx() -> bytes:
    """Headings by style, objectives in real bold, results and activities numbered by Word."""
    plan = seed_plan(VISION)
    word = WordDocument()
    results = word.abstract_list([("decimal", "%1.", 1)])
    activities = word.abstract_list(
        [("decimal", "%1.", 1), ("decimal", "%1.%2.", 1), ("decimal", "%1.%2.%3.", 1)]
    )
    word.heading("SAFE AND SECURE SOCIETY", 1)
    items = plan.items
    for item in items:
        if item.kind == "goal":
            word.bold_lead(f"GOAL {item.code}.", item.title)
        elif item.kind == "objective":
            word.heading(item.label.upper(), 2)
            word.bold(f"OBJECTIVE {item.code}. {item.title}")
            word.heading("THE OBJECTIVE'S STAGES OF IMPLEMENTATION AND EXPECTED RESULTS", 3)
        elif item.kind == "stage":
            word.heading(f"{item.label.upper()} ({item.start_year}-{item.end_year})", 4)
            word.bold(item.title)
            stage_list = word.list_instance(results, {0: 1})
        elif item.kind == "expected_result":
            word.numbered(item.title, stage_list)
        elif item.kind == "activity":
            goal, objective, number = item.code.split(".")
            if number == "1":
                word.heading("ACTIVITIES TO BE IMPLEMENTED IN 2021-2030 OF THE OBJECTIVE", 3)
                activity_list = word.list_instance(activities, {0: int(goal), 1: int(objective)})
            word.numbered(item.title, activity_list, 2)
    return word.bytes()


@cache
def recommendations_docx() -> bytes:
    plan = seed_plan(RECOMMENDATIONS)
    word = WordDocument()
    word.heading("RECOMMENDATION OF THE CONFERENCE", 1)
    word.text("The conference adopted the following recommendations on July 18, 2015.")
    for item in plan.items:
        if item.kind == "section":
            word.heading(f"{ORDINALS[int(item.code) - 1]}. {item.title}:", 2)
        else:
            word.bullet(item.title)
    return word.bytes()


def _cell(cell: str, *, entries: bool = False) -> list[tuple[str, bool]]:
    if entries:
        return [(text, True) for text in cell_entries(cell)]
    return [
        (line[2:], True) if line.startswith("• ") else (line, False) for line in cell_lines(cell)
    ]


@cache
def roadmap_docx() -> bytes:
    """The activity plan as a real Word table; the narrative as headings and paragraphs."""
    document = read_text(seed_text(ROADMAP))
    table = next(
        t for t in merge_continued_tables(document.blocks) if t.header and "Indicators" in t.header
    )
    word = WordDocument()
    word.heading("INCLUSIVE DIGITALIZATION ADVOCACY ROADMAP", 1)
    word.text("The roadmap sets out activities in five areas.")
    rows: list[list[list[tuple[str, bool]]]] = []
    for row in table.rows:
        cells = [*row, "", "", "", "", ""][:5]
        if not any(cell.strip() for cell in cells[1:]):
            rows.append([_cell(cells[0])])
            continue
        rows.append(
            [
                _cell(cells[0]),
                _cell(cells[1]),
                _cell(cells[2]),
                _cell(cells[3], entries=True),
                _cell(cells[4]),
            ]
        )
    word.table(["#", "Activities", "Expected outputs", "Indicators", "Stakeholders"], rows)
    return word.bytes()


def test_a_word_vision_document_reads_the_same_tree_as_the_seed_text() -> None:
    plan = read_word(vision_docx())
    assert counts(plan) == FIGURES[VISION.name]
    assert tree(plan) == tree(seed_plan(VISION))
    assert next(i.label for i in plan.items if i.kind == "objective") == "Armed forces"


def test_word_automatic_numbering_gives_codes_the_text_never_contains() -> None:
    document = read_docx(vision_docx(), DEFAULT_LIMITS)
    numbered = [b for b in document.blocks if getattr(b, "number", "")]
    assert numbered[0].number == "1."  # type: ignore[union-attr]
    assert any(b.number == "7.3.13." and not b.text.startswith("7.3") for b in numbered)  # type: ignore[union-attr]
    assert {item.code for item in read_word(vision_docx()).items} >= {"7.3.13", "7.5.28"}


def test_a_word_recommendation_list_with_style_bullets_reads_the_same_tree() -> None:
    plan = read_word(recommendations_docx())
    assert counts(plan) == FIGURES[RECOMMENDATIONS.name]
    assert [(i.code, i.title) for i in plan.items] == [
        (i.code, i.title) for i in seed_plan(RECOMMENDATIONS).items
    ]


def test_a_word_roadmap_with_a_real_table_reads_the_same_areas_activities_and_indicators() -> None:
    plan = read_word(roadmap_docx())
    assert counts(plan) == FIGURES[ROADMAP.name]
    seed = seed_plan(ROADMAP)
    assert [(i.code, i.kind, i.parent_code, i.title, i.indicators) for i in plan.items] == [
        (i.code, i.kind, i.parent_code, i.title, i.indicators) for i in seed.items
    ]
    # The spellings of organisations are the document's data (its mapping), not the reader's:
    # with the seed's mapping, the Word copy and the text name the same bodies and groups.
    data = seed_mapping_data(ROADMAP) or {}
    mapping = Mapping.from_dict({"organisations": data["organisations"]})
    mapped = parse_document(read_docx(roadmap_docx(), DEFAULT_LIMITS), mapping)
    seed_mapped = read(seed_text(ROADMAP), mapping)
    assert [
        ([r.organisation for r in i.responsibilities], i.stakeholder_groups) for i in mapped.items
    ] == [
        ([r.organisation for r in i.responsibilities], i.stakeholder_groups)
        for i in seed_mapped.items
    ]
    assert plan.unplaced == []


def test_a_table_only_word_document_is_not_empty() -> None:
    word = WordDocument()
    word.table(
        ["No.", "Recommendation", "Responsible"],
        [
            [
                [("1", False)],
                [("Adopt a law on access to information", False)],
                [("Open Data Office", False)],
            ],
            [[("2", False)], [("Train judges", False)], [("Ministry of Justice", False)]],
            [[("3", False)], [("Publish budgets", False)], [("Ministry of Finance", False)]],
        ],
    )
    plan = read_word(word.bytes())
    assert [(i.code, i.title) for i in plan.items] == [
        ("1", "Adopt a law on access to information"),
        ("2", "Train judges"),
        ("3", "Publish budgets"),
    ]
    assert plan.items[0].responsibilities[0].organisation == "Open Data Office"


def test_an_empty_word_document_is_refused_saying_so() -> None:
    with pytest.raises(ImportRefused, match="empty"):
        read_docx(WordDocument().bytes(), DEFAULT_LIMITS)
