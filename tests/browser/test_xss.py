"""Script in any field a person can write is shown as text, never run, in a real Chromium.

Each payload would set ``window.__xss`` (or open a dialog) if the browser ran it. The
fields are filled through the site's own forms by the roles that may write them, then
every page that shows them is opened and the flag checked.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import submit_main_form

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PAYLOAD = (
    '"><img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
    '<svg/onload=window.__xss=1><a href="javascript:window.__xss=1" id=xss-link>x</a>\'-'
)
RECOMMENDATIONS = "/en/plans/law-enforcement-cooperation-2015/"


def _never_ran(page: Page, url: str, *, shown_as_text: bool = True) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.evaluate("window.__xss === undefined"), f"a payload ran on {url}"
    assert not dialogs, f"a payload opened a dialog on {url}"
    # Not only blocked by the Content Security Policy: no element was injected at all.
    assert page.locator("#xss-link").count() == 0, f"{url} holds an injected element"
    if shown_as_text:  # escaped, the reader sees the characters that were typed
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page.content(), (
            f"{url} does not show the written text"
        )


def test_payloads_in_every_writable_field_are_shown_as_text_and_never_run(page_as: Any) -> None:
    marker = uuid.uuid4().hex[:6]
    # A citizen names themself and registers an organisation with script in its fields
    citizen = page_as("citizen@plantrack.local")
    citizen.goto("/en/accounts/profile/")
    citizen.fill("#id_display_name", f"Bat {PAYLOAD}"[:150])
    submit_main_form(citizen)
    citizen.goto("/en/organisations/register/")
    citizen.fill("#id_name_en", f"Org {marker} {PAYLOAD}"[:200])
    citizen.select_option("#id_kind", "cso")
    citizen.locator("input[name=fields]").first.check()
    citizen.select_option("#id_region", label="Ömnögovi aimag")
    citizen.locator("input[name=setting][value=rural]").check()
    citizen.fill("#id_description_en", PAYLOAD)
    submit_main_form(citizen)
    organisation_url = citizen.url
    assert "/register/" not in organisation_url, "the registration was not accepted"
    # A plan manager writes script into the description of a plan they manage
    manager = page_as("manager@plantrack.local")
    manager.goto(f"{RECOMMENDATIONS}edit/")
    manager.fill("#id_description_en", PAYLOAD)
    submit_main_form(manager)
    # Then no page that shows these runs any of it
    _never_ran(citizen, "/en/accounts/profile/", shown_as_text=False)  # in the input
    _never_ran(citizen, organisation_url)
    _never_ran(citizen, f"/en/organisations/?q={marker}")
    _never_ran(manager, RECOMMENDATIONS)
