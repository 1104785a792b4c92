"""Who is told when a meeting is cancelled or moved, and what they read (issue 13, item 6).

Every active registrant but the person who made the change, once per change: the key names
the meeting and its version (a move) or the cancellation, so a repeated call adds nothing.
The text is written in the page's language on the site and in the person's language by
email (``plantrack.notices``)."""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from plantrack.notices.kinds import Text, bilingual, notice_kind
from plantrack.notices.services import notices_send

from .models import Meeting


def _recipients(meeting: Meeting, by: Any) -> list[Any]:
    people = [
        r.user
        for r in meeting.registrations.filter(cancelled_at__isnull=True).select_related("user")
    ]
    return [p for p in people if p.pk != getattr(by, "pk", None)]


def _params(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting_mn": meeting.title_mn,
        "meeting_en": meeting.title_en,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place_text(),
        "reason": meeting.cancel_reason,
    }


def meeting_cancelled_notify(*, meeting: Meeting, by: Any) -> None:
    notices_send(
        recipients=_recipients(meeting, by),
        kind="meetings.cancelled",
        subject=meeting,
        params=_params(meeting),
        url=meeting.get_absolute_url(),
        key=f"meetings.cancelled:{meeting.pk}",
    )


def meeting_moved_notify(*, meeting: Meeting, by: Any) -> None:
    notices_send(
        recipients=_recipients(meeting, by),
        kind="meetings.moved",
        subject=meeting,
        params=_params(meeting),
        url=meeting.get_absolute_url(),
        key=f"meetings.moved:{meeting.pk}:{meeting.version}",
    )


def _when(params: dict[str, Any]) -> str:
    import datetime as dt

    value = dt.datetime.fromisoformat(params["starts_at"])
    return str(formats.date_format(timezone.localtime(value), "DATETIME_FORMAT"))


@notice_kind("meetings.cancelled")
def _cancelled(params: dict[str, Any]) -> Text:
    words = {"meeting": bilingual(params, "meeting"), "reason": params.get("reason", "")}
    return Text(
        title=_("A meeting you registered for is cancelled: %(meeting)s") % words,
        body=_("The meeting “%(meeting)s” is cancelled. The organiser's reason: %(reason)s")
        % words,
    )


@notice_kind("meetings.moved")
def _moved(params: dict[str, Any]) -> Text:
    words = {
        "meeting": bilingual(params, "meeting"),
        "when": _when(params),
        "place": params.get("place", ""),
    }
    return Text(
        title=_("A meeting you registered for has changed: %(meeting)s") % words,
        body=_("The meeting “%(meeting)s” now takes place on %(when)s at: %(place)s.") % words,
    )
