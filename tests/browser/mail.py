"""The emails of the browser tests' server: the tasks worker sends them, Django's file-based
backend writes them into the server's data folder (``EMAIL_FILE_PATH``, set in conftest.py),
and a test reads them back as messages."""

from __future__ import annotations

import email
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest

from .conftest import REPO_ROOT, SERVER_ENVS

WORKER_SECONDS = 300
# Django's file-based backend ends each message with a line of 79 dashes.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def run_tasks_worker(site: str) -> None:
    """Run the background tasks of the server at ``site`` until none is left, as
    ``plantrack db_worker --batch`` does for a site's administrator: the emails of the
    notices waiting are sent (into files)."""
    done = subprocess.run(
        [sys.executable, "-m", "plantrack.cli", "db_worker", "--batch", "--no-startup-delay"],
        env=SERVER_ENVS[site],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=WORKER_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"`plantrack db_worker --batch` failed (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
            pytrace=False,
        )


def sent_emails(site: str, *, to: str) -> list[EmailMessage]:
    """Every email the server at ``site`` has sent to ``to``, oldest first."""
    folder = Path(SERVER_ENVS[site]["EMAIL_FILE_PATH"])
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = cast(EmailMessage, email.message_from_bytes(chunk, policy=policy.default))
            if to in str(message["To"] or ""):
                found.append(message)
    return found


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, f"The email {message['Subject']!r} has no text part"
    return cast(EmailMessage, part).get_content()
