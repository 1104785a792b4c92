"""Rough edges of issue 10 seen in a real browser: focus on the error summary after a failed
form, organisation pages that never scroll sideways at 375 px or 1280 px, and review cards whose
text stays inside them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ADMIN = "admin@plantrack.local"
WIDTHS = (375, 1280)
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# Every child of a card (at any depth) whose box reaches past the card's edges, or whose own
# content is wider than its box while it does not scroll (text spilling out).
SPILLS = """() => {
  const found = [];
  for (const card of document.querySelectorAll('.card')) {
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const style = getComputedStyle(el);
      const clips = ['auto', 'scroll', 'hidden'].includes(style.overflowX);
      if (r.right > box.right + 0.5 || r.left < box.left - 0.5
          || (!clips && el.scrollWidth > el.clientWidth + 1 && style.display !== 'inline')) {
        found.push(el.tagName + ': ' + (el.textContent || '').trim().slice(0, 60)
                   + ` (${Math.round(r.width)} px in a ${Math.round(box.width)} px card)`);
      }
    }
  }
  return found;
}"""


def _busiest_organisation(page: Page) -> str:
    """The address of the directory's organisation with the most responsibilities."""
    page.goto("/en/organisations/")
    href = page.evaluate(
        """() => {
          let best = null, most = -1;
          for (const row of document.querySelectorAll('table tbody tr')) {
            const cells = row.querySelectorAll('td');
            const count = parseInt(cells[cells.length - 1]?.textContent || '0', 10);
            const link = row.querySelector('th a');
            if (link && count > most) { most = count; best = link.getAttribute('href'); }
          }
          return best;
        }"""
    )
    assert href, "the directory lists no organisation"
    return href


def _assert_no_sideways_scroll(page: Page, path: str) -> None:
    page.goto(path)
    width, viewport = page.evaluate(PAGE_WIDTH)
    assert width <= viewport, f"{path} is {width} px wide in a {viewport} px window"


@pytest.mark.parametrize("width", WIDTHS)
def test_organisation_pages_never_scroll_sideways(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    organisation = _busiest_organisation(page)
    for lang in ("en", "mn"):
        _assert_no_sideways_scroll(page, f"/{lang}/organisations/")
        _assert_no_sideways_scroll(page, organisation.replace("/en/", f"/{lang}/", 1))


def test_wide_tables_scroll_inside_a_labelled_region(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(_busiest_organisation(page))
    regions = page.locator(".table-scroll")
    assert regions.count() >= 1
    for i in range(regions.count()):
        region = regions.nth(i)
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        label = region.get_attribute("aria-labelledby") or ""
        assert label and page.locator(f"[id='{label}']").inner_text().strip()


@pytest.mark.parametrize("width", WIDTHS)
def test_review_cards_keep_their_text_inside(page_as: Any, width: int) -> None:
    page: Page = page_as(ADMIN)
    page.set_viewport_size({"width": width, "height": 900})
    for lang in ("en", "mn"):
        page.goto(f"/{lang}/organisations/review/")
        assert page.locator(".card").count(), "no registration waits in the demo"
        assert page.evaluate(SPILLS) == []
        width_now, viewport = page.evaluate(PAGE_WIDTH)
        assert width_now <= viewport, f"the review page is {width_now} px in {viewport} px"


def test_a_failed_submit_moves_focus_to_the_error_summary(page: Page) -> None:
    page.goto("/en/accounts/sign-in/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.evaluate("() => document.activeElement?.id") == "error-summary"
    # Its links put the focus in the field they name.
    page.locator("#error-summary a[href='#id_password']").click()
    assert page.evaluate("() => document.activeElement?.id") == "id_password"


def test_the_summary_links_reach_a_group_of_checkboxes(page_as: Any) -> None:
    page: Page = page_as("citizen@plantrack.local")
    page.goto("/en/organisations/register/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.evaluate("() => document.activeElement?.id") == "error-summary"
    page.locator("#error-summary a[href='#id_fields']").click()
    assert page.evaluate("() => document.activeElement?.name") == "fields"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_translate_page_never_scrolls_sideways(manager_page: Page, width: int) -> None:
    manager_page.set_viewport_size({"width": width, "height": 800})
    for lang in ("en", "mn"):
        for query in ("show=all", "direction=mn-en&show=all"):
            _assert_no_sideways_scroll(
                manager_page, f"/{lang}/plans/vision-2050-goal-7/translate/?{query}"
            )
