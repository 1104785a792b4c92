"""The Vision 2050 plan page in a real browser: folded height, "show all", print (issue 10).

Measured on the demo data before the change (every activity listed open): 25,543 px tall at
375 px wide (25,899 px in Mongolian) and 11,503 px at 1280 px. Folded, the page is about
4,800 px (5,200 px in Mongolian) and 2,400 px: the goal, five objectives, their fifteen
stages and a one-line summary of each objective's activities. The bounds below leave room
for longer titles or translations, and stay under a third of the unfolded height.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PLAN = "/{lang}/plans/vision-2050-goal-7/"
ACTIVITIES = 116  # in the Vision 2050 seed
BOUNDS = {375: 8_000, 1280: 4_000}
VISIBLE_ACTIVITIES = (
    "[...document.querySelectorAll('li.activity')].filter(e => e.checkVisibility()).length"
)


def _open(browser: Browser, site: str, width: int, javascript: bool = True) -> Page:
    context = browser.new_context(
        base_url=site, viewport={"width": width, "height": 800}, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.mark.parametrize("lang", ["mn", "en"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_folded_plan_page_shows_structure_and_counts_first(browser, site, width, lang):  # type: ignore[no-untyped-def]
    page = _open(browser, site, width)
    try:
        page.goto(PLAN.format(lang=lang))
        height = page.evaluate("document.documentElement.scrollHeight")
        # The page is short enough to read the structure through, and never scrolls sideways
        assert height < BOUNDS[width], f"{height} px at {width} px wide"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # Every objective shows how many activities it has, in which statuses; no activity
        # is open yet, and every stage is there to read
        summaries = page.locator(".activity-group > summary")
        assert summaries.count() == 5
        for n in range(summaries.count()):
            assert summaries.nth(n).is_visible()
            assert summaries.nth(n).locator(".activity-count").inner_text().strip()
            assert summaries.nth(n).locator(".status").count() >= 1
        assert page.evaluate(VISIBLE_ACTIVITIES) == 0
        stages = page.locator(".node-stage > .node-heading")
        assert stages.count() == 15
        assert all(stages.nth(n).is_visible() for n in range(stages.count()))
        # Opening one objective's activities shows them
        summaries.first.click()
        assert page.evaluate(VISIBLE_ACTIVITIES) == 15
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_show_all_reveals_every_activity_without_javascript(browser, site, width):  # type: ignore[no-untyped-def]
    page = _open(browser, site, width, javascript=False)
    try:
        page.goto(PLAN.format(lang="en"))
        with page.expect_navigation():
            page.get_by_role("link", name="Show all sections and activities").click()
        assert page.url.endswith("?expand=all#tree-heading")
        assert page.locator("li.activity").count() == ACTIVITIES
        assert page.evaluate(VISIBLE_ACTIVITIES) == ACTIVITIES
        # Every expected result is visible too, and the page still fits the width
        results = page.locator(".node-expected_result")
        assert results.count() > 0
        assert all(results.nth(n).is_visible() for n in range(results.count()))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # And a link folds it again
        with page.expect_navigation():
            page.get_by_role("link", name="Show sections only").click()
        assert page.evaluate(VISIBLE_ACTIVITIES) == 0
    finally:
        page.context.close()


def test_a_plan_prints_its_content_only_with_every_section_open(page):  # type: ignore[no-untyped-def]
    page.goto(PLAN.format(lang="en"))
    page.emulate_media(media="print")
    # No navigation, header, footer, skip link or forms on paper
    for selector in (".site-header", ".site-footer", ".skip-link", "nav", "form.filters"):
        hidden = page.locator(selector)
        assert all(not hidden.nth(n).is_visible() for n in range(hidden.count())), selector
    # Every activity is printed, with its code, status and progress as text
    assert page.evaluate(VISIBLE_ACTIVITIES) == ACTIVITIES
    row = page.locator("li.activity").first
    text = row.inner_text()
    assert row.locator(".code").inner_text().strip() in text
    assert row.locator(".status").inner_text().strip() in text
    assert "%" in text or "no progress reported" in text
    assert not row.locator("progress").is_visible()  # the figure is printed, not the bar
    # Stages' expected results too, with their codes
    results = page.locator(".node-expected_result")
    assert all(results.nth(n).is_visible() for n in range(results.count()))
    assert "7.1.I.1" in results.first.inner_text()


def test_printing_opens_every_section_and_closing_the_dialog_restores_them(page):  # type: ignore[no-untyped-def]
    page.goto(PLAN.format(lang="en"))
    closed_before = page.evaluate("document.querySelectorAll('details:not([open])').length")
    assert closed_before > 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("document.querySelectorAll('details:not([open])').length") == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate("document.querySelectorAll('details:not([open])').length") == closed_before
