"""Read pip-audit's JSON report: fail on a known vulnerability, warn when it could not audit.

usage: python3 .ci/audit_verdict.py REPORT.json ERRORS.txt   (exit 1 on a vulnerability)

An advisory service that cannot be reached from the CI machine does not fail the run; the
audit is then reported as not done, with pip-audit's own error. Anything else that stops
pip-audit does fail it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

UNREACHABLE = ("ConnectionError", "NameResolution", "Max retries", "timed out", "Timeout", "SSL")


def verdict(report: Path, errors: Path) -> int:
    error_text = errors.read_text(errors="replace") if errors.exists() else ""
    last_error = next((ln for ln in reversed(error_text.splitlines()) if ln.strip()), "")
    try:
        dependencies = json.loads(report.read_text())["dependencies"]
    except (OSError, ValueError, KeyError):
        if any(marker in error_text for marker in UNREACHABLE):
            print(f"warning: pip-audit's advisory service did not answer: {last_error}")
            return 0
        print(f"error: pip-audit failed: {last_error or 'no report and no message'}")
        return 1
    found = [(dep, vuln) for dep in dependencies for vuln in dep.get("vulns", [])]
    skipped = [
        dep
        for dep in dependencies
        if dep.get("skip_reason") and "editable" not in dep["skip_reason"]
    ]
    for dep, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
        print(f"error: {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    if skipped:
        print(
            f"warning: {len(skipped)} of {len(dependencies)} dependencies were not audited "
            f"(advisory service unreachable?), e.g. {skipped[0]['skip_reason']}"
        )
    if found:
        return 1
    audited = sum(1 for dep in dependencies if not dep.get("skip_reason"))
    if audited == 0:
        print("warning: pip-audit checked no dependency: the audit was not done")
        return 0
    print(f"pip-audit: no known vulnerabilities in {audited} audited dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(verdict(Path(sys.argv[1]), Path(sys.argv[2])))
