"""``plantrack restore DIR``: check a backup completely, then replace the database and the
uploaded files with it and verify the history (see ``plantrack.ops.backup``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.ops.backup import BackupError, backup_check, backup_restore, events_after


class Command(BaseCommand):
    help = "Restore a backup made by `plantrack backup` (replaces the database and the files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", metavar="DIR", help=_("a backup's folder"))
        parser.add_argument(
            "--yes", action="store_true", help=_("replace the current data without asking")
        )
        parser.add_argument(
            "--check", action="store_true", help=_("only check the backup; change nothing")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["folder"])
        try:
            manifest = backup_check(source=source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        described = _("the backup of %(time)s (Plantrack %(version)s, history event %(seq)s)") % {
            "time": manifest["created_at"],
            "version": manifest["plantrack_version"],
            "seq": manifest["history_head"]["seq"],
        }
        if options["check"]:
            self.stdout.write(
                _("The backup is complete and unaltered: %(backup)s.") % {"backup": described}
            )
            return
        lost = self._events_lost(manifest)
        if lost:
            # The site may be running: say what a restore takes away, even with --yes.
            self.stderr.write(
                ngettext(
                    "Warning: the current history has %(count)s event after the backup's "
                    "head; the restore takes it away, and its receipt will no longer verify. "
                    "Stop the site before restoring.",
                    "Warning: the current history has %(count)s events after the backup's "
                    "head; the restore takes them away, and their receipts will no longer "
                    "verify. Stop the site before restoring.",
                    lost,
                )
                % {"count": lost}
            )
        if not options["yes"]:
            self._confirm(described)
        try:
            restored = backup_restore(source=source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Restored %(backup)s.") % {"backup": described})
        if restored.pending_migrations:
            self.stdout.write(
                _(
                    "The backup predates %(count)s migrations: run `plantrack migrate`, then "
                    "`plantrack history verify`."
                )
                % {"count": restored.pending_migrations}
            )
            return
        report = restored.report
        assert report is not None
        if report.problem is not None:
            raise CommandError(
                _("The restored history does not verify: %(problem)s") % {"problem": report.problem}
            )
        if restored.head != manifest["history_head"]:
            raise CommandError(
                _(
                    "The restored history's head (event %(seq)s) is not the backup's "
                    "(event %(expected)s)."
                )
                % {"seq": restored.head["seq"], "expected": manifest["history_head"]["seq"]}
            )
        self.stdout.write(
            _("History verified: %(events)s events, %(checkpoints)s checkpoints.")
            % {"events": report.events, "checkpoints": report.checkpoints}
        )

    def _events_lost(self, manifest: dict[str, Any]) -> int:
        try:
            return events_after(manifest)
        except DatabaseError:  # no database here yet (a new machine): nothing to lose
            return 0

    def _confirm(self, described: str) -> None:
        question = _(
            "This replaces the current database and uploaded files with %(backup)s. "
            "Type yes to go on: "
        ) % {"backup": described}
        if not sys.stdin.isatty():
            raise CommandError(_("Restoring replaces the current data; add --yes to confirm."))
        if input(question).strip().lower() not in {"yes", _("yes")}:
            raise CommandError(_("Nothing restored."))
