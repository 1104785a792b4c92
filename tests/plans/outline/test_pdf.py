"""A PDF printed from a seed (pure-Python writer, see pdf.py) reads the same counts."""

from __future__ import annotations

import re

import pytest

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.document import normalise_characters
from plantrack.plans.importers.limits import DEFAULT_LIMITS
from plantrack.plans.importers.mapping import parse_document
from plantrack.plans.importers.pdf_reader import extract_pages, page_lines, read_pdf

from .helpers import FIGURES, RECOMMENDATIONS, VISION, counts, seed_plan, seed_text, tree
from .pdf import make_column_pdf, make_pdf, make_table_pdf, printed_lines


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages and warnings are checked in English (the Mongolian ones are in the catalogue)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def vision_paragraphs() -> list[str]:
    """The seed as printed: no Markdown marks, bullets as •, one paragraph per source line."""
    paragraphs = []
    for line in seed_text(VISION).splitlines():
        text = re.sub(r"^#+\s*|\*\*", "", line.strip())
        if not text or text == "---":
            continue
        paragraphs.append(re.sub(r"^- ", "• ", text))
    return paragraphs


def test_a_printed_vision_pdf_reads_the_same_tree_as_the_seed_text() -> None:
    data = make_pdf(printed_lines(vision_paragraphs()), head="Vision 2050 — Goal 7")
    plan = parse_document(read_pdf(data, DEFAULT_LIMITS))
    assert counts(plan) == FIGURES[VISION.name]
    assert tree(plan) == tree(seed_plan(VISION))


def test_a_printed_recommendation_list_with_its_own_line_breaks_reads_the_same_tree() -> None:
    lines = [re.sub(r"^- ", "• ", line.strip()) for line in seed_text(RECOMMENDATIONS).splitlines()]
    data = make_pdf([line for line in lines if line], head="Conference recommendations 2015")
    plan = parse_document(read_pdf(data, DEFAULT_LIMITS))
    assert counts(plan) == FIGURES[RECOMMENDATIONS.name]
    assert [(i.code, i.title) for i in plan.items] == [
        (i.code, i.title) for i in seed_plan(RECOMMENDATIONS).items
    ]


def test_running_heads_feet_and_page_numbers_are_dropped() -> None:
    pages = [
        "Annual plan 2024\nFirst line of page one\nsecond line\n1",
        "Annual plan 2024\nthird line\nfourth line\n2",
        "Annual plan 2024\nfifth line\nPage 3 of 3",
    ]
    assert page_lines(pages) == [
        "First line of page one",
        "second line",
        "third line",
        "fourth line",
        "fifth line",
    ]


def test_a_pdf_without_a_text_layer_is_refused_as_a_scan() -> None:
    with pytest.raises(ImportRefused, match="this PDF is a scanned image with no text"):
        read_pdf(make_pdf(["x"] * 3, text_layer=False), DEFAULT_LIMITS)


def test_ligatures_and_soft_hyphens_are_normalised() -> None:
    data = make_pdf(["1. Efficient office", "2. Nation\u00adal plan"])
    document = read_pdf(data, DEFAULT_LIMITS)
    assert [b.text for b in document.blocks] == ["1. Efficient office", "2. National plan"]  # type: ignore[union-attr]
    # Helvetica in WinAnsi has no ligature glyphs; the normaliser is checked directly.
    assert normalise_characters("Ef\ufb01cient o\ufb03ce\u00a0plan") == "Efficient office plan"


def test_a_very_long_paragraph_is_joined_in_linear_time() -> None:
    import time

    from plantrack.plans.importers.textclean import join_wrapped

    lines = ["some words of a long paragraph that a PDF page wrapped onto many lines and"] * 20_000
    started = time.perf_counter()
    joined = join_wrapped([*lines, "a hyphen-", "ated word"])
    assert joined.endswith("a hyphenated word")
    assert time.perf_counter() - started < 1.0  # was quadratic: minutes for a 300-page PDF


# --- pages set in columns -----------------------------------------------------------


def _tree_of(data: bytes):  # type: ignore[no-untyped-def]
    return tree(parse_document(read_pdf(data, DEFAULT_LIMITS)))


def test_an_outline_set_in_two_columns_reads_the_same_tree_as_in_one() -> None:
    lines = printed_lines(vision_paragraphs(), width=44)
    one = make_pdf(lines, head="Vision 2050 — Goal 7")
    two = make_column_pdf(lines, head="Vision 2050 — Goal 7")
    assert _tree_of(two) == _tree_of(one) == tree(seed_plan(VISION))


def test_three_columns_are_read_one_after_another() -> None:
    lines = printed_lines(vision_paragraphs(), width=28)
    # Columns balanced over the pages, as a layout program sets them: a last page of a few
    # lines split three ways is too little for the detector to call it columns.
    pages = -(-len(lines) // (3 * 55))
    per_column = -(-len(lines) // (3 * pages))
    data = make_column_pdf(lines, columns=3, per_column=per_column, head="Vision 2050 — Goal 7")
    assert _tree_of(data) == tree(seed_plan(VISION))


def _columns_found(data: bytes) -> str | None:
    """What the column reader makes of the PDF's first page (None: not columns)."""
    import io

    from pypdf import PdfReader

    from plantrack.plans.importers.pdf_columns import PageText, column_text

    placed = PageText()
    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=placed)
    return column_text(placed)


def test_a_full_width_heading_above_two_columns_comes_first() -> None:
    lines = [re.sub(r"^- ", "• ", line.strip()) for line in seed_text(RECOMMENDATIONS).splitlines()]
    wrapped = printed_lines([line for line in lines if line], width=44)
    title = "Recommendations of the national conference on law enforcement cooperation, 2015"
    data = make_column_pdf(wrapped, title=title, per_column=50)
    first_page = extract_pages(data, DEFAULT_LIMITS)[0].splitlines()
    assert first_page[0] == f"# {title}"  # set larger than the text: read as a heading
    assert first_page[1:3] == wrapped[:2]  # then the left column from its top
    plan = parse_document(read_pdf(data, DEFAULT_LIMITS))
    assert counts(plan) == FIGURES[RECOMMENDATIONS.name]
    assert [(i.code, i.title) for i in plan.items] == [
        (i.code, i.title) for i in seed_plan(RECOMMENDATIONS).items
    ]


def test_a_table_with_a_short_label_column_is_not_read_as_two_columns() -> None:
    rows = [
        [f"1.{n}", f"Develop the national programme of digital services for citizens {n}"]
        for n in range(1, 25)
    ]
    assert _columns_found(make_table_pdf(rows, [60, 400])) is None


def test_a_table_of_short_cells_is_not_read_column_by_column() -> None:
    rows = [[f"Indicator {n}", f"{n * 3}%", "2024", f"Ministry {n}"] for n in range(1, 25)]
    assert _columns_found(make_table_pdf(rows, [150, 110, 110, 110])) is None


def test_a_two_column_table_of_short_cells_is_not_read_column_by_column() -> None:
    rows = [[f"Objective {n}", f"Result {n}"] for n in range(1, 25)]
    assert _columns_found(make_table_pdf(rows, [250, 250])) is None


def test_a_single_column_page_is_left_to_the_plain_extraction() -> None:
    lines = printed_lines(vision_paragraphs())
    assert _columns_found(make_pdf(lines)) is None
    assert _columns_found(make_column_pdf(printed_lines(vision_paragraphs(), width=44)))


def test_words_hyphenated_at_a_column_line_end_are_repaired_and_furniture_dropped() -> None:
    verbs = ["Improve", "Extend", "Review", "Fund", "Open"]
    words = ["public", "regional", "border", "digital", "legal", "national", "social"]
    nouns = ["services", "registers", "offices"]
    lines = [
        f"{n}. {verbs[n % 5]} the {words[n % 7]} {nouns[n % 3]} of agency {n}" for n in range(1, 49)
    ]
    lines[2] = "3. Strengthen the regional coordi-"
    lines.insert(3, "nation of the border agencies")
    lines[15] = "15. Develop the e\u00adlectronic registry"
    data = make_column_pdf(lines, per_column=12, head="Annual plan 2024")
    texts = [b.text for b in read_pdf(data, DEFAULT_LIMITS).blocks]  # type: ignore[union-attr]
    assert texts[0] == "1. Extend the regional registers of agency 1"
    assert texts[2] == "3. Strengthen the regional coordination of the border agencies"
    assert texts[14] == "15. Develop the electronic registry"
    assert len(texts) == 48 and not any("Page" in t or "Annual" in t for t in texts)


def test_type_size_and_bold_give_headings_and_bold_lines() -> None:
    """Sizes and weights the PDF sets become Markdown marks the text reader understands."""
    from plantrack.plans.importers.pdf_reader import mark_structure

    pages = ["Annual plan\nFirst theme\nSome text of the body that runs on.\nA bold line\n"]
    styles = [
        {
            "Annualplan": (20.0, True),
            "Firsttheme": (14.0, False),
            "Sometextofthebodythatrunson.": (10.0, False),
            "Aboldline": (10.0, True),
        }
    ]
    assert mark_structure(pages, styles)[0].splitlines() == [
        "# Annual plan",
        "## First theme",
        "Some text of the body that runs on.",
        "**A bold line**",
    ]


def test_a_heading_set_on_two_lines_is_one_heading() -> None:
    from plantrack.plans.importers.pdf_reader import mark_structure

    body = "Body text here, longer than the heading, as body text is in a plan."
    pages = [f"Strengthening the rule\nof law\n{body}\n"]
    styles = [
        {
            "Strengtheningtherule": (16.0, False),
            "oflaw": (16.0, False),
            "".join(body.split()): (10.0, False),
        }
    ]
    assert mark_structure(pages, styles)[0].splitlines()[0] == "# Strengthening the rule of law"


def test_a_wrapped_line_that_starts_with_a_number_continues_its_sentence() -> None:
    from plantrack.plans.importers.document import read_text

    text = (
        "The agencies will work together to\n(4) accelerate the reform of procurement.\n\n"
        "Accessible sites under Section\n508 of the Act are required.\n\n"
        "The plan has these actions:\n(1) adopt the law;\n"
    )
    paragraphs = [b.text for b in read_text(text).blocks]
    assert paragraphs == [
        "The agencies will work together to (4) accelerate the reform of procurement.",
        "Accessible sites under Section 508 of the Act are required.",
        "The plan has these actions:",
        "(1) adopt the law;",
    ]
