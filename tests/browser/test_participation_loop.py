"""Issue 13, acceptance 1: the participation loop in a real browser, on the demo site.

The demo plan manager opens a consultation on Vision 2050 objective 7.3, its draft taken from
the plan's items; a citizen comments on a paragraph (by keyboard alone); the demo CSO member
sends a proposal on behalf of their organisation and a member of another verified
organisation co-signs it; the consultation closes (its dates moved in the server's database,
as time would); the manager answers the citizen's comment "partly accepted" through the
response form (by keyboard alone) with an explanation and a link to the changed activity;
the tasks worker emails the citizen; the citizen sees the answer on "My inputs"; a visitor
sees the input on the activity's page. Every new page passes the axe-core scan in Mongolian
and English.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest

from .conftest import MANAGER_EMAIL, REPO_ROOT, SERVER_ENVS
from .mail import body_of, run_tasks_worker, sent_emails
from .test_accessibility import LANGUAGES
from .test_accessibility_queues import _scan

pytestmark = pytest.mark.browser

PLAN = "vision-2050-goal-7"
CITIZEN = "citizen@plantrack.local"
CSO = "cso@plantrack.local"
PARTNER = "partner@plantrack.local"
ACTIVITY = "7.3.8"
COMMENT = "Please add the rural schools of the western aimags to this activity."
PROPOSAL = "Add a sign-language channel to the public e-services help desk."
EXPLANATION = "Rural schools in the western aimags are added to activity 7.3.8 from next year."


def server_python(site: str, code: str) -> str:
    """Run ``code`` with Django set up on the browser server's own database."""
    done = subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        env=SERVER_ENVS[site],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


SETUP = f"""
from django.utils import timezone
from plantrack.organisations.models import Membership, Organisation
from plantrack.plans.demo import DEMO_CSO, _account
cso = Organisation.objects.get(slug=DEMO_CSO)
if cso.verified_at is None:
    Organisation.objects.filter(pk=cso.pk).update(verified_at=timezone.now())
partner_org, _ = Organisation.objects.get_or_create(
    slug="coalition-partner",
    defaults={{"name_en": "Coalition Partner", "kind": "cso", "verified_at": timezone.now()}},
)
user = _account("{PARTNER}", "Partner")
Membership.objects.get_or_create(
    user=user, organisation=partner_org, defaults={{"role": "member", "state": "active"}}
)
print(cso.name_en)
"""


def tab_to(page: Any, selector: str, limit: int = 300) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def scan_all(scans: dict[str, tuple[Any, str]], axe: Any) -> list[str]:
    """axe-core and the page structure checks on each page, in each language."""
    problems = []
    for name, (page, path) in scans.items():
        for lang in LANGUAGES:
            response = page.goto(path.format(lang=lang))
            assert response is not None and response.status == 200, (name, lang, page.url)
            found = _scan(page, axe, lang)
            if found:
                problems.append(f"{name} ({lang}) {page.url}:\n" + "\n".join(found))
    return problems


def go(page: Any, action: Any) -> None:
    with page.expect_navigation():
        action()


def test_the_participation_loop(site: str, page_as: Any, browser: Any, axe: Any) -> None:
    cso_name = server_python(site, SETUP)
    now = dt.datetime.now(dt.UTC)

    # The manager opens the consultation and takes its draft from objective 7.3.
    manager = page_as(MANAGER_EMAIL)
    manager.goto(f"/en/consultations/new/?plan={PLAN}")
    manager.select_option("#id_plan", PLAN)
    manager.fill("#id_title_en", "Objective 7.3: the revised activities")
    manager.fill("#id_summary_en", "Tell us what to change in the activities of objective 7.3.")
    manager.select_option("#id_subject", "items")
    manager.fill("#id_opens_at", (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    manager.fill("#id_closes_at", (now + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"))
    manager.fill("#id_answers_due", (now + dt.timedelta(days=60)).strftime("%Y-%m-%d"))
    go(manager, lambda: manager.get_by_role("button", name="Save").click())
    assert manager.url.endswith("/draft/"), manager.url
    slug = manager.url.rstrip("/").split("/")[-2]
    manager.fill("#id_root", "7.3")
    go(manager, lambda: manager.get_by_role("button", name="Store the draft").click())
    base = f"/en/consultations/{slug}/"
    assert manager.url.endswith(base), manager.url
    paragraph = f"p-{ACTIVITY.replace('.', '-')}"
    assert manager.locator(f"#{paragraph}").count() == 1

    # A citizen comments on the activity's paragraph, by keyboard alone.
    citizen = page_as(CITIZEN)
    citizen.goto(f"{base}p/{paragraph}/")
    citizen.locator("h1").click()
    tab_to(citizen, "#id_body")
    citizen.keyboard.type(COMMENT)
    tab_to(citizen, "main form button[type=submit]")
    go(citizen, lambda: citizen.keyboard.press("Enter"))
    assert "/inputs/" in citizen.url, citizen.url
    comment_url = citizen.url.replace(site, "")
    comment_pk = comment_url.rstrip("/").split("/")[-1]
    assert COMMENT in citizen.content()

    # The CSO member proposes on behalf of their organisation; a partner co-signs.
    cso = page_as(CSO)
    cso.goto(f"{base}send/")
    cso.check("input[name=kind][value=proposal]")
    cso.fill("#id_title", "Sign language at the help desk")
    cso.fill("#id_body", PROPOSAL)
    cso.select_option("#id_organisation", label=cso_name)
    go(cso, lambda: cso.get_by_role("button", name="Send").click())
    assert "/inputs/" in cso.url, cso.url
    proposal_url = cso.url.replace(site, "")
    partner = page_as(PARTNER)
    partner.goto(proposal_url)
    go(partner, lambda: partner.get_by_role("button", name="Co-sign for this organisation").click())
    assert "Coalition Partner" in partner.locator("#cosigners ~ ul").first.inner_text()

    # The pages only an open consultation has: the whole-draft form and the edit form.
    early = {
        "send": (cso, "/{lang}/consultations/" + slug + "/send/"),
        "edit input": (cso, proposal_url.replace("/en/", "/{lang}/", 1) + "edit/"),
    }
    problems = scan_all(early, axe)

    # The consultation closes.
    server_python(
        site,
        f"""
import datetime as dt
from django.utils import timezone
from plantrack.participation.models import Consultation
now = timezone.now()
Consultation.objects.filter(slug="{slug}").update(
    opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(minutes=1)
)
""",
    )

    # The manager answers the comment "partly accepted", by keyboard alone.
    manager.goto(f"{base}respond/?input={comment_pk}")
    assert manager.locator(f"input[name=inputs][value='{comment_pk}']").is_checked()
    manager.locator("h1").click()
    tab_to(manager, "input[name=status]")
    manager.keyboard.press("ArrowDown")  # accepted → partly accepted
    assert manager.locator("input[name=status][value=partly_accepted]").is_checked()
    tab_to(manager, "#id_explanation_en")
    manager.keyboard.type(EXPLANATION)
    tab_to(manager, "#id_responding_body_name")
    manager.keyboard.type("Ministry of Digital Development and Communications")
    tab_to(manager, "#id_items")
    manager.keyboard.type(ACTIVITY)
    tab_to(manager, "main form button[type=submit]")
    go(manager, lambda: manager.keyboard.press("Enter"))
    assert "is published" in manager.content(), manager.content()[:3000]

    # The citizen was emailed, and sees the answer on "My inputs".
    run_tasks_worker(site)
    mails = sent_emails(site, to=CITIZEN)
    assert any(f"/inputs/{comment_pk}/" in body_of(m) for m in mails), [m["Subject"] for m in mails]
    citizen.goto("/en/my/inputs/")
    mine = citizen.locator("main").inner_text()
    assert "Partly accepted" in mine and "Rural schools" in mine

    # A visitor sees the input on the activity's page, and the response on the input's page.
    visitor = browser.new_context(base_url=site).new_page()
    visitor.goto(f"/en/plans/{PLAN}/items/{ACTIVITY}/")
    section = visitor.locator("main section", has_text="Inputs that changed this item")
    assert section.locator(f"a[href='{comment_url}']").count() == 1
    visitor.goto(comment_url)
    assert "Partly accepted" in visitor.content() and EXPLANATION in visitor.content()
    visitor.context.close()

    # Every new page passes the axe-core scan in both languages.
    proposal = proposal_url.replace("/en/", "/{lang}/", 1)
    scans = {
        "list": (citizen, "/{lang}/consultations/"),
        "list filtered": (citizen, "/{lang}/consultations/?phase=closed"),
        "consultation": (citizen, "/{lang}/consultations/" + slug + "/"),
        "paragraph": (citizen, "/{lang}/consultations/" + slug + "/p/" + paragraph + "/"),
        "input": (citizen, comment_url.replace("/en/", "/{lang}/", 1)),
        "proposal": (partner, proposal),
        "my inputs": (citizen, "/{lang}/my/inputs/"),
        "item page": (citizen, f"/{{lang}}/plans/{PLAN}/items/{ACTIVITY}/"),
        "new consultation": (manager, "/{lang}/consultations/new/"),
        "edit consultation": (manager, "/{lang}/consultations/" + slug + "/edit/"),
        "draft": (manager, "/{lang}/consultations/" + slug + "/draft/"),
        "respond": (manager, "/{lang}/consultations/" + slug + "/respond/"),
    }
    problems += scan_all(scans, axe)
    assert not problems, "\n\n".join(problems)
