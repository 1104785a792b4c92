"""The seeds re-saved the way people re-save documents still read as the same tree."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

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

NBSP = "\u00a0"


def en_dash_bullets(text: str) -> str:
    return re.sub(r"(?m)^- ", "– ", text)


def round_bullets(text: str) -> str:
    return re.sub(r"(?m)^- ", "• ", text)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def no_break_spaces(text: str) -> str:
    """A no-break space after every number and structural word, as Word's autoformat does."""
    text = re.sub(
        r"(?m)^(- )?(\d+(?:\.\d+)*\.) ", lambda m: f"{m.group(1) or ''}{m.group(2)}{NBSP}", text
    )
    return re.sub(r"\b(GOAL|OBJECTIVE|STAGE) ", lambda m: f"{m.group(1)}{NBSP}", text)


def title_case_words(text: str) -> str:
    return re.sub(r"\b(GOAL|OBJECTIVE|STAGE)\b", lambda m: m.group(1).title(), text)


def paren_numbering(text: str) -> str:
    return re.sub(r"(?m)^(\d+)\. ", r"\1) ", text)


def tab_after_number(text: str) -> str:
    return re.sub(
        r"(?m)^(- )?(\d+(?:\.\d+)*\.) ", lambda m: f"{m.group(1) or ''}{m.group(2)}\t", text
    )


def tabs_to_spaces(text: str) -> str:
    return tab_after_number(text).replace("\t", "    ")


def vision_markdown_headings(text: str) -> str:
    """Goal and objective lines as Markdown headings instead of bold paragraphs."""
    text = re.sub(r"(?m)^\*\*GOAL (\d+)\.\*\* ", r"# GOAL \1. ", text)
    return re.sub(r"(?m)^\*\*(OBJECTIVE \d+\.\d+\. .*)\*\*$", r"### \1", text)


def recommendation_markdown_headings(text: str) -> str:
    """Each section heading on one line, as a Markdown heading is."""
    text = re.sub(r"(?m)^(Seventh\..*?) *\n\s*\n(enforcement sector:)", r"\1 \2", text)
    return re.sub(r"(?m)^(First|Second|Third|Fourth|Fifth|Sixth|Seventh)\.", r"## \1.", text)


def capital_ordinals(text: str) -> str:
    return re.sub(
        r"(?m)^(First|Second|Third|Fourth|Fifth|Sixth|Seventh)\.",
        lambda m: m.group(1).upper() + ".",
        text,
    )


def numbered_sections(text: str) -> str:
    words = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh"]
    return re.sub(
        rf"(?m)^({'|'.join(words)})\.\s*", lambda m: f"{words.index(m.group(1)) + 1}. ", text
    )


def section_keyword(text: str) -> str:
    words = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh"]
    return re.sub(
        rf"(?m)^({'|'.join(words)})\.\s*",
        lambda m: f"SECTION {words.index(m.group(1)) + 1}: ",
        text,
    )


def pipe_table(text: str) -> str:
    """The roadmap's tab-separated tables re-saved as Markdown pipe tables."""
    lines = text.split("\n")
    out: list[str] = []
    previous_was_row = False
    for line in lines:
        if "\t" in line:
            cells = [cell.strip().replace("|", "\\|") for cell in line.strip(" ").split("\t")]
            out.append("| " + " | ".join(cells) + " |")
            if not previous_was_row and re.match(r"^(#|Participants|Date of)", line):
                out.append("|" + "---|" * len(cells))
            previous_was_row = True
        elif not line.strip() and previous_was_row:
            continue  # pipe tables have no blank lines between rows
        else:
            out.append(line)
            previous_was_row = False
    return "\n".join(out)


VARIANTS: list[tuple[object, str, Callable[[str], str]]] = [
    (VISION, "en-dash bullets", en_dash_bullets),
    (VISION, "round bullets", round_bullets),
    (VISION, "CRLF", crlf),
    (VISION, "no-break spaces", no_break_spaces),
    (VISION, "title case", title_case_words),
    (VISION, "1) numbering", paren_numbering),
    (VISION, "tab after the number", tab_after_number),
    (VISION, "tabs turned to spaces", tabs_to_spaces),
    (VISION, "markdown headings", vision_markdown_headings),
    (VISION, "all at once", lambda t: crlf(title_case_words(en_dash_bullets(paren_numbering(t))))),
    (RECOMMENDATIONS, "en-dash bullets", en_dash_bullets),
    (RECOMMENDATIONS, "round bullets", round_bullets),
    (RECOMMENDATIONS, "CRLF", crlf),
    (RECOMMENDATIONS, "markdown headings", recommendation_markdown_headings),
    (RECOMMENDATIONS, "capital ordinals", capital_ordinals),
    (RECOMMENDATIONS, "no-break spaces", lambda t: t.replace("First. ", f"First.{NBSP}")),
    (ROADMAP, "CRLF", crlf),
    (ROADMAP, "no-break spaces", lambda t: t.replace(" ", NBSP, 2000)),
]


@pytest.mark.parametrize(
    ("seed", "change"),
    [(seed, change) for seed, _name, change in VARIANTS],
    ids=[f"{seed.name[:3]}-{name}" for seed, name, _change in VARIANTS],  # type: ignore[attr-defined]
)
def test_a_resaved_seed_reads_the_same_tree(seed, change) -> None:  # type: ignore[no-untyped-def]
    original = seed_plan(seed)
    changed = read(change(seed_text(seed)))
    assert tree(changed) == tree(original)


@pytest.mark.parametrize("change", [numbered_sections, section_keyword], ids=["1.", "SECTION 1:"])
def test_recommendation_sections_numbered_another_way_read_the_same_sections(change) -> None:  # type: ignore[no-untyped-def]
    original = seed_plan(RECOMMENDATIONS)
    changed = read(change(seed_text(RECOMMENDATIONS)))
    assert counts(changed) == FIGURES[RECOMMENDATIONS.name]
    assert [(i.code, i.title) for i in changed.items] == [(i.code, i.title) for i in original.items]


def test_the_roadmap_as_a_pipe_table_reads_the_same_tree() -> None:
    original = seed_plan(ROADMAP)
    changed = read(pipe_table(seed_text(ROADMAP)))
    assert [(i.code, i.kind, i.parent_code, i.title, i.indicators) for i in changed.items] == [
        (i.code, i.kind, i.parent_code, i.title, i.indicators) for i in original.items
    ]
