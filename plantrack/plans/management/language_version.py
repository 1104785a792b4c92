"""``plantrack import FILE --plan SLUG --language-version mn|en [--dry-run [--json]]``:
the command's door to ``services.plan_import_language``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.language_import import LanguageImportResult, language_name
from plantrack.plans.models import Plan
from plantrack.plans.services import import_slug, plan_import_language

SHOWN = 50


def import_language_version(command: BaseCommand, options: dict[str, Any]) -> None:
    files, slug = options["files"], options["slug"]
    if not slug:
        raise CommandError(
            _(
                "--language-version needs the plan it is a version of: "
                "plantrack import FILE --plan SLUG --language-version mn"
            )
        )
    others = [
        flag
        for flag, name in (
            ("--mapping", "mapping"),
            ("--levels", "levels"),
            ("--draft", "draft"),
            ("--replace-source", "replace_source"),
        )
        if options.get(name)
    ]
    if others:
        raise CommandError(
            _("%(flags)s do not go with --language-version, which changes only texts.")
            % {"flags": ", ".join(others)}
        )
    if len(files) > 1:
        raise CommandError(_("--language-version imports one file; give one file."))
    if options["json"] and not options["dry_run"]:
        raise CommandError(_("--json goes with --dry-run: plantrack import FILE --dry-run --json"))
    plan = Plan.objects.filter(slug=import_slug(slug)).first()
    if plan is None:
        raise CommandError(
            _("there is no plan “%(slug)s”; import the plan itself first") % {"slug": slug}
        )
    path = Path(files[0])
    try:
        with path.open("rb") as handle:
            data = handle.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise CommandError(
            _("%(path)s: cannot read the file (%(reason)s).")
            % {"path": path, "reason": exc.strerror}
        ) from exc
    try:
        parsed = parse_bytes(data, max_bytes=settings.PLANTRACK_MAX_IMPORT_BYTES)
        result = plan_import_language(
            plan=plan,
            parsed=parsed,
            language=options["language_version"],
            system=True,
            dry_run=options["dry_run"],
            source_name=path.name,
        )
    except ImportRefused as exc:
        raise CommandError(
            _("%(path)s: not imported: %(reason)s") % {"path": path, "reason": exc}
        ) from exc
    if options["json"]:
        command.stdout.write(json.dumps(result_json(result), ensure_ascii=False))
        return
    _report(command, path, result)


def result_json(result: LanguageImportResult) -> dict[str, Any]:
    return {
        "plan": result.plan.slug,
        "language": result.language,
        "matched": result.matched,
        "changed": result.changed,
        "only_in_file": result.only_in_file,
        "only_in_plan": result.only_in_plan,
        "items": [{"code": change.code, "changes": change.changes} for change in result.items],
        "plan_changes": result.plan_changes,
    }


def _report(command: BaseCommand, path: Path, result: LanguageImportResult) -> None:
    values = {
        "file": path.name,
        "slug": result.plan.slug,
        "language": language_name(result.language),
    }
    if result.dry_run:
        headline = _("%(file)s: the %(language)s version of plan '%(slug)s' would be imported")
    else:
        headline = _("%(file)s: the %(language)s version of plan '%(slug)s' imported")
    command.stdout.write(headline % values)
    summary = result.summary()
    if result.dry_run:
        summary = _("dry run: %(summary)s") % {"summary": summary}
    command.stdout.write(f"  {summary}")
    for label, codes in (
        (_("codes only in the file (not imported): %(codes)s"), result.only_in_file),
        (_("codes only in the plan (texts kept): %(codes)s"), result.only_in_plan),
    ):
        if codes:
            shown = ", ".join(codes[:SHOWN]) + (" …" if len(codes) > SHOWN else "")
            command.stdout.write("  " + label % {"codes": shown})
    for change in result.items[:SHOWN]:
        command.stdout.write(f"    {change.code}: {', '.join(change.changes)}")
