"""Notice writes: send (in-site, then email once after commit), mark read, email.

Notices are a person's own state, like a session: they write no history event (the
transition that caused them writes its own). Sending is called by other apps' services
inside their transaction, after they have checked who may do what; reading and marking
are scoped to the recipient, so someone else's notice id finds nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone, translation

from plantrack.accounts.models import User
from plantrack.lib.language import site_language

from .kinds import write
from .models import Notice


def site_path(url: str) -> str:
    """``url`` (a site path in the active language) in the site's default language, the
    form a notice keeps."""
    return translate_url(url, settings.LANGUAGE_CODE) if url else ""


def localised(url: str, language: str) -> str:
    """A stored notice path (default language) in ``language``."""
    if not url:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(url, language)


def _reachable(users: Iterable[User | None]) -> dict[int, User]:
    """Active, not deleted people, once each."""
    return {
        user.pk: user
        for user in users
        if user is not None and user.is_active and user.deleted_at is None
    }


def notices_send(
    *,
    recipients: Iterable[User | None],
    kind: str,
    subject: models.Model,
    params: dict[str, Any],
    url: str,
    key: str,
) -> list[Notice]:
    """One notice of ``kind`` about ``subject`` to each recipient, unless they already have
    one with ``key`` (the transition: a repeated call, a double click, adds nothing); each
    new one is emailed by the tasks worker once the caller's transaction commits.

    ``url`` is a site path in the active language. Returns the notices created now."""
    people = _reachable(recipients)
    if not people:
        return []
    already = set(
        Notice.objects.filter(key=key, recipient_id__in=people).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [pk for pk in people if pk not in already]
    if not fresh:
        return []
    path = site_path(url)
    subject_type = subject._meta.label_lower
    Notice.objects.bulk_create(
        [
            Notice(
                recipient_id=pk,
                kind=kind,
                subject_type=subject_type,
                subject_id=subject.pk,
                params=params,
                url=path,
                key=key,
            )
            for pk in fresh
        ],
        # A concurrent request that sent the same transition first wins; this one adds none.
        ignore_conflicts=True,
    )
    created = list(Notice.objects.filter(key=key, recipient_id__in=fresh, emailed_at__isnull=True))
    ids = [notice.pk for notice in created]
    transaction.on_commit(lambda: _enqueue_emails(ids))
    return created


def _enqueue_emails(ids: list[int]) -> None:
    from .tasks import send_notice_email

    for pk in ids:
        send_notice_email.enqueue(pk)


def notice_mark_read(*, user: User, notice_id: int) -> bool:
    """Mark one of ``user``'s notices read; False when ``user`` has no notice with that id
    (someone else's included)."""
    mine = Notice.objects.filter(pk=notice_id, recipient=user)
    if not mine.exists():
        return False
    mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    return True


def notices_mark_all_read(*, user: User) -> int:
    """Mark every unread notice of ``user`` read; the number marked."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notice_email_send(*, notice_id: int) -> bool:
    """Email a notice to its recipient in the recipient's language, at most once: the
    notice is claimed with ``UPDATE … SET emailed_at WHERE emailed_at IS NULL`` before the
    mail goes, so a second run (a retried task, a second worker) sends nothing. A failed
    send gives the claim back, so a retry can send it. True when this call sent it."""
    now = timezone.now()
    claimed = Notice.objects.filter(pk=notice_id, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return False
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    recipient = notice.recipient
    if not recipient.is_active or recipient.deleted_at is not None or not recipient.email:
        return False
    try:
        subject, body = _email(notice, site_language(recipient.language))
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except Exception:
        Notice.objects.filter(pk=notice_id, emailed_at=now).update(emailed_at=None)
        raise
    return True


def _email(notice: Notice, language: str) -> tuple[str, str]:
    base = settings.PLANTRACK_SITE_URL
    with translation.override(language):
        text = write(notice.kind, notice.params)
        context = {
            "recipient": notice.recipient,
            "text": text,
            "url": f"{base}{localised(notice.url, language)}" if notice.url else "",
            "notices_url": f"{base}{reverse('notices:list')}",
            "profile_url": f"{base}{reverse('accounts:profile')}",
        }
        subject = render_to_string("notices/email/notice_subject.txt", context)
        body = render_to_string("notices/email/notice.txt", context)
    # A subject is one line, whatever the parameters held.
    return " ".join(subject.split()), body
