from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.management.commands.serve import require_migrated
from plantrack.plans.services import plan_import


class Command(BaseCommand):
    help = "Import a plan document (text/Markdown, CSV/XLSX template, DOCX, PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--plan", dest="slug", help="short name (slug) of the plan to update")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and compare, but save nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated()
        if options["slug"] and len(options["files"]) > 1:
            raise CommandError("--plan names one plan; import one file at a time with it.")
        failures = []
        for name in options["files"]:
            try:
                self._import(Path(name), options["slug"], options["dry_run"])
            except CommandError as exc:
                self.stderr.write(str(exc))
                failures.append(name)
        if failures:
            raise CommandError(f"{len(failures)} of {len(options['files'])} files not imported.")

    def _import(self, path: Path, slug: str | None, dry_run: bool) -> None:
        try:
            # Read at most one byte past the limit: a huge file is refused, not loaded whole.
            with path.open("rb") as handle:
                data = handle.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from exc
        try:
            parsed = parse_bytes(data, max_bytes=settings.PLANTRACK_MAX_IMPORT_BYTES)
            result = plan_import(
                parsed=parsed,
                slug=slug,
                source_name=path.name,
                source_bytes=data,
                dry_run=dry_run,
                system=True,
            )
        except ImportRefused as exc:
            raise CommandError(f"{path}: not imported: {exc}") from exc
        counts = ", ".join(_plural(n, kind) for kind, n in _kind_counts(parsed).items())
        verb = "would be" if dry_run else ("created" if result.plan_created else "updated")
        self.stdout.write(f"{path.name}: plan '{result.plan.slug}' {verb} ({parsed.format_name})")
        self.stdout.write(f"  read: {counts}")
        self.stdout.write(f"  {'dry run: ' if dry_run else ''}{result.summary()}")
        for code in result.retired[:50]:
            self.stdout.write(f"    {code}: retired (not in the file; kept and hidden)")
        if len(result.retired) > 50:
            self.stdout.write(f"    … and {len(result.retired) - 50} more retired")
        for line in result.conflicts:
            self.stdout.write(f"  conflict: {line}")
        changes = [line for line in result.changes if ": retired" not in line]
        for line in changes[:50]:
            self.stdout.write(f"    {line}")
        if len(changes) > 50:
            self.stdout.write(f"    … and {len(changes) - 50} more")


def _kind_counts(parsed: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in parsed.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts


def _plural(n: int, kind: str) -> str:
    word = kind.replace("_", " ")
    if n != 1:
        word = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n} {word}"
