"""Every page type, in both languages, passes axe-core's WCAG 2.1 A/AA rules in Chromium.

Each page is also checked for the basics axe does not insist on: exactly one <h1>,
a skip link whose target exists, and ``<html lang>`` matching the language of the URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

import plantrack

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

LANGUAGES = ("mn", "en")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
SEED_FILE = (
    Path(plantrack.__file__).resolve().parent / "plans" / "seeds" / "001_2125384cf4ad98ca.txt"
)
VISION = "plans/vision-2050-goal-7/"
RECOMMENDATIONS = "plans/law-enforcement-cooperation-2015/"
DICE = "plans/dice-inclusive-digitalization-roadmap/"
NODES_SHOWN = 3
CITIZEN = "citizen@plantrack.local"
CSO = "cso@plantrack.local"
ADMIN = "admin@plantrack.local"
REPORTER = "reporter@plantrack.local"


def submit_main_form(page: Page) -> None:
    """Submit the first form inside <main> and wait for the answer to load."""
    with page.expect_navigation():
        page.locator("main form").first.locator("button[type=submit]").click()


def _failed_sign_in(page: Page, lang: str) -> None:
    page.fill("#id_username", "nobody@example.org")
    page.fill("#id_password", "not-the-password")
    submit_main_form(page)


def _plan_without_titles(page: Page, lang: str) -> None:
    page.fill("#id_title_mn", "")
    page.fill("#id_title_en", "")
    submit_main_form(page)


def _progress_over_100(page: Page, lang: str) -> None:
    page.fill("#id_progress", "150")
    submit_main_form(page)


def _report_over_100(page: Page, lang: str) -> None:
    """Save the report form as a draft with a progress over 100 %."""
    page.fill("#id_progress", "150")
    with page.expect_navigation():
        page.locator("main form button[value=draft]").click()


def _generate_nothing(page: Page, lang: str) -> None:
    """Send the reporting periods' generate form with its dates left empty."""
    with page.expect_navigation():
        page.locator("form[aria-labelledby=generate-heading] button[type=submit]").click()


def _upload_empty_file(page: Page, lang: str) -> None:
    page.set_input_files(
        "#id_file", files=[{"name": "empty.txt", "mimeType": "text/plain", "buffer": b""}]
    )
    submit_main_form(page)


def _submit_empty(page: Page, lang: str) -> None:
    submit_main_form(page)


def _return_without_a_note(page: Page, lang: str) -> None:
    with page.expect_navigation():
        page.locator("main form button[value=return]").click()


def _sign_up_fresh(page: Page, lang: str) -> None:
    page.fill("#id_email", f"new-{lang}-{uuid.uuid4().hex[:8]}@example.org")
    page.fill("#id_display_name", "Oyuka")
    page.fill("#id_password", "a-long-passphrase-2050")
    submit_main_form(page)


def _request_reset(page: Page, lang: str) -> None:
    page.fill("#id_email", "citizen@plantrack.local")
    submit_main_form(page)


def _upload_seed_file(page: Page, lang: str) -> None:
    page.set_input_files("#id_file", str(SEED_FILE))
    page.fill("#id_slug", f"browser-preview-{lang}-{uuid.uuid4().hex[:8]}")
    submit_main_form(page)


def _import_a_bad_translation_file(page: Page, lang: str) -> None:
    page.set_input_files(
        "#id_file",
        files=[{"name": "bad.xlf", "mimeType": "application/xml", "buffer": b"<not-xliff/>"}],
    )
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()


def _upload_own_pdf(page: Page, lang: str) -> None:
    from .test_import_preview import upload_for_scan

    upload_for_scan(page, lang)


def _upload_own_pdf_with_years_out_of_order(page: Page, lang: str) -> None:
    from .test_import_preview import upload_for_scan

    upload_for_scan(page, lang)
    page.fill("#id_start_year", "2030")
    page.fill("#id_end_year", "2020")
    with page.expect_navigation():
        page.locator("form.mapping button[type=submit]").click()


MONGOLIAN_VERSION = (
    "# Алсын хараа 2050\n\n7.1. Батлан хамгаалах чадавхыг бэхжүүлэх\n\n"
    "7.1.1. Зэвсэгт хүчний бэлэн байдлыг хангах\n\n7.1.99. Шинэ заалт\n"
).encode()


def _upload_mongolian_version(page: Page, lang: str) -> None:
    page.set_input_files(
        "#id_file",
        files=[{"name": "vision-mn.md", "mimeType": "text/markdown", "buffer": MONGOLIAN_VERSION}],
    )
    submit_main_form(page)


def _empty_reason(page: Page, lang: str) -> None:
    page.fill("#id_reason", "")
    submit_main_form(page)


def _retire_then_list(page: Page, lang: str) -> None:
    """Retire a recommendation (one per language, so both runs find it live), then list."""
    code = "3.1" if lang == "mn" else "3.2"
    page.goto(f"/{lang}/{RECOMMENDATIONS}items/{code}/retire/")
    page.fill("#id_reason", "Merged into another recommendation")
    submit_main_form(page)
    page.goto(f"/{lang}/{RECOMMENDATIONS}retired/")


def _receipt_of_event_one(page: Page, lang: str) -> None:
    """The demo signs a checkpoint once, so event 1's receipt verifies."""
    import json

    proof = json.loads(page.locator("body").inner_text())
    page.goto(f"/{lang}/transparency/receipt/?seq=1&hash={proof['event']['hash']}")


def _edit_item_title(page: Page, lang: str) -> None:
    page.fill("#id_title_en", f"Checked by the browser test {uuid.uuid4().hex[:6]}")
    submit_main_form(page)


def _submit_unchanged(page: Page, lang: str) -> None:
    """Send the form as it stands (a required reason left empty)."""
    submit_main_form(page)


def _open_update(page: Page, lang: str) -> None:
    """Follow the item page's first link to a progress report's own page."""
    with page.expect_navigation():
        page.locator("a.update-link").first.click()
    if "/updates/" not in page.url:
        raise AssertionError(f"the link to the report led to {page.url}")


def _add_indicator(page: Page, lang: str, *, measured: bool = True) -> None:
    """Add an indicator to activity 7.3.14 through its form (one per run: both languages
    and every case get their own)."""
    page.goto(f"/{lang}/{VISION}items/7.3.14/indicators/add/")
    page.fill("#id_title_en", f"Checked by the browser test {uuid.uuid4().hex[:6]}")
    if not measured:
        page.uncheck("#id_measured")
    page.check("#id_dimensions_0")
    submit_main_form(page)


def _open_new_indicator_link(name: str) -> Callable[[Page, str], None]:
    def then(page: Page, lang: str) -> None:
        _add_indicator(page, lang)
        with page.expect_navigation():
            page.locator(f".manage-links a[href$='/{name}/']").click()

    return then


def _setup_table(page: Page, lang: str) -> None:
    _add_indicator(page, lang, measured=False)
    page.goto(f"/{lang}/{VISION}indicators/setup/")


def _setup_with_a_wrong_row(page: Page, lang: str) -> None:
    _setup_table(page, lang)
    row = page.locator("table.setup-table tbody tr").last
    row.locator("select[name$='-kind']").select_option("yes_no")
    row.locator("input[name$='-end_target']").fill("5")
    submit_main_form(page)


@dataclass(frozen=True)
class PageCase:
    id: str
    path: str  # after the language prefix
    manager: bool = False
    status: int = 200
    then: Callable[[Page, str], None] | None = None  # e.g. submit a form
    expect: str | None = None  # a CSS selector that shows we reached the intended state
    needs: tuple[str, ...] = ()  # fixtures that prepare data for this page
    user: str = ""  # sign in as this demo account first


CASES = [
    PageCase("home", ""),
    PageCase("plan-list", "plans/"),
    PageCase("plan-vision-2050", VISION, expect=".tree"),
    PageCase("plan-recommendations-2015", RECOMMENDATIONS, expect=".tree"),
    PageCase("plan-dice", DICE, expect=".tree"),
    PageCase("plan-filtered", f"{VISION}?status=delayed", expect=".activities"),
    PageCase("plan-invalid-filter", f"{VISION}?status=nonsense", expect="#error-summary"),
    PageCase("item-activity", f"{VISION}items/7.3.13/"),
    PageCase("item-objective", f"{VISION}items/7.1/", expect=".activities"),
    PageCase("item-stage", f"{VISION}items/7.1.I/"),
    # Issue 10: an expected result shows what works towards it; the plan page with all open
    PageCase("item-expected-result", f"{VISION}items/7.1.I.1/", expect=".activities"),
    PageCase("plan-vision-2050-expanded", f"{VISION}?expand=all", expect=".activity-group[open]"),
    PageCase("item-dice-area", f"{DICE}items/1/", expect=".activities"),
    PageCase("item-dice-activity-indicators", f"{DICE}items/1.4/", expect=".indicators"),
    PageCase("item-recommendation", f"{RECOMMENDATIONS}items/1.1/"),
    PageCase("organisation-list", "organisations/"),
    PageCase("organisation-detail", "organisations/mddic/", expect="table"),
    PageCase("search-results", "search/?q=border", expect=".results"),
    PageCase(
        "search-results-cyrillic",
        f"search/?q={quote('хил')}",
        expect=".results",
        needs=("mongolian_title",),
    ),
    PageCase("search-no-results", "search/?q=zzqqxxnothing"),
    PageCase("search-filtered", "search/?q=border&kind=item&status=not_started", expect=".results"),
    PageCase("search-code-in-several-plans", "search/?q=3.4", expect=".results"),
    PageCase("search-invalid-filter", "search/?q=border&status=nonsense", expect=".results"),
    PageCase("search-plan-mongolian", f"search/?q={quote('Алсын хараа')}", expect=".results"),
    PageCase("sign-in", "accounts/sign-in/"),
    PageCase("sign-in-failed", "accounts/sign-in/", then=_failed_sign_in, expect="#error-summary"),
    PageCase("not-found", "no-such-page/", status=404),
    PageCase("plan-edit", f"{VISION}edit/", manager=True),
    PageCase("plan-retire", f"{VISION}retire/", manager=True),
    PageCase(
        "plan-retire-invalid",
        f"{VISION}retire/",
        manager=True,
        then=_submit_unchanged,
        expect="#error-summary",
    ),
    PageCase(
        "plan-edit-invalid",
        f"{VISION}edit/",
        manager=True,
        then=_plan_without_titles,
        expect="#error-summary",
    ),
    PageCase("item-edit", f"{VISION}items/7.3.13/edit/", manager=True),
    PageCase(
        "item-edit-invalid",
        f"{VISION}items/7.3.13/edit/",
        manager=True,
        then=_progress_over_100,
        expect="#error-summary",
    ),
    PageCase("import", "plans/import/", manager=True),
    PageCase(
        "import-empty-file",
        "plans/import/",
        manager=True,
        then=_upload_empty_file,
        expect="#error-summary",
    ),
    PageCase(
        "import-preview", "plans/import/", manager=True, then=_upload_seed_file, expect=".preview"
    ),
    PageCase(
        "import-preview-mapping",
        "plans/import/",
        manager=True,
        then=_upload_own_pdf,
        expect="form.mapping select",
    ),
    PageCase(
        "import-preview-mapping-error",
        "plans/import/",
        manager=True,
        then=_upload_own_pdf_with_years_out_of_order,
        expect="#error-summary",
    ),
    # Translating a plan's items
    PageCase("translate", f"{VISION}translate/", manager=True),
    PageCase(
        "translate-all", f"{VISION}translate/?show=all", manager=True, expect=".translate-row"
    ),
    PageCase(
        "translate-all-mn-en",
        f"{VISION}translate/?direction=mn-en&show=all&page=2",
        manager=True,
        expect=".translate-row",
    ),
    PageCase(
        "translate-import-refused",
        f"{VISION}translate/",
        manager=True,
        then=_import_a_bad_translation_file,
        expect="#error-summary",
    ),
    # Issue 10: a plan's other-language version, matched by code
    PageCase("import-language", f"{VISION}import-language/", manager=True),
    PageCase(
        "import-language-empty-file",
        f"{VISION}import-language/",
        manager=True,
        then=_upload_empty_file,
        expect="#error-summary",
    ),
    PageCase(
        "import-language-preview",
        f"{VISION}import-language/",
        manager=True,
        then=_upload_mongolian_version,
        expect="ul.codes",
    ),
    # Adding, moving, retiring and restoring single items
    PageCase("item-add", f"{VISION}add-item/", manager=True),
    PageCase(
        "item-add-invalid",
        f"{VISION}add-item/",
        manager=True,
        then=_submit_empty,
        expect="#error-summary",
    ),
    PageCase("item-add-child", f"{VISION}items/7.1/add-child/", manager=True),
    PageCase("item-move", f"{VISION}items/7.1.1/move/", manager=True),
    PageCase(
        "item-move-places", f"{VISION}items/7.1.1/move/?parent=7.2", manager=True, expect="select"
    ),
    PageCase("item-retire", f"{VISION}items/7.1.1/retire/", manager=True),
    PageCase(
        "item-retire-invalid",
        f"{VISION}items/7.1.1/retire/",
        manager=True,
        then=_empty_reason,
        expect="#error-summary",
    ),
    PageCase(
        "retired-items",
        f"{RECOMMENDATIONS}retired/",
        manager=True,
        then=_retire_then_list,
        expect="table.retired",
    ),
    # Organisations registry
    PageCase("directory-filtered", "organisations/?kind=cso&verified=yes&field=disability-rights"),
    PageCase("directory-search", "organisations/?q=federation"),
    PageCase("organisation-cso", "organisations/disability-federation/"),
    PageCase("organisation-unverified", "organisations/code-tal/"),
    PageCase("organisation-register", "organisations/register/", user=CITIZEN),
    PageCase(
        "organisation-register-invalid",
        "organisations/register/",
        user=CITIZEN,
        then=_submit_empty,
        expect="#error-summary",
    ),
    PageCase("organisation-edit", "organisations/disability-federation/edit/", user=CSO),
    PageCase("organisation-members", "organisations/disability-federation/members/", user=CSO),
    PageCase("organisation-review", "organisations/review/", user=ADMIN),
    PageCase("organisation-decide", "organisations/code-tal/decide/", user=ADMIN),
    PageCase("organisation-retire", "organisations/code-tal/retire/", user=ADMIN),
    PageCase(
        "organisation-retire-invalid",
        "organisations/code-tal/retire/",
        user=ADMIN,
        then=_submit_unchanged,
        expect="#error-summary",
    ),
    PageCase(
        "organisation-decide-invalid",
        "organisations/code-tal/decide/",
        user=ADMIN,
        then=_return_without_a_note,
        expect="#error-summary",
    ),
    PageCase("invitations", "organisations/invitations/", user=CITIZEN),
    # Accounts
    PageCase("sign-up", "accounts/sign-up/"),
    PageCase("sign-up-invalid", "accounts/sign-up/", then=_submit_empty, expect="#error-summary"),
    PageCase("sign-up-check-email", "accounts/sign-up/", then=_sign_up_fresh),
    PageCase("password-reset", "accounts/password-reset/"),
    PageCase("password-reset-sent", "accounts/password-reset/", then=_request_reset),
    PageCase("privacy", "accounts/privacy/", expect="table"),
    PageCase("import-guide", "help/import/", expect="#refused"),
    PageCase("profile", "accounts/profile/", user=CITIZEN),
    PageCase("password-change", "accounts/password/", user=CITIZEN),
    PageCase("delete-account", "accounts/profile/delete/", user=CITIZEN),
    PageCase("two-step-setup", "accounts/two-step/setup/", user=CITIZEN, expect="img"),
    PageCase("two-step-verify", "accounts/two-step/", user=CITIZEN),
    # History and transparency
    PageCase("plan-history", f"{VISION}history/", expect=".history"),
    PageCase("item-history", f"{VISION}items/7.3.13/history/", expect=".history"),
    PageCase("item-history-manager", f"{VISION}items/7.3.13/history/", manager=True),
    PageCase("transparency", "transparency/", expect="table"),
    PageCase("receipt-form", "transparency/receipt/"),
    PageCase(
        "receipt-verified",
        "transparency/events/1/proof.json",
        then=_receipt_of_event_one,
        expect=".receipt-holds",
    ),
    PageCase(
        "receipt-fails", f"transparency/receipt/?seq=1&hash={'0' * 64}", expect=".receipt-fails"
    ),
    PageCase("receipt-invalid", "transparency/receipt/?seq=abc&hash=xyz", expect="#error-summary"),
    PageCase(
        "receipt-after-item-edit",
        f"{VISION}items/7.3.13/edit/",
        manager=True,
        then=_edit_item_title,
        expect=".messages .receipt",
    ),
    PageCase("plan-history-section", VISION, expect="#history-heading"),
    PageCase("item-history-section", f"{VISION}items/7.3.13/", expect="#history-heading"),
    PageCase("organisation-history-section", "organisations/mddic/", expect="#history-heading"),
    PageCase("organisation-history", "organisations/mddic/history/"),
    PageCase(
        "organisation-history-admin", "organisations/disability-federation/history/", user=CSO
    ),
    PageCase("plan-changes", f"{VISION}changes/", expect=".history"),
    PageCase(
        "plan-changes-bad-date", f"{VISION}changes/?since=2026-02-30", expect="#error-summary"
    ),
    PageCase(
        "progress-update",
        f"{VISION}items/7.3.13/",
        then=_open_update,
        expect="#history-heading",
        needs=("approved_update",),
    ),
    PageCase(
        "progress-update-submitted",
        f"{VISION}items/7.3.13/",
        user=REPORTER,
        then=_open_update,
        expect=".notice",
        needs=("submitted_update",),
    ),
    # Progress reporting
    PageCase("report-progress", f"{VISION}items/7.3.13/report/", user=REPORTER),
    PageCase("item-with-report-button", f"{VISION}items/7.3.13/", user=REPORTER),
    PageCase(
        "report-progress-errors",
        f"{VISION}items/7.3.13/report/",
        user=REPORTER,
        then=_report_over_100,
        expect="#error-summary",
    ),
    PageCase("reporting-periods", f"{VISION}periods/", manager=True),
    PageCase(
        "reporting-periods-errors",
        f"{VISION}periods/",
        manager=True,
        then=_generate_nothing,
        expect="#error-summary",
    ),
    # Indicators (issue 11)
    PageCase("indicator-add", f"{VISION}items/7.3.14/indicators/add/", manager=True),
    PageCase(
        "indicator-add-invalid",
        f"{VISION}items/7.3.14/indicators/add/",
        manager=True,
        then=_submit_empty,
        expect="#error-summary",
    ),
    PageCase(
        "indicator-page",
        f"{VISION}items/7.3.14/",
        manager=True,
        then=_add_indicator,
        expect="#definition-heading",
    ),
    PageCase(
        "indicator-edit",
        f"{VISION}items/7.3.14/",
        manager=True,
        then=_open_new_indicator_link("edit"),
        expect="#delete-heading",
    ),
    PageCase(
        "indicator-targets",
        f"{VISION}items/7.3.14/",
        manager=True,
        then=_open_new_indicator_link("targets"),
    ),
    PageCase(
        "indicators-setup",
        f"{VISION}items/7.3.14/",
        manager=True,
        then=_setup_table,
        expect="table.setup-table",
    ),
    PageCase(
        "indicators-setup-invalid",
        f"{VISION}items/7.3.14/",
        manager=True,
        then=_setup_with_a_wrong_row,
        expect="#error-summary",
    ),
]


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:NODES_SHOWN]:
            lines.append(f"    {node['target']}  {node['html'][:160]}")
        if len(violation["nodes"]) > NODES_SHOWN:
            lines.append(f"    … and {len(violation['nodes']) - NODES_SHOWN} more")
    return "\n".join(lines)


def _structure_problems(page: Page, lang: str) -> list[str]:
    problems = []
    html_lang = page.get_attribute("html", "lang")
    if html_lang != lang:
        problems.append(f'<html lang="{html_lang}">, expected "{lang}"')
    h1_count = page.locator("h1").count()
    if h1_count != 1:
        problems.append(f"{h1_count} <h1> elements, expected exactly one")
    skip = page.locator("a.skip-link")
    if skip.count() != 1:
        problems.append(f"{skip.count()} skip links, expected one")
    else:
        href = skip.get_attribute("href") or ""
        target = href.removeprefix("#")
        if not href.startswith("#") or page.locator(f"[id='{target}']").count() != 1:
            problems.append(f'the skip link points to "{href}", which is not an element here')
    return problems


@pytest.mark.parametrize(
    ("case", "lang"),
    [pytest.param(case, lang, id=f"{case.id}-{lang}") for case in CASES for lang in LANGUAGES],
)
def test_page_is_accessible(
    case: PageCase, lang: str, request: pytest.FixtureRequest, axe: Any
) -> None:
    for fixture in case.needs:
        request.getfixturevalue(fixture)
    if case.user:
        page: Page = request.getfixturevalue("page_as")(case.user)
    else:
        page = request.getfixturevalue("manager_page" if case.manager else "page")
    response = page.goto(f"/{lang}/{case.path}")
    assert response is not None
    if case.then is None:
        assert response.status == case.status, f"{page.url} answered {response.status}"
    else:
        case.then(page, lang)
    if case.expect:
        assert page.locator(case.expect).count(), f"{page.url} shows no {case.expect}"

    problems = _structure_problems(page, lang)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(f"axe-core found {len(violations)} violation(s):\n{_describe(violations)}")
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
