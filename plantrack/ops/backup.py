"""Backups: a consistent snapshot of the database and the uploaded files, with a manifest;
and their restore, refused unless the backup is exactly what its manifest says.

A backup is a folder::

    manifest.json          format, versions, database vendor, time, history head, files
    database.sqlite3       SQLite: a copy made with SQLite's online backup API
    database.pgdump        PostgreSQL: ``pg_dump --format=custom`` of one snapshot
    media/…                the uploaded files (``MEDIA_ROOT``, without import previews)

``backup_create`` writes into a hidden sibling folder and renames it into place last, so a
half-written backup never looks complete. Both snapshots are taken while the site runs:
SQLite's backup API copies the database inside one read transaction (WAL lets writers go
on), and ``pg_dump`` dumps the snapshot exported by a repeatable-read transaction, the same
one in which the history's head is read for the manifest.

``backup_check`` reads the manifest and every file it lists (size and SHA-256) before
anything is touched; ``backup_restore`` then replaces the database (SQLite: the backup API
again, into the configured file; PostgreSQL: ``pg_restore --clean --single-transaction``)
and the uploaded files, and verifies the history. The schema comes with the data, so the
history's append-only triggers are restored too.

Secrets are not in a backup: the development ``secret_key`` and ``history_key`` of the data
folder, like production's ``SECRET_KEY`` and ``PLANTRACK_HISTORY_KEY``, are kept apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from plantrack.history.models import GENESIS_HASH, Head
from plantrack.history.verify import Report, verify_all

FORMAT = "plantrack-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
# Uploads waiting for their preview's confirmation: an hour's life, not worth keeping.
SKIPPED_MEDIA = {"import-staging"}
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024
SQLITE_TIMEOUT = 60
SHA256 = re.compile(r"[0-9a-f]{64}")


class BackupError(Exception):
    """A backup or restore refused or failed; the message says what and what to do."""


@dataclass
class Restored:
    manifest: dict[str, Any]
    # The history's verification; None when the restored database needs migrations first.
    report: Report | None
    head: dict[str, Any]
    pending_migrations: int


# -- Where things are ----------------------------------------------------------------------


def _database() -> dict[str, Any]:
    return dict(settings.DATABASES[DEFAULT_DB_ALIAS])


def database_vendor() -> str:
    return str(connections[DEFAULT_DB_ALIAS].vendor)


def _supported_vendor() -> str:
    vendor = database_vendor()
    if vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups are made of SQLite or PostgreSQL databases; this site uses %(vendor)s.")
            % {"vendor": vendor}
        )
    return vendor


def _sqlite_file() -> Path:
    return Path(str(_database()["NAME"]))


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def plantrack_version() -> str:
    try:
        return metadata.version("plantrack")
    except metadata.PackageNotFoundError:
        return "unknown"


# -- Files and checksums ---------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(source: Path, target: Path) -> dict[str, Any]:
    """Copy one file, hashing the bytes written (a file changed meanwhile is hashed as copied)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as reader, target.open("wb") as writer:
        while block := reader.read(CHUNK):
            digest.update(block)
            writer.write(block)
            size += len(block)
        writer.flush()
        os.fsync(writer.fileno())
    shutil.copystat(source, target)
    return {"size": size, "sha256": digest.hexdigest()}


def _entry(folder: Path, relative: str) -> dict[str, Any]:
    path = folder / relative
    return {"path": relative, "size": path.stat().st_size, "sha256": _sha256(path)}


def _media_files(root: Path) -> list[str]:
    """The uploaded files under ``root``, as relative POSIX paths (no links, no previews)."""
    if not root.is_dir():
        return []
    found = []
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        if here == root:
            subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_MEDIA]
        subdirectories[:] = [name for name in subdirectories if not (here / name).is_symlink()]
        for name in files:
            path = here / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


# -- Backup ----------------------------------------------------------------------------------


def _outside_media(folder: Path) -> None:
    media = _media_root().absolute()
    if folder == media or media in folder.parents:
        raise BackupError(
            _("%(dir)s is inside the uploads folder %(media)s; keep backups outside it.")
            % {"dir": folder, "media": media}
        )


def _empty_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise BackupError(
            _("%(dir)s is a file; give a new or empty folder for the backup.") % {"dir": target}
        )
    if target.is_dir() and any(target.iterdir()):
        raise BackupError(
            _(
                "%(dir)s is not empty; give a new or empty folder for the backup "
                "(a backup never writes over another)."
            )
            % {"dir": target}
        )


def _migrations_of(rows: list[tuple[str, str]]) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in rows)


def _head_of(row: tuple[Any, Any] | None) -> dict[str, Any]:
    if row is None:
        return {"seq": 0, "hash": GENESIS_HASH}
    return {"seq": int(row[0]), "hash": str(row[1])}


def _sqlite_snapshot(target: Path) -> dict[str, Any]:
    """Copy the live database with SQLite's backup API, in one step: one read transaction,
    so one consistent state, while the site's writers go on (WAL)."""
    live = _sqlite_file()
    if not live.is_file():
        raise BackupError(
            _("There is no database at %(file)s; nothing to back up (run `plantrack migrate`?).")
            % {"file": live}
        )
    source = sqlite3.connect(live, timeout=SQLITE_TIMEOUT)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # One self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        try:
            head = copy.execute("SELECT seq, hash FROM history_head WHERE id = 1").fetchone()
            migrations = copy.execute("SELECT app, name FROM django_migrations").fetchall()
        except sqlite3.OperationalError as exc:
            raise BackupError(
                _(
                    "The database at %(file)s has no Plantrack tables (%(error)s); "
                    "run `plantrack migrate` first."
                )
                % {"file": live, "error": exc}
            ) from exc
    except sqlite3.Error as exc:
        raise BackupError(
            _("Could not copy the database %(file)s: %(error)s") % {"file": live, "error": exc}
        ) from exc
    finally:
        copy.close()
        source.close()
    return {"history_head": _head_of(head), "migrations": _migrations_of(migrations)}


_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def postgres_environment() -> dict[str, str]:
    """The libpq variables for the configured database (the password too: never on a
    command line, where other users of the machine could read it)."""
    config = _database()
    environ = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for name, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if config.get(name):
            environ[variable] = str(config[name])
    for option, variable in _LIBPQ_OPTIONS.items():
        value = (config.get("OPTIONS") or {}).get(option)
        if value:
            environ[variable] = str(value)
    return environ


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            _(
                "%(program)s was not found; install the PostgreSQL client programs "
                "(the server's version or newer, e.g. `apt install postgresql-client`)."
            )
            % {"program": name}
        )
    return found


def _run(args: list[str]) -> None:
    result = subprocess.run(
        args, env=postgres_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(args[0]).name, "error": result.stderr.strip()[-2000:]}
        )


def _postgres_snapshot(target: Path) -> dict[str, Any]:
    """Dump the snapshot of a repeatable-read transaction that also reads the history's
    head: the manifest's head is the dump's."""
    pg_dump = _program("pg_dump")
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        cursor.execute("SELECT seq, hash FROM history_head WHERE id = 1")
        head = cursor.fetchone()
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = cursor.fetchall()
        _run(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
            ]
        )
    return {"history_head": _head_of(head), "migrations": _migrations_of(migrations)}


def backup_create(*, target: Path) -> dict[str, Any]:
    """Write a backup of the database and the uploaded files into ``target`` (new or empty);
    return its manifest."""
    vendor = _supported_vendor()
    target = Path(target).absolute()
    _outside_media(target)
    _empty_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        database_file = DATABASE_FILES[vendor]
        if vendor == "sqlite":
            state = _sqlite_snapshot(partial / database_file)
        else:
            state = _postgres_snapshot(partial / database_file)
        _fsync(partial / database_file)
        files = [_entry(partial, database_file)]
        media = _media_root()
        for relative in _media_files(media):
            copied = _copy(media / relative, partial / MEDIA / relative)
            files.append({"path": f"{MEDIA}/{relative}", **copied})
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "plantrack_version": plantrack_version(),
            "database_vendor": vendor,
            "database_file": database_file,
            "created_at": created,
            "history_head": state["history_head"],
            "migrations": state["migrations"],
            "files": files,
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (partial / MANIFEST).write_text(text, encoding="utf-8")
        _fsync(partial / MANIFEST)
        # Complete: only now does the backup appear under its name (an empty folder there
        # is replaced by the rename).
        _empty_target(target)
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


# -- Check -----------------------------------------------------------------------------------


def _refuse(source: Path, problem: str) -> BackupError:
    return BackupError(
        _("The backup in %(dir)s cannot be restored: %(problem)s")
        % {"dir": source, "problem": problem}
    )


def _read_manifest(source: Path) -> dict[str, Any]:
    if not source.is_dir():
        raise BackupError(_("%(dir)s is not a folder; give a backup's folder.") % {"dir": source})
    path = source / MANIFEST
    if not path.is_file():
        raise _refuse(
            source,
            _("it has no %(manifest)s (not a Plantrack backup, or one that never finished).")
            % {"manifest": MANIFEST},
        )
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise _refuse(
            source, _("%(manifest)s is too large to be a manifest.") % {"manifest": MANIFEST}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(
            source,
            _("%(manifest)s is not JSON (%(error)s).") % {"manifest": MANIFEST, "error": exc},
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(
            source, _("%(manifest)s is not a Plantrack backup manifest.") % {"manifest": MANIFEST}
        )
    return manifest


def _safe_path(value: Any) -> str | None:
    if not isinstance(value, str) or not value or "\\" in value or "\x00" in value:
        return None
    path = PurePosixPath(value)
    if path.is_absolute() or any(part in {"", ".", ".."} for part in value.split("/")):
        return None
    return path.as_posix()


def _check_fields(source: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise _refuse(
            source,
            _(
                "its format version is %(found)s; this Plantrack reads version %(known)s "
                "(restore it with the Plantrack that made it)."
            )
            % {"found": json.dumps(version), "known": FORMAT_VERSION},
        )
    vendor, current = manifest.get("database_vendor"), database_vendor()
    if vendor != current:
        raise _refuse(
            source,
            _(
                "it holds a %(vendor)s database and this site uses %(current)s; restore it "
                "where DATABASE_URL names a %(vendor)s database."
            )
            % {"vendor": json.dumps(vendor), "current": current},
        )
    files = manifest.get("files")
    head = manifest.get("history_head")
    wrong = (
        not isinstance(files, list)
        or not isinstance(head, dict)
        or not isinstance(head.get("seq"), int)
        or not isinstance(manifest.get("migrations"), list)
        or manifest.get("database_file") != DATABASE_FILES[current]
    )
    entries = []
    for entry in files if isinstance(files, list) else []:
        path = _safe_path(entry.get("path")) if isinstance(entry, dict) else None
        if (
            path is None
            or not isinstance(entry.get("size"), int)
            or not SHA256.fullmatch(str(entry.get("sha256")))
            or not (path == manifest.get("database_file") or path.startswith(f"{MEDIA}/"))
        ):
            wrong = True
            break
        entries.append(entry)
    if wrong or DATABASE_FILES[current] not in {entry["path"] for entry in entries}:
        raise _refuse(
            source,
            _("%(manifest)s lacks a field or has a wrong one (it was altered).")
            % {"manifest": MANIFEST},
        )
    return entries


def _check_files(source: Path, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        path = source / entry["path"]
        if not path.is_file():
            raise _refuse(
                source,
                _("%(file)s, listed in the manifest, is missing.") % {"file": entry["path"]},
            )
        size = path.stat().st_size
        if size != entry["size"]:
            raise _refuse(
                source,
                _(
                    "%(file)s is truncated or altered: %(size)s bytes, the manifest says "
                    "%(expected)s."
                )
                % {"file": entry["path"], "size": size, "expected": entry["size"]},
            )
        if _sha256(path) != entry["sha256"]:
            raise _refuse(
                source,
                _("%(file)s is truncated or altered: its SHA-256 is not the manifest's.")
                % {"file": entry["path"]},
            )


def _check_migrations(source: Path, manifest: dict[str, Any]) -> None:
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = sorted(set(map(str, manifest["migrations"])) - known)
    if unknown:
        raise _refuse(
            source,
            _(
                "it was made by a newer Plantrack (%(version)s; migrations unknown here: "
                "%(migrations)s); restore it with that version or newer."
            )
            % {
                "version": manifest.get("plantrack_version"),
                "migrations": ", ".join(unknown[:5]),
            },
        )


def _check_sqlite(source: Path, manifest: dict[str, Any]) -> None:
    path = source / manifest["database_file"]
    try:
        copy = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            result = copy.execute("PRAGMA quick_check").fetchone()
            head = None
            if result is not None and result[0] == "ok":
                head = copy.execute("SELECT seq, hash FROM history_head WHERE id = 1").fetchone()
        finally:
            copy.close()
    except sqlite3.Error as exc:
        result, head = (str(exc),), None
    if result is None or result[0] != "ok":
        raise _refuse(
            source,
            _("%(file)s is not a sound SQLite database (%(error)s).")
            % {"file": manifest["database_file"], "error": result and result[0]},
        )
    if _head_of(head) != manifest["history_head"]:
        # The manifest was edited, or the database swapped: either way not what was backed up.
        raise _refuse(
            source,
            _(
                "the history head in %(file)s (event %(seq)s) is not the one the manifest "
                "records (event %(expected)s); the backup was altered."
            )
            % {
                "file": manifest["database_file"],
                "seq": _head_of(head)["seq"],
                "expected": manifest["history_head"].get("seq"),
            },
        )


def events_after(manifest: dict[str, Any]) -> int:
    """How many events the current history holds beyond the backup's head: the events a
    restore would take away (a receipt given for one of them would no longer verify)."""
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite" and not _sqlite_file().exists():
        return 0  # a new machine: no history here yet (and none is made by asking)
    current = _head_of(Head.objects.filter(pk=1).values_list("seq", "hash").first())
    return max(0, current["seq"] - int(manifest["history_head"].get("seq", 0)))


def backup_check(*, source: Path) -> dict[str, Any]:
    """Refuse a backup that is not exactly what its manifest says (touching nothing);
    return the manifest."""
    source = Path(source).absolute()
    _supported_vendor()
    _outside_media(source)
    manifest = _read_manifest(source)
    entries = _check_fields(source, manifest)
    _check_files(source, entries)
    _check_migrations(source, manifest)
    if manifest["database_vendor"] == "sqlite":
        _check_sqlite(source, manifest)
    return manifest


# -- Restore ---------------------------------------------------------------------------------


def _restore_sqlite(path: Path) -> None:
    """Copy the backup into the configured database file with the backup API: the live
    file stays where it is (its WAL mode too), and the copy is one write transaction."""
    live = _sqlite_file()
    live.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    target = sqlite3.connect(live, timeout=SQLITE_TIMEOUT)
    try:
        source.backup(target)
    except sqlite3.Error as exc:
        raise BackupError(
            _("Could not write the database %(file)s: %(error)s") % {"file": live, "error": exc}
        ) from exc
    finally:
        target.close()
        source.close()


def _restore_postgres(path: Path) -> None:
    """``pg_restore --clean`` in one transaction: all of the backup, or nothing changed."""
    pg_restore = _program("pg_restore")
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_database()['NAME']}",
            str(path),
        ]
    )


def _restore_media(source: Path, entries: list[dict[str, Any]]) -> None:
    """Put the backup's uploaded files in place of the current ones: copied beside them
    first, then swapped with two renames."""
    root = _media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=f".{root.name}.restoring-", dir=root.parent))
    try:
        for entry in entries:
            relative = entry["path"].removeprefix(f"{MEDIA}/")
            _copy(source / entry["path"], incoming / relative)
        for name in SKIPPED_MEDIA:
            if (root / name).is_dir():
                shutil.move(str(root / name), str(incoming / name))
        incoming.chmod(0o755)
        old = root.parent / f".{root.name}.replaced-{os.getpid()}"
        if root.exists():
            os.replace(root, old)
        os.replace(incoming, root)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise


def backup_restore(*, source: Path) -> Restored:
    """Check the backup, then replace the database and the uploaded files with it and
    verify the history. Everything is checked before anything is touched."""
    source = Path(source).absolute()
    manifest = backup_check(source=source)
    entries = [entry for entry in manifest["files"] if entry["path"].startswith(f"{MEDIA}/")]
    connections.close_all()
    database = source / manifest["database_file"]
    if manifest["database_vendor"] == "sqlite":
        _restore_sqlite(database)
    else:
        _restore_postgres(database)
    connections.close_all()
    _restore_media(source, entries)
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    head = _head_of(Head.objects.filter(pk=1).values_list("seq", "hash").first())
    report = verify_all() if not pending else None
    return Restored(manifest=manifest, report=report, head=head, pending_migrations=pending)
