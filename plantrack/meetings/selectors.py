"""Reads for the meeting pages and the participation calendar, each in a fixed number of
queries.

The calendar gathers entries from sources: ``SOURCES`` is a list of functions
``(user, window, filters) -> list[Entry]``, one query each; another app (surveys) adds its
own by appending one function (``calendar_source``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plantrack.participation.models import Consultation
from plantrack.participation.permissions import visible_consultations

from .models import Meeting, MeetingInput, Need, Registration
from .permissions import visible_meetings

KINDS = {
    "consultation": gettext_lazy("Consultations"),
    "survey": gettext_lazy("Surveys"),
    "meeting": gettext_lazy("Meetings"),
}


@dataclass(frozen=True)
class Filters:
    kind: str = ""  # "" = every kind
    region_id: int | None = None
    plan_id: int | None = None


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime


@dataclass
class Entry:
    """One dated thing on the calendar."""

    kind: str
    uid: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    url: str
    what: str = ""  # "opens", "closes", the meeting's format
    place: str = ""
    description: str = ""
    cancelled: bool = False
    updated_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Source = Callable[[Any, Window, Filters], list[Entry]]
SOURCES: list[tuple[str, Source]] = []


def calendar_source(kind: str, label: Any) -> Callable[[Source], Source]:
    """Register a source of calendar entries of ``kind`` (one query per call)."""

    def add(source: Source) -> Source:
        KINDS.setdefault(kind, label)
        SOURCES.append((kind, source))
        return source

    return add


@calendar_source("consultation", KINDS["consultation"])
def consultation_entries(user: Any, window: Window, filters: Filters) -> list[Entry]:
    if filters.region_id is not None:  # consultations have no place
        return []
    found = visible_consultations(user).filter(
        Q(opens_at__gte=window.start, opens_at__lt=window.end)
        | Q(closes_at__gte=window.start, closes_at__lt=window.end)
    )
    if filters.plan_id is not None:
        found = found.filter(plan_id=filters.plan_id)
    entries = []
    for c in found.only(
        "pk",
        "slug",
        "title_mn",
        "title_en",
        "summary_mn",
        "summary_en",
        "opens_at",
        "closes_at",
        "created_at",
    ):
        url = reverse("participation:consultation", args=[c.slug])
        for what, moment in (("opens", c.opens_at), ("closes", c.closes_at)):
            if window.start <= moment < window.end:
                title = (
                    _("Consultation opens: %(title)s")
                    if what == "opens"
                    else _("Consultation closes: %(title)s")
                ) % {"title": c.title}
                entries.append(
                    Entry(
                        kind="consultation",
                        uid=f"consultation-{c.pk}-{what}",
                        title=title,
                        starts_at=moment,
                        ends_at=None,
                        url=url,
                        what=what,
                        description=c.summary,
                        updated_at=c.created_at,
                    )
                )
    return entries


@calendar_source("survey", KINDS["survey"])
def survey_entries(user: Any, window: Window, filters: Filters) -> list[Entry]:
    """Surveys open to answers: the day they open and the day they close, when they say."""
    from plantrack.surveys.models import Survey
    from plantrack.surveys.permissions import visible_surveys

    if filters.region_id is not None:  # surveys have no place
        return []
    found = visible_surveys(user).filter(state__in=(Survey.State.OPEN, Survey.State.CLOSED))
    found = found.filter(
        Q(opens_at__gte=window.start, opens_at__lt=window.end)
        | Q(closes_at__gte=window.start, closes_at__lt=window.end)
    )
    if filters.plan_id is not None:
        found = found.filter(plan_id=filters.plan_id)
    entries = []
    for survey in found.only(
        "pk",
        "slug",
        "title_mn",
        "title_en",
        "intro_mn",
        "intro_en",
        "opens_at",
        "closes_at",
        "updated_at",
    ):
        url = reverse("surveys:detail", args=[survey.slug])
        for what, moment in (("opens", survey.opens_at), ("closes", survey.closes_at)):
            if moment is not None and window.start <= moment < window.end:
                title = (
                    _("Survey opens: %(title)s")
                    if what == "opens"
                    else _("Survey closes: %(title)s")
                ) % {"title": survey.title}
                entries.append(
                    Entry(
                        kind="survey",
                        uid=f"survey-{survey.pk}-{what}",
                        title=title,
                        starts_at=moment,
                        ends_at=None,
                        url=url,
                        what=what,
                        description=survey.intro,
                        updated_at=survey.updated_at,
                    )
                )
    return entries


@calendar_source("meeting", KINDS["meeting"])
def meeting_entries(user: Any, window: Window, filters: Filters) -> list[Entry]:
    found = (
        visible_meetings(user)
        .filter(starts_at__gte=window.start, starts_at__lt=window.end)
        .select_related("region", "soum")
    )
    if filters.region_id is not None:
        found = found.filter(region_id=filters.region_id)
    if filters.plan_id is not None:
        found = found.filter(Q(plan_id=filters.plan_id) | Q(consultation__plan_id=filters.plan_id))
    return [meeting_entry(m) for m in found]


def meeting_entry(m: Meeting) -> Entry:
    description = m.agenda
    if m.online and m.online_link:
        description = f"{description}\n{m.online_link}".strip()
    if m.is_cancelled:
        description = f"{_('Cancelled')}: {m.cancel_reason}\n{description}".strip()
    return Entry(
        kind="meeting",
        uid=f"meeting-{m.pk}",
        title=m.title,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        url=m.get_absolute_url(),
        what=m.get_format_display(),
        place=m.place_text(),
        description=description,
        cancelled=m.is_cancelled,
        updated_at=m.created_at,
        extra={"sequence": m.version - 1},
    )


def calendar_entries(user: Any, window: Window, filters: Filters) -> list[Entry]:
    """Every source's entries in the window, in time order; one query per source (plus the
    draft-plan visibility check)."""
    entries: list[Entry] = []
    for kind, source in SOURCES:
        if filters.kind and filters.kind != kind:
            continue
        entries.extend(source(user, window, filters))
    entries.sort(key=lambda e: (e.starts_at, e.kind, e.uid))
    return entries


def by_month(entries: list[Entry], months: list[dt.date]) -> list[tuple[dt.date, list[Entry]]]:
    from django.utils import timezone

    grouped: dict[tuple[int, int], list[Entry]] = {(m.year, m.month): [] for m in months}
    for entry in entries:
        local = timezone.localtime(entry.starts_at)
        grouped.setdefault((local.year, local.month), []).append(entry)
    return [(m, grouped[(m.year, m.month)]) for m in months]


# Meeting pages ---------------------------------------------------------------------


@dataclass
class MeetingPage:
    meeting: Meeting
    taken: int
    mine: Registration | None
    inputs: list[MeetingInput]

    @property
    def full(self) -> bool:
        return self.meeting.capacity is not None and self.taken >= self.meeting.capacity

    @property
    def places_left(self) -> int | None:
        if self.meeting.capacity is None:
            return None
        return max(0, self.meeting.capacity - self.taken)


def meeting_page(*, meeting: Meeting, user: Any) -> MeetingPage:
    taken = meeting.registrations.filter(cancelled_at__isnull=True).count()
    mine = None
    if getattr(user, "is_authenticated", False):
        mine = Registration.objects.filter(meeting=meeting, user=user).first()
    inputs = list(
        MeetingInput.objects.filter(meeting=meeting)
        .select_related("input__consultation", "input__response")
        .order_by("created_at", "pk")
    )
    return MeetingPage(meeting=meeting, taken=taken, mine=mine, inputs=inputs)


@dataclass
class RegistrationList:
    registrations: list[Registration]
    need_counts: list[tuple[str, int]]
    others: list[str]

    @property
    def active(self) -> list[Registration]:
        return [r for r in self.registrations if r.cancelled_at is None]


def registration_list(*, meeting: Meeting) -> RegistrationList:
    """The organiser's list: every registration with its needs, and how many people need
    each (active registrations only). One query."""
    rows = list(meeting.registrations.select_related("user").order_by("created_at", "pk"))
    counts: Counter[str] = Counter()
    others = []
    for r in rows:
        if r.cancelled_at is None:
            counts.update(r.needs)
            if Need.OTHER in r.needs and r.needs_other:
                others.append(r.needs_other)
    need_counts = [(str(label), counts.get(value, 0)) for value, label in Need.choices]
    return RegistrationList(registrations=rows, need_counts=need_counts, others=others)


def my_registrations(*, user: Any) -> list[Registration]:
    return list(
        Registration.objects.filter(user=user)
        .select_related("meeting__region", "meeting__soum")
        .order_by("-meeting__starts_at")
    )


def meeting_list(*, user: Any, upcoming: bool, now: dt.datetime) -> list[Meeting]:
    found = visible_meetings(user).select_related("region", "soum", "organisation")
    if upcoming:
        return list(found.filter(ends_at__gte=now).order_by("starts_at", "pk")[:200])
    return list(found.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:200])


def consultation_choices(user: Any) -> list[Consultation]:
    return list(visible_consultations(user).order_by("-opens_at")[:200])
