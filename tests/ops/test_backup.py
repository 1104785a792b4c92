"""`plantrack backup DIR` and `plantrack restore DIR`, run as a site's operator runs them:
in a subprocess, against a data folder (and, for PostgreSQL, a scratch database) of the
test's own, so the commands meet a real file or server and not the test database."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import missing_part

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 180

POSTGRES = pytest.param("postgresql", marks=pytest.mark.postgres)
VENDORS = ["sqlite", POSTGRES]

# Every table's rows, as the database holds them (Django's tables, the migrations record,
# SQLite's search index tables), in a fixed order.
DUMP = """
import json, django
django.setup()
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

def plain(value):
    return value.hex() if isinstance(value, (bytes, memoryview)) else value

tables = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        rows = [json.dumps([plain(v) for v in row], cls=DjangoJSONEncoder) for row in cursor]
        tables[table] = sorted(rows)
print(json.dumps(tables, sort_keys=True))
"""

CHANGE = """
import django
django.setup()
from django.db import transaction
from plantrack.organisations.services import organisation_get_or_create
from plantrack.plans.models import Item
with transaction.atomic():
    organisation_get_or_create(name="Changed After The Backup")
Item.objects.filter(pk=Item.objects.order_by("pk").first().pk).update(title_en="changed")
"""

HISTORY_LOCKED = """
import django
django.setup()
from django.db import DatabaseError, transaction
from plantrack.history.models import Event
try:
    with transaction.atomic():
        Event.objects.filter(seq=1).update(reason="rewritten")
except DatabaseError as exc:
    print("refused:", exc)
else:
    print("allowed")
"""

HEAD = """
import django
django.setup()
from plantrack.history.models import Event
print(Event.objects.order_by("seq").last().hash)
"""

WRITER = """
import sys, django
from pathlib import Path
django.setup()
from django.db import transaction
from plantrack.organisations.services import organisation_get_or_create
stop = Path(sys.argv[1])
n = 0
while not stop.exists():
    n += 1
    with transaction.atomic():
        organisation_get_or_create(name=f"Writer Organisation {n}")
    print(n, flush=True)
"""

CONSISTENT = """
import django, json
django.setup()
from plantrack.history.models import Event, Head
from plantrack.organisations.models import Organisation
names = {str(pk) for pk in Organisation.objects.filter(
    name_en__startswith="Writer Organisation").values_list("pk", flat=True)}
labelled = set(Event.objects.filter(object_type="organisations.organisation", action="created",
               object_label__startswith="Writer Organisation").values_list("object_id", flat=True))
head = Head.objects.get(pk=1)
print(json.dumps({"organisations": sorted(names), "events": sorted(labelled),
                  "head": [head.seq, head.hash], "count": Event.objects.count()}))
"""


# -- Sites: a data folder, and a database of their own -----------------------------------------


def _admin_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


class Postgres:
    """Scratch databases beside the one DATABASE_URL names (created and dropped here)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.base = urlsplit(url).path.lstrip("/") or "postgres"
        self._admin: Any = None

    @property
    def admin(self) -> Any:
        """A connection to the server's own database; the test skips (fails in CI) without
        the server or the client programs."""
        if self._admin is None:
            import psycopg

            if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
                missing_part("pg_dump and pg_restore not found (apt-get install postgresql-client)")
            problem = None
            for database in ("postgres", self.base):  # the server's own, else the URL's
                try:
                    self._admin = psycopg.connect(
                        _admin_url(self.url, database), autocommit=True, connect_timeout=5
                    )
                    break
                except psycopg.Error as exc:
                    problem = exc
            else:
                host = urlsplit(self.url).hostname
                missing_part(f"PostgreSQL at {host} is unreachable ({problem})")
        return self._admin

    def name(self, purpose: str) -> str:
        return f"{self.base}_bk_{purpose}_{os.getpid()}"[:63]

    def create(self, name: str, template: str | None = None) -> str:
        self.drop(name)
        suffix = f" TEMPLATE {template}" if template else ""
        self.admin.execute(f'CREATE DATABASE "{name}"{suffix}')
        return _admin_url(self.url, name)

    def drop(self, name: str) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Site:
    vendor: str
    data_dir: Path
    database_url: str | None = None

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "PLANTRACK_DATA_DIR", "SECRET_KEY", "PLANTRACK_ENV"}
            and not key.startswith(("LC_", "PG"))
        }
        env.update(
            PYTHONPATH=str(REPO_ROOT),
            DJANGO_SETTINGS_MODULE="plantrack.settings",
            PLANTRACK_DATA_DIR=str(self.data_dir),
            LANGUAGE="en",
            LANG="C.UTF-8",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def plantrack(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self._python("-m", "plantrack.cli", *args)

    def script(self, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        result = self._python("-c", code, *args)
        assert result.returncode == 0, result.stderr
        return result

    def _python(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        return subprocess.run(
            [sys.executable, *args],
            env=self.env(),
            cwd=self.data_dir.parent,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=subprocess.DEVNULL,
        )

    def dump(self) -> dict[str, list[Any]]:
        return json.loads(self.script(DUMP).stdout)

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    def media_checksums(self) -> dict[str, str]:
        return {
            path.relative_to(self.media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.media.rglob("*"))
            if path.is_file() and "import-staging" not in path.parts
        }


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    return result.stdout


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres | None]:
    url = os.environ.get("DATABASE_URL", "")
    yield Postgres(url) if url.startswith("postgres") else None


@pytest.fixture(scope="module")
def templates(tmp_path_factory, postgres) -> Iterator[dict[str, Site]]:  # type: ignore[no-untyped-def]
    """One seeded site per vendor, made once (`plantrack demo --no-serve`), copied per test."""
    made: dict[str, Site] = {}
    yield made
    if postgres is not None and "postgresql" in made:
        postgres.drop(postgres.name("template"))


def _template(vendor: str, templates: dict[str, Site], tmp_path_factory, postgres) -> Site:  # type: ignore[no-untyped-def]
    if vendor not in templates:
        folder = tmp_path_factory.mktemp(f"template-{vendor}") / "data"
        url = None
        if vendor == "postgresql":
            assert postgres is not None
            url = postgres.create(postgres.name("template"))
        site = Site(vendor, folder, url)
        _ok(site.plantrack("demo", "--no-serve"))
        (site.media / "documents").mkdir(parents=True)
        (site.media / "documents" / "report.pdf").write_bytes(b"%PDF-1.4 report\n" * 1000)
        (site.media / "logo.png").write_bytes(bytes(range(256)) * 10)
        (site.media / "import-staging").mkdir()
        (site.media / "import-staging" / "u1-preview").write_bytes(b"a preview being confirmed")
        templates[vendor] = site
    return templates[vendor]


@pytest.fixture(params=VENDORS)
def site(request, tmp_path, templates, tmp_path_factory, postgres) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    """A seeded site of its own: a copy of the vendor's template."""
    vendor = request.param
    if vendor == "postgresql" and postgres is None:
        missing_part("PostgreSQL-only test on SQLite")
    template = _template(vendor, templates, tmp_path_factory, postgres)
    data_dir = tmp_path / "site" / "data"
    shutil.copytree(template.data_dir, data_dir)
    url = None
    if vendor == "postgresql":
        url = postgres.create(postgres.name("site"), template=postgres.name("template"))
    yield Site(vendor, data_dir, url)
    if url:
        postgres.drop(postgres.name("site"))


@pytest.fixture
def empty_site(site, tmp_path, postgres) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    """Another machine: same vendor, no database yet, no files."""
    url = None
    if site.vendor == "postgresql":
        url = postgres.create(postgres.name("empty"))
    yield Site(site.vendor, tmp_path / "elsewhere" / "data", url)
    if url:
        postgres.drop(postgres.name("empty"))


def _backup(site: Site, folder: Path) -> dict[str, Any]:
    _ok(site.plantrack("backup", str(folder)))
    return json.loads((folder / "manifest.json").read_text())


# -- Backup and restore ------------------------------------------------------------------------


def test_a_restore_gives_back_every_row_and_every_file(site, tmp_path):  # type: ignore[no-untyped-def]
    before, files_before = site.dump(), site.media_checksums()
    manifest = _backup(site, tmp_path / "backup")

    assert manifest["database_vendor"] == site.vendor
    assert manifest["format_version"] == 1
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == {manifest["database_file"]} | {f"media/{p}" for p in files_before}
    for path, entry in listed.items():
        data = (tmp_path / "backup" / path).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"])
    events = before["history_event"]
    assert manifest["history_head"] == {
        "seq": len(events),
        "hash": site.script(HEAD).stdout.strip(),
    }
    assert len(before) > 20 and "django_migrations" in before

    site.script(CHANGE)
    (site.media / "logo.png").write_bytes(b"another logo")
    (site.media / "documents" / "report.pdf").unlink()
    (site.media / "added-later.txt").write_text("not in the backup")
    changed = site.dump()
    assert changed != before
    assert len(changed["history_event"]) == len(events) + 1

    result = site.plantrack("restore", str(tmp_path / "backup"), "--yes")
    out = _ok(result)
    assert f"History verified: {len(events)} events" in out
    # The event made after the backup is named as lost, even with --yes.
    assert "the current history has 1 event after the backup's head" in result.stderr
    assert site.dump() == before
    assert site.media_checksums() == files_before
    # An import preview in progress is left alone.
    assert (site.media / "import-staging" / "u1-preview").exists()
    assert "History verified" in _ok(site.plantrack("history", "verify"))
    # The schema came back with its append-only triggers.
    assert site.script(HISTORY_LOCKED).stdout.startswith("refused: the history is append-only")


def test_a_backup_restores_on_another_machine(site, empty_site, tmp_path):  # type: ignore[no-untyped-def]
    before = site.dump()
    _backup(site, tmp_path / "backup")
    _ok(empty_site.plantrack("restore", str(tmp_path / "backup"), "--yes"))
    assert empty_site.dump() == before
    assert empty_site.media_checksums() == site.media_checksums()


def test_a_backup_taken_while_a_writer_runs_restores_a_consistent_history(  # type: ignore[no-untyped-def]
    site, empty_site, tmp_path
):
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        env=site.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        for _ in range(5):  # the writer is under way before the backup starts
            assert writer.stdout.readline(), writer.stderr and writer.stderr.read()
        manifest = _backup(site, tmp_path / "backup")
        for _ in range(5):  # … and still writing after it
            assert writer.stdout.readline(), writer.stderr and writer.stderr.read()
    finally:
        stop.touch()
        writer.wait(timeout=TIMEOUT)
    assert writer.returncode == 0, writer.stderr and writer.stderr.read()

    _ok(empty_site.plantrack("restore", str(tmp_path / "backup"), "--yes"))
    restored = json.loads(empty_site.script(CONSISTENT).stdout)
    live = json.loads(site.script(CONSISTENT).stdout)
    head = manifest["history_head"]
    # The snapshot is one moment: each organisation with its event, the head with both.
    assert restored["head"] == [head["seq"], head["hash"]]
    assert restored["count"] == head["seq"]
    assert restored["organisations"] == restored["events"]
    assert 5 <= len(restored["organisations"]) < len(live["organisations"])
    assert "History verified" in _ok(empty_site.plantrack("history", "verify"))


# -- Refusals ----------------------------------------------------------------------------------


def test_a_truncated_backup_is_refused_and_the_database_left_as_it_is(site, tmp_path):  # type: ignore[no-untyped-def]
    manifest = _backup(site, tmp_path / "backup")
    site.script(CHANGE)
    changed = site.dump()
    database = tmp_path / "backup" / manifest["database_file"]
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])

    message = _refused(site.plantrack("restore", str(tmp_path / "backup"), "--yes"))
    assert f"{manifest['database_file']} is truncated or altered" in message
    assert site.dump() == changed


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory, templates, postgres) -> Path:  # type: ignore[no-untyped-def]
    template = _template("sqlite", templates, tmp_path_factory, postgres)
    folder = tmp_path_factory.mktemp("made") / "backup"
    _backup(template, folder)
    return folder


def _edit_manifest(folder: Path, **changes: Any) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _no_manifest(folder: Path) -> None:
    (folder / "manifest.json").unlink()


def _not_json(folder: Path) -> None:
    (folder / "manifest.json").write_text('{"format": "plantrack-backup", "files": [')


def _missing_file(folder: Path) -> None:
    (folder / "media" / "logo.png").unlink()


def _altered_file(folder: Path) -> None:
    path = folder / "media" / "documents" / "report.pdf"
    data = bytearray(path.read_bytes())
    data[100] ^= 1  # same size, one bit changed
    path.write_bytes(bytes(data))


def _altered_manifest(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0]["sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _escaping_path(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][1]["path"] = "media/../../secret_key"
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _other_vendor(folder: Path) -> None:
    _edit_manifest(folder, database_vendor="postgresql", database_file="database.pgdump")


def _future_format(folder: Path) -> None:
    _edit_manifest(folder, format_version=2)


def _false_head(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    _edit_manifest(folder, history_head={**manifest["history_head"], "seq": 9999})


def _newer_plantrack(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    _edit_manifest(folder, migrations=[*manifest["migrations"], "plans.9999_from_the_future"])


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (_no_manifest, "it has no manifest.json"),
        (_not_json, "manifest.json is not JSON"),
        (_missing_file, "media/logo.png, listed in the manifest, is missing"),
        (_altered_file, "media/documents/report.pdf is truncated or altered"),
        (_altered_manifest, "database.sqlite3 is truncated or altered"),
        (_escaping_path, "manifest.json lacks a field or has a wrong one"),
        (_other_vendor, 'it holds a "postgresql" database and this site uses sqlite'),
        (_future_format, "its format version is 2; this Plantrack reads version 1"),
        (_newer_plantrack, "it was made by a newer Plantrack"),
        (_false_head, "the history head in database.sqlite3 (event"),
    ],
)
def test_a_spoilt_backup_is_refused_with_what_is_wrong(  # type: ignore[no-untyped-def]
    spoil, expected, sqlite_backup, tmp_path
):
    folder = tmp_path / "backup"
    shutil.copytree(sqlite_backup, folder)
    spoil(folder)
    site = Site("sqlite", tmp_path / "data")
    message = _refused(site.plantrack("restore", str(folder), "--yes"))
    assert f"The backup in {folder} cannot be restored: {expected}" in message
    assert not site.data_dir.exists()  # nothing was touched, not even created
    assert _refused(site.plantrack("restore", str(folder), "--check"))


def test_check_only_reads_the_backup(sqlite_backup, tmp_path):  # type: ignore[no-untyped-def]
    site = Site("sqlite", tmp_path / "data")
    out = _ok(site.plantrack("restore", str(sqlite_backup), "--check"))
    assert "The backup is complete and unaltered" in out
    assert not site.data_dir.exists()


def test_a_restore_without_yes_asks_and_restores_nothing(sqlite_backup, tmp_path):  # type: ignore[no-untyped-def]
    site = Site("sqlite", tmp_path / "data")
    message = _refused(site.plantrack("restore", str(sqlite_backup)))
    assert "add --yes to confirm" in message
    assert not site.data_dir.exists()


def test_a_backup_never_writes_into_a_folder_that_is_not_empty(sqlite_backup, tmp_path):  # type: ignore[no-untyped-def]
    site = Site("sqlite", tmp_path / "data")
    message = _refused(site.plantrack("backup", str(sqlite_backup)))
    assert f"{sqlite_backup} is not empty" in message
    assert sorted(p.name for p in sqlite_backup.parent.iterdir()) == ["backup"]


def test_a_failed_backup_leaves_no_folder_behind(tmp_path):  # type: ignore[no-untyped-def]
    site = Site("sqlite", tmp_path / "data")
    target = tmp_path / "backups" / "tonight"
    message = _refused(site.plantrack("backup", str(target)))
    assert "There is no database at" in message
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_backup_fills_an_empty_folder(tmp_path, templates, tmp_path_factory, postgres):  # type: ignore[no-untyped-def]
    template = _template("sqlite", templates, tmp_path_factory, postgres)
    target = tmp_path / "empty"
    target.mkdir()
    manifest = _backup(template, target)
    assert (target / manifest["database_file"]).is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["empty"]
    assert target.stat().st_mode & 0o777 == 0o700  # personal data: its owner's only


def test_a_backup_is_never_made_inside_the_uploads_folder(site, tmp_path):  # type: ignore[no-untyped-def]
    message = _refused(site.plantrack("backup", str(site.media / "backup")))
    assert "is inside the uploads folder" in message
    assert not (site.media / "backup").exists()


def test_plantrack_usage_names_backup_and_restore():
    from plantrack.cli import USAGE

    assert "plantrack backup DIR" in USAGE
    assert "plantrack restore DIR [--yes]" in USAGE


def test_the_database_file_of_a_backup_is_one_self_contained_file(sqlite_backup):  # type: ignore[no-untyped-def]
    import sqlite3

    path = sqlite_backup / "database.sqlite3"
    copy = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        copy.close()
    assert sorted(p.name for p in sqlite_backup.iterdir()) == [
        "database.sqlite3",
        "manifest.json",
        "media",
    ]
