"""Issue 11, acceptance 6: the reporting loop in a real browser, on the demo's living plan.

The demo reporter (National Police Agency) signs in, lands on "My reporting", finds an
overdue item there and opens its report form in one click; sends a report with a measured
value (broken down by sex) and a PDF; the plan manager finds it on "To review" and returns
it with a note; the tasks worker emails the note to the reporter in the reporter's language;
the reporter follows the email's link, corrects and sends again; the manager approves. A
visitor's view (the item page, the indicator page, the parent's roll-up, the plan dashboard,
the public export) stays as it was until the approval, and shows the report only after it.

The demo gives the Police's items no measured indicator, so the manager first adds one to
the chosen item through the indicator form, as a manager would. The server and its data are
shared by the browser tests of one worker: this test leaves alone the items other tests
report on (``RESERVED``), and what it changes (one item completed, one indicator added, one
more approved report) no other test reads.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import translation

from .conftest import (
    DEMO_PASSWORD,
    MANAGER_EMAIL,
    REPORTED_ITEM,
    REPORTER_EMAIL,
    current_demo_code,
    submit_main_form,
)
from .files import small_pdf
from .mail import body_of, run_tasks_worker, sent_emails
from .test_keyboard import KEYBOARD_ITEM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

pytestmark = pytest.mark.browser

PLAN = "vision-2050-goal-7"
PLAN_PATH = f"/en/plans/{PLAN}/"
# Items other browser tests write on: conftest's reports, test_accessibility's indicators,
# test_keyboard's report.
RESERVED = {REPORTED_ITEM.rstrip("/").rsplit("/", 1)[-1], "7.3.14", KEYBOARD_ITEM}

INDICATOR = "Police officers trained in handling digital evidence"
UNIT = "officers"
FIRST = {
    "status": "in_progress",
    "progress": "60",
    "note": "Evidence-handling course held in Darkhan for the investigators of three districts.",
    "total": "25",
    "female": "10",
    "male": "15",
}
CORRECTED = {
    "status": "completed",
    "progress": "100",
    "note": (
        "Evidence-handling course completed in Darkhan and Erdenet; all thirty officers "
        "passed the final test and the training register is attached."
    ),
    "total": "30",
    "female": "12",
    "male": "18",
}
RETURN_NOTE = (
    "The training register lists 30 officers, 12 women and 18 men; please correct the "
    "figures and say whether the course is finished."
)
EVIDENCE_NAME = "training-register-darkhan.pdf"
NARRATIVE_MARK = "Evidence-handling course"  # in both narratives, never public before approval


def gettext_in(language: str, message: str) -> str:
    """``message`` as the site writes it in ``language``."""
    with translation.override(language):
        return translation.gettext(message)


def starts(text: str) -> re.Pattern[str]:
    """A label or name that begins with ``text`` (labels carry "(required)" or a unit)."""
    end = r"\b" if text[-1:].isalnum() else ""
    return re.compile(rf"^\s*{re.escape(text)}{end}")


# -- Browsing ------------------------------------------------------------------------------


@pytest.fixture
def contexts(browser: Browser, site: str) -> Iterator[Any]:
    """``contexts()``: a fresh browser context (its own cookies); all closed at the end."""
    made: list[BrowserContext] = []

    def new() -> BrowserContext:
        context = browser.new_context(base_url=site, accept_downloads=True)
        context.set_default_timeout(20_000)
        made.append(context)
        return context

    yield new
    for context in made:
        context.close()


def sign_in(context: BrowserContext, email: str) -> Page:
    """Sign in through the real form (and the two-step form for staff); the page stays
    where the site lands the person."""
    page = context.new_page()
    page.goto("/en/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    for attempt in range(2):
        if "/two-step/" not in page.url:
            break
        if attempt:
            # A code is good once: another test signed in as this account within this
            # 30-second step. Wait for the next code.
            time.sleep(30 - time.time() % 30 + 1)
        page.get_by_label(re.compile("authenticator app", re.I)).fill(current_demo_code())
        submit_main_form(page)
    assert "/accounts/" not in page.url, f"{email} could not sign in: the page is {page.url}"
    return page


def go(page: Page, link: Locator) -> None:
    """Follow a link (or press a button) and wait for the next page."""
    with page.expect_navigation():
        link.click()


def fact(scope: Page | Locator, name: str) -> str:
    """The text of the <dd> after the <dt> ``name`` in the first fact list of ``scope``."""
    return fact_in(scope.locator("dl.facts").first, name)


def fact_in(facts: Locator, name: str) -> str:
    """The text of the <dd> after the <dt> ``name`` in the list ``facts``."""
    dd = facts.locator(f"xpath=dt[normalize-space()='{name}']/following-sibling::dd[1]")
    return dd.inner_text().strip()


def table_row(region: Locator, head: str) -> list[str]:
    """The cells of the row of a table whose header cell (or first cell) starts with ``head``."""
    row = region.get_by_role("row").filter(
        has=region.page.get_by_role("rowheader", name=starts(head))
    )
    assert row.count() == 1, f"{row.count()} rows start with {head!r}"
    return [cell.strip() for cell in row.first.get_by_role("cell").all_inner_texts()]


# -- What a visitor sees -----------------------------------------------------------------


def public_view(
    page: Page, *, code: str, parent: str, indicator_url: str, update_url: str | None
) -> dict[str, Any]:
    """Every public figure the report may change, as a visitor reads them."""
    view: dict[str, Any] = {}
    page.goto(f"{PLAN_PATH}items/{code}/")
    view["item status"] = fact(page, "Status")
    view["item progress"] = fact(page, "Progress")
    view["item reports"] = page.locator("ol.timeline > li h3").all_inner_texts()
    view["item indicator"] = table_row(
        page.get_by_role("region", name=re.compile("Measured indicators")), INDICATOR
    )
    view["item text"] = page.locator("main").inner_text()

    page.goto(indicator_url)
    view["indicator actual"] = fact_in(
        page.locator("dl[aria-labelledby=actual-heading]"), "Actual to date"
    )
    view["indicator text"] = page.locator("main").inner_text()

    page.goto(f"{PLAN_PATH}items/{parent}/")
    view["parent progress"] = fact(page, "Progress")
    activity = page.locator("li.activity").filter(
        has=page.locator(f"a.code[href$='/items/{code}/']")
    )
    view["parent shows the item"] = activity.locator(".activity-meta").inner_text()

    page.goto(f"{PLAN_PATH}dashboard/")
    view["plan progress"] = fact(page, "Progress")
    view["dashboard objective"] = table_row(
        page.get_by_role("region", name="Progress per objective"), f"{parent} "
    )
    statuses = page.get_by_role("region", name="Tracked items by status")
    view["dashboard statuses"] = {
        head.strip(): cell.strip()
        for head, cell in zip(
            statuses.get_by_role("rowheader").all_inner_texts(),
            statuses.get_by_role("cell").all_inner_texts(),
            strict=True,
        )
    }
    view["dashboard indicator"] = dashboard_indicator(page)

    csv = page.request.get(f"{PLAN_PATH}progress.csv")
    assert csv.ok, f"The public export answered {csv.status}"
    view["export"] = csv.text()

    if update_url is not None:
        view["report page status"] = page.goto(update_url).status  # type: ignore[union-attr]
    return view


def dashboard_indicator(page: Page) -> str:
    """The indicator's "Actual to date" on the plan dashboard, paging through its
    indicators (a few per page) with the "Next indicators" link."""
    for _page in range(100):
        article = page.locator("article.indicator-figures").filter(
            has=page.get_by_role("heading", name=re.compile(re.escape(INDICATOR)))
        )
        if article.count():
            return fact(article, "Actual to date")
        following = page.get_by_role("link", name="Next indicators")
        if not following.count():
            break
        go(page, following)
    pytest.fail(f"The plan dashboard does not list the indicator {INDICATOR!r}", pytrace=False)


def assert_unchanged(page: Page, before: dict[str, Any], *, moment: str, **where: Any) -> None:
    """Before the approval, a visitor sees exactly what they saw before the first report."""
    now = public_view(page, **where)
    for key in ("item text", "indicator text", "export"):
        for mark in (NARRATIVE_MARK, RETURN_NOTE[:30]):
            assert mark not in now[key], f"{moment}: the visitor sees {mark!r} in {key}"
    assert now.get("report page status") == 404, (
        f"{moment}: the report's own page answers a visitor {now.get('report page status')}"
    )
    for key, value in before.items():
        if key in ("item text", "indicator text", "export", "report page status"):
            continue
        assert now[key] == value, f"{moment}: the visitor's {key} changed: {value!r} → {now[key]!r}"


def percent(text: str) -> int:
    found = re.search(r"(\d+)\s*%", text)
    assert found, f"No percentage in {text!r}"
    return int(found.group(1))


def count(text: str) -> int:
    return int(text.split()[0])


# -- The loop ------------------------------------------------------------------------------


def fill_report(page: Page, values: dict[str, str]) -> None:
    page.get_by_label(starts("Status")).select_option(values["status"])
    page.get_by_label(starts("Progress (%)")).fill(values["progress"])
    page.get_by_label(starts("What was done")).fill(values["note"])
    group = page.get_by_role("group", name=INDICATOR)
    group.get_by_label(starts("Total")).fill(values["total"])
    group.get_by_label(starts("Female")).fill(values["female"])
    group.get_by_label(starts("Male")).fill(values["male"])


def test_a_report_is_returned_corrected_approved_and_only_then_public(
    contexts: Any, site: str
) -> None:
    reporter = sign_in(contexts(), REPORTER_EMAIL)
    manager = sign_in(contexts(), MANAGER_EMAIL)
    visitor = contexts().new_page()

    # Staff land on their work page.
    assert reporter.url.endswith("/en/my/reporting/"), reporter.url
    assert reporter.get_by_role("heading", level=1).inner_text() == "My reporting"
    assert manager.url.endswith("/en/my/review/"), manager.url

    # 1. An overdue item of the reporter's agency, on "My reporting".
    overdue = reporter.get_by_role("region", name="Overdue")
    candidates = []
    for row in overdue.locator("tbody tr").all():
        code = row.get_by_role("cell").first.get_by_role("link").first.inner_text().strip()
        period = row.get_by_role("cell").nth(2).inner_text().strip()
        if code.startswith("7.3.") and code not in RESERVED:
            candidates.append((code, period, row))
    assert candidates, (
        "The demo gives the Police reporter no overdue item of Vision 2050 to report on; "
        f"overdue: {overdue.inner_text()}"
    )
    code, period, row = candidates[0]
    parent = code.rsplit(".", 1)[0]

    # 2. Setup, as the plan manager: a measured indicator on that item, broken down by sex.
    manager.goto(f"{PLAN_PATH}items/{code}/")
    go(manager, manager.get_by_role("link", name="Add an indicator"))
    manager.get_by_label(starts("Indicator (English)")).fill(INDICATOR)
    manager.get_by_label(starts("Kind")).select_option("quantitative")
    manager.get_by_label(starts("Unit")).fill(UNIT)
    manager.get_by_label(starts("Cumulative")).check()
    manager.get_by_label(starts("Baseline value")).fill("0")
    manager.get_by_label(starts("Baseline year")).fill("2025")
    manager.get_by_label(starts("End target")).fill("120")
    manager.get_by_role("group", name=starts("Disaggregation")).get_by_label("Sex").check()
    assert manager.get_by_label(starts("Measured")).is_checked()
    go(manager, manager.get_by_role("button", name="Add the indicator"))
    assert re.search(r"/indicators/\d+/$", manager.url), manager.url
    indicator_url = manager.url.removeprefix(site)

    where: dict[str, Any] = {
        "code": code,
        "parent": parent,
        "indicator_url": indicator_url,
        "update_url": None,
    }
    before = public_view(visitor, **where)
    assert before["item indicator"][1] == "—", before["item indicator"]  # no actual yet
    assert before["indicator actual"].startswith("—"), before["indicator actual"]
    assert before["dashboard indicator"] == "—"
    visitor.goto(f"/mn/plans/{PLAN}/items/{code}/")
    title_mn = visitor.get_by_role("heading", level=1).inner_text().strip()
    visitor.goto(f"{PLAN_PATH}items/{code}/")
    title_en = visitor.get_by_role("heading", level=1).inner_text().strip()

    # 3. The reporter opens the report form in one click and sends a report.
    go(reporter, row.get_by_role("link", name=re.compile(rf"^(Report|Continue) {re.escape(code)}")))
    assert f"/items/{code}/report/" in reporter.url, reporter.url
    assert reporter.get_by_role("heading", level=1).inner_text() == f"Report progress on {code}"
    chosen = reporter.get_by_label(starts("Reporting period")).locator("option:checked")
    assert chosen.inner_text().strip() == period, "The form opens on the overdue period"
    fill_report(reporter, FIRST)
    pdf = small_pdf("National Police Agency - training register", "Darkhan, 25 officers")
    reporter.get_by_label(starts("Evidence files")).set_input_files(
        {"name": EVIDENCE_NAME, "mimeType": "application/pdf", "buffer": pdf}
    )
    go(reporter, reporter.get_by_role("button", name="Submit for approval"))
    assert re.search(r"/updates/\d+/$", reporter.url), (
        f"The report was not sent: {reporter.url}\n{reporter.locator('main').inner_text()}"
    )
    update_url = reporter.url.removeprefix(site)
    where["update_url"] = update_url
    assert fact(reporter, "State") == "Submitted"
    values = reporter.get_by_role("region", name="Measured values")
    assert [c.strip() for c in values.get_by_role("cell").all_inner_texts()][:3] == [
        "Total",
        f"25 {UNIT}",
        "",
    ]
    evidence = reporter.get_by_role("link", name=EVIDENCE_NAME)
    with reporter.expect_download() as download:
        evidence.click()
    assert download.value.suggested_filename == EVIDENCE_NAME
    assert (download.value.path().read_bytes()) == pdf, "The evidence comes back as sent"

    assert_unchanged(visitor, before, moment="Submitted", **where)

    # 4. The manager finds it on "To review" and returns it with a note.
    manager.goto(PLAN_PATH)
    go(manager, manager.get_by_role("link", name=starts("To review")).first)
    assert manager.url.endswith("/en/my/review/"), manager.url
    waiting = manager.get_by_role("region", name="Reports waiting")
    go(manager, waiting.get_by_role("link", name=f"Review {code}, {period}", exact=True))
    pk = update_url.rstrip("/").rsplit("/", 1)[-1]
    card = manager.locator(f"article[aria-labelledby='pending-{pk}']")
    assert FIRST["note"] in card.inner_text()
    card.get_by_label("Return to the reporter").check()
    card.get_by_label("Note to the reporter").fill(RETURN_NOTE)
    go(manager, card.get_by_role("button", name="Save decision"))
    assert "The update was reviewed." in manager.locator(".messages").inner_text()

    assert_unchanged(visitor, before, moment="Returned", **where)

    # 5. The reporter is emailed the note, in the language of their profile.
    reporter.goto("/en/accounts/profile/")
    language = reporter.get_by_label("Language for emails and notices").input_value()
    run_tasks_worker(site)
    run_tasks_worker(site)  # a second run sends nothing again
    subject = "Plantrack: " + gettext_in(language, "Report returned: %(code)s") % {"code": code}
    returned = [
        m for m in sent_emails(site, to=REPORTER_EMAIL) if str(m["Subject"]).strip() == subject
    ]
    assert len(returned) == 1, f"{len(returned)} emails with the subject {subject!r}"
    body = body_of(returned[0])
    assert RETURN_NOTE in body
    title = title_mn if language == "mn" else title_en
    other = title_en if language == "mn" else title_mn
    assert title in body, f"The email does not name the item in {language}:\n{body}"
    if other != title:
        assert other not in body, f"The email names the item in the other language:\n{body}"
    link = re.search(rf"{re.escape(site)}/{language}/\S+/items/{re.escape(code)}/report/\S*", body)
    assert link, f"The email has no link to the report form:\n{body}"

    # The returned report also waits on "My reporting", with the note (under "Overdue" while
    # its period is late, else under "Returned to you").
    reporter.goto("/en/my/reporting/")
    waiting_rows = reporter.locator("main tr").filter(has_text=RETURN_NOTE[:60])
    assert waiting_rows.count() == 1, reporter.locator("main").inner_text()
    assert waiting_rows.get_by_role("link", name=code, exact=True).count() == 1

    # 6. The reporter follows the email's link, corrects the report and sends it again.
    reporter.goto(link.group(0))
    assert re.search(rf"/{language}/plans/{PLAN}/updates/{pk}/edit/$", reporter.url), reporter.url
    assert RETURN_NOTE in reporter.locator("main").inner_text()
    if language != "en":
        go(reporter, reporter.get_by_role("link", name="English", exact=True))
    assert reporter.get_by_role("heading", level=1).inner_text() == f"Change the report on {code}"
    group = reporter.get_by_role("group", name=INDICATOR)
    assert group.get_by_label(starts("Total")).input_value() == FIRST["total"]
    fill_report(reporter, CORRECTED)
    assert (
        reporter.get_by_role("group", name="Remove evidence")
        .get_by_label(EVIDENCE_NAME)
        .is_visible()
    ), "The evidence sent first is kept"
    go(reporter, reporter.get_by_role("button", name="Submit for approval"))
    assert reporter.url.endswith(update_url), reporter.url
    assert fact(reporter, "State") == "Submitted"

    assert_unchanged(visitor, before, moment="Sent again", **where)

    # 7. The manager approves it.
    go(manager, manager.get_by_role("link", name=starts("To review")).first)
    waiting = manager.get_by_role("region", name="Reports waiting")
    go(manager, waiting.get_by_role("link", name=f"Review {code}, {period}", exact=True))
    card = manager.locator(f"article[aria-labelledby='pending-{pk}']")
    assert CORRECTED["note"] in card.inner_text()
    card.get_by_label("Approve and publish").check()
    go(manager, card.get_by_role("button", name="Save decision"))
    assert "The update was reviewed." in manager.locator(".messages").inner_text()

    # 8. Now, and only now, the public pages show it.
    after = public_view(visitor, **where)
    assert after["report page status"] == 200
    assert after["item status"].strip() == "Completed"
    assert percent(after["item progress"]) == 100
    assert after["item reports"][0].startswith(period), after["item reports"]
    assert CORRECTED["note"] in after["item text"]
    assert FIRST["note"] not in after["item text"]
    assert after["item indicator"][1] == f"30 {UNIT}", after["item indicator"]
    assert after["indicator actual"].startswith(f"30 {UNIT}"), after["indicator actual"]
    assert f"12 {UNIT}" in after["indicator text"] and f"18 {UNIT}" in after["indicator text"]
    assert after["dashboard indicator"] == f"30 {UNIT}"
    assert CORRECTED["note"] in after["export"]

    # The roll-up: the parent counts one more completed activity, and its progress rises.
    assert "Completed" in after["parent shows the item"]
    assert percent(after["parent shows the item"]) == 100
    objective_before, objective_after = before["dashboard objective"], after["dashboard objective"]
    completed_column = 2  # Progress, Activities, Completed, Delayed
    assert count(objective_after[completed_column]) == count(objective_before[completed_column]) + 1
    assert percent(after["parent progress"]) >= percent(before["parent progress"])
    if percent(before["item progress"]) <= 50:
        assert percent(after["parent progress"]) > percent(before["parent progress"]), (
            f"{parent}'s progress did not rise: {before['parent progress']} → "
            f"{after['parent progress']}"
        )
    assert percent(objective_after[0]) == percent(after["parent progress"])
    statuses_before, statuses_after = before["dashboard statuses"], after["dashboard statuses"]
    assert count(statuses_after["Completed"]) == count(statuses_before["Completed"]) + 1
    previous = before["item status"].strip()
    assert count(statuses_after[previous]) == count(statuses_before[previous]) - 1

    # The reporter is told it was approved, once.
    run_tasks_worker(site)
    subject = "Plantrack: " + gettext_in(language, "Report approved: %(code)s") % {"code": code}
    approved = [
        m for m in sent_emails(site, to=REPORTER_EMAIL) if str(m["Subject"]).strip() == subject
    ]
    assert len(approved) == 1, f"{len(approved)} emails with the subject {subject!r}"
