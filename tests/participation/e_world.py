"""Rows for h-e's tests (moderation, statistics, report, follows), written directly: these
tests are about reads and moderation, not about the input services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.participation.models import Consultation, Input, Paragraph, Response, Section

UTC = dt.UTC


def at(day: str, hour: int = 12) -> dt.datetime:
    """A moment on ``day`` (ISO date) at ``hour`` in the site's time zone."""
    date = dt.date.fromisoformat(day)
    return timezone.make_aware(dt.datetime(date.year, date.month, date.day, hour))


def consultation(
    slug: str = "c1",
    *,
    plan: Any = None,
    opens: str = "2026-01-01",
    closes: str = "2026-02-01",
    due: str = "2026-03-01",
    by: User | None = None,
    **extra: Any,
) -> Consultation:
    made = Consultation.objects.create(
        slug=slug,
        plan=plan,
        title_en=f"Consultation {slug}",
        title_mn=f"Зөвлөлдөх {slug}",
        summary_en="What we ask",
        opens_at=at(opens, 0),
        closes_at=at(closes, 0),
        answers_due=dt.date.fromisoformat(due),
        created_by=by,
        **extra,
    )
    section = Section.objects.create(
        consultation=made, position=1, anchor="s1", title_en="Part one"
    )
    Paragraph.objects.create(
        section=section, consultation=made, position=1, anchor="p1", text_en="First paragraph."
    )
    return made


def user(name: str) -> User:
    return User.objects.create_user(f"{name}@example.org", "pw-x-12345", display_name=name.title())


def add_input(
    consultation: Consultation,
    author: User | None,
    *,
    created: str = "2026-01-10",
    kind: str = Input.Kind.COMMENT,
    body: str = "An input.",
    **extra: Any,
) -> Input:
    made = Input.objects.create(
        consultation=consultation, author=author, kind=kind, body=body, **extra
    )
    Input.objects.filter(pk=made.pk).update(created_at=at(created))
    made.refresh_from_db()
    return made


def answer(
    inputs: list[Input],
    status: str,
    *,
    published: str | None = "2026-02-10",
    body_name: str = "Ministry",
    **extra: Any,
) -> Response:
    first = inputs[0]
    response = Response.objects.create(
        consultation=first.consultation,
        status=status,
        explanation_en=f"Because {status}.",
        responding_body_name=body_name,
        responded_on=dt.date.fromisoformat(published or "2026-02-10"),
        published_at=at(published) if published else None,
        **extra,
    )
    Input.objects.filter(pk__in=[i.pk for i in inputs]).update(response=response)
    return response
