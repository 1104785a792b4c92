"""The plantrack command: import messages, refusals, the port check."""

from __future__ import annotations

import socket
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plantrack.cli import main
from plantrack.lib.ports import port_problem
from plantrack.plans.demo import SEED_DIR
from plantrack.plans.models import Plan


def _import(*args: str) -> str:
    out = StringIO()
    call_command("importplan", *args, "--language", "en", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_reimporting_a_seed_reports_zero_created_zero_changed(db):  # type: ignore[no-untyped-def]
    # Into its plan by name: the file's bytes no longer pick the plan; its stored mapping
    # (seeds/000_….mapping.json, saved at the first import) reads it the same way.
    output = _import(str(SEED_DIR / "000_9b10a168590abdd1.txt"), "--plan", "vision-2050-goal-7")
    assert "read: 1 goal, 5 objectives, 15 stages, 53 expected results, 116 activities" in output
    assert "0 created, 0 changed, 190 unchanged" in output


def test_a_dry_run_of_a_new_plan_counts_without_saving(db):  # type: ignore[no-untyped-def]
    output = _import(str(SEED_DIR / "001_2125384cf4ad98ca.txt"), "--plan", "trial", "--dry-run")
    assert "dry run: 57 created" in output
    assert not Plan.objects.filter(slug="trial").exists()


def test_the_assessment_seeds_go_to_the_assessments_reader(db):  # type: ignore[no-untyped-def]
    # The plan reader says they are assessments; the command imports them as such
    # (tests/assessments/test_import_command.py checks what is stored).
    plans = Plan.objects.count()
    output = _import(
        str(SEED_DIR / "003_8a0f78df4ed7b134.txt"), str(SEED_DIR / "004_a753d303f7349415.txt")
    )
    assert output.count("assessment framework") == 2
    assert Plan.objects.count() == plans


def test_a_missing_file_is_named_in_the_error(db, tmp_path):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="1 of 1 files"):
        call_command(
            "importplan",
            str(tmp_path / "nope.txt"),
            "--language",
            "en",
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_a_port_in_use_gets_a_clear_message(english):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        message = port_problem("127.0.0.1", port)
    assert message is not None
    assert f"Port {port} on 127.0.0.1 is already in use" in message
    assert f"--port {port + 1}" in message
    assert (
        port_problem("127.0.0.1", 70000) == "Port 70000 is not a valid port number; use 1 to 65535."
    )


def test_the_command_without_arguments_prints_its_usage(capsys):  # type: ignore[no-untyped-def]
    main([])
    out = capsys.readouterr().out
    assert out.startswith("usage: plantrack COMMAND")
    assert "import   import plan or assessment documents" in out
