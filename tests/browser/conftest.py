"""Browser tests: a real Plantrack server on its own SQLite file, driven by Debian's Chromium.

The server runs for the whole session (one per xdist worker), independent of pytest-django's
test database: ``plantrack demo --no-serve`` fills a temporary data folder, then
``plantrack serve`` answers on a free port. Even when the rest of the suite runs on
PostgreSQL, the browser tests use their own SQLite file.

Without /usr/bin/chromium (or ``PLANTRACK_CHROMIUM``) or the ``playwright`` package, every test
here is skipped; with ``CI=true`` they fail instead (see ``missing_part`` in tests/conftest.py).
Never run ``playwright install``: these tests only use the system Chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import missing_part

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# PLANTRACK_CHROMIUM points elsewhere, e.g. at a missing file to see what CI does without it.
CHROMIUM = Path(os.environ.get("PLANTRACK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SKIP_MESSAGE = (
    f"Chromium not found at {CHROMIUM}, or the playwright package is missing "
    "(apt-get install -y chromium): browser test"
)
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SERVER_START_SECONDS = 30

MANAGER_EMAIL = "manager@plantrack.local"
DEMO_PASSWORD = "plantrack-demo-2050"
MONGOLIAN_ITEM = "plans/vision-2050-goal-7/items/7.2.8/"
MONGOLIAN_TITLE = "Хилийн боомтуудыг өндөр хурдны шилэн кабелийн сүлжээнд холбох."


# Base URL → the environment of the server answering there, for commands run on its data
# (the tasks worker: tests/browser/mail.py).
SERVER_ENVS: dict[str, dict[str, str]] = {}


def _browser_available() -> bool:
    if not CHROMIUM.exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


BROWSER_AVAILABLE = _browser_available()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip every browser test when Chromium or Playwright is missing (in CI: fail)."""
    if not BROWSER_AVAILABLE:
        missing_part(SKIP_MESSAGE)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # always our own SQLite file, even in the PostgreSQL CI run
    env["PLANTRACK_DATA_DIR"] = data_dir
    env["PLANTRACK_ENV"] = "development"
    env["DEBUG"] = "0"  # the real 404 page, not Django's debug page
    env.pop("ALLOWED_HOSTS", None)
    env["DJANGO_SETTINGS_MODULE"] = "plantrack.settings"
    # Emails (the notices the tasks worker sends) are written to files: see tests/browser/mail.py.
    env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    env["EMAIL_FILE_PATH"] = str(Path(data_dir) / "mail")
    return env


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """Base URL (no trailing slash) of a real Plantrack server with the demo data."""
    if not BROWSER_AVAILABLE:
        missing_part(SKIP_MESSAGE)
    data_dir = tempfile.mkdtemp(prefix="plantrack-browser-")
    env = _server_env(data_dir)
    demo = subprocess.run(
        [sys.executable, "-m", "plantrack.cli", "demo", "--no-serve"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if demo.returncode != 0:
        shutil.rmtree(data_dir, ignore_errors=True)
        pytest.fail(
            f"`plantrack demo --no-serve` failed (exit {demo.returncode}):\n"
            f"{demo.stdout}\n{demo.stderr}",
            pytrace=False,
        )
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env["PLANTRACK_SITE_URL"] = base_url  # the links in the emails lead to this server
    SERVER_ENVS[base_url] = env
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
                state = (
                    f"exited with code {server.returncode}"
                    if server.poll() is not None
                    else f"did not answer within {SERVER_START_SECONDS} s"
                )
                pytest.fail(
                    f"The Plantrack server on {base_url} {state}. Its output:\n"
                    f"{log_path.read_text(errors='replace')}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


# Module scope, not session: while Playwright's sync API is running, its event loop makes
# Django refuse database calls in this process ("async context"), and other test files
# run in the same xdist worker after these.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium (Debian's) for the whole session."""
    if not BROWSER_AVAILABLE:
        missing_part(SKIP_MESSAGE)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A fresh page in a fresh browser context (no cookies) for each test."""
    context = browser.new_context(base_url=site)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _signed_in_state(browser: Browser, site: str, email: str) -> Any:
    """Cookies of a demo account, signed in through the real form (and the second step)."""
    context = browser.new_context(base_url=site)
    try:
        page = context.new_page()
        page.goto("/en/accounts/sign-in/")
        page.fill("#id_username", email)
        page.fill("#id_password", DEMO_PASSWORD)
        submit_main_form(page)
        if "/accounts/sign-in/" in page.url:
            pytest.fail(f"The demo account {email} could not sign in.", pytrace=False)
        if "/two-step/" in page.url:
            page.fill("#id_token", current_demo_code())
            submit_main_form(page)
        if "/two-step/" in page.url:
            # A code is good once (django-otp refuses a replay): another test signed in as
            # the same account within this 30-second step. Wait for the next code.
            time.sleep(30 - time.time() % 30 + 1)
            page.fill("#id_token", current_demo_code())
            submit_main_form(page)
        if "/two-step/" in page.url:
            pytest.fail(f"The two-step code of {email} was refused.", pytrace=False)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="module")
def manager_state(browser: Browser, site: str) -> Any:
    return _signed_in_state(browser, site, MANAGER_EMAIL)


@pytest.fixture(scope="module")
def page_as(browser: Browser, site: str) -> Iterator[Any]:
    """``page_as(email)``: a fresh page signed in as that demo account (sign-in done once)."""
    states: dict[str, Any] = {}
    contexts: list[Any] = []

    def open_page(email: str) -> Page:
        if email not in states:
            states[email] = _signed_in_state(browser, site, email)
        context = browser.new_context(base_url=site, storage_state=states[email])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def current_demo_code() -> str:
    from django_otp.oath import totp

    from plantrack.plans.demo import DEMO_TOTP_KEY

    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}"


def submit_main_form(page: Page) -> None:
    """Submit the first form inside <main> and wait for the answer to load."""
    with page.expect_navigation():
        page.locator("main form").first.locator("button[type=submit]").click()


@pytest.fixture(scope="module")
def mongolian_title(browser: Browser, site: str, manager_state: Any) -> str:
    """Give one Vision 2050 item a Mongolian title through the edit form, as a manager would.

    The seed documents are in English only, so a search in Cyrillic needs this to find anything.
    """
    context = browser.new_context(base_url=site, storage_state=manager_state)
    try:
        page = context.new_page()
        page.goto(f"/en/{MONGOLIAN_ITEM}edit/")
        page.fill("#id_title_mn", MONGOLIAN_TITLE)
        submit_main_form(page)
        if not page.url.endswith(f"/en/{MONGOLIAN_ITEM}"):
            pytest.fail(f"Saving a Mongolian title failed: the form is at {page.url}", False)
        return MONGOLIAN_TITLE
    finally:
        context.close()


@pytest.fixture
def manager_page(browser: Browser, site: str, manager_state: Any) -> Iterator[Page]:
    """A fresh page signed in as the demo plan manager."""
    context = browser.new_context(base_url=site, storage_state=manager_state)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe() -> Any:
    """axe-core, run inside the page under test."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


REPORTED_ITEM = "plans/vision-2050-goal-7/items/7.3.13/"
REPORTER_EMAIL = "reporter@plantrack.local"


def _report(browser: Browser, site: str, note: str) -> None:
    """The demo reporter sends a progress report on REPORTED_ITEM through the real form."""
    context = browser.new_context(
        base_url=site, storage_state=_signed_in_state(browser, site, REPORTER_EMAIL)
    )
    try:
        page = context.new_page()
        page.goto(f"/en/{REPORTED_ITEM}report/")
        page.select_option("#id_status", "in_progress")
        page.fill("#id_progress", "40")
        page.fill("#id_note", note)
        with page.expect_navigation():
            page.locator("main form button[value=submit]").click()
        # A report sent leads to its own page.
        if "/updates/" not in page.url:
            pytest.fail(f"Sending a progress report failed: the form is at {page.url}", False)
    finally:
        context.close()


@pytest.fixture(scope="module")
def approved_update(browser: Browser, site: str, manager_state: Any) -> None:
    """A report on REPORTED_ITEM, approved by the demo plan manager on the item page, so
    its public page has a history."""
    _report(browser, site, "Twelve border posts were connected this quarter.")
    context = browser.new_context(base_url=site, storage_state=manager_state)
    try:
        page = context.new_page()
        page.goto(f"/en/{REPORTED_ITEM}")
        form = page.locator("form[action*='/review/']").first
        form.locator("input[type=radio][value=approve]").check()
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    finally:
        context.close()


@pytest.fixture(scope="module")
def submitted_update(browser: Browser, site: str) -> None:
    """A report on REPORTED_ITEM waiting for approval: seen by its reporters and managers."""
    _report(browser, site, "Two more posts are being connected.")
