"""``plantrack history verify|checkpoint|schedule|keygen`` (also ``plantrack audit …``).

verify      recompute the chain and checkpoints; exit 1 naming the first bad event
            (--against head.json: also check a head saved from /transparency/head.json;
            --email-on-failure: also email the site administrators, for cron)
checkpoint  sign the current head
schedule    enqueue the nightly checkpoint and check for the next night, unless one is
            waiting; `plantrack db_worker` runs it, and each run enqueues the next
keygen      print a new base64 Ed25519 key for PLANTRACK_HISTORY_KEY
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.history import keys
from plantrack.history.checkpoints import NothingToSign, checkpoint_create
from plantrack.history.verify import verify_all, verify_head

MAX_HEAD_BYTES = 64 * 1024
# The fields of /transparency/head.json and their types.
HEAD_FIELDS: dict[str, type] = {
    "site": str,
    "seq": int,
    "first_seq": int,
    "head_hash": str,
    "merkle_root": str,
    "signed_at": str,
    "public_key": str,
    "signature": str,
}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "schedule", "keygen"])
        parser.add_argument("--against", metavar="HEAD_JSON", help="a saved head.json")
        parser.add_argument(
            "--email-on-failure",
            action="store_true",
            help="verify: email the site administrators when the history does not verify",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "keygen":
            self.stdout.write(keys.new_key_text())
        elif action == "checkpoint":
            self._checkpoint()
        elif action == "schedule":
            self._schedule()
        else:
            self._verify(options.get("against"), email=options["email_on_failure"])

    def _schedule(self) -> None:
        from plantrack.history.tasks import schedule_nightly

        row, created = schedule_nightly()
        when = timezone.localtime(row.run_after).strftime("%Y-%m-%d %H:%M %Z")
        if created:
            self.stdout.write(
                _("Nightly history check scheduled for %(when)s; `plantrack db_worker` runs it.")
                % {"when": when}
            )
        else:
            self.stdout.write(
                _("A nightly history check is already scheduled for %(when)s.") % {"when": when}
            )

    def _checkpoint(self) -> None:
        try:
            checkpoint = checkpoint_create()
        except keys.KeyMissing as exc:
            raise CommandError(str(exc)) from exc
        except NothingToSign as exc:
            self.stdout.write(str(exc))
            return
        self.stdout.write(
            _("Checkpoint signed: events %(first)s–%(last)s, head %(head)s, Merkle root %(root)s")
            % {
                "first": checkpoint.first_seq,
                "last": checkpoint.seq,
                "head": checkpoint.head_hash,
                "root": checkpoint.merkle_root,
            }
        )

    def _verify(self, against: str | None, *, email: bool = False) -> None:
        report = verify_all()
        problem = report.problem
        if problem is None and against:
            problem = verify_head(self._read_head(against))
        if problem is not None:
            self.stderr.write(_("History broken at %(problem)s") % {"problem": problem})
            if email:
                from plantrack.history.tasks import notify_broken

                told = notify_broken(problem, events=report.events)
                self.stderr.write(
                    ngettext(
                        "%(count)s administrator address emailed.",
                        "%(count)s administrator addresses emailed.",
                        told,
                    )
                    % {"count": told}
                )
            raise SystemExit(1)
        if report.checkpoints and keys.trusted_public_keys() is None:
            self.stderr.write(
                _(
                    "Warning: no signing key is known here (%(key)s, or public keys in "
                    "%(previous)s), so the checkpoints' signatures were checked but not that "
                    "this site made them. Give the site's public key from "
                    "/transparency/head.json in %(previous)s to check that too."
                )
                % {"key": keys.ENV, "previous": keys.PREVIOUS_ENV}
            )
        counts = {"events": report.events, "checkpoints": report.checkpoints}
        if against:
            self.stdout.write(
                _(
                    "History verified: %(events)s events, %(checkpoints)s checkpoints, "
                    "and the head in %(file)s"
                )
                % {**counts, "file": against}
            )
        else:
            self.stdout.write(
                _("History verified: %(events)s events, %(checkpoints)s checkpoints") % counts
            )

    def _read_head(self, name: str) -> dict[str, Any]:
        path = Path(name)
        if path.is_dir():
            raise CommandError(_("%(file)s is a folder; give a saved head.json") % {"file": name})
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": name})
        if path.stat().st_size > MAX_HEAD_BYTES:
            raise CommandError(
                _("%(file)s: larger than %(limit)s bytes; not a head.json")
                % {"file": name, "limit": MAX_HEAD_BYTES}
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(
                _("%(file)s: not JSON (%(error)s)") % {"file": name, "error": exc}
            ) from exc
        if not isinstance(data, dict):
            raise CommandError(_("%(file)s: not a head.json object") % {"file": name})
        wrong = [
            field
            for field, kind in HEAD_FIELDS.items()
            if not isinstance(data.get(field), kind)
            or isinstance(data.get(field), bool)
            or (kind is int and data[field] < 1)
        ]
        if wrong:
            # A damaged or foreign file, not a broken history: say so, and which fields.
            raise CommandError(
                _("%(file)s is not a head.json saved from /transparency/: check %(fields)s")
                % {"file": name, "fields": ", ".join(wrong)}
            )
        return data
