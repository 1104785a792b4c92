"""Every write of meetings: create, change, cancel, minutes, registrations and the inputs
raised at a meeting. Keyword-only, atomic, one history event each
(``plantrack.history.services.record``); the rules live here so every door meets them.

Decisions (issue 13, item 6):
- Organisers: plan managers and site administrators for themselves (a plan they link must be
  one they manage, unless they act for an organisation), or a member acting for a verified
  organisation (``organisation``). A soum must be in the chosen aimag.
- Capacity is taken under a lock on the meeting row (``select_for_update``; SQLite's
  ``BEGIN IMMEDIATE`` serialises writers), so two people cannot take the last place.
- A registration is one row per person and meeting; cancelling keeps the row and frees the
  place; registering again re-opens it.
- A change of time or place of a scheduled meeting, and a cancellation, notify the active
  registrants once per change (``notify.py``).
- Inputs raised at a meeting enter the linked consultation through
  ``participation.services.input_create`` (the organiser as recorder, the consultation's
  rules — open, rate limits — apply), marked with ``meeting_label``; a ``MeetingInput`` keeps
  the attribution, a person's name only with their consent. That call writes the input's own
  event and this one the meeting's record of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plantrack.accounts.permissions import PLAN_MANAGERS, in_group, is_site_admin
from plantrack.history.services import record
from plantrack.lib.ratelimit import RateLimited
from plantrack.lib.rules import signed_in
from plantrack.organisations.models import Organisation, Region, Soum
from plantrack.organisations.services import place_check
from plantrack.participation import services as participation_services
from plantrack.participation.models import Consultation, Input, Paragraph
from plantrack.participation.permissions import can_view_consultation
from plantrack.plans.models import Plan
from plantrack.plans.permissions import can_manage_plan, can_view_plan

from . import notify
from .models import Meeting, MeetingInput, Need, Registration
from .permissions import can_manage_meeting, can_view_meeting, organiser_organisations

MEETING_FIELDS = (
    "title_mn",
    "title_en",
    "agenda_mn",
    "agenda_en",
    "format",
    "place",
    "region",
    "soum",
    "online_link",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_open",
)
# A change to one of these tells the registrants.
MOVED_FIELDS = ("starts_at", "ends_at", "format", "place", "region", "soum", "online_link")


def _plan_id(meeting: Meeting) -> int | None:
    if meeting.plan_id is not None:
        return meeting.plan_id
    return meeting.consultation.plan_id if meeting.consultation is not None else None


def _event(obj: Any, action: str, *, meeting: Meeting, by: Any, **extra: Any) -> None:
    record(obj, action, by=by, plan_id=_plan_id(meeting), **extra)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _require_manage(meeting: Meeting, by: Any) -> None:
    if not can_manage_meeting(by, meeting):
        raise PermissionDenied(_("Only the meeting's organiser may do this."))


def _check(values: dict[str, Any]) -> None:
    """The meeting's own fields: a title, times in order, a place for a meeting in person, a
    link for one online, a soum inside its aimag, a capacity of at least one."""
    errors: dict[str, list[str]] = {}
    if not (values.get("title_mn") or "").strip() and not (values.get("title_en") or "").strip():
        errors["title_mn"] = [_("Give a title in Mongolian or English.")]
    fmt = values.get("format") or Meeting.Format.IN_PERSON
    if fmt not in Meeting.Format.values:
        errors["format"] = [_("Choose in person, online or both.")]
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is None:
        errors["starts_at"] = [_("Give the date and time the meeting starts.")]
    if ends is None:
        errors["ends_at"] = [_("Give the date and time the meeting ends.")]
    elif starts is not None and ends <= starts:
        errors["ends_at"] = [_("The meeting must end after it starts.")]
    in_person = fmt in (Meeting.Format.IN_PERSON, Meeting.Format.BOTH)
    online = fmt in (Meeting.Format.ONLINE, Meeting.Format.BOTH)
    region: Region | None = values.get("region")
    soum: Soum | None = values.get("soum")
    if in_person and not (values.get("place") or "").strip() and region is None:
        errors["place"] = [_("Say where the meeting takes place, or choose its aimag.")]
    if online and not (values.get("online_link") or "").strip():
        errors["online_link"] = [_("Give the link people join the meeting online with.")]
    if soum is not None:
        if region is None or soum.aimag_id != region.pk:
            errors["soum"] = [
                _("The soum %(soum)s is not in the chosen aimag; choose a soum of that aimag.")
                % {"soum": soum.name}
            ]
        else:
            try:
                place_check(region=region, soum=soum.name)
            except ValidationError as exc:
                errors.setdefault("soum", []).extend(exc.message_dict.get("soum", []))
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        errors["capacity"] = [_("The number of places must be at least one, or left empty.")]
    if errors:
        raise ValidationError(errors)


def _check_organiser(
    *,
    by: Any,
    organisation: Organisation | None,
    plan: Plan | None,
    consultation: Consultation | None,
) -> None:
    if not signed_in(by):
        raise PermissionDenied(_("Sign in to organise a meeting."))
    if organisation is not None:
        if organisation.pk not in organiser_organisations(by):
            raise ValidationError(
                {
                    "organisation": [
                        _(
                            "You may organise a meeting for a civil-society organisation only "
                            "as an active member of it, once it is verified."
                        )
                    ]
                }
            )
    elif not in_group(by, PLAN_MANAGERS):
        raise PermissionDenied(
            _("Plan managers organise meetings; others do so for their verified organisation.")
        )
    if plan is not None:
        if not can_view_plan(by, plan):
            raise ValidationError({"plan": [_("No such plan.")]})
        if organisation is None and not is_site_admin(by) and not can_manage_plan(by, plan):
            raise ValidationError(
                {"plan": [_("Link a plan you manage, or organise for your organisation.")]}
            )
    if consultation is not None:
        if not can_view_consultation(by, consultation):
            raise ValidationError({"consultation": [_("No such consultation.")]})
        if plan is not None and consultation.plan_id not in (None, plan.pk):
            raise ValidationError(
                {"consultation": [_("This consultation is on another plan than the one chosen.")]}
            )


@transaction.atomic
def meeting_create(
    *,
    by: Any,
    organisation: Organisation | None = None,
    consultation: Consultation | None = None,
    plan: Plan | None = None,
    **fields: Any,
) -> Meeting:
    """Schedule a meeting; ``fields`` are among ``MEETING_FIELDS``."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    _check_organiser(by=by, organisation=organisation, plan=plan, consultation=consultation)
    _check(fields)
    meeting = Meeting(
        organisation=organisation, consultation=consultation, plan=plan, created_by=by, **fields
    )
    meeting.save()
    _event(
        meeting,
        "created",
        meeting=meeting,
        by=by,
        organisation=organisation,
        changes={name: [None, _plain(getattr(meeting, name))] for name in MEETING_FIELDS},
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: Any, version: int, **fields: Any) -> Meeting:
    """Change a scheduled meeting; a stale ``version`` is refused. Moving it in time or place
    tells its registrants."""
    _require_manage(meeting, by)
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.state != Meeting.State.SCHEDULED:
        raise ValidationError(_("A cancelled or held meeting cannot be changed."))
    if current.version != version:
        raise ValidationError(
            _("Someone changed this meeting after you opened it. Reload the page and try again.")
        )
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    values = {name: getattr(current, name) for name in MEETING_FIELDS} | fields
    _check(values)
    changes = {
        name: [_plain(getattr(current, name)), _plain(value)]
        for name, value in fields.items()
        if getattr(current, name) != value
    }
    if not changes:
        return current
    for name, value in fields.items():
        setattr(current, name, value)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    _event(current, "changed", meeting=current, by=by, changes=changes)
    if any(name in changes for name in MOVED_FIELDS):
        notify.meeting_moved_notify(meeting=current, by=by)
    return current


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: Any, reason: str) -> Meeting:
    """Cancel a scheduled meeting with a published reason; the registrants are told."""
    _require_manage(meeting, by)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the meeting is cancelled.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("The reason is longer than 500 characters.")]})
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.state != Meeting.State.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    current.state = Meeting.State.CANCELLED
    current.cancel_reason = reason
    current.version += 1
    current.save(update_fields=["state", "cancel_reason", "version"])
    _event(
        current,
        "cancelled",
        meeting=current,
        by=by,
        reason=reason,
        changes={"state": [Meeting.State.SCHEDULED, Meeting.State.CANCELLED]},
    )
    notify.meeting_cancelled_notify(meeting=current, by=by)
    return current


def _require_started(meeting: Meeting) -> None:
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("This can be done once the meeting has taken place."))


@transaction.atomic
def meeting_minutes_publish(
    *, meeting: Meeting, by: Any, minutes_mn: str = "", minutes_en: str = ""
) -> Meeting:
    """Publish (or correct) the minutes once the meeting has taken place; it is then held."""
    _require_manage(meeting, by)
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_started(current)
    minutes_mn, minutes_en = (minutes_mn or "").strip(), (minutes_en or "").strip()
    if not minutes_mn and not minutes_en:
        raise ValidationError({"minutes_mn": [_("Write the minutes in Mongolian or English.")]})
    before = {"minutes_mn": current.minutes_mn, "minutes_en": current.minutes_en}
    current.minutes_mn, current.minutes_en = minutes_mn, minutes_en
    current.state = Meeting.State.HELD
    current.minutes_published_at = current.minutes_published_at or timezone.now()
    current.version += 1
    current.save(
        update_fields=["minutes_mn", "minutes_en", "state", "minutes_published_at", "version"]
    )
    _event(
        current,
        "minutes_published",
        meeting=current,
        by=by,
        changes={
            "minutes_mn": [before["minutes_mn"] or None, minutes_mn],
            "minutes_en": [before["minutes_en"] or None, minutes_en],
        },
    )
    return current


# Registrations -----------------------------------------------------------------------


def _clean_needs(needs: Iterable[str], other: str) -> tuple[list[str], str]:
    chosen = [n for n in Need.values if n in set(needs or [])]
    unknown = set(needs or []) - set(Need.values)
    if unknown:
        raise ValidationError({"needs": [_("Choose needs from the list.")]})
    other = " ".join((other or "").split())
    if other and Need.OTHER not in chosen:
        chosen.append(Need.OTHER)
    if Need.OTHER in chosen and not other:
        raise ValidationError({"needs_other": [_("Say what other need you have.")]})
    if len(other) > 300:
        raise ValidationError({"needs_other": [_("Say it in at most 300 characters.")]})
    return chosen, other


def _taken(meeting: Meeting) -> int:
    return meeting.registrations.filter(cancelled_at__isnull=True).count()


@transaction.atomic
def registration_create(
    *,
    meeting: Meeting,
    by: Any,
    needs: Iterable[str] = (),
    needs_other: str = "",
    note: str = "",
) -> Registration:
    """Register ``by`` for a scheduled meeting with open registration and a free place."""
    if not signed_in(by) or getattr(by, "deleted_at", None) is not None:
        raise PermissionDenied(_("Sign in to register."))
    if not can_view_meeting(by, meeting):
        raise PermissionDenied(_("No such meeting."))
    from plantrack.participation.permissions import is_blocked

    if is_blocked(by):  # a moderator's block covers every way of taking part
        raise ValidationError(_("Your account is blocked from taking part."))
    chosen, other = _clean_needs(needs, needs_other)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": [_("The note is longer than 500 characters.")]})
    # The lock on the meeting makes counting and taking a place one step.
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.state == Meeting.State.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if current.state == Meeting.State.HELD or current.starts_at <= timezone.now():
        raise ValidationError(_("This meeting has already started; registration is over."))
    if not current.registration_open:
        raise ValidationError(_("Registration for this meeting is closed."))
    existing = Registration.objects.filter(meeting=current, user=by).first()
    if existing is not None and existing.cancelled_at is None:
        raise ValidationError(_("You are already registered for this meeting."))
    if current.capacity is not None and _taken(current) >= current.capacity:
        raise ValidationError(
            ngettext(
                "This meeting is full: its one place is taken.",
                "This meeting is full: all %(n)s places are taken.",
                current.capacity,
            )
            % {"n": current.capacity}
        )
    if existing is not None:
        existing.cancelled_at = None
        existing.needs, existing.needs_other, existing.note = chosen, other, note
        existing.save(update_fields=["cancelled_at", "needs", "needs_other", "note"])
        registration, action = existing, "registered_again"
    else:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    meeting=current, user=by, needs=chosen, needs_other=other, note=note
                )
        except IntegrityError as exc:
            raise ValidationError(_("You are already registered for this meeting.")) from exc
        action = "registered"
    # Who registered and their needs are personal: the event is not public.
    _event(registration, action, meeting=current, by=by, public=False)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by: Any) -> Registration:
    """The registrant (or the organiser) cancels a registration; the place is freed."""
    meeting = registration.meeting
    if getattr(by, "pk", None) != registration.user_id and not can_manage_meeting(by, meeting):
        raise PermissionDenied(_("Only the registrant or the organiser may cancel it."))
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.cancelled_at is not None:
        raise ValidationError(_("This registration is already cancelled."))
    current.cancelled_at = timezone.now()
    current.save(update_fields=["cancelled_at"])
    _event(current, "cancelled", meeting=meeting, by=by, public=False)
    return current


# Inputs raised at the meeting ------------------------------------------------------


def meeting_label(meeting: Meeting) -> str:
    title = meeting.title_mn or meeting.title_en
    return f"{title} ({timezone.localdate(meeting.starts_at).isoformat()})"[:300]


@transaction.atomic
def meeting_input_record(
    *,
    meeting: Meeting,
    by: Any,
    body: str,
    title: str = "",
    paragraph: Paragraph | None = None,
    attributed_to_name: str = "",
    consent: bool = False,
    token: str = "",
) -> MeetingInput:
    """Record an input raised at the meeting into its consultation, so that it is answered
    like any other; named after the person who raised it only with their consent. A repeat
    with the same form ``token`` (double click, resend) returns the first record."""
    _require_manage(meeting, by)
    _require_started(meeting)
    if meeting.consultation_id is None:
        raise ValidationError(
            _("This meeting is linked to no consultation; link one to record its inputs.")
        )
    name = " ".join((attributed_to_name or "").split())
    if name and not consent:
        raise ValidationError(
            {
                "consent": [
                    _(
                        "Name the person only if they agreed: tick their consent, or leave the "
                        "name empty (the input is then from the meeting)."
                    )
                ]
            }
        )
    if len(name) > 200:
        raise ValidationError({"attributed_to_name": [_("The name is too long.")]})
    # Read now: its dates and state decide whether the input still counts.
    consultation = Consultation.objects.get(pk=meeting.consultation_id)
    organisation = None
    if consultation.eligibility == Consultation.Eligibility.VERIFIED_ORGANISATIONS:
        organisation = meeting.organisation
    try:
        created = participation_services.input_create(
            consultation=consultation,
            by=by,
            kind=Input.Kind.COMMENT,
            title=title,
            body=body,
            paragraph=paragraph,
            organisation=organisation,
            token=token,
            raised_at=meeting.starts_at,
        )
    except RateLimited as exc:
        raise ValidationError(exc.message) from exc
    recorded = MeetingInput.objects.filter(input=created).first()
    if recorded is not None:
        return recorded
    created.meeting_label = meeting_label(meeting)
    created.save(update_fields=["meeting_label"])
    link = MeetingInput.objects.create(
        meeting=meeting,
        input=created,
        attributed_to_name=name if consent else "",
        consent=bool(consent and name),
        recorded_by=by,
    )
    _event(
        link,
        "input_recorded",
        meeting=meeting,
        by=by,
        changes={"input": [None, created.pk], "named": [None, bool(link.attributed_to_name)]},
    )
    return link
