"""In CI (CI=true) a missing part (Chromium, PostgreSQL) fails the run; locally it skips."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# One file of PostgreSQL-only tests and one of browser tests.
PART_TESTS = ["tests/plans/test_postgres.py", "tests/browser/test_registry.py"]


def _pytest(ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CI", "DATABASE_URL"} and not key.startswith("PYTEST_")
    }
    env["PLANTRACK_CHROMIUM"] = "/nonexistent/chromium"  # Chromium missing
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-q", "-rfEs", *PART_TESTS],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_in_ci_missing_chromium_and_postgresql_fail_the_run_with_the_reason():
    result = _pytest(ci="true")
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 1, result.stdout[-2000:]
    assert "error" in summary
    assert "skipped" not in summary
    assert "passed" not in summary
    assert "Chromium not found at /nonexistent/chromium" in result.stdout
    assert "PostgreSQL-only" in result.stdout
    assert "CI=true, so a missing part fails the run" in result.stdout


def test_locally_missing_chromium_and_postgresql_skip_with_the_reason():
    result = _pytest(ci=None)
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-2000:]
    assert "skipped" in summary
    assert "failed" not in summary
    assert "error" not in summary
    assert "passed" not in summary
    assert "Chromium not found at /nonexistent/chromium" in result.stdout
    assert "PostgreSQL-only" in result.stdout
