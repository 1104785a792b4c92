"""Hostile and odd files through both doors: the CLI import and the upload form.

Every file in ``tests/plans/hostile.py`` (bombs, billion laughs, deep nesting, XXE,
damaged and disguised archives, PDF bombs, odd encodings, regex-bomb cells) must
end in a clear refusal naming the limit where one applies, or in a clean import —
within a time budget, under a memory cap, with no traceback and, on refusal, not
one row written to any plans, organisations or progress table.
"""

from __future__ import annotations

import re
import time
from io import StringIO

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from plantrack.plans.importers.detect import parse_bytes_measured
from plantrack.plans.importers.limits import MB, current
from plantrack.plans.models import Plan

from .hostile import ANY, CASES, Case

# The budget every hostile file is read within in these tests (the defaults are larger).
TEST_LIMITS = {"max_seconds": 20, "max_memory_bytes": 512 * MB, "max_table_rows": 20_000}
SECONDS_PER_DOOR = 25  # reading, plus building the request and rendering the answer
APPS = ("plans", "organisations", "progress")


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


@pytest.fixture(autouse=True)
def _test_budget(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_IMPORT_LIMITS = TEST_LIMITS
    settings.MEDIA_ROOT = tmp_path


def _check_answer(case: Case, refused: bool, message: str) -> None:
    assert "Traceback" not in message
    if case.secret:
        assert case.secret.decode() not in message
    if case.refusal is None:
        assert not refused, f"{case.name} should import, but: {message}"
    elif case.refusal != ANY:
        assert refused, f"{case.name} should be refused"
        assert re.search(case.refusal, message), f"{case.name}: {message}"
    if refused:
        assert message.strip(), f"{case.name}: refused without a reason"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_file_at_the_command_line_is_refused_clearly_or_imported(case, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / case.name
    path.write_bytes(case.data)
    before = _row_counts()
    out, err = StringIO(), StringIO()
    started = time.monotonic()
    try:
        # The messages are checked in English; the command speaks the active language.
        with translation.override("en"):
            call_command("importplan", str(path), stdout=out, stderr=err)
        refused, message = False, out.getvalue()
    except CommandError:
        refused, message = True, err.getvalue()
    assert time.monotonic() - started < SECONDS_PER_DOOR
    _check_answer(case, refused, message)
    if refused:
        assert _row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_hostile_file_on_the_upload_form_is_refused_clearly_or_previewed(  # type: ignore[no-untyped-def]
    case, sign_in, client, bob
):
    # Bob manages every stored plan, so a clean file that updates a seed plan is previewed
    # rather than refused for permission (that refusal is tested in test_import_permissions).
    for plan in Plan.objects.all():
        plan.managers.add(bob)
    sign_in(client, bob)
    before = _row_counts()
    upload = SimpleUploadedFile(case.name, case.data, content_type="application/octet-stream")
    started = time.monotonic()
    response = client.post("/en/plans/import/", {"file": upload})
    assert time.monotonic() - started < SECONDS_PER_DOOR
    assert response.status_code == 200
    form = response.context.get("form")
    errors = form.errors.get("file", []) if form is not None else []
    refused = bool(errors)
    message = " ".join(errors) if refused else response.content.decode()
    _check_answer(case, refused, message)
    if case.secret:
        assert case.secret not in response.content
    assert _row_counts() == before  # the upload only previews: nothing is written either way


def test_every_hostile_file_is_read_within_the_memory_and_time_budget(capsys):  # type: ignore[no-untyped-def]
    limits = current().but(**TEST_LIMITS)  # type: ignore[arg-type]
    rows, worst_seconds, worst_memory = [], 0.0, 0
    for case in CASES:
        outcome = parse_bytes_measured(case.data, limits=limits)
        assert outcome.isolated
        assert outcome.seconds < limits.max_seconds
        assert outcome.memory_bytes < limits.max_memory_bytes
        worst_seconds = max(worst_seconds, outcome.seconds)
        worst_memory = max(worst_memory, outcome.memory_bytes)
        handled = "imported" if outcome.plan else "refused"
        memory = outcome.memory_bytes / MB
        rows.append(f"{case.name:26} {handled:9} {outcome.seconds:6.2f} s {memory:7.1f} MB")
    with capsys.disabled():
        print("\n" + "\n".join(rows))
        print(
            f"{len(CASES)} hostile files: worst {worst_seconds:.2f} s, {worst_memory / MB:.0f} MB"
        )
