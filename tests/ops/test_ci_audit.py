"""CI's reading of pip-audit: a known vulnerability fails, an unreachable service does not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VERDICT = Path(__file__).resolve().parents[2] / ".ci" / "audit_verdict.py"


def _verdict(tmp_path: Path, report: object, errors: str = "") -> subprocess.CompletedProcess[str]:
    report_file, errors_file = tmp_path / "report.json", tmp_path / "errors.txt"
    if report is not None:
        report_file.write_text(json.dumps(report))
    errors_file.write_text(errors)
    return subprocess.run(
        [sys.executable, str(VERDICT), str(report_file), str(errors_file)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_known_vulnerability_fails_ci_and_is_named(tmp_path):
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
            },
            {"name": "waitress", "version": "3.0.2", "vulns": []},
        ]
    }
    result = _verdict(tmp_path, report)
    assert result.returncode == 1
    assert "django 5.2.0: PYSEC-1 (fixed in: 5.2.1)" in result.stdout


def test_an_unreachable_advisory_service_is_a_warning_not_a_failure(tmp_path):
    error = "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'"
    result = _verdict(tmp_path, None, errors=f"Traceback (most recent call last):\n{error}\n")
    assert result.returncode == 0
    assert f"advisory service did not answer: {error}" in result.stdout


def test_dependencies_the_service_did_not_know_are_reported_as_not_audited(tmp_path):
    reason = "Dependency not found on PyPI and could not be audited: django (5.2.19)"
    report = {"dependencies": [{"name": "django", "version": "5.2.19", "skip_reason": reason}]}
    result = _verdict(tmp_path, report)
    assert result.returncode == 0
    assert "1 of 1 dependencies were not audited" in result.stdout
    assert "the audit was not done" in result.stdout
    assert "no known vulnerabilities" not in result.stdout


def test_pip_audit_failing_for_another_reason_fails_ci(tmp_path):
    result = _verdict(tmp_path, None, errors="ValueError: bad requirement\n")
    assert result.returncode == 1
    assert "pip-audit failed: ValueError: bad requirement" in result.stdout


def test_a_clean_report_passes(tmp_path):
    report = {"dependencies": [{"name": "waitress", "version": "3.0.2", "vulns": []}]}
    result = _verdict(tmp_path, report)
    assert result.returncode == 0
    assert "no known vulnerabilities in 1 audited dependencies" in result.stdout
