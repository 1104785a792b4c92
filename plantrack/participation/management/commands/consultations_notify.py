"""``plantrack consultations_notify``: tell followers about consultations that opened or
closed (run it every few minutes from cron or a systemd timer; a repeated run sends
nothing twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from plantrack.participation.follows import consultations_notify_phases


class Command(BaseCommand):
    help = "Notify followers of consultations that opened or closed in the last week."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = consultations_notify_phases()
        self.stdout.write(
            _("Notices sent: %(opened)s on opened consultations, %(closed)s on closed ones.")
            % {"opened": sent.opened, "closed": sent.closed}
        )
