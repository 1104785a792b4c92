from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from plantrack.plans.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of the demo staff accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}")
