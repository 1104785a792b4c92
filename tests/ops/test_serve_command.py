"""`plantrack serve --production` refuses a half-configured start with what to set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_production_serving_refuses_development_settings(settings, english):
    settings.PRODUCTION = False
    with pytest.raises(CommandError, match="--production needs PLANTRACK_ENV=production"):
        call_command("serve", "--production", "--port", "1")


def test_production_serving_names_the_settings_that_are_missing(settings, monkeypatch, english):
    settings.PRODUCTION = True
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    with pytest.raises(CommandError, match="Set SECRET_KEY, ALLOWED_HOSTS in"):
        call_command("serve", "--production", "--port", "1")


def test_a_thread_count_out_of_range_is_refused(english):
    with pytest.raises(CommandError, match="--threads -3 is out of range"):
        call_command("serve", "--threads", "-3", "--port", "1")


def test_production_serving_refuses_a_database_without_its_migrations(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="plantrack.example",
        PLANTRACK_DATA_DIR=str(tmp_path),
        LANGUAGE="en",
    )
    env.pop("PLANTRACK_ENV", None)  # `--production` sets it
    result = subprocess.run(
        [sys.executable, "-m", "plantrack.cli", "serve", "--production", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "run `plantrack migrate` first" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "static").exists()


def test_an_unknown_trusted_proxy_header_is_refused_with_the_default(settings):
    settings.PLANTRACK_TRUSTED_PROXY = "127.0.0.1"
    settings.PLANTRACK_TRUSTED_PROXY_HEADERS = "x-forwarded-sheep"
    with pytest.raises(CommandError, match="PLANTRACK_TRUSTED_PROXY_HEADERS='x-forwarded-sheep'"):
        call_command("serve", "--port", "1")


def test_plain_serve_in_a_production_environment_says_to_use_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="plantrack serve --production"):
        call_command("serve", "--port", "1")


def test_an_import_into_a_database_without_its_tables_says_to_migrate(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PLANTRACK_ENV")}
    env.update(PYTHONPATH=str(REPO_ROOT), PLANTRACK_DATA_DIR=str(tmp_path / "data"), LANGUAGE="en")
    plan = tmp_path / "plan.csv"
    plan.write_text("# title: T\n# short_name: t\ncode,parent_code,kind,title\n1,,goal,G\n")
    result = subprocess.run(
        [sys.executable, "-m", "plantrack.cli", "import", str(plan), "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "run `plantrack migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_line_speaks_mongolian_unless_the_environment_asks_for_english(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PLANTRACK_ENV")}
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    env.update(PYTHONPATH=str(REPO_ROOT), PLANTRACK_DATA_DIR=str(tmp_path / "data"))
    command = [sys.executable, "-m", "plantrack.cli", "serve", "--threads", "5000"]
    said = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60).stderr
    assert "--threads 5000 зөвшөөрөгдөх хязгаараас гарсан" in said
    env["LANG"] = "en_GB.UTF-8"
    said = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60).stderr
    assert "--threads 5000 is out of range; use 1 to 1000." in said
    assert "Traceback" not in said
