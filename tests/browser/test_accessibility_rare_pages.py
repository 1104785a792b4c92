"""Pages that are hard to reach on a live site (a busy database, a refusal with its reason,
the recovery codes shown once) pass the same axe-core scan, rendered by Django and loaded
into the live site's page so that its stylesheet applies."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from .test_accessibility import AXE_OPTIONS, LANGUAGES, _describe, _structure_problems

pytestmark = pytest.mark.browser

PAGES = {
    "busy-503": ("503.html", {}),
    "refused-with-reason": (
        "403.html",
        {"reason": "You cannot review an update you wrote yourself."},
    ),
    "recovery-codes": (
        "accounts/two_factor_recovery_codes.html",
        {"recovery_codes": ["a1b2c3d4", "e5f6a7b8"], "next": "/"},
    ),
}


def _html(template: str, context: dict[str, Any], lang: str) -> str:
    request = RequestFactory().get(f"/{lang}/")
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = lang
    with translation.override(lang):
        return render_to_string(template, context, request=request)


@pytest.mark.parametrize(
    ("name", "lang"), [pytest.param(n, lang, id=f"{n}-{lang}") for n in PAGES for lang in LANGUAGES]
)
def test_a_rare_page_is_accessible(name: str, lang: str, page: Any, axe: Any) -> None:
    template, context = PAGES[name]
    page.goto(f"/{lang}/")
    page.set_content(_html(template, context, lang))
    problems = _structure_problems(page, lang)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(f"axe-core found {len(violations)} violation(s):\n{_describe(violations)}")
    assert not problems, f"{name} ({lang}):\n" + "\n".join(problems)
