"""``plantrack import``: read plan documents and import them, or show what would change.

The command speaks one language, in its messages, its refusals and the human-readable
strings of ``--dry-run --json`` (the JSON keys stay English): ``--language mn|en``;
else, on the command line, the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and
``LANG`` that names Mongolian or English (``mn_MN.UTF-8``, ``en_US.UTF-8``); else the
site's default language, Mongolian (``LANG=C.UTF-8`` and unset variables say nothing
about the reader). Called from code (``call_command``), it speaks the active language.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.lib.language import LANGUAGES, command_language
from plantrack.plans.importers.base import ImportRefused, ParsedPlan
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.importers.mapping import Mapping
from plantrack.plans.management.commands.serve import require_migrated
from plantrack.plans.selectors import stored_import_mapping
from plantrack.plans.services import ImportResult, plan_import

MAX_MAPPING_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import a plan or assessment document (text/Markdown, CSV/XLSX template, DOCX, ODT, PDF)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = _(
            "Import a plan or assessment document (text/Markdown, CSV/XLSX template, DOCX, "
            "ODT, PDF); the file's content says which it is."
        )
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--plan", dest="slug", help=_("short name (slug) of the plan to update")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("read and compare, but save nothing")
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help=_("with --dry-run: print what was read as one JSON object"),
        )
        parser.add_argument(
            "--mapping",
            metavar="FILE.json",
            help=_("a mapping to read the file with: levels' kinds, columns, plan metadata"),
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
            help=_("the kinds of the levels from the top, e.g. section,recommendation"),
        )
        parser.add_argument(
            "--language-version",
            choices=LANGUAGES,
            metavar="mn|en",
            help=_(
                "import the file as the Mongolian (mn) or English (en) version of the plan "
                "--plan names: items matched by code get its texts; nothing else changes"
            ),
        )
        standing = parser.add_mutually_exclusive_group()
        standing.add_argument(
            "--official",
            dest="official",
            action="store_const",
            const=True,
            help=_("an assessment: mark its round official, whatever the document suggests"),
        )
        standing.add_argument(
            "--civil-society",
            dest="official",
            action="store_const",
            const=False,
            help=_("an assessment: mark its round a civil-society (shadow) assessment"),
        )
        parser.add_argument(
            "--subject",
            help=_(
                "an assessment: the subject (a country, an agency) whose round to import, "
                "when the file holds several"
            ),
        )
        parser.add_argument(
            "--year",
            type=int,
            help=_("an assessment: the year of the round to import, when the file holds several"),
        )
        parser.add_argument(
            "--assessing-body",
            dest="assessing_body",
            help=_("an assessment: who assessed, when the document does not say"),
        )
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            help=_(
                "the language of the messages (default: from LANGUAGE, LC_ALL, LC_MESSAGES "
                "or LANG, else Mongolian)"
            ),
        )

    def run_from_argv(self, argv: list[str]) -> None:
        """On the command line, the environment chooses the language unless --language does."""
        with translation.override(command_language(os.environ)):
            super().run_from_argv(argv)

    def execute(self, *args: Any, **options: Any) -> Any:
        language = options.get("language")
        if not language:
            return super().execute(*args, **options)
        with translation.override(language):
            return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated()
        if options["slug"] and len(options["files"]) > 1:
            raise CommandError(_("--plan names one plan; import one file at a time with it."))
        if options["json"] and not options["dry_run"]:
            raise CommandError(
                _("--json goes with --dry-run: plantrack import FILE --dry-run --json")
            )
        if options["json"] and len(options["files"]) > 1:
            raise CommandError(_("--json prints one plan; give one file."))
        if options["language_version"]:
            self._language_version(options)
            return
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
                    hints=_assessment_hints(options),
                )
            except CommandError as exc:
                self.stderr.write(str(exc))
                failures.append(name)
        if failures:
            raise CommandError(
                _("%(failed)s of %(total)s files not imported.")
                % {"failed": len(failures), "total": len(options["files"])}
            )

    def _language_version(self, options: dict[str, Any]) -> None:
        from plantrack.plans.management.language_version import import_language_version

        import_language_version(self, options)

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
        hints: dict[str, Any] | None = None,
    ) -> None:
        try:
            # Read at most one byte past the limit: a huge file is refused, not loaded whole.
            with path.open("rb") as handle:
                data = handle.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        except OSError as exc:
            raise CommandError(
                _("%(path)s: cannot read the file (%(reason)s).")
                % {"path": path, "reason": exc.strerror}
            ) from exc
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
            if exc.kind == ImportRefused.ASSESSMENT:
                self._assessment(path, data, slug, dry_run, as_json, draft=draft, hints=hints)
                return
            raise CommandError(
                _("%(path)s: not imported: %(reason)s") % {"path": path, "reason": exc}
                + "\n"
                + refusal_help()
            ) from exc
        if as_json:
            self.stdout.write(json.dumps(dry_run_json(parsed, result), ensure_ascii=False))
            return
        counts = ", ".join(_plural(n, kind) for kind, n in _kind_counts(parsed).items())
        if dry_run:
            headline = _("%(file)s: plan '%(slug)s' would be imported (%(format)s)")
        elif result.plan_created:
            headline = _("%(file)s: plan '%(slug)s' created (%(format)s)")
        else:
            headline = _("%(file)s: plan '%(slug)s' updated (%(format)s)")
        values = {"file": path.name, "slug": result.plan.slug, "format": parsed.format_name}
        self.stdout.write(headline % values)
        self.stdout.write("  " + _("read: %(counts)s") % {"counts": counts})
        summary = result.summary()
        if dry_run:
            summary = _("dry run: %(summary)s") % {"summary": summary}
        self.stdout.write(f"  {summary}")
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
            self.stdout.write(
                "    " + _("%(code)s: retired (not in the file; kept and hidden)") % {"code": code}
            )
        if len(result.retired) > 50:
            more = len(result.retired) - 50
            self.stdout.write("    " + _("… and %(count)s more retired") % {"count": more})
        for line in parsed.warnings[:20]:
            self.stdout.write("  " + _("warning: %(line)s") % {"line": line})
        report = result.organisations
        self.stdout.write(
            "  "
            + _("organisations: %(count)s matched in the registry")
            % {"count": report.matched_count}
        )
        for suggestion in report.suggestions:
            self.stdout.write(
                "    "
                + _(
                    "‘%(read)s’ — did you mean %(suggested)s? "
                    "(not applied; correct the file to link it)"
                )
                % {"read": suggestion.read, "suggested": suggestion.suggested}
            )
        for new in report.new[:50]:
            name = f"{new.name} ({new.acronym})" if new.acronym else new.name
            self.stdout.write("    " + _("new, unverified: %(name)s") % {"name": name})
        if report.groups:
            self.stdout.write(
                "  " + _("stakeholder groups: %(groups)s") % {"groups": ", ".join(report.groups)}
            )
        for line in result.conflicts:
            self.stdout.write("  " + _("conflict: %(line)s") % {"line": line})
        changes = [line for line in result.changes if ": retired" not in line]
        for line in changes[:50]:
            self.stdout.write(f"    {line}")
        if len(changes) > 50:
            more = len(changes) - 50
            self.stdout.write("    " + _("… and %(count)s more") % {"count": more})

    def _assessment(
        self,
        path: Path,
        data: bytes,
        slug: str | None,
        dry_run: bool,
        as_json: bool,
        *,
        draft: bool,
        hints: dict[str, Any] | None,
    ) -> None:
        """The plan reader found an assessment: the assessments' reader reads it."""
        from plantrack.assessments import command

        if slug:
            raise CommandError(
                _(
                    "%(path)s: this is an assessment, not a plan, so --plan does not apply; "
                    "import it without --plan"
                )
                % {"path": path}
            )
        outcome = command.import_assessment(path, data, dry_run=dry_run, draft=draft, hints=hints)
        if as_json:
            self.stdout.write(command.dry_run_json(outcome))
            return
        for line in command.summary_lines(path, outcome, dry_run=dry_run):
            self.stdout.write(line)


def _assessment_hints(options: dict[str, Any]) -> dict[str, Any]:
    """What the command line says of an assessment, over what its document says."""
    hints: dict[str, Any] = {}
    if options.get("official") is not None:
        hints["official"] = options["official"]
    for name in ("subject", "year", "assessing_body"):
        if options.get(name):
            hints[name] = options[name]
    return hints


def _kind_counts(parsed: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in parsed.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts


def refusal_help() -> str:
    """Where to read about refusals and get the template: site-relative, in this language."""
    return "  " + _(
        "What to do: see %(guide)s on your Plantrack site; the plan template with an "
        "example is at %(csv)s and %(xlsx)s."
    ) % {
        "guide": reverse("plans:import_help") + "#refused",
        "csv": reverse("plans:import_template_csv"),
        "xlsx": reverse("plans:import_template_xlsx"),
    }


def _plural(n: int, kind: str) -> str:
    """ "5 objectives": the count of one kind of item, in the active language."""
    forms = {
        "goal": ngettext("%(count)s goal", "%(count)s goals", n),
        "objective": ngettext("%(count)s objective", "%(count)s objectives", n),
        "stage": ngettext("%(count)s stage", "%(count)s stages", n),
        "expected_result": ngettext("%(count)s expected result", "%(count)s expected results", n),
        "area": ngettext("%(count)s area", "%(count)s areas", n),
        "section": ngettext("%(count)s section", "%(count)s sections", n),
        "activity": ngettext("%(count)s activity", "%(count)s activities", n),
        "recommendation": ngettext("%(count)s recommendation", "%(count)s recommendations", n),
    }
    return forms.get(kind, f"%(count)s {kind}") % {"count": n}


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
