"""`plantrack serve --production` behind a TLS-ending proxy on 127.0.0.1.

One real server for the module: production settings, its own SQLite file in a temporary data
folder, requests sent as the proxy sends them (``X-Forwarded-Proto: https``).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "plantrack.example"
OTHER_ORIGIN = "https://admin.plantrack.example"  # listed in CSRF_TRUSTED_ORIGINS
START_SECONDS = 60


@dataclass
class Site:
    port: int
    data_dir: Path

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: str | None = None,
        source: str = "127.0.0.1",
    ) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(source, 0)
        )
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        response.read()  # keep the body on the response for the caller
        return response

    def get(self, path: str, **headers: str) -> tuple[http.client.HTTPResponse, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        return response, response.read().decode(errors="replace")


HTTPS = {"X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CSRF_"))}
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        DJANGO_SETTINGS_MODULE="plantrack.settings",
        PLANTRACK_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        PLANTRACK_DATA_DIR=str(data_dir),
        PLANTRACK_TRUSTED_PROXY="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=OTHER_ORIGIN,
        DEBUG="0",
    )
    return env


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    data_dir = Path(tempfile.mkdtemp(prefix="plantrack-production-"))
    env = _environment(data_dir)
    cli = [sys.executable, "-m", "plantrack.cli"]
    migrate = subprocess.run(
        [*cli, "migrate", "--noinput", "-v", "0"], env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    port = _free_port()
    log = data_dir / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*cli, "serve", "--production", "--port", str(port)],
            env=env,
            cwd=data_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The production server did not start:\n{log.read_text()}", False)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield Site(port=port, data_dir=data_dir)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_a_page_through_the_https_proxy_answers_200_with_hsts(site):
    response, _ = site.get("/en/", **HTTPS)
    assert response.status == 200
    assert "max-age=31536000" in (response.getheader("Strict-Transport-Security") or "")


def test_a_plain_http_request_is_redirected_to_https(site):
    response, _ = site.get("/en/")
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/en/"


def test_a_forwarded_proto_header_from_an_untrusted_address_is_ignored(site):
    # 127.0.0.2 is loopback too, but not the configured proxy: its header must not count.
    response = site.request("GET", "/en/", headers=HTTPS, source="127.0.0.2")
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/en/"


def test_static_files_are_collected_at_start_and_served(site):
    assert (site.data_dir / "static" / "staticfiles.json").exists()
    _, page = site.get("/en/", **HTTPS)
    stylesheet = re.search(r'<link[^>]+href="(/static/[^"]+\.css)"', page)
    assert stylesheet, "the page links no stylesheet"
    response, css = site.get(stylesheet.group(1), **HTTPS)
    assert response.status == 200
    assert response.getheader("Content-Type", "").startswith("text/css")
    assert css.strip()


def _sign_in_form(site: Site) -> tuple[str, str]:
    """The CSRF cookie and the form's token of the sign-in page, read over https."""
    response, page = site.get("/en/accounts/sign-in/", **HTTPS)
    assert response.status == 200
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token and "csrftoken" in cookie
    return cookie["csrftoken"].value, token.group(1)


def _post_sign_in(site: Site, origin: str) -> http.client.HTTPResponse:
    cookie, token = _sign_in_form(site)
    body = f"csrfmiddlewaretoken={token}&username=nobody%40example.org&password=wrong-password"
    headers = {
        **HTTPS,
        "Origin": origin,
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return site.request("POST", "/en/accounts/sign-in/", headers=headers, body=body)


def test_a_browser_post_from_the_https_origin_passes_the_csrf_check(site):
    # The form answers again (wrong password), which it can only do after the CSRF check.
    assert _post_sign_in(site, f"https://{HOST}").status == 200


def test_a_post_from_an_origin_in_csrf_trusted_origins_passes(site):
    assert _post_sign_in(site, OTHER_ORIGIN).status == 200


def test_a_post_from_another_origin_is_refused(site):
    assert _post_sign_in(site, "https://evil.example").status == 403


def _production_setting(name: str, **extra: str) -> str:
    env = _environment(Path(tempfile.gettempdir()))
    env.pop("PLANTRACK_TRUSTED_PROXY")
    env.update(extra)
    show = f"from django.conf import settings; print(repr(settings.{name}))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {show}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_a_trusted_proxy_no_client_can_claim_https():
    assert _production_setting("SECURE_PROXY_SSL_HEADER") == "None"


def test_with_a_trusted_proxy_its_forwarded_proto_header_counts():
    header = _production_setting("SECURE_PROXY_SSL_HEADER", PLANTRACK_TRUSTED_PROXY="127.0.0.1")
    assert header == "('HTTP_X_FORWARDED_PROTO', 'https')"
