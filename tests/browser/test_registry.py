"""The CSO portal end to end in Chromium: register, find in the directory, verify."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import submit_main_form

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _directory_names(page: Page, query: str) -> str:
    page.goto(f"/en/organisations/?{query}")
    return page.locator("main").inner_text()


def test_a_cso_registers_is_listed_as_unverified_and_an_administrator_verifies_it(
    page_as: Any,
) -> None:
    name = f"Gobi Digital Access Network {uuid.uuid4().hex[:6]}"
    # Given a citizen fills in the registration form
    citizen = page_as("citizen@plantrack.local")
    citizen.goto("/en/organisations/register/")
    citizen.fill("#id_name_en", name)
    citizen.fill("#id_name_mn", f"Говийн цахим хүртээмжийн сүлжээ {name[-6:]}")
    citizen.select_option("#id_kind", "cso")
    citizen.fill("#id_registration_number", f"9{uuid.uuid4().int % 10**6:06d}")
    citizen.locator("input[name=fields]").first.check()
    citizen.locator("input[name=target_groups]").nth(4).check()
    citizen.select_option("#id_region", label="Ömnögovi aimag")
    citizen.locator("input[name=setting][value=rural]").check()
    citizen.fill("#id_contact_email", "info@gobi-access.example.mn")
    submit_main_form(citizen)
    # Then its profile says it waits for verification, and the registrant is its admin
    assert "/organisations/" in citizen.url and "/register/" not in citizen.url
    profile = citizen.locator("main").inner_text()
    assert name in profile
    assert "Not verified yet" in profile
    # And the directory lists it among unverified CSOs in Ömnögovi, not among verified ones
    assert name in _directory_names(citizen, "kind=cso&verified=no&region=omnogovi")
    assert name not in _directory_names(citizen, "kind=cso&verified=yes")
    assert name in _directory_names(citizen, f"q={name.split()[1]}")
    # When a site administrator (with the second step) verifies it from the review page
    admin = page_as("admin@plantrack.local")
    admin.goto("/en/organisations/review/")
    row = admin.locator("main li, main tr, main article").filter(has_text=name).first
    with admin.expect_navigation():
        row.locator("button[type=submit]").first.click()
    # Then it appears among verified organisations
    assert name in _directory_names(admin, "kind=cso&verified=yes")
    admin.goto("/en/organisations/review/")
    assert name not in admin.locator("main").inner_text()


def test_directory_filters_narrow_the_list(page_as: Any, page: Page) -> None:
    everything = _directory_names(page, "")
    disability = _directory_names(page, "field=disability-rights")
    assert "Tegsh Alkham" in disability
    assert "Ministry of Digital Development" not in disability
    assert "Ministry of Digital Development" in _directory_names(page, "kind=government")
    assert len(disability) < len(everything)
