"""Meeting pages and the participation calendar. Short views: load (with the access
helpers), call a service, render."""

from __future__ import annotations

import calendar as monthcal
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.rules import allowed_if, has, public
from plantrack.organisations.models import Organisation, Region
from plantrack.participation.models import Paragraph
from plantrack.participation.permissions import visible_consultations
from plantrack.plans.permissions import visible_plans

from . import ics, selectors, services
from .forms import (
    CalendarFilterForm,
    CancelForm,
    LinksForm,
    MeetingForm,
    MeetingInputForm,
    MinutesForm,
    RegistrationForm,
)
from .models import Meeting
from .permissions import can_manage_meeting, get_meeting_for_user, organiser_organisations

NAV = {"nav": "calendar"}
MONTHS_SHOWN = 3


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _manage(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_meeting_for_user(request.user, pk)
    if not can_manage_meeting(request.user, meeting):
        raise PermissionDenied(_("Only the meeting's organiser may do this."))
    return meeting


# Lists and the meeting's page ------------------------------------------------------


@public
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "upcoming": selectors.meeting_list(user=request.user, upcoming=True, now=now),
            "past": selectors.meeting_list(user=request.user, upcoming=False, now=now),
            "may_create": has(request.user, "meetings.create"),
            **NAV,
        },
    )


@public
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    view = selectors.meeting_page(meeting=meeting, user=request.user)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "view": view,
            "may_manage": can_manage_meeting(request.user, meeting),
            "started": meeting.starts_at <= timezone.now(),
            **NAV,
        },
    )


# Organisers ------------------------------------------------------------------------


def _links_form(request: HttpRequest) -> LinksForm:
    user = request.user
    ids = organiser_organisations(user)
    return LinksForm(
        request.POST if request.method == "POST" else None,
        organisations=Organisation.objects.filter(pk__in=ids).order_by("name_en"),
        consultations=visible_consultations(user).order_by("-opens_at"),
        plans=visible_plans(user).order_by("short_name"),
        initial={"consultation": request.GET.get("consultation") or None},
    )


@allowed_if("meetings.create")
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST if request.method == "POST" else None)
    links = _links_form(request)
    if request.method == "POST" and form.is_valid() and links.is_valid():
        token = form.cleaned_data.get(once.FIELD) or ""
        if not once.claim(token):
            messages.info(request, _("This form was already sent; the meeting is scheduled once."))
            return redirect(once.recall(token) or reverse("meetings:list"))
        try:
            with receipt(request):
                made = services.meeting_create(
                    by=request.user,
                    organisation=links.cleaned_data["organisation"],
                    consultation=links.cleaned_data["consultation"],
                    plan=links.cleaned_data["plan"],
                    **form.values(),
                )
        except ValidationError as exc:
            once.release(token)
            _add_errors(form, exc)
            for name in ("organisation", "consultation", "plan"):
                if hasattr(exc, "error_dict") and name in exc.error_dict:
                    links.add_error(name, exc.error_dict[name])
        except PermissionDenied as exc:
            once.release(token)
            form.add_error(None, str(exc))
        else:
            once.remember(token, made.get_absolute_url())
            messages.success(request, _("The meeting is scheduled."))
            return redirect(made)
    return render(request, "meetings/meeting_form.html", {"form": form, "links": links, **NAV})


@allowed_if("meetings.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manage(request, pk)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        instance=Meeting.objects.get(pk=meeting.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.meeting_update(
                    meeting=meeting,
                    by=request.user,
                    version=int(request.POST.get("version") or meeting.version),
                    **form.values(),
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The meeting is saved."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, **NAV})


@allowed_if("meetings.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manage(request, pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.meeting_cancel(
                    meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The meeting is cancelled; its registrants are told."))
            return redirect(meeting)
    return render(
        request, "meetings/meeting_cancel.html", {"form": form, "meeting": meeting, **NAV}
    )


@allowed_if("meetings.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manage(request, pk)
    form = MinutesForm(
        request.POST if request.method == "POST" else None,
        initial={"minutes_mn": meeting.minutes_mn, "minutes_en": meeting.minutes_en},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.meeting_minutes_publish(
                    meeting=meeting, by=request.user, **form.cleaned_data
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The minutes are published."))
            return redirect(meeting)
    return render(
        request, "meetings/meeting_minutes.html", {"form": form, "meeting": meeting, **NAV}
    )


@allowed_if("meetings.manage", per_object=True)
@require_http_methods(["GET", "POST"])
def meeting_input_new(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manage(request, pk)
    paragraphs = Paragraph.objects.filter(consultation=meeting.consultation).order_by(
        "section__position", "position", "pk"
    )
    form = MeetingInputForm(
        request.POST if request.method == "POST" else None, paragraphs=paragraphs
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        token = values.pop(once.FIELD, "") or ""
        if not once.claim(token):  # a repeat of a form being recorded or recorded already
            return redirect(reverse("meetings:input_new", args=[meeting.pk]))
        try:
            with receipt(request):
                services.meeting_input_record(
                    meeting=meeting, by=request.user, token=token, **values
                )
        except ValidationError as exc:
            once.release(token)
            _add_errors(form, exc)
        except PermissionDenied as exc:
            once.release(token)
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The input is recorded in the consultation; it will be answered.")
            )
            return redirect(reverse("meetings:input_new", args=[meeting.pk]))
    view = selectors.meeting_page(meeting=meeting, user=request.user)
    return render(
        request,
        "meetings/meeting_input_form.html",
        {"form": form, "meeting": meeting, "view": view, **NAV},
    )


# GET and POST alike: a refusal must come before any method check (tests/test_routes.py).
@allowed_if("meetings.manage", per_object=True)
def meeting_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manage(request, pk)
    return render(
        request,
        "meetings/registrations.html",
        {"meeting": meeting, "view": selectors.registration_list(meeting=meeting), **NAV},
    )


# Registrants -----------------------------------------------------------------------


@allowed_if("meetings.register")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                services.registration_create(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("You are registered."))
            return redirect(meeting)
    view = selectors.meeting_page(meeting=meeting, user=request.user)
    return render(
        request,
        "meetings/register.html",
        {"form": form, "meeting": meeting, "view": view, **NAV},
    )


@allowed_if("meetings.register")
@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    mine = meeting.registrations.filter(user=request.user).first()  # type: ignore[misc]
    if mine is None:
        messages.error(request, _("You are not registered for this meeting."))
        return redirect(meeting)
    try:
        with receipt(request):
            services.registration_cancel(registration=mine, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect(meeting)


@allowed_if("meetings.own_registrations")
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/my_registrations.html",
        {"registrations": selectors.my_registrations(user=request.user), **NAV},
    )


# The calendar ----------------------------------------------------------------------


def _month(value: Any, today: dt.date) -> dt.date:
    return value.replace(day=1) if isinstance(value, dt.date) else today.replace(day=1)


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _filters(request: HttpRequest) -> tuple[CalendarFilterForm, selectors.Filters, Any]:
    form = CalendarFilterForm(
        request.GET or None,
        kinds=dict(selectors.KINDS),
        regions=Region.objects.order_by("name_en"),
        plans=visible_plans(request.user).order_by("short_name"),
    )
    if not form.is_valid():
        return form, selectors.Filters(), None
    data = form.cleaned_data
    region, plan = data.get("aimag"), data.get("plan")
    return (
        form,
        selectors.Filters(
            kind=data.get("kind") or "",
            region_id=region.pk if region else None,
            plan_id=plan.pk if plan else None,
        ),
        data.get("month"),
    )


def _window(first: dt.date, months: int) -> selectors.Window:
    tz = timezone.get_current_timezone()
    last = _add_months(first, months)
    return selectors.Window(
        start=dt.datetime.combine(first, dt.time(), tzinfo=tz),
        end=dt.datetime.combine(last, dt.time(), tzinfo=tz),
    )


@public
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    form, filters, month = _filters(request)
    first = _month(month, timezone.localdate())
    months = [_add_months(first, n) for n in range(MONTHS_SHOWN)]
    entries = selectors.calendar_entries(request.user, _window(first, MONTHS_SHOWN), filters)
    query = request.GET.copy()
    query.pop("month", None)
    base = query.urlencode()
    return render(
        request,
        "meetings/calendar.html",
        {
            "form": form,
            "months": selectors.by_month(entries, months),
            "previous": _add_months(first, -MONTHS_SHOWN),
            "next": _add_months(first, MONTHS_SHOWN),
            "base_query": base,
            "feed_query": base,
            "month_names": monthcal.month_name,
            **NAV,
        },
    )


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public
@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """The calendar as iCalendar: from a month ago to a year ahead, with the page's filters."""
    filters = _filters(request)[1]
    now = timezone.now()
    window = selectors.Window(start=now - dt.timedelta(days=31), end=now + dt.timedelta(days=366))
    entries = selectors.calendar_entries(request.user, window, filters)
    text = ics.calendar_ics(
        entries,
        name=_("Plantrack participation calendar"),
        absolute=request.build_absolute_uri,
        now=now,
    )
    return _ics_response(text, "plantrack-calendar.ics")


@public
@require_GET
def meeting_feed(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    text = ics.calendar_ics(
        [selectors.meeting_entry(meeting)],
        name=meeting.title,
        absolute=request.build_absolute_uri,
        now=timezone.now(),
    )
    return _ics_response(text, f"meeting-{meeting.pk}.ics")
