"""Account writes: sign-up with email verification, mail limits, two-step sign-in,
roles, deletion, personal-data export."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plantrack.history.services import record
from plantrack.lib.language import site_language

from .models import AccountEvent, User
from .permissions import is_site_admin
from .selectors import two_factor_devices, user_by_email

VERIFY_SALT = "plantrack.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600

# Account emails (sign-up, "already registered", password reset) allowed per window.
MAIL_LIMIT_PER_ADDRESS: int = settings.PLANTRACK_MAIL_LIMIT_PER_ADDRESS
MAIL_LIMIT_PER_IP: int = settings.PLANTRACK_MAIL_LIMIT_PER_IP
MAIL_LIMIT_WINDOW: int = settings.PLANTRACK_MAIL_LIMIT_WINDOW

RECOVERY_CODE_COUNT = 10


class MailLimitReached(Exception):
    """Too many account emails to one address, or asked for from one network address."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Too many emails were asked for this address or from your network (IP) "
                "address. Wait an hour and try again."
            )
        )


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return str(request.META.get("REMOTE_ADDR", ""))


def _count(key: str) -> int:
    cache.add(key, 0, timeout=MAIL_LIMIT_WINDOW)
    try:
        return int(cache.incr(key))
    except ValueError:
        # The window ended between add() and incr(): this is the first of a new one.
        cache.set(key, 1, timeout=MAIL_LIMIT_WINDOW)
        return 1


def mail_quota_take(*, email: str, ip: str) -> None:
    """Count one account email to ``email`` asked for from ``ip``; refuse one over the limits.

    Every request counts, whether or not the address has an account, so the answer
    never tells a stranger which addresses are registered.
    """
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    network = hashlib.sha256(ip.encode()).hexdigest()
    over_address = _count(f"mail-limit:address:{address}") > MAIL_LIMIT_PER_ADDRESS
    over_ip = _count(f"mail-limit:ip:{network}") > MAIL_LIMIT_PER_IP
    if over_address or over_ip:
        raise MailLimitReached()


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _send(template: str, *, to: str, context: dict[str, Any]) -> None:
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def verification_link(request: HttpRequest, user: User) -> str:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)
    return _absolute(request, reverse("accounts:verify_email", args=[token]))


def _create_unverified(
    *, email: str, display_name: str, password_hash: str, language: str
) -> User | None:
    """Insert the account; None when another request registered the address first."""
    user = User(email=email, display_name=display_name, password=password_hash, language=language)
    # The unique constraint, not a query beforehand, decides who wins a race.
    user.full_clean(exclude=["password"], validate_unique=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return None
    return user


@transaction.atomic
def account_sign_up(
    *, request: HttpRequest, email: str, display_name: str, password: str, language: str = ""
) -> User | None:
    """Create an unverified account and mail a confirmation link.

    ``language`` (default: the active one) is the language Plantrack writes to the person
    in from then on; they can change it on their profile page.

    When the address is already registered nothing is created and its owner is told
    by email instead, so the page never reveals which addresses have accounts: both
    paths hash the password (the slow part) and send one email. Raises
    ``MailLimitReached`` when the address or the network asked for too many emails.
    """
    email = User.objects.normalize_email(email).lower()
    mail_quota_take(email=email, ip=client_ip(request))
    password_hash = make_password(password)
    if user_by_email(email) is None:
        user = _create_unverified(
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            language=site_language(language or translation.get_language()),
        )
        if user is not None:
            link = verification_link(request, user)
            _send("verify_email", to=email, context={"user": user, "link": link})
            return user
    existing = user_by_email(email)
    _send("already_registered", to=email, context={"request": request, "user": existing})
    return None


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


def _refuse_leaving_members_without_an_admin(user: User, membership: Any) -> None:
    """An organisation whose only administrator leaves must not keep members nobody can
    manage: hand over first. (A sole member may go; site administrators look after the
    organisation then.)"""
    admin, active = membership.Role.ADMIN, membership.State.ACTIVE
    stranded = []
    for held in membership.objects.filter(user=user, role=admin, state=active).select_related(
        "organisation"
    ):
        others = membership.objects.filter(organisation=held.organisation).exclude(user=user)
        if others.exists() and not others.filter(role=admin, state=active).exists():
            stranded.append(held.organisation.name)
    if stranded:
        raise ValidationError(
            _(
                "You are the only administrator of %(names)s. Make another member an "
                "administrator first, then delete your account."
            )
            % {"names": ", ".join(sorted(stranded))},
            code="last_admin",
        )


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Anonymise the account: sign-in and personal data go, public contributions stay.

    The row is kept so that progress updates and other contributions still point
    at it; they are shown as "deleted user" from now on.
    """
    from plantrack.organisations.models import Membership

    _refuse_leaving_members_without_an_admin(user, Membership)
    Membership.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.groups.clear()
    user.managed_plans.clear()
    # Notices are the person's own mail box: nobody reads them once the account is gone.
    user.notices.all().delete()
    # Follows, and meeting registrations with their accessibility needs, are about the
    # person, not public contributions: they go too. (Inputs and answers stay, unsigned.)
    from plantrack.meetings.models import Registration
    from plantrack.participation.models import Follow

    Follow.objects.filter(user=user).delete()
    Registration.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    # The history keeps the person's id only; from now on it shows them as "deleted user".
    record(user, "erased", by=user, label="", subject_user_id=user.pk, public=False)


def account_export(*, user: User) -> dict[str, Any]:
    """Everything Plantrack stores about a person, for the "download my data" page."""
    from plantrack.progress.models import ProgressUpdate
    from plantrack.surveys.exports import person_answers

    memberships = user.memberships.select_related("organisation").order_by("created_at")
    updates = ProgressUpdate.objects.filter(author=user).select_related("item", "item__plan")
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
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
        "notices": [
            {
                "kind": n.kind,
                "about": f"{n.subject_type}:{n.subject_id}",
                "link": n.url,
                "created": n.created_at.isoformat(),
                "read": n.read_at.isoformat() if n.read_at else None,
                "emailed": n.emailed_at.isoformat() if n.emailed_at else None,
            }
            for n in user.notices.order_by("created_at", "pk")
        ],
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
        "survey_responses": person_answers(user),
        **_participation_export(user),
    }


def _participation_export(user: User) -> dict[str, Any]:
    """The person's consultation inputs (with their answers), follows and meeting
    registrations (with the accessibility needs they gave)."""
    from plantrack.meetings.models import Registration
    from plantrack.participation.models import Follow, Input

    inputs = (
        Input.objects.filter(author=user)
        .select_related("consultation", "paragraph", "organisation", "response")
        .order_by("created_at", "pk")
    )
    follows = Follow.objects.filter(user=user).select_related("consultation", "plan", "item")
    registrations = (
        Registration.objects.filter(user=user).select_related("meeting").order_by("created_at")
    )
    return {
        "consultation_inputs": [
            {
                "consultation": i.consultation.slug,
                "paragraph": i.paragraph.anchor if i.paragraph else None,
                "kind": i.kind,
                "on_behalf_of": i.organisation.name if i.organisation else None,
                "title": i.title,
                "text": i.body,
                "attachment": i.attachment_name or None,
                "sent": i.created_at.isoformat(),
                "edited": i.edited_at.isoformat() if i.edited_at else None,
                "hidden_by_moderator": i.hidden_reason if i.hidden_at else None,
                "response": (
                    {
                        "status": i.response.status,
                        "explanation_mn": i.response.explanation_mn,
                        "explanation_en": i.response.explanation_en,
                    }
                    if i.response is not None and i.response.published_at
                    else None
                ),
            }
            for i in inputs
        ],
        "follows": [
            {
                "consultation": f.consultation.slug if f.consultation else None,
                "plan": f.plan.slug if f.plan else None,
                "item": f"{f.item.plan_id}:{f.item.code}" if f.item else None,
            }
            for f in follows
        ],
        "meeting_registrations": [
            {
                "meeting": r.meeting.title,
                "starts": r.meeting.starts_at.isoformat(),
                "needs": list(r.needs),
                "other_need": r.needs_other,
                "note": r.note,
                "registered": r.created_at.isoformat(),
                "cancelled": r.cancelled_at.isoformat() if r.cancelled_at else None,
            }
            for r in registrations
        ],
    }


# Two-step sign-in ------------------------------------------------------------------


def two_factor_new_key() -> str:
    """A new authenticator secret; kept in the session until confirmed, never in the database."""
    from django_otp.util import random_hex

    return random_hex(20)


def two_factor_device_preview(*, user: User, key: str) -> TOTPDevice:
    """An unsaved device for ``key``, to show its QR code and secret."""
    return TOTPDevice(user=user, name="authenticator", key=key)


def _totp_matches(device: TOTPDevice, token: str) -> bool:
    token = token.strip()
    if not token.isdigit():
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance):
        return False
    # The code just used cannot be replayed on the new device.
    device.last_t = totp.t()
    return True


def _new_recovery_codes() -> list[str]:
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        # A code of digits only would be taken for an authenticator code on the verify page.
        if not code.isdigit():
            codes.add(code)
    return sorted(codes)


def _owns_confirmed(user: User, device: Any) -> bool:
    return device is not None and any(
        d.persistent_id == device.persistent_id for d in two_factor_devices(user)
    )


@transaction.atomic
def two_factor_enable(
    *, user: User, key: str, token: str, proven_by: Any = None
) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app for ``user`` and issue new recovery codes.

    With no second factor yet, the code from the new app is enough. When one exists,
    ``proven_by`` must be the user's own confirmed device that verified this session
    (a code from the current app or a recovery code); otherwise an administrator must
    reset two-step sign-in first. The old app and recovery codes stop working. The
    codes are returned once, to be shown once; only django-otp keeps them.
    """
    # Lock the account row so that two setups at once cannot both add a device.
    User.objects.select_for_update().filter(pk=user.pk).first()
    replacing = bool(two_factor_devices(user))
    if replacing and not _owns_confirmed(user, proven_by):
        raise PermissionDenied(
            _(
                "Two-step sign-in is already set up. Enter a code from your authenticator "
                "app first, or ask a site administrator to reset it."
            )
        )
    device = two_factor_device_preview(user=user, key=key)
    if not _totp_matches(device, token):
        raise ValidationError(
            _("That code is not right. Check the time on your phone."), code="token"
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = _new_recovery_codes()
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    AccountEvent.objects.create(
        user=user,
        actor=user,
        kind=AccountEvent.Kind.TWO_FACTOR_SET_UP,
        detail={"replaced": replacing},
    )
    return device, codes


def _use_recovery_code(device: StaticDevice, token: str) -> bool:
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False
    # Deleting, and counting what was deleted, lets one request at most use a code:
    # two requests with the same code at once cannot both succeed.
    used = StaticToken.objects.filter(device=device, token=token).delete()[0] > 0
    if used:
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
    else:
        device.throttle_increment()
    return used


def two_factor_verify(*, user: User, token: str) -> Any:
    """The user's confirmed device that accepts ``token`` (an app code or a recovery code)."""
    token = token.strip().replace(" ", "").replace("-", "").lower()
    # Six digits are an app code; recovery codes always have a letter.
    kind = TOTPDevice if token.isdigit() else StaticDevice
    for device in two_factor_devices(user):
        if not isinstance(device, kind):
            continue
        if kind is TOTPDevice and device.verify_token(token):
            return device
        if kind is StaticDevice and _use_recovery_code(device, token):
            AccountEvent.objects.create(
                user=user,
                actor=user,
                kind=AccountEvent.Kind.RECOVERY_CODE_USED,
                detail={"remaining": device.token_set.count()},
            )
            return device
    return None


@transaction.atomic
def two_factor_reset(*, user: User, by: Any) -> None:
    """A site administrator removes every second factor of ``user``, on the record.

    The user then sets up a new authenticator at the next sign-in.
    """
    if not is_site_admin(by):
        raise PermissionDenied(_("Only a site administrator can reset two-step sign-in."))
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    AccountEvent.objects.create(
        user=user,
        actor=by,
        kind=AccountEvent.Kind.TWO_FACTOR_RESET,
        detail={"removed_rows": removed},
    )


# Roles -----------------------------------------------------------------------------


def _roles(user: User) -> dict[str, Any]:
    return {
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
    }


@transaction.atomic
def user_roles_set(
    *,
    user: User,
    by: Any,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    groups: list[Group] | None = None,
    permissions: list[Permission] | None = None,
) -> User:
    """Grant or take away staff status, site administration, roles (groups) or permissions.

    Only site administrators may: this is the one door the admin, commands and any
    future API go through. Arguments left as None are not changed.
    """
    if not is_site_admin(by):
        raise PermissionDenied(
            _(
                "Only a site administrator can grant staff status, site administration, "
                "roles or permissions."
            )
        )
    before = _roles(user)
    fields = []
    if is_staff is not None:
        user.is_staff = is_staff
        fields.append("is_staff")
    if is_superuser is not None:
        user.is_superuser = is_superuser
        fields.append("is_superuser")
    if fields:
        user.save(update_fields=fields)
    if groups is not None:
        user.groups.set(groups)
    if permissions is not None:
        user.user_permissions.set(permissions)
    # Role checks cache the groups on the user object.
    user.__dict__.pop("_plantrack_groups", None)
    after = _roles(user)
    if after != before:
        AccountEvent.objects.create(
            user=user,
            actor=by,
            kind=AccountEvent.Kind.ROLES_CHANGED,
            detail={"before": before, "after": after},
        )
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        record(
            user,
            "roles_changed",
            by=by,
            label="",
            subject_user_id=user.pk,
            changes=changes,
            public=False,
        )
    return user
