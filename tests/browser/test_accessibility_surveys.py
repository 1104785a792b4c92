"""The survey pages (issue 13) pass the axe-core scan in both languages: the list, the form
(as a visitor: the demo's survey allows anonymous answers), the form with its errors, the
thank-you page, the results and a question's written answers; and the managers' pages
(manage, new survey, a question's form, moderation) as the demo's plan manager. A keyboard
user fills the survey and sends it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import MANAGER_EMAIL
from .test_accessibility import LANGUAGES
from .test_accessibility_queues import _scan
from .test_keyboard import assert_focus_visible, tab_until

pytestmark = pytest.mark.browser

SURVEY = "surveys/digital-needs-2026/"
PUBLIC = {
    "survey-list": "surveys/",
    "survey-form": SURVEY,
    "survey-results": SURVEY + "results/",
}
MANAGER = {
    "survey-manage": SURVEY + "manage/",
    "survey-new": "surveys/new/",
    "survey-moderation": SURVEY + "moderation/",
}


def _check(page: Any, axe: Any, lang: str) -> None:
    problems = _scan(page, axe, lang)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("name", "lang"),
    [pytest.param(n, lang, id=f"{n}-{lang}") for n in PUBLIC for lang in LANGUAGES],
)
def test_a_public_survey_page_is_accessible(name: str, lang: str, page: Any, axe: Any) -> None:
    response = page.goto(f"/{lang}/{PUBLIC[name]}")
    assert response is not None and response.status == 200, page.url
    _check(page, axe, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_survey_form_with_errors_and_the_texts_page_are_accessible(
    lang: str, page: Any, axe: Any
) -> None:
    page.goto(f"/{lang}/{SURVEY}")
    with page.expect_navigation():
        page.locator("form.survey-form button[type=submit]").click()
    assert page.locator("#error-summary").count() == 1
    _check(page, axe, lang)
    page.goto(f"/{lang}/{SURVEY}results/")
    link = page.locator("main a[href*='/results/']").first
    with page.expect_navigation():
        link.click()
    assert re.search(r"/results/\d+/$", page.url), page.url
    _check(page, axe, lang)


@pytest.mark.parametrize(
    ("name", "lang"),
    [pytest.param(n, lang, id=f"{n}-{lang}") for n in MANAGER for lang in LANGUAGES],
)
def test_a_managers_survey_page_is_accessible(name: str, lang: str, page_as: Any, axe: Any) -> None:
    page = page_as(MANAGER_EMAIL)
    response = page.goto(f"/{lang}/{MANAGER[name]}")
    assert response is not None and response.status == 200, page.url
    _check(page, axe, lang)
    if name == "survey-manage":  # and the form of its first question
        with page.expect_navigation():
            page.locator("main ol.questions a").first.click()
        _check(page, axe, lang)


def test_a_keyboard_user_fills_the_survey_and_sends_it(page: Any) -> None:
    page.goto(f"/en/{SURVEY}")
    form = "form.survey-form"
    # Q1 (required, one choice): Tab into its radio group, Space chooses the focused one.
    tab_until(page, f"{form} fieldset:nth-of-type(1) input[type=radio]", "Q1's first answer")
    assert_focus_visible(page, "Q1's first answer")
    page.keyboard.press("Space")
    # Q2 (several choices): Tab to the second box and tick it.
    tab_until(page, f"{form} fieldset:nth-of-type(2) input[type=checkbox]", "Q2's answers")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    # Q3 (required, 1–5): into the group, arrow keys move and choose.
    tab_until(page, f"{form} fieldset:nth-of-type(3) input[type=radio]", "Q3's scale")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # Q4 (yes/no): "No" (so Q5, shown only after "Yes", is skipped).
    tab_until(page, f"{form} fieldset:nth-of-type(4) input[type=radio]", "Q4's answers")
    q5 = page.locator(f"{form} fieldset:nth-of-type(5)")
    assert q5.is_hidden()  # shown only after "Yes" (the script hides it until then)
    page.keyboard.press("Space")  # "Yes"
    assert q5.is_visible()
    page.keyboard.press("ArrowDown")  # "No"
    assert q5.is_hidden()
    tab_until(page, f"{form} button[type=submit]", "the send button")
    assert_focus_visible(page, "The send button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/en/{SURVEY}thanks/"), page.url
    assert page.locator("h1").inner_text() == "Thank you for your answers"
