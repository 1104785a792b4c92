"""The meeting pages and the participation calendar pass the axe-core scan in both languages,
live on the demo: the calendar, a meeting with registrations, a held meeting with minutes,
the meeting form showing its errors, the registration form, the organiser's registrations
page and one's own registrations."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import submit_main_form
from .test_accessibility import AXE_OPTIONS, LANGUAGES, _describe, _structure_problems

pytestmark = pytest.mark.browser

ORGANISER = "cso@plantrack.local"
CITIZEN = "citizen@plantrack.local"
# The demo makes the upcoming feedback session first, then the held hearing.
PAGES = {
    "calendar": ("calendar/", None, "main table"),
    "meeting-list": ("meetings/", None, "main h1"),
    "meeting-upcoming": ("meetings/1/", None, "#registration"),
    "meeting-held": ("meetings/2/", None, "#minutes"),
    "register": ("meetings/1/register/", CITIZEN, "main form"),
    "my-meetings": ("my/meetings/", CITIZEN, "main article"),
    "registrations": ("meetings/1/registrations/", ORGANISER, "main table"),
}


def _scan(page: Any, axe: Any, lang: str) -> list[str]:
    problems = _structure_problems(page, lang)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(f"axe-core found {len(violations)} violation(s):\n{_describe(violations)}")
    return problems


@pytest.mark.parametrize(
    ("name", "lang"), [pytest.param(n, lang, id=f"{n}-{lang}") for n in PAGES for lang in LANGUAGES]
)
def test_a_meeting_page_is_accessible(
    name: str, lang: str, page: Any, page_as: Any, axe: Any
) -> None:
    path, email, expect = PAGES[name]
    if email is not None:
        page = page_as(email)
    response = page.goto(f"/{lang}/{path}")
    assert response is not None and response.status == 200, page.url
    assert page.locator(expect).count(), f"{page.url} shows no {expect}"
    problems = _scan(page, axe, lang)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_meeting_form_with_its_errors_is_accessible(lang: str, page_as: Any, axe: Any) -> None:
    page = page_as(ORGANISER)
    response = page.goto(f"/{lang}/meetings/new/")
    assert response is not None and response.status == 200, page.url
    page.fill("#id_place", "Hall")
    submit_main_form(page)
    assert page.locator(".field-error").count() >= 2  # the title and the times
    problems = _scan(page, axe, lang)
    assert not problems, f"{page.url} (with errors):\n" + "\n".join(problems)
