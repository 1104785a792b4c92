"""The data folder: created only when something is written there, and never inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import plantrack

PACKAGE = Path(plantrack.__file__).resolve().parent
REPO_ROOT = PACKAGE.parent


def _run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "PLANTRACK_DATA_DIR", "SECRET_KEY", "PLANTRACK_ENV"}
    }
    env["PYTHONPATH"] = str(REPO_ROOT)  # this checkout's plantrack, whatever the cwd
    env["DJANGO_SETTINGS_MODULE"] = "plantrack.settings"
    env.update(extra)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATA_DIR); print(settings.DATABASES['default']['NAME'])"
)


def test_democode_leaves_no_data_folder_where_it_runs(tmp_path):
    result = _run(["-m", "plantrack.cli", "democode"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().isdigit()
    assert len(result.stdout.strip()) == 6
    assert list(tmp_path.iterdir()) == []


def test_loading_the_settings_writes_nothing(tmp_path):
    result = _run(["-c", SHOW_SETTINGS], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == str(tmp_path / "data")
    assert list(tmp_path.iterdir()) == []


def test_the_development_key_is_made_in_the_data_folder_on_first_use_and_then_kept(tmp_path):
    data = tmp_path / "data"
    show_key = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core import signing; print(signing.Signer().sign('x')); "
        "print(settings.SECRET_KEY)"
    )
    first = _run(["-c", show_key], cwd=tmp_path)
    second = _run(["-c", show_key], cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    key = (data / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert first.stdout.splitlines() == second.stdout.splitlines()
    assert first.stdout.splitlines()[1] == key
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600  # signs sessions


def test_the_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    data = tmp_path / "data"
    made = _run(
        ["-m", "plantrack.cli", "migrate", "-v", "0"], cwd=tmp_path, PLANTRACK_DATA_DIR=str(data)
    )
    assert made.returncode == 0, made.stderr
    databases = list(data.glob("*.sqlite3"))
    assert databases and all(db.stat().st_mode & 0o777 == 0o600 for db in databases)


def test_no_file_in_the_package_is_named_secret_key():
    assert [str(path) for path in PACKAGE.rglob("secret_key")] == []


def test_the_data_folder_is_never_inside_the_package_when_run_from_there():
    # e.g. `cd plantrack && django-admin makemessages`: the default ./data would be plantrack/data
    result = _run(["-c", SHOW_SETTINGS], cwd=PACKAGE)
    assert result.returncode == 0, result.stderr
    data_dir = Path(result.stdout.splitlines()[0])
    assert data_dir == REPO_ROOT / "data"
    assert PACKAGE not in data_dir.parents


def test_a_data_folder_configured_inside_the_package_is_refused_with_a_message():
    result = _run(["-c", SHOW_SETTINGS], cwd=REPO_ROOT, PLANTRACK_DATA_DIR=str(PACKAGE / "data"))
    assert result.returncode != 0
    assert "PLANTRACK_DATA_DIR" in result.stderr
    assert "inside the plantrack package" in result.stderr
