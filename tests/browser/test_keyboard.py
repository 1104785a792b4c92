"""Keyboard-only use: Tab, Shift+Tab, Enter and Space reach and operate everything that matters.

After the first ``goto`` these tests never click and never navigate by URL: every step is a
key press, as for someone who cannot use a mouse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

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
