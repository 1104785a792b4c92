"""``plantrack consultations_notify``: tell followers about consultations that opened or
closed (run it every few minutes from cron or a systemd timer; a repeated run sends
nothing twice). ``--schedule``: let the tasks worker (``plantrack db_worker``) do it every
few minutes instead (``participation/tasks.py``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from plantrack.participation.follows import consultations_notify_phases


class Command(BaseCommand):
    help = "Notify followers of consultations that opened or closed in the last week."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=_("let the tasks worker send them every few minutes (enqueued once)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            from plantrack.participation.tasks import schedule_phase_notices

            row, created = schedule_phase_notices()
            when = row.run_after.isoformat(timespec="minutes")
            self.stdout.write(
                (
                    _(
                        "Consultation notices scheduled for %(when)s; `plantrack db_worker` runs "
                        "them."
                    )
                    if created
                    else _("Consultation notices are already scheduled for %(when)s.")
                )
                % {"when": when}
            )
            return
        sent = consultations_notify_phases()
        self.stdout.write(
            _("Notices sent: %(opened)s on opened consultations, %(closed)s on closed ones.")
            % {"opened": sent.opened, "closed": sent.closed}
        )
