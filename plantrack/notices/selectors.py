"""Notice reads: a person's own notices only, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.translation import get_language

from .kinds import Text, write
from .models import Notice
from .services import localised

PER_PAGE = 25


@dataclass
class ShownNotice:
    notice: Notice
    text: Text
    link: str


def unread_count(*, user: Any) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notice_page(*, user: Any, page: int) -> tuple[Page[Any], list[ShownNotice]]:
    """Page ``page`` of ``user``'s notices, newest first, each written in the active
    language with its link in that language (two queries: the count and the page)."""
    paginator = Paginator(
        Notice.objects.filter(recipient=user).order_by("-created_at", "-pk"), PER_PAGE
    )
    current = paginator.get_page(page)
    language = get_language() or "mn"
    shown = [
        ShownNotice(
            notice=notice,
            text=write(notice.kind, notice.params),
            link=localised(notice.url, language),
        )
        for notice in current.object_list
    ]
    return current, shown
