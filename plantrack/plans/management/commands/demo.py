from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from plantrack.plans.demo import (
    build_assessments,
    build_demo,
    build_living_plans,
    build_survey,
    demo_totp_secret,
)

from .serve import serve


class Command(BaseCommand):
    help = "Create the demo database (seed plans, demo users) and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up the data, then stop")

    def _sign_history(self) -> None:
        """Sign the history's head, so /transparency/ has something to show (outside
        production the key is made and kept in the data folder: see history.keys)."""
        from plantrack.history.checkpoints import NothingToSign, checkpoint_create
        from plantrack.history.keys import KeyMissing

        try:
            checkpoint = checkpoint_create()
        except (KeyMissing, NothingToSign) as exc:
            self.stdout.write(_("History not signed: %(reason)s") % {"reason": exc})
            return
        self.stdout.write(_("History signed up to event %(seq)s.") % {"seq": checkpoint.seq})

    def _participation(self) -> None:
        from plantrack.participation.demo import participation_demo

        built = participation_demo()
        if built is not None:
            self.stdout.write(
                _(
                    "  consultations: %(answered)s (answered, final report), %(open)s (open); "
                    "%(inputs)s inputs, %(responses)s official responses"
                )
                % {
                    "answered": built.answered.slug,
                    "open": built.open.slug,
                    "inputs": built.inputs,
                    "responses": built.responses,
                }
            )

    def _meetings(self) -> None:
        from plantrack.meetings.demo import meetings_demo

        built = meetings_demo()
        if built is not None:
            self.stdout.write(
                _("  meetings: %(registrations)s registrations, %(inputs)s inputs recorded")
                % {"registrations": built.registrations, "inputs": built.inputs}
            )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Database: %(name)s") % {"name": settings.DATABASES["default"]["NAME"]})
        results, accounts = build_demo()
        for result in results:
            self.stdout.write(f"  {result.plan.slug}: {result.summary()}")
        for living in build_living_plans():
            self.stdout.write(
                _(
                    "  %(slug)s: %(periods)s reporting periods; reports approved %(approved)s, "
                    "waiting for review %(waiting)s, returned %(returned)s, overdue %(overdue)s"
                )
                % {
                    "slug": living.plan.slug,
                    "periods": living.periods,
                    "approved": living.approved,
                    "waiting": living.waiting,
                    "returned": living.returned,
                    "overdue": living.overdue,
                }
            )
        rounds = build_assessments()
        self.stdout.write(
            _(
                "  assessments: %(official)s (official), %(shadow)s (civil-society, "
                "%(differs)s ratings differ), %(own)s (self-assessment)"
            )
            % {
                "official": rounds.official,
                "shadow": rounds.shadow,
                "differs": len(rounds.shadow_differs),
                "own": rounds.self_assessment,
            }
        )
        survey = build_survey()
        if survey is not None:
            self.stdout.write(
                _("  survey: %(title)s, %(count)s responses")
                % {"title": survey.survey.title, "count": survey.responses}
            )
        self._participation()
        self._meetings()
        self._sign_history()
        self.stdout.write(_("Demo sign-in (change these before any real use):"))
        for account in accounts:
            self.stdout.write(f"  {account.role}: {account.email} / {account.password}")
        self.stdout.write(
            _(
                "Staff accounts (administrator, plan manager, assessor, moderator) also need a "
                "two-step code: add the key %(key)s to an authenticator app, "
                "or run `plantrack democode` for the current code."
            )
            % {"key": demo_totp_secret()}
        )
        if not options["no_serve"]:
            serve(self, options["host"], options["port"])
