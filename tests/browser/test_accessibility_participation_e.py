"""The participation pages of moderation, the report, statistics and follows pass the
axe-core scan in both languages, live on the demo (its answered Vision 2050 consultation)."""

from __future__ import annotations

from typing import Any

import pytest

from .test_accessibility import AXE_OPTIONS, LANGUAGES, _describe, _structure_problems

pytestmark = pytest.mark.browser

ANSWERED = "consultations/vision-2050-7-3-revision/"
MODERATOR = "moderator@plantrack.local"
CITIZEN = "citizen@plantrack.local"

# name → (path, signed in as, a selector the page must show)
PAGES: dict[str, tuple[str, str | None, str]] = {
    "report": (f"{ANSWERED}report/", None, "#inputs"),
    "moderation-log": (f"{ANSWERED}moderation/", None, "table"),
    "statistics": ("consultations/statistics/", None, "#by-body"),
    "consultation-with-stats": (ANSWERED, CITIZEN, ".consultation-stats"),
    "moderation-queue": ("consultations/moderation/", MODERATOR, "h1"),
    "plan-follow": ("plans/dice-inclusive-digitalization-roadmap/", CITIZEN, ".follow-form"),
}


def _scan(page: Any, axe: Any, lang: str) -> list[str]:
    problems = _structure_problems(page, lang)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(f"axe-core found {len(violations)} violation(s):\n{_describe(violations)}")
    return problems


def _open(page: Any, lang: str, path: str) -> None:
    response = page.goto(f"/{lang}/{path}")
    assert response is not None and response.status == 200, page.url


@pytest.mark.parametrize(
    ("name", "lang"), [pytest.param(n, lang, id=f"{n}-{lang}") for n in PAGES for lang in LANGUAGES]
)
def test_a_participation_page_is_accessible(
    name: str, lang: str, page: Any, page_as: Any, axe: Any
) -> None:
    path, email, expect = PAGES[name]
    tab = page_as(email) if email else page
    _open(tab, lang, path)
    assert tab.locator(expect).count(), f"{name}: {expect} missing"
    problems = _scan(tab, axe, lang)
    assert not problems, f"{tab.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_moderation_forms_are_accessible_with_their_errors(
    lang: str, page_as: Any, axe: Any
) -> None:
    citizen = page_as(CITIZEN)
    _open(citizen, lang, ANSWERED)
    first = citizen.locator("article.input-entry h3 a").first.get_attribute("href")
    assert first
    input_path = first.split(f"/{lang}/", 1)[1]
    # The flag form, sent empty: its error is tied to the reason group.
    _open(citizen, lang, f"{input_path}flag/")
    assert not _scan(citizen, axe, lang)
    with citizen.expect_navigation():
        citizen.locator("main form button[type=submit]").click()
    assert citizen.locator("#error-summary").count()
    problems = _scan(citizen, axe, lang)
    assert not problems, "\n".join(problems)
    # The moderator's hide form, and the block form.
    moderator = page_as(MODERATOR)
    for path in (f"{input_path}hide/",):
        _open(moderator, lang, path)
        problems = _scan(moderator, axe, lang)
        assert not problems, f"{moderator.url}:\n" + "\n".join(problems)
