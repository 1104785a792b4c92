"""``plantrack reset_two_step EMAIL --by ADMIN_EMAIL``: a recorded reset of two-step sign-in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from plantrack.accounts import services
from plantrack.accounts.selectors import user_by_email


class Command(BaseCommand):
    help = (
        "Remove the authenticator app and recovery codes of an account that lost them, "
        "so that it sets up new ones at the next sign-in. Recorded with the administrator's name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the account that lost its second factor")
        parser.add_argument("--by", required=True, help="your email: a site administrator")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_email(options["email"])
        by = user_by_email(options["by"])
        if user is None:
            raise CommandError(
                _("No account has the address %(email)s.") % {"email": options["email"]}
            )
        if by is None:
            raise CommandError(
                _("No account has the address %(email)s (given with --by).")
                % {"email": options["by"]}
            )
        try:
            services.two_factor_reset(user=user, by=by)
        except PermissionDenied as exc:
            raise CommandError(
                _("%(email)s is not a site administrator; only one can reset two-step sign-in.")
                % {"email": options["by"]}
            ) from exc
        self.stdout.write(
            _(
                "Two-step sign-in of %(email)s was reset; "
                "they set up a new authenticator at their next sign-in."
            )
            % {"email": user.email}
        )
