from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from plantrack.plans.importers.base import ImportRefused, ParsedPlan
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.importers.mapping import Mapping
from plantrack.plans.management.commands.serve import require_migrated
from plantrack.plans.selectors import stored_import_mapping
from plantrack.plans.services import ImportResult, plan_import

MAX_MAPPING_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = "Import a plan document (text/Markdown, CSV/XLSX template, DOCX, PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--plan", dest="slug", help="short name (slug) of the plan to update")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and compare, but save nothing"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="with --dry-run: print what was read as one JSON object",
        )
        parser.add_argument(
            "--mapping",
            metavar="FILE.json",
            help="a mapping to read the file with: levels' kinds, columns, plan metadata",
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="create a new plan as a draft, seen only by its managers until published",
        )
        parser.add_argument(
            "--replace-source",
            action="store_true",
            help="allow updating a plan that was imported from a different document",
        )
        parser.add_argument(
            "--levels",
            metavar="KIND,KIND",
            help="the kinds of the levels from the top, e.g. section,recommendation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated()
        if options["slug"] and len(options["files"]) > 1:
            raise CommandError("--plan names one plan; import one file at a time with it.")
        if options["json"] and not options["dry_run"]:
            raise CommandError(
                _("--json goes with --dry-run: plantrack import FILE --dry-run --json")
            )
        if options["json"] and len(options["files"]) > 1:
            raise CommandError(_("--json prints one plan; give one file."))
        given = _given_mapping(options["mapping"], options["levels"])
        failures = []
        for name in options["files"]:
            try:
                self._import(
                    Path(name),
                    options["slug"],
                    options["dry_run"],
                    given,
                    options["json"],
                    draft=options["draft"],
                    replace_source=options["replace_source"],
                )
            except CommandError as exc:
                self.stderr.write(str(exc))
                failures.append(name)
        if failures:
            raise CommandError(f"{len(failures)} of {len(options['files'])} files not imported.")

    def _import(
        self,
        path: Path,
        slug: str | None,
        dry_run: bool,
        given: dict[str, Any] | None,
        as_json: bool,
        *,
        draft: bool = False,
        replace_source: bool = False,
    ) -> None:
        try:
            # Read at most one byte past the limit: a huge file is refused, not loaded whole.
            with path.open("rb") as handle:
                data = handle.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from exc
        try:
            mapping = _effective_mapping(given, slug)
            parsed = parse_bytes(
                data, max_bytes=settings.PLANTRACK_MAX_IMPORT_BYTES, mapping=mapping
            )
            result = plan_import(
                parsed=parsed,
                slug=slug,
                source_name=path.name,
                source_bytes=data,
                dry_run=dry_run,
                system=True,
                # A mapping given here is stored with the plan; a reused one is already.
                mapping=mapping.to_dict() if given is not None and mapping else None,
                draft=draft,
                allow_other_source=replace_source,
            )
        except ImportRefused as exc:
            raise CommandError(f"{path}: not imported: {exc}") from exc
        if as_json:
            self.stdout.write(json.dumps(dry_run_json(parsed, result), ensure_ascii=False))
            return
        counts = ", ".join(_plural(n, kind) for kind, n in _kind_counts(parsed).items())
        verb = "would be" if dry_run else ("created" if result.plan_created else "updated")
        self.stdout.write(f"{path.name}: plan '{result.plan.slug}' {verb} ({parsed.format_name})")
        self.stdout.write(f"  read: {counts}")
        self.stdout.write(f"  {'dry run: ' if dry_run else ''}{result.summary()}")
        if result.draft:
            self.stdout.write("  " + _("draft: seen only by its managers until published"))
        if dry_run and result.other_source and not replace_source:
            self.stdout.write(
                "  "
                + _(
                    "this plan was imported from another document (%(source)s); "
                    "importing needs --replace-source"
                )
                % {"source": result.other_source}
            )
        for code in result.retired[:50]:
            self.stdout.write(f"    {code}: retired (not in the file; kept and hidden)")
        if len(result.retired) > 50:
            self.stdout.write(f"    … and {len(result.retired) - 50} more retired")
        for line in parsed.warnings[:20]:
            self.stdout.write(f"  warning: {line}")
        report = result.organisations
        self.stdout.write(f"  organisations: {report.matched_count} matched in the registry")
        for suggestion in report.suggestions:
            self.stdout.write(
                f"    ‘{suggestion.read}’ — did you mean {suggestion.suggested}? "
                "(not applied; correct the file to link it)"
            )
        for new in report.new[:50]:
            acronym = f" ({new.acronym})" if new.acronym else ""
            self.stdout.write(f"    new, unverified: {new.name}{acronym}")
        if report.groups:
            self.stdout.write(f"  stakeholder groups: {', '.join(report.groups)}")
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


def _given_mapping(mapping_file: str | None, levels: str | None) -> dict[str, Any] | None:
    """The mapping given with --mapping and/or --levels, as JSON data; None if neither."""
    data: dict[str, Any] | None = None
    if mapping_file:
        path = Path(mapping_file)
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_MAPPING_BYTES + 1)
        except OSError as exc:
            raise CommandError(
                _("%(path)s: cannot read the mapping (%(reason)s).")
                % {"path": path, "reason": exc.strerror}
            ) from exc
        if len(raw) > MAX_MAPPING_BYTES:
            raise CommandError(
                _("%(path)s: the mapping is larger than 1 MB; a mapping is a small JSON object.")
                % {"path": path}
            )
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                _("%(path)s: the mapping is not valid JSON (%(reason)s); fix it and try again.")
                % {"path": path, "reason": exc}
            ) from exc
        if not isinstance(data, dict):
            raise CommandError(
                _('%(path)s: the mapping must be a JSON object, like {"levels": [...]}.')
                % {"path": path}
            )
    if levels is not None:
        kinds = [part.strip() for part in levels.split(",") if part.strip()]
        if not kinds:
            raise CommandError(_("--levels needs kinds separated by commas, e.g. goal,objective"))
        data = _with_levels(data or {}, kinds)
    if data is not None:
        try:
            Mapping.from_dict(data)
        except ImportRefused as exc:
            raise CommandError(
                _("the mapping is not usable: %(reason)s") % {"reason": exc}
            ) from exc
    return data


def _with_levels(data: dict[str, Any], kinds: list[str]) -> dict[str, Any]:
    """``data`` with the kinds of the levels from the top replaced by ``kinds``."""
    data = {key: value for key, value in data.items() if key != "levels_by_depth"}
    data["levels"] = kinds
    return data


def _effective_mapping(given: dict[str, Any] | None, slug: str | None) -> Mapping | None:
    """The mapping given, else the one stored with the plan --plan names, else none."""
    if given is not None:
        return Mapping.from_dict(given)
    stored = stored_import_mapping(slug)
    return Mapping.from_dict(stored) if stored else None


def dry_run_json(parsed: ParsedPlan, result: ImportResult) -> dict[str, Any]:
    """What ``--dry-run --json`` prints: the plan, its levels, items, unplaced lines, warnings."""
    levels = [
        {"key": level.get("key", ""), "kind": level["kind"], "count": level["count"]}
        for level in parsed.levels
    ]
    if not levels:  # the CSV/XLSX template names its kinds: count them in order
        levels = [
            {"key": kind, "kind": kind, "count": n} for kind, n in _kind_counts(parsed).items()
        ]
    return {
        "plan": {
            "title": parsed.title,
            "short_name": parsed.short_name,
            "issuer": parsed.issuer,
            "adopted": parsed.adopted_on.isoformat() if parsed.adopted_on else None,
            "period": [parsed.start_year, parsed.end_year],
            "slug": result.plan.slug,
            "created": result.plan_created,
        },
        "levels": levels,
        "items": [
            {
                "code": item.code,
                "kind": item.kind,
                "title": item.title,
                "parent": item.parent_code,
                "organisations": [r.organisation for r in item.responsibilities],
            }
            for item in parsed.items
        ],
        "unplaced": [{"line": line, "text": text} for line, text in parsed.unplaced],
        "warnings": list(parsed.warnings),
    }
