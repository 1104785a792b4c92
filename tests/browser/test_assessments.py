"""The assessment pages in Chromium: every page type passes axe-core (WCAG 2.1 A/AA) in both
languages, and the rating form is usable by keyboard alone.

The shared demo has the seed rounds but no draft round and no indicator link, so this
module runs its own server on a demo data folder that ``assessment_seed`` adds those to."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import (
    BROWSER_AVAILABLE,
    REPO_ROOT,
    SERVER_START_SECONDS,
    SKIP_MESSAGE,
    _answers,
    _free_port,
    _server_env,
    _signed_in_state,
)
from .test_accessibility import AXE_OPTIONS, LANGUAGES, _describe, _structure_problems
from .test_keyboard import assert_focus_visible, tab_until

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ASSESSOR = "assessor@plantrack.local"
MANAGER = "manager@plantrack.local"


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        args, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return done.stdout


PATHS: dict[str, str] = {}


@pytest.fixture(scope="module")
def asite() -> Iterator[str]:
    if not BROWSER_AVAILABLE:
        from tests.conftest import missing_part

        missing_part(SKIP_MESSAGE)
    data_dir = tempfile.mkdtemp(prefix="plantrack-browser-assessments-")
    env = _server_env(data_dir)
    _run([sys.executable, "-m", "plantrack.cli", "demo", "--no-serve"], env)
    output = _run([sys.executable, "-m", "tests.browser.assessment_seed"], env)
    PATHS.update(json.loads(output.strip().splitlines()[-1]))
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(data_dir) / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "plantrack.cli", "serve", "--port", str(port)],
            env=env,
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _answers(f"{base_url}/en/"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The server did not start:\n{log_path.read_text()}", pytrace=False)
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def states(browser: Browser, asite: str) -> dict[str, Any]:
    return {
        email: _signed_in_state(browser, asite, email) for email in ("", ASSESSOR, MANAGER) if email
    }


@pytest.fixture
def open_page(browser: Browser, asite: str, states: dict[str, Any]) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_as(email: str = "") -> Page:
        context = browser.new_context(base_url=asite, storage_state=states.get(email))
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


def _rating_errors(page: Page, lang: str) -> None:
    """Choose a level for the first indicator and leave its justification empty."""
    page.locator("fieldset.levels").first.locator("input[type=radio]").first.check()
    with page.expect_navigation():
        page.locator("button[name=save]").click()


def _submit_main_form(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form[enctype] button[type=submit]").click()


def _upload_a_plan_as_assessment(page: Page, lang: str) -> None:
    """A plan document is not an assessment: the form again, naming the problem."""
    page.set_input_files(
        "#id_file", str(REPO_ROOT / "plantrack/plans/seeds/000_9b10a168590abdd1.txt")
    )
    _submit_main_form(page)


def _upload_the_r2p_scorecard(page: Page, lang: str) -> None:
    """The R2P seed under a subject of its own: a preview of a new round."""
    page.set_input_files(
        "#id_file", str(REPO_ROOT / "plantrack/plans/seeds/003_8a0f78df4ed7b134.txt")
    )
    page.fill("#id_subject", f"Browser test {lang}")
    _submit_main_form(page)
    assert page.locator("#confirm-heading").count(), f"{page.url} shows no import button"


ITEM = "plans/vision-2050-goal-7/items/7.1.1/"
CASES = [
    # (id, who, the page (a key of PATHS, or a path), then)
    ("index", "", "assessments/", None),
    ("framework", "", "framework", None),
    ("round-published", "", "round", None),
    ("round-self-assessment", "", "self-assessment", None),
    ("round-draft", ASSESSOR, "draft", None),
    ("rating-form", ASSESSOR, "rate", None),
    ("rating-form-errors", ASSESSOR, "rate", _rating_errors),
    ("comparison", "", "compare", None),
    ("comparison-differences", "", "compare-different", None),
    ("subject", "", "subject", None),
    ("new-round", ASSESSOR, "new-round", None),
    ("framework-edit", ASSESSOR, "framework-edit", None),
    ("item-with-links", "", ITEM, None),
    ("item-links-form", MANAGER, ITEM + "assessment-links/", None),
    ("import-form", ASSESSOR, "assessments/import/", None),
    ("import-form-errors", ASSESSOR, "assessments/import/", _upload_a_plan_as_assessment),
    ("import-preview", ASSESSOR, "assessments/import/", _upload_the_r2p_scorecard),
]


def _goto(page: Page, lang: str, where: str) -> None:
    if where == "compare-different":
        path = PATHS["compare"] + "&show=different"
    else:
        path = PATHS.get(where, where)
    response = page.goto(f"/{lang}/{path}")
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )


@pytest.mark.parametrize(
    ("case", "lang"),
    [pytest.param(case, lang, id=f"{case[0]}-{lang}") for case in CASES for lang in LANGUAGES],
)
def test_assessment_page_is_accessible(
    case: tuple[Any, ...], lang: str, open_page: Any, axe: Any
) -> None:
    name, who, how, then = case
    page = open_page(who)
    _goto(page, lang, how)
    if then is not None:
        then(page, lang)
        if name.endswith("-errors"):
            assert page.locator("#error-summary").count(), f"{page.url} shows no error summary"
    problems = _structure_problems(page, lang)
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems.append(f"axe-core found {len(violations)} violation(s):\n{_describe(violations)}")
    assert not problems, f"{name}: {page.url}:\n" + "\n".join(problems)


def test_the_rating_form_is_usable_by_keyboard_alone(open_page: Any) -> None:
    page = open_page(ASSESSOR)
    _goto(page, "en", "rate")
    # Tab into the first indicator's levels, choose one with the arrow keys, justify it.
    tab_until(page, "fieldset.levels input[type=radio]", "the first indicator's levels")
    assert_focus_visible(page, "a level")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("() => document.activeElement.value")
    tab_until(page, "textarea[name$='-justification']", "the justification")
    page.keyboard.type("The 2023 law and its first annual report.")
    tab_until(page, "button[name=save]", "the save button")
    assert_focus_visible(page, "the save button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 rating(s) saved." in page.locator(".messages").inner_text()
    radio = page.locator(f"fieldset.levels input[type=radio][value='{chosen}']").first
    assert radio.is_checked()
    assert (
        page.locator("textarea[name$='-justification']")
        .first.input_value()
        .startswith("The 2023 law")
    )
