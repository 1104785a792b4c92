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

from plantrack.history import keys
from plantrack.history.checkpoints import NothingToSign, checkpoint_create
from plantrack.history.verify import verify_all, verify_head

MAX_HEAD_BYTES = 64 * 1024


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
                f"Nightly history check scheduled for {when}; `plantrack db_worker` runs it."
            )
        else:
            self.stdout.write(f"A nightly history check is already scheduled for {when}.")

    def _checkpoint(self) -> None:
        try:
            checkpoint = checkpoint_create()
        except keys.KeyMissing as exc:
            raise CommandError(str(exc)) from exc
        except NothingToSign as exc:
            self.stdout.write(str(exc))
            return
        self.stdout.write(
            f"Checkpoint signed: events {checkpoint.first_seq}–{checkpoint.seq}, "
            f"head {checkpoint.head_hash}, Merkle root {checkpoint.merkle_root}"
        )

    def _verify(self, against: str | None, *, email: bool = False) -> None:
        report = verify_all()
        problem = report.problem
        if problem is None and against:
            problem = verify_head(self._read_head(against))
        if problem is not None:
            self.stderr.write(f"History broken at {problem}")
            if email:
                from plantrack.history.tasks import notify_broken

                told = notify_broken(problem, events=report.events)
                self.stderr.write(f"{told} administrator address(es) emailed.")
            raise SystemExit(1)
        self.stdout.write(
            f"History verified: {report.events} events, {report.checkpoints} checkpoints"
            + (f", and the head in {against}" if against else "")
        )

    def _read_head(self, name: str) -> dict[str, Any]:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file")
        if path.stat().st_size > MAX_HEAD_BYTES:
            raise CommandError(f"{name}: larger than {MAX_HEAD_BYTES} bytes; not a head.json")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{name}: not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise CommandError(f"{name}: not a head.json object")
        return data
