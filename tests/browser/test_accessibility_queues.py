"""The work queues and the notices page pass the axe-core scan in both languages: live, as
the demo's reporter and plan manager, and rendered by Django with every group filled (the
demo may have nothing overdue or returned), loaded into the live site's page so that its
stylesheet applies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from plantrack.accounts.models import User
from plantrack.notices.kinds import Text
from plantrack.notices.models import Notice
from plantrack.notices.selectors import ShownNotice
from plantrack.organisations.models import Organisation
from plantrack.plans.models import Item, Plan
from plantrack.progress.models import ProgressUpdate, ReportingPeriod
from plantrack.progress.queues import MyReporting, Task

from .conftest import MANAGER_EMAIL, REPORTER_EMAIL
from .test_accessibility import AXE_OPTIONS, LANGUAGES, _describe, _structure_problems

pytestmark = pytest.mark.browser

LIVE = {
    "my-reporting": ("my/reporting/", REPORTER_EMAIL, "h1"),
    "to-review": ("my/review/", MANAGER_EMAIL, "h1"),
    "notices": ("notices/", REPORTER_EMAIL, "h1"),
}


def _scan(page: Any, axe: Any, lang: str) -> list[str]:
    problems = _structure_problems(page, lang)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(f"axe-core found {len(violations)} violation(s):\n{_describe(violations)}")
    return problems


@pytest.mark.parametrize(
    ("name", "lang"), [pytest.param(n, lang, id=f"{n}-{lang}") for n in LIVE for lang in LANGUAGES]
)
def test_a_live_queue_page_is_accessible(name: str, lang: str, page_as: Any, axe: Any) -> None:
    path, email, expect = LIVE[name]
    page = page_as(email)
    response = page.goto(f"/{lang}/{path}")
    assert response is not None and response.status == 200, page.url
    assert page.locator(expect).count()
    problems = _scan(page, axe, lang)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


# -- Every group filled, rendered in-process (no database: these are unsaved objects) ------


def _world() -> dict[str, Any]:
    plan = Plan(
        slug="vision-2050-goal-7", short_name="Vision 2050", title_en="Vision", title_mn="Алсын"
    )
    items = [
        Item(plan=plan, code=f"7.3.{n}", kind="activity", title_en=f"Activity {n}", title_mn="")
        for n in range(1, 8)
    ]
    today = timezone.localdate()
    periods = [
        ReportingPeriod(
            pk=n + 1,
            plan=plan,
            starts_on=dt.date(today.year - 1, 1 + 3 * n, 1),
            ends_on=dt.date(today.year - 1, 3 + 3 * n, 28),
            due_on=dt.date(today.year - 1, 4 + 3 * n, 28) if n < 3 else dt.date(today.year, 1, 28),
        )
        for n in range(4)
    ]
    author = User(pk=7, display_name="Erin", email="erin@example.org")
    now = timezone.now()

    def update(pk: int, item: Item, state: str, period: ReportingPeriod, **extra: Any) -> Any:
        return ProgressUpdate(
            pk=pk,
            item=item,
            period=period,
            author=author,
            organisation=Organisation(slug="npa", name_en="Police", name_mn="Цагдаа"),
            state=state,
            status="in_progress",
            progress=40,
            created_at=now,
            submitted_at=now,
            **extra,
        )

    returned = update(1, items[1], "returned", periods[3], review_note="Name the districts.")
    returned.reviewed_at = now
    work = MyReporting(
        organisations=[Organisation(slug="npa", name_en="Police", name_mn="Цагдаа")],
        overdue=[
            Task(items[0], periods[0], None, late=periods[:2]),
            Task(items[5], periods[1], update(6, items[5], "draft", periods[1]), late=[periods[1]]),
        ],
        returned=[Task(items[1], periods[3], returned)],
        drafts=[Task(items[2], periods[3], update(3, items[2], "draft", periods[3]))],
        due=[Task(items[0], periods[3])],
        submitted=[Task(items[3], periods[3], update(4, items[3], "submitted", periods[3]))],
        done=[Task(items[4], periods[3])],
        other=[items[6]],
    )
    waiting = [update(10 + n, items[n], "submitted", periods[3]) for n in range(3)]
    for row in waiting:
        row.sent_at = now  # type: ignore[attr-defined]
    notices = [
        ShownNotice(
            notice=Notice(pk=n + 1, created_at=now, read_at=None if n else now),
            text=Text(title=f"Report returned: 7.3.{n}", body="Alice returned it.\n\nFix it."),
            link=f"/en/plans/vision-2050-goal-7/items/7.3.{n}/report/?period=1",
        )
        for n in range(3)
    ]
    return {
        "my_reporting": ("progress/my_reporting.html", {"work": work, "today": today}),
        "to_review": (
            "progress/my_review.html",
            {"page": Paginator(waiting, 2).get_page(1), "reviewer": True},
        ),
        "notices": (
            "notices/notice_list.html",
            {"page": Paginator(notices, 2).get_page(1), "notices": notices[:2], "unread": 2},
        ),
    }


RENDERED = ("my_reporting", "to_review", "notices")


def _html(template: str, context: dict[str, Any], lang: str) -> str:
    request = RequestFactory().get(f"/{lang}/")
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = lang
    with translation.override(lang):
        return render_to_string(template, context, request=request)


@pytest.mark.parametrize(
    ("name", "lang"),
    [pytest.param(n, lang, id=f"{n}-filled-{lang}") for n in RENDERED for lang in LANGUAGES],
)
def test_a_filled_queue_page_is_accessible(name: str, lang: str, page: Any, axe: Any) -> None:
    template, context = _world()[name]
    html = _html(template, context, lang)
    page.goto(f"/{lang}/")
    page.set_content(html)
    assert page.locator("main table, main ol.notices").count()
    problems = _scan(page, axe, lang)
    assert not problems, f"{name} ({lang}):\n" + "\n".join(problems)
