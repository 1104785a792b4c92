"""Keyboard-only use: Tab, Shift+Tab, Enter and Space reach and operate everything that matters.

After the first ``goto`` these tests never click and never navigate by URL: every step is a
key press, as for someone who cannot use a mouse.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import REPORTER_EMAIL
from .files import small_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

MAX_TABS = 400
VISION_PATH = "/en/plans/vision-2050-goal-7/"

# JavaScript run against document.activeElement.
DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  return el ? el.outerHTML.slice(0, 200) : "nothing";
}"""
FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < window.innerHeight && box.left < window.innerWidth,
  };
}"""


def tab_until(page: Page, matches: str, what: str, *, key: str = "Tab") -> int:
    """Press Tab until the focused element matches the CSS selector; return the presses."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", matches):
            return presses
    pytest.fail(
        f"Pressed {key} {MAX_TABS} times on {page.url} without reaching {what} ({matches}). "
        f"Focus ended on: {page.evaluate(DESCRIBE_FOCUS)}",
        pytrace=False,
    )


def assert_focus_visible(page: Page, what: str) -> None:
    state = page.evaluate(FOCUS_IS_VISIBLE)
    assert state["onScreen"], f"{what} has focus but is not on screen"
    assert state["outlineStyle"] != "none" and state["outlineWidth"] > 0, (
        f"{what} has focus but no visible focus outline: {state}"
    )


def test_a_keyboard_user_can_go_from_home_to_an_activity(page: Page) -> None:
    page.goto("/en/")

    tab_until(page, f'main a[href="{VISION_PATH}"]', "the Vision 2050 plan link")
    assert_focus_visible(page, "The Vision 2050 plan link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(VISION_PATH), page.url

    # Activities are folded under each objective's count (issue 10): open the first list
    tab_until(page, "main .activity-group > summary", "an objective's list of activities")
    assert_focus_visible(page, "The list of activities")
    page.keyboard.press("Enter")
    tab_until(page, "main li.activity a.code", "an activity link on the plan page")
    assert_focus_visible(page, "The activity link")
    activity_title = page.evaluate(
        "() => document.activeElement.closest('li.activity')"
        ".querySelector('.activity-title').textContent.trim()"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/items/" in page.url, page.url
    assert page.locator("h1").inner_text().strip() == activity_title


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/en/")

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('a.skip-link')"), (
        f"The first Tab stop is {page.evaluate(DESCRIBE_FOCUS)}, not the skip link"
    )
    assert_focus_visible(page, "The skip link")

    # Shift+Tab from the next stop comes back to it.
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.matches('a.skip-link')")

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main", (
        f"After Enter on the skip link, focus is on {page.evaluate(DESCRIBE_FOCUS)}"
    )
    # The next Tab stop is inside the main content, past the site navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null"), (
        f"After skipping, Tab went to {page.evaluate(DESCRIBE_FOCUS)}"
    )


def _is_open(page: Page) -> bool:
    return page.evaluate("() => document.activeElement.closest('details').open")


def test_plan_sections_open_and_close_with_enter_and_space(page: Page) -> None:
    page.goto(VISION_PATH)

    # The first section of the tree starts open: Enter closes it, Space opens it again.
    tab_until(page, "main .tree summary", "the first section of the plan")
    assert_focus_visible(page, "The section toggle")
    assert _is_open(page)
    page.keyboard.press("Enter")
    assert not _is_open(page), "Enter did not close the section"
    page.keyboard.press("Space")
    assert _is_open(page), "Space did not open the section"

    # A deeper section starts closed: Space opens it, showing its content; Enter closes it.
    tab_until(page, "main .tree details:not([open]) > summary", "a closed section")
    content = page.evaluate(
        "() => { const d = document.activeElement.closest('details');"
        " d.dataset.probe = 'yes'; return d.querySelectorAll(':scope > :not(summary)').length; }"
    )
    assert content, "The closed section has nothing inside it"
    inside = page.locator("details[data-probe] > :not(summary)").first
    assert not inside.is_visible()
    page.keyboard.press("Space")
    assert _is_open(page), "Space did not open the section"
    assert inside.is_visible()
    page.keyboard.press("Enter")
    assert not _is_open(page), "Enter did not close the section"
    assert not inside.is_visible()


# -- Reporting progress with the keyboard alone (issue 11, acceptance 8) ------------------

# The item this test reports on (test_report_loop.py leaves it alone).
KEYBOARD_ITEM = "7.3.24"
KEYBOARD_EVIDENCE = "patrol-helicopter-contract.pdf"


def _value(page: Page) -> str:
    return page.evaluate("() => document.activeElement.value")


def test_a_keyboard_user_sends_a_report_with_an_evidence_file(page_as: Any) -> None:
    page = page_as(REPORTER_EMAIL)
    page.goto("/en/my/reporting/")

    # From the reporter's work page to the item's report form.
    link = f'main a[href*="/items/{KEYBOARD_ITEM}/report/"]'
    tab_until(page, link, f"the report link of {KEYBOARD_ITEM} on My reporting")
    assert_focus_visible(page, "The report link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/items/{KEYBOARD_ITEM}/report/" in page.url, page.url

    # The status: a closed <select> takes the arrow keys.
    tab_until(page, "main select#id_status", "the status")
    assert_focus_visible(page, "The status")
    for _ in range(10):
        if _value(page) == "delayed":
            break
        page.keyboard.press("ArrowDown")
    assert _value(page) == "delayed", f"The arrow keys did not reach Delayed: {_value(page)}"

    tab_until(page, "main input#id_progress", "the progress")
    assert_focus_visible(page, "The progress field")
    page.keyboard.press("Control+A")
    page.keyboard.type("55")

    tab_until(page, "main textarea#id_note", "what was done")
    assert_focus_visible(page, "The narrative")
    page.keyboard.type(
        "The contract for two patrol helicopters was signed; the signed copy is attached."
    )

    # The file input opens the file chooser with Space.
    tab_until(page, "main input[type=file]#id_evidence_files", "the evidence files")
    assert_focus_visible(page, "The evidence file input")
    pdf = small_pdf("Contract for two patrol helicopters", "Signed copy")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        {"name": KEYBOARD_EVIDENCE, "mimeType": "application/pdf", "buffer": pdf}
    )
    assert page.evaluate("() => document.activeElement.files[0].name") == KEYBOARD_EVIDENCE

    # Send it with Enter on the button.
    tab_until(page, "main button[value=submit]", "the Submit for approval button")
    assert_focus_visible(page, "The Submit for approval button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/updates/\d+/$", page.url), (
        f"The report was not sent: {page.url}\n{page.locator('main').inner_text()}"
    )
    main = page.locator("main").inner_text()
    assert "Submitted" in main and "patrol helicopters was signed" in main, main

    # The evidence is on the report's page, and comes back as sent.
    tab_until(page, "main ul.evidence a[download]", "the evidence link")
    assert_focus_visible(page, "The evidence link")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == KEYBOARD_EVIDENCE
    assert download.value.path().read_bytes() == pdf
