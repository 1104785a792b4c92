"""Account reads."""

from __future__ import annotations

from typing import Any

from django_otp import devices_for_user

from .models import User


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def two_factor_devices(user: Any) -> list[Any]:
    """The user's confirmed second-factor devices: authenticator apps and recovery codes."""
    return list(devices_for_user(user, confirmed=True))
