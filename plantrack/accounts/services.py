"""Account writes: sign-up with email verification, deletion, personal-data export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import User

VERIFY_SALT = "plantrack.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _send(template: str, *, to: str, context: dict[str, Any]) -> None:
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def verification_link(request: HttpRequest, user: User) -> str:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)
    return _absolute(request, reverse("accounts:verify_email", args=[token]))


@transaction.atomic
def account_sign_up(
    *, request: HttpRequest, email: str, display_name: str, password: str
) -> User | None:
    """Create an unverified account and mail a confirmation link.

    When the address is already registered nothing is created and its owner is told
    by email instead, so the page never reveals which addresses have accounts.
    """
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _send("already_registered", to=email, context={"request": request, "user": existing})
        return None
    user = User.objects.create_user(email, password, display_name=display_name)
    _send(
        "verify_email",
        to=email,
        context={"user": user, "link": verification_link(request, user)},
    )
    return user


def account_verify_email(*, token: str) -> User | None:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is not None and user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Anonymise the account: sign-in and personal data go, public contributions stay.

    The row is kept so that progress updates and other contributions still point
    at it; they are shown as "deleted user" from now on.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from plantrack.organisations.models import Membership

    Membership.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    user.groups.clear()
    user.managed_plans.clear()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()


def account_export(*, user: User) -> dict[str, Any]:
    """Everything Plantrack stores about a person, for the "download my data" page."""
    from plantrack.progress.models import ProgressUpdate

    memberships = user.memberships.select_related("organisation").order_by("created_at")
    updates = ProgressUpdate.objects.filter(author=user).select_related("item", "item__plan")
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "joined": user.date_joined.isoformat(),
            "email_verified": user.email_verified_at.isoformat()
            if user.email_verified_at
            else None,
            "last_sign_in": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "site_administrator": user.is_superuser,
        },
        "organisations": [
            {
                "organisation": m.organisation.name,
                "role": m.role,
                "state": m.state,
                "since": m.created_at.isoformat(),
            }
            for m in memberships
        ],
        "managed_plans": sorted(user.managed_plans.values_list("slug", flat=True)),
        "progress_updates": [
            {
                "plan": u.item.plan.slug,
                "item": u.item.code,
                "status": u.status,
                "progress": u.progress,
                "note": u.note,
                "state": u.state,
                "submitted": u.created_at.isoformat(),
            }
            for u in updates
        ],
    }
