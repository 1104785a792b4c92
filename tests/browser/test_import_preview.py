"""Import a PDF and steer its preview by keyboard alone: choose the levels' kinds, read the
file again, save, and see the plan read with those kinds (issue 8, acceptance 6)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from tests.plans.outline.pdf import make_pdf

from .test_keyboard import assert_focus_visible, tab_until

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def river_plan_pdf(tag: str) -> bytes:
    """A small plan of our own, printed to PDF: two sections of numbered measures."""
    lines = [
        f"RIVER BASIN CARE PLAN {tag.upper()} 2026-2028",
        "",
        "1. Clean water",
        "1.1 Map every well in the basin",
        "1.2 Test the water of each well twice a year",
        "2. Healthy banks",
        "2.1 Plant willows along the eroded banks",
    ]
    return make_pdf(lines)


def upload_pdf(page: Page, tag: str) -> None:
    page.goto("/en/plans/import/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": f"river-{tag}.pdf",
                "mimeType": "application/pdf",
                "buffer": river_plan_pdf(tag),
            }
        ],
    )
    tab_until(page, "main form button[type=submit]", "the upload button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_by_keyboard(page: Page, select: str, key: str, wanted: str) -> None:
    """Tab to a <select> and press arrow keys on it until it shows ``wanted``."""
    tab_until(page, select, f"the {select} choice")
    assert_focus_visible(page, f"The {select} choice")
    for _ in range(12):
        if page.eval_on_selector(select, "el => el.value") == wanted:
            return
        page.keyboard.press(key)
    pytest.fail(f"{select} never showed {wanted!r} with {key}", pytrace=False)


def test_a_keyboard_user_chooses_the_levels_reads_again_and_saves(manager_page: Page) -> None:
    page = manager_page
    tag = uuid.uuid4().hex[:6]
    upload_pdf(page, tag)
    assert page.locator("form.mapping").count() == 1, "no mapping form on the preview"
    assert page.eval_on_selector("#id_level_0", "el => el.value") == "section"
    assert page.eval_on_selector("#id_level_1", "el => el.value") == "activity"

    choose_by_keyboard(page, "#id_level_0", "ArrowUp", "goal")
    choose_by_keyboard(page, "#id_level_1", "ArrowDown", "recommendation")
    tab_until(page, "form.mapping button[type=submit]", "the read-again button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    kinds = page.locator("ol.preview .kind").all_inner_texts()
    assert kinds == ["goal", "recommendation", "recommendation", "goal", "recommendation"], kinds
    assert page.eval_on_selector("#id_level_0", "el => el.value") == "goal"

    tab_until(page, 'form[action$="/import/confirm/"] button[type=submit]', "the save button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/en/plans/river-basin-care-plan-{tag}-2026-2028/"), page.url
    assert page.locator("li.node-goal").count() == 2
    assert "Draft" not in page.locator("main").inner_text()


def upload_for_scan(page: Page, lang: str) -> None:
    """For the axe scan: our own PDF uploaded, its preview with the mapping form shown."""
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "river.pdf",
                "mimeType": "application/pdf",
                "buffer": river_plan_pdf(f"{lang}{uuid.uuid4().hex[:6]}"),
            }
        ],
    )
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
