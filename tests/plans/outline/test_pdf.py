"""A PDF printed from a seed (pure-Python writer, see pdf.py) reads the same counts."""

from __future__ import annotations

import re

import pytest

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.document import normalise_characters
from plantrack.plans.importers.limits import DEFAULT_LIMITS
from plantrack.plans.importers.mapping import parse_document
from plantrack.plans.importers.pdf_reader import page_lines, read_pdf

from .helpers import FIGURES, RECOMMENDATIONS, VISION, counts, seed_plan, seed_text, tree
from .pdf import make_pdf, printed_lines


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
