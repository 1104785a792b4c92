"""``plantrack backup DIR``: the database and the uploaded files, with a manifest, while the
site runs (see ``plantrack.ops.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new or empty folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", metavar="DIR", help=_("a new or empty folder"))

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["folder"])
        try:
            manifest = backup_create(target=target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(entry["size"] for entry in manifest["files"])
        count = len(manifest["files"]) - 1
        files = ngettext("%(count)s uploaded file", "%(count)s uploaded files", count) % {
            "count": count
        }
        self.stdout.write(
            _(
                "Backup written to %(dir)s: the %(vendor)s database and %(files)s, %(size)s "
                "bytes; history head: event %(seq)s."
            )
            % {
                "dir": target.absolute(),
                "vendor": manifest["database_vendor"],
                "files": files,
                "size": size,
                "seq": manifest["history_head"]["seq"],
            }
        )
