"""Plans whose structure is their headings: Markdown sites, Word styles, no numbers.

Written in the shape of published open-government action plans (a page per plan with
YAML front matter, themes as ``##`` headings, commitments as ``- ###`` list headings,
a numbered list only inside one commitment); the wording is this project's own.
"""

from __future__ import annotations

import pytest

from plantrack.plans.importers.document import Paragraph, clean_inline
from plantrack.plans.importers.outline import build_text_outline

from .helpers import read

THEMES = {
    "Open up public data": ["Publish the budget monthly.", "Open the land register."],
    "Widen civic space": ["Consult on every draft regulation.", "Fund community forums."],
    "Answer every petition": [
        "Publish answers within thirty days.",
        "Track petitions online.",
        "Report on petitions yearly.",
    ],
}


def _site_page() -> str:
    parts = [
        "---",
        "layout: page",
        'title: "Third Open Government Action Plan"',
        "permalink: /plan/3/",
        "---",
        '<span class="notice">**This page is archived.**</span> <br>',
        "",
        "[Download the plan](/files/plan-3.pdf){:.button}",
        "",
        "## Introduction",
        "",
        "This plan was drafted with civil society over six months.",
        "",
    ]
    for theme, commitments in THEMES.items():
        parts += [f"## {theme}", "", f"Why {theme.lower()} matters, in two sentences. Really.", ""]
        for number, commitment in enumerate(commitments):
            heading = f"[{commitment}](./c{number}/)" if number == 0 else commitment
            parts += [f"- ### {heading}", "", f"What the government will do: {commitment}", ""]
    parts += ["## Conclusion", "", "Progress will be reported every year."]
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    from django.utils import translation

    with translation.override("en"):
        yield


def test_front_matter_gives_the_title_and_is_not_read_as_text() -> None:
    plan = read(_site_page())
    assert plan.title == "Third Open Government Action Plan"
    assert not any("permalink" in item.title or "layout" in item.title for item in plan.items)


def test_headings_are_the_items_when_the_plan_numbers_nothing() -> None:
    plan = read(_site_page())
    titles = [item.title for item in plan.items]
    for theme, commitments in THEMES.items():
        theme_item = next(item for item in plan.items if item.title == theme)
        children = [item for item in plan.items if item.parent_code == theme_item.code]
        assert [child.title for child in children] == commitments
        assert all(child.body.startswith("What the government") for child in children)
    assert "Introduction" in titles and "Conclusion" in titles
    assert plan.unplaced == []


def test_a_list_heading_and_a_link_keep_only_their_text() -> None:
    plan = read(_site_page())
    first = next(item for item in plan.items if item.title.startswith("Publish the budget"))
    assert first.title == "Publish the budget monthly."
    assert not any("#" in item.title or "](" in item.title for item in plan.items)


def test_a_numbered_list_inside_a_heading_item_becomes_its_children() -> None:
    text = _site_page().replace(
        "What the government will do: Track petitions online.",
        "What the government will do:\n\n1. Build the tracker.\n2. Open it to the public.",
    )
    plan = read(text)
    tracker = next(item for item in plan.items if item.title == "Track petitions online.")
    children = [item.title for item in plan.items if item.parent_code == tracker.code]
    assert children == ["Build the tracker.", "Open it to the public."]
    assert plan.unplaced == []


def test_a_numbered_plan_with_headings_is_still_read_by_its_numbers() -> None:
    """Headings over a fully numbered plan stay scopes: nothing is left unplaced there."""
    paragraphs = [
        Paragraph("Plan", 1, heading=1),
        Paragraph("Part one", 2, heading=2),
        Paragraph("1. Adopt the law.", 3),
        Paragraph("2. Train the staff.", 4),
        Paragraph("Part two", 5, heading=2),
        Paragraph("3. Publish the report.", 6),
    ]
    outline = build_text_outline(paragraphs)
    assert [node.code for node in outline.nodes] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("[Open data](https://example.org/data) for all", "Open data for all"),
        ("A picture ![chart](img.png) here", "A picture here"),
        ("Button {:.usa-button} text", "Button text"),
        ("No [brackets] touched", "No [brackets] touched"),
    ],
)
def test_inline_markdown_links_images_and_attributes(raw: str, clean: str) -> None:
    assert clean_inline(raw) == clean
