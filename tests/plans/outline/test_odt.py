"""OpenDocument text (LibreOffice): headings, bold, list-style numbering and tables."""

from __future__ import annotations

from plantrack.plans.importers.detect import read_untrusted
from plantrack.plans.importers.limits import DEFAULT_LIMITS

from .helpers import FIGURES, RECOMMENDATIONS, counts, seed_plan
from .odt import OdtDocument

ORDINALS = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh"]


def test_an_odt_recommendation_list_with_style_bullets_reads_the_same_tree() -> None:
    odt = OdtDocument()
    odt.heading("RECOMMENDATION OF THE CONFERENCE", 1)
    plan = seed_plan(RECOMMENDATIONS)
    section_titles = [i for i in plan.items if i.kind == "section"]
    for section in section_titles:
        odt.heading(f"{ORDINALS[int(section.code) - 1]}. {section.title}:", 2)
        odt.bullets([i.title for i in plan.items if i.parent_code == section.code])
    read = read_untrusted(odt.bytes(), DEFAULT_LIMITS)
    assert counts(read) == FIGURES[RECOMMENDATIONS.name]
    assert [(i.code, i.title) for i in read.items] == [(i.code, i.title) for i in plan.items]


def test_odt_list_style_numbering_gives_codes_the_text_never_contains() -> None:
    odt = OdtDocument()
    odt.heading("Action plan", 1)
    odt.numbered(
        [
            ("Governance", [("Adopt a law", [("Draft it", []), ("Pass it", [])]), ("Fund it", [])]),
            ("Services", [("Open offices", [])]),
        ]
    )
    read = read_untrusted(odt.bytes(), DEFAULT_LIMITS)
    assert [(i.code, i.parent_code, i.title) for i in read.items] == [
        ("1", None, "Governance"),
        ("1.1", "1", "Adopt a law"),
        ("1.1.a", "1.1", "Draft it"),
        ("1.1.b", "1.1", "Pass it"),
        ("1.2", "1", "Fund it"),
        ("2", None, "Services"),
        ("2.1", "2", "Open offices"),
    ]


def test_an_odt_table_only_document_is_read_as_rows() -> None:
    odt = OdtDocument()
    odt.table(
        [
            ["No.", "Recommendation", "Responsible"],
            ["1", "Adopt a law on access to information", "Open Data Office"],
            ["2", "Train judges", "Judicial Academy"],
            ["3", "Publish budgets", "Budget Office"],
        ]
    )
    read = read_untrusted(odt.bytes(), DEFAULT_LIMITS)
    assert [(i.code, i.title) for i in read.items] == [
        ("1", "Adopt a law on access to information"),
        ("2", "Train judges"),
        ("3", "Publish budgets"),
    ]
    assert read.items[1].responsibilities[0].organisation == "Judicial Academy"
