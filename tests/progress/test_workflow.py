"""The reporting workflow, through the pages, as every role: draft → submitted → approved |
returned → (edit) → submitted; periods locked and opened again. Each cell asserts what
changed in the database (state, events), never only the answer's status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from plantrack.history.models import Event
from plantrack.plans.models import Item
from plantrack.progress.models import Measurement, ProgressUpdate, ReportingPeriod
from plantrack.progress.periods import period_lock
from plantrack.progress.services import (
    AlreadyReviewed,
    MeasurementInput,
    OwnUpdate,
    progress_update_review,
    progress_update_save,
    progress_update_validate,
)

from ._workflow import PLAN, draft, make_period, submitted

ROLES = [
    "visitor",
    "citizen",
    "other_reporter",
    "reporter",
    "other_manager",
    "manager",
    "author_manager",
    "site_admin",
]
REPORTERS_AND_MANAGERS = {"reporter", "manager", "author_manager", "site_admin"}
AUTHORS = {"reporter", "author_manager"}
REVIEWERS = {"manager", "site_admin"}
MANAGERS = {"manager", "author_manager", "site_admin"}


@pytest.fixture
def world(activity, period, erin, alice, dora, bob_of_dice, rex, charlie, site_admin, notices):  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        item=activity,
        period=period,
        people={
            "visitor": None,
            "citizen": charlie,
            "other_reporter": rex,
            "reporter": erin,
            "other_manager": bob_of_dice,
            "manager": alice,
            "author_manager": alice,
            "site_admin": site_admin,
        },
        erin=erin,
        alice=alice,
        dora=dora,
    )


def _client(client: Client, sign_in: Any, user: Any) -> Client:
    if user is not None:
        sign_in(client, user)
    return client


def _author(w: SimpleNamespace, role: str) -> Any:
    """Whose report the role acts on: the author-manager's own, else the agency reporter's."""
    return w.alice if role == "author_manager" else w.erin


def _form(w: SimpleNamespace, **extra: Any) -> dict[str, Any]:
    data = {
        "period": w.period.pk,
        "status": "in_progress",
        "progress": 45,
        "note": "Cameras installed at 12 posts.",
    }
    data.update(extra)
    return data


def _url(w: SimpleNamespace, tail: str) -> str:
    return f"/en/plans/{PLAN}/{tail}"


@dataclass
class Transition:
    name: str
    allowed: set[str]
    setup: Callable[[SimpleNamespace, str], Any]
    act: Callable[[Client, SimpleNamespace, Any], Any]
    happened: Callable[[SimpleNamespace, Any], bool]


def _no_setup(w: SimpleNamespace, role: str) -> None:
    return None


def _new_report(action: str) -> Callable[[Client, SimpleNamespace, Any], Any]:
    def act(c: Client, w: SimpleNamespace, _subject: Any) -> Any:
        return c.post(_url(w, f"items/{w.item.code}/report/"), _form(w, action=action))

    return act


def _reported(state: str) -> Callable[[SimpleNamespace, Any], bool]:
    def happened(w: SimpleNamespace, _subject: Any) -> bool:
        return ProgressUpdate.objects.filter(item=w.item, period=w.period, state=state).exists()

    return happened


def _a_draft(w: SimpleNamespace, role: str) -> ProgressUpdate:
    return draft(w.item, _author(w, role), w.period, note="First notes.")


def _a_submitted(w: SimpleNamespace, role: str) -> ProgressUpdate:
    return submitted(w.item, _author(w, role), w.period)


def _a_returned(w: SimpleNamespace, role: str) -> ProgressUpdate:
    update = submitted(w.item, _author(w, role), w.period)
    return progress_update_review(update=update, by=w.dora, approve=False, note="Add posts.")


def _an_approved(w: SimpleNamespace, role: str) -> ProgressUpdate:
    update = submitted(w.item, _author(w, role), w.period, note="Approved text.")
    return progress_update_review(update=update, by=w.dora, approve=True)


def _a_locked_submission(w: SimpleNamespace, role: str) -> ProgressUpdate:
    update = submitted(w.item, _author(w, role), w.period)
    # Locked behind the workflow's back (an older database, a race lost long ago).
    ReportingPeriod.objects.filter(pk=w.period.pk).update(locked_at=timezone.now())
    return update


def _edit(
    action: str, note: str = "Edited notes."
) -> Callable[[Client, SimpleNamespace, Any], Any]:
    def act(c: Client, w: SimpleNamespace, update: ProgressUpdate) -> Any:
        data = _form(w, action=action, note=note, version=update.version)
        return c.post(_url(w, f"updates/{update.pk}/edit/"), data)

    return act


def _state_is(state: str, note: str | None = None) -> Callable[[SimpleNamespace, Any], bool]:
    def happened(w: SimpleNamespace, update: ProgressUpdate) -> bool:
        update.refresh_from_db()
        return update.state == state and (note is None or update.note == note)

    return happened


def _review(decision: str) -> Callable[[Client, SimpleNamespace, Any], Any]:
    def act(c: Client, w: SimpleNamespace, update: ProgressUpdate) -> Any:
        data = {"decision": decision, "review_note": "Please add the list of posts."}
        return c.post(_url(w, f"updates/{update.pk}/review/"), data)

    return act


def _lock(c: Client, w: SimpleNamespace, _subject: Any) -> Any:
    return c.post(_url(w, f"periods/{w.period.pk}/lock/"))


def _locked_period(w: SimpleNamespace, role: str) -> None:
    ReportingPeriod.objects.filter(pk=w.period.pk).update(locked_at=timezone.now())


def _unlock(c: Client, w: SimpleNamespace, _subject: Any) -> Any:
    return c.post(_url(w, f"periods/{w.period.pk}/unlock/"), {"reason": "A late correction."})


def _is_locked(locked: bool) -> Callable[[SimpleNamespace, Any], bool]:
    def happened(w: SimpleNamespace, _subject: Any) -> bool:
        return ReportingPeriod.objects.get(pk=w.period.pk).is_locked == locked

    return happened


TRANSITIONS = [
    Transition(
        "save draft", REPORTERS_AND_MANAGERS, _no_setup, _new_report("draft"), _reported("draft")
    ),
    Transition(
        "submit", REPORTERS_AND_MANAGERS, _no_setup, _new_report("submit"), _reported("submitted")
    ),
    Transition(
        "edit draft", AUTHORS, _a_draft, _edit("draft"), _state_is("draft", "Edited notes.")
    ),
    Transition("submit draft", AUTHORS, _a_draft, _edit("submit"), _state_is("submitted")),
    Transition("approve", REVIEWERS, _a_submitted, _review("approve"), _state_is("approved")),
    Transition("return", REVIEWERS, _a_submitted, _review("return"), _state_is("returned")),
    Transition("resubmit", AUTHORS, _a_returned, _edit("submit"), _state_is("submitted")),
    Transition("lock", MANAGERS, _no_setup, _lock, _is_locked(True)),
    Transition("unlock", MANAGERS, _locked_period, _unlock, _is_locked(False)),
    Transition(
        "approve on a locked period",
        set(),
        _a_locked_submission,
        _review("approve"),
        _state_is("approved"),
    ),
    Transition(
        "edit after approval",
        set(),
        _an_approved,
        _edit("submit", note="Rewritten after approval."),
        lambda w, u: ProgressUpdate.objects.filter(note="Rewritten after approval.").exists(),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_every_transition_by_every_role(client, sign_in, world, role, transition):  # type: ignore[no-untyped-def]
    # Given the state the transition starts from
    subject = transition.setup(world, role)
    events_before = Event.objects.count()
    # When the role tries it through the page
    response = transition.act(_client(client, sign_in, world.people[role]), world, subject)
    # Then it happened exactly for the allowed roles, with one history event, and no page
    # answered with a server error
    assert response.status_code < 500
    allowed = role in transition.allowed
    assert transition.happened(world, subject) == allowed, (transition.name, role)
    assert Event.objects.count() - events_before == (1 if allowed else 0)
    if role == "visitor":
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


# -- What each transition writes ---------------------------------------------------------------


def _events(update: ProgressUpdate) -> list[tuple[str, bool]]:
    return list(
        Event.objects.filter(object_type="progress.progressupdate", object_id=str(update.pk))
        .order_by("seq")
        .values_list("action", "public")
    )


def test_a_report_goes_through_draft_return_and_resubmission_to_approval(
    activity, period, erin, alice, notices
):  # type: ignore[no-untyped-def]
    # Given Erin saves a draft, changes it and submits it
    update = draft(activity, erin, period)
    assert update.state == "draft" and update.submitted_at is None
    update = progress_update_save(
        item=activity,
        by=erin,
        period=period,
        status="in_progress",
        progress=25,
        note="More done.",
        update=update,
        version=update.version,
        submit=False,
    )
    update = progress_update_save(
        item=activity,
        by=erin,
        period=period,
        status="in_progress",
        progress=30,
        note="Sent.",
        update=update,
        version=update.version,
    )
    assert update.state == "submitted" and update.submitted_at is not None
    # When Alice returns it, Erin corrects and resubmits, and Alice approves
    progress_update_review(update=update, by=alice, approve=False, note="Name the posts.")
    update.refresh_from_db()
    update = progress_update_save(
        item=activity,
        by=erin,
        period=period,
        status="in_progress",
        progress=35,
        note="Posts 1 to 12.",
        update=update,
        version=update.version,
    )
    progress_update_review(update=update, by=alice, approve=True)
    # Then every step is one event, public only once approved, and each transition told
    assert _events(update) == [
        ("created", False),
        ("changed", False),
        ("submitted", False),
        ("returned", False),
        ("resubmitted", False),
        ("approved", True),
    ]
    assert [(c["action"], c["update"]) for c in notices.calls] == [
        ("submitted", update.pk),
        ("returned", update.pk),
        ("submitted", update.pk),
        ("approved", update.pk),
    ]
    assert all(c["atomic"] for c in notices.calls)
    activity.refresh_from_db()
    assert (activity.status, activity.progress) == ("in_progress", 35)


def test_the_resubmitted_event_carries_the_new_text_and_the_changes(activity, period, erin, alice):  # type: ignore[no-untyped-def]
    update = submitted(activity, erin, period, progress=30)
    progress_update_review(update=update, by=alice, approve=False, note="Which posts?")
    update.refresh_from_db()
    progress_update_save(
        item=activity,
        by=erin,
        period=period,
        status="in_progress",
        progress=40,
        note="Posts 1-12.",
        update=update,
        version=update.version,
    )
    event = Event.objects.filter(object_id=str(update.pk), action="resubmitted").get()
    assert event.reason == "Posts 1-12."
    assert event.changes["progress"] == ["30", "40"]
    assert event.changes["note"] == ["Started.", "Posts 1-12."]
    assert event.changes["state"] == ["returned", "submitted"]


def test_saving_a_returned_report_unsent_keeps_it_returned(activity, period, erin, alice):  # type: ignore[no-untyped-def]
    update = submitted(activity, erin, period)
    progress_update_review(update=update, by=alice, approve=False, note="Which posts?")
    update.refresh_from_db()
    saved = progress_update_save(
        item=activity,
        by=erin,
        period=period,
        status="in_progress",
        progress=20,
        note="Working on it.",
        update=update,
        version=update.version,
        submit=False,
    )
    assert saved.state == "returned" and saved.review_note == "Which posts?"


def test_a_stale_edit_is_refused_and_changes_nothing(activity, period, erin, police):  # type: ignore[no-untyped-def]
    from plantrack.accounts.models import User
    from plantrack.organisations.models import Membership

    colleague = User.objects.create_user("finn@example.org", "pw-finn-1234", display_name="Finn")
    Membership.objects.create(user=colleague, organisation=police, role="reporter", state="active")
    update = draft(activity, erin, period, note="Erin's notes.")
    seen = update.version
    # A colleague of the same agency saves first
    progress_update_save(
        item=activity,
        by=colleague,
        period=period,
        status="in_progress",
        progress=20,
        note="Finn's notes.",
        update=update,
        version=seen,
        submit=False,
    )
    # Then Erin's save, from the page she opened before, is refused
    with pytest.raises(ValidationError) as refused:
        progress_update_save(
            item=activity,
            by=erin,
            period=period,
            status="in_progress",
            progress=20,
            note="Erin's late notes.",
            update=update,
            version=seen,
            submit=False,
        )
    assert refused.value.code == "stale"
    update.refresh_from_db()
    assert update.note == "Finn's notes."


def test_the_author_manager_cannot_approve_their_own_report_but_another_manager_can(
    activity, period, alice, dora
):  # type: ignore[no-untyped-def]
    update = submitted(activity, alice, period, progress=60)
    assert update.organisation is not None and update.organisation.slug == "npa"
    with pytest.raises(OwnUpdate):
        progress_update_review(update=update, by=alice, approve=True)
    progress_update_review(update=update, by=dora, approve=True)
    update.refresh_from_db()
    assert update.state == "approved" and update.reviewed_by == dora


def test_a_draft_is_not_reviewed(activity, period, erin, alice):  # type: ignore[no-untyped-def]
    update = draft(activity, erin, period)
    with pytest.raises(ValidationError) as refused:
        progress_update_review(update=update, by=alice, approve=True)
    assert refused.value.code == "draft"
    update.refresh_from_db()
    assert update.state == "draft"


# -- Periods, one open report per period, corrections --------------------------------------


def test_one_open_report_per_item_and_period(activity, period, erin, alice, english):  # type: ignore[no-untyped-def]
    first = draft(activity, erin, period)
    with pytest.raises(ValidationError) as refused:
        submitted(activity, alice, period)
    assert "already an unfinished report" in refused.value.message_dict["period"][0]
    progress_update_save(
        item=activity,
        by=erin,
        period=period,
        status="in_progress",
        progress=20,
        note="Sent.",
        update=first,
        version=first.version,
    )
    with pytest.raises(ValidationError) as refused:
        submitted(activity, erin, period)
    assert "already waiting for approval" in refused.value.message_dict["period"][0]
    assert ProgressUpdate.objects.filter(item=activity, period=period).count() == 1


def test_a_new_report_on_an_approved_period_is_a_correction(activity, period, erin, alice):  # type: ignore[no-untyped-def]
    first = submitted(activity, erin, period, progress=30)
    progress_update_review(update=first, by=alice, approve=True)
    correction = submitted(activity, erin, period, progress=35, note="Correction: 35.")
    progress_update_review(update=correction, by=alice, approve=True)
    activity.refresh_from_db()
    assert activity.progress == 35
    assert (
        ProgressUpdate.objects.filter(item=activity, period=period, state="approved").count() == 2
    )


def test_approving_an_older_period_late_does_not_roll_the_item_back(activity, vision, erin, alice):  # type: ignore[no-untyped-def]
    q1, q2 = make_period(vision, 1), make_period(vision, 2)
    older = submitted(activity, erin, q1, progress=20)
    newer = submitted(activity, erin, q2, progress=50)
    progress_update_review(update=newer, by=alice, approve=True)
    progress_update_review(update=older, by=alice, approve=True)
    activity.refresh_from_db()
    assert activity.progress == 50
    older.refresh_from_db()
    assert older.state == "approved"


@pytest.mark.parametrize(
    "case",
    ["not started", "locked", "another plan", "missing"],
)
def test_the_period_must_be_this_plans_started_and_open(
    activity, vision, dice, erin, case, english
):  # type: ignore[no-untyped-def]
    year = timezone.localdate().year
    chosen: ReportingPeriod | None = {
        "not started": lambda: make_period(vision, 1, year + 2),
        "locked": lambda: make_period(vision, 1),
        "another plan": lambda: make_period(dice, 1),
        "missing": lambda: (make_period(vision, 1), None)[1],
    }[case]()
    if case == "locked":
        assert chosen is not None
        ReportingPeriod.objects.filter(pk=chosen.pk).update(locked_at=timezone.now())
        chosen.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        submitted(activity, erin, chosen)
    message = refused.value.message_dict["period"][0]
    expected = {
        "not started": "has not started yet",
        "locked": "is locked",
        "another plan": "belongs to another plan",
        "missing": "Choose the reporting period",
    }[case]
    assert expected in message
    assert not ProgressUpdate.objects.filter(item=activity).exists()


def test_a_draft_on_a_period_locked_since_cannot_be_edited_or_submitted(
    activity, period, erin, english
):  # type: ignore[no-untyped-def]
    update = draft(activity, erin, period)
    ReportingPeriod.objects.filter(pk=period.pk).update(locked_at=timezone.now())
    period.refresh_from_db()
    with pytest.raises(ValidationError, match="is locked"):
        progress_update_save(
            item=activity,
            by=erin,
            period=period,
            status="in_progress",
            progress=20,
            note="Sent.",
            update=update,
            version=update.version,
        )
    update.refresh_from_db()
    assert update.state == "draft"


def test_locking_is_refused_while_reports_wait_naming_how_many(
    activity, period, erin, alice, english
):  # type: ignore[no-untyped-def]
    submitted(activity, erin, period)
    with pytest.raises(ValidationError) as refused:
        period_lock(period=period, by=alice)
    assert "still has 1 report waiting" in refused.value.messages[0]
    period.refresh_from_db()
    assert not period.is_locked


# -- Measurements ----------------------------------------------------------------------------


def _save_with(
    activity: Item, erin: Any, period: Any, rows: list[MeasurementInput]
) -> ProgressUpdate:
    return submitted(activity, erin, period, measurements=rows)


def test_measurements_of_every_kind_are_stored(activity, period, erin, indicators):  # type: ignore[no-untyped-def]
    i = indicators
    update = _save_with(
        activity,
        erin,
        period,
        [
            MeasurementInput(i.count.pk, value=120, note="From the training register."),
            MeasurementInput(i.count.pk, i.female, value=50),
            MeasurementInput(i.count.pk, i.male, value=70),
            MeasurementInput(i.share.pk, numerator=9, denominator=20),
            MeasurementInput(i.level.pk, value=2),
            MeasurementInput(i.done.pk, value=1),
        ],
    )
    stored = {
        (m.indicator_id, m.dimension_value_id): m for m in Measurement.objects.filter(update=update)
    }
    assert stored[i.count.pk, None].value == 120
    assert stored[i.count.pk, None].note == "From the training register."
    assert stored[i.count.pk, i.female].value == 50
    assert stored[i.share.pk, None].value == pytest.approx(45.0)
    assert (stored[i.share.pk, None].numerator, stored[i.share.pk, None].denominator) == (9, 20)
    assert stored[i.level.pk, None].value == 2
    assert stored[i.done.pk, None].value == 1
    assert all(m.period_id == period.pk and not m.approved for m in stored.values())


@pytest.mark.parametrize(
    "row, message",
    [
        (lambda i: MeasurementInput(i.level.pk, value=3), "choose one of the scale's levels"),
        (lambda i: MeasurementInput(i.done.pk, value=2), "answer yes or no"),
        (lambda i: MeasurementInput(i.share.pk, numerator=5, denominator=0), "more than 0"),
        (lambda i: MeasurementInput(i.share.pk, numerator=5), "both the numerator"),
        (lambda i: MeasurementInput(i.count.pk), "give a value"),
        (lambda i: MeasurementInput(i.count.pk, value=float("nan")), "give a number"),
        (lambda i: MeasurementInput(i.level.pk, i.female, value=1), "not broken down"),
        # A share counts part of its denominator: 25 of 20 would be 125 %.
        (lambda i: MeasurementInput(i.share.pk, numerator=25, denominator=20), "above 100 %"),
        # A cumulative count adds each period's achievement: a negative one would undo others.
        (lambda i: MeasurementInput(i.count.pk, value=-5), "0 or more"),
    ],
)
def test_a_bad_measurement_is_refused_naming_its_indicator(
    activity, period, erin, indicators, row, message, english
):  # type: ignore[no-untyped-def]
    given = row(indicators)
    with pytest.raises(ValidationError) as refused:
        _save_with(activity, erin, period, [given])
    key = f"m-{given.indicator_id}"
    text = " ".join(refused.value.message_dict[key])
    assert message in text
    assert Measurement.objects.count() == 0 and not ProgressUpdate.objects.exists()


def test_breakdowns_must_add_up_to_the_total(activity, period, erin, indicators, english):  # type: ignore[no-untyped-def]
    i = indicators
    with pytest.raises(ValidationError) as refused:
        _save_with(
            activity,
            erin,
            period,
            [
                MeasurementInput(i.count.pk, value=100),
                MeasurementInput(i.count.pk, i.female, value=40),
                MeasurementInput(i.count.pk, i.male, value=55),
                MeasurementInput(i.share.pk, numerator=10, denominator=20),
                MeasurementInput(i.share.pk, i.female, numerator=4, denominator=10),
                MeasurementInput(i.share.pk, i.male, numerator=6, denominator=9),
            ],
        )
    errors = refused.value.message_dict
    assert "by Sex add up to 95, not the total 100" in errors[f"m-{i.count.pk}"][0]
    assert "denominators by Sex add up to 19, not the total 20" in errors[f"m-{i.share.pk}"][0]
    # A partial breakdown (one value only) is not summed
    update = _save_with(
        activity,
        erin,
        period,
        [MeasurementInput(i.count.pk, value=100), MeasurementInput(i.count.pk, i.female, value=40)],
    )
    assert update.measurements.count() == 2


def test_an_indicator_of_another_item_or_not_measured_is_refused(
    activity, vision, period, erin, indicators
):  # type: ignore[no-untyped-def]
    from plantrack.progress.models import Indicator

    elsewhere = Indicator.objects.create(
        item=Item.objects.get(plan=vision, code="7.1.1"), measured=True, title_en="Other"
    )
    text_only = Indicator.objects.create(item=activity, position=9, title_en="Text only")
    for indicator in (elsewhere, text_only):
        with pytest.raises(ValidationError) as refused:
            _save_with(activity, erin, period, [MeasurementInput(indicator.pk, value=1)])
        assert "measurements" in refused.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_validate_checks_without_writing(activity, period, erin, indicators):  # type: ignore[no-untyped-def]
    events = Event.objects.count()
    progress_update_validate(
        item=activity,
        by=erin,
        period=period,
        status="in_progress",
        progress=10,
        note="ok",
        measurements=[MeasurementInput(indicators.count.pk, value=3)],
    )
    with pytest.raises(ValidationError) as refused:
        progress_update_validate(
            item=activity, by=erin, period=period, status="nonsense", progress=140, note=""
        )
    assert set(refused.value.message_dict) == {"status", "progress", "note"}
    assert Event.objects.count() == events and not ProgressUpdate.objects.exists()


def test_approval_publishes_the_measurements_and_recomputes_the_actuals_in_the_transaction(
    activity, period, erin, alice, indicators, recomputed
):  # type: ignore[no-untyped-def]
    i = indicators
    update = _save_with(
        activity,
        erin,
        period,
        [MeasurementInput(i.count.pk, value=10), MeasurementInput(i.done.pk, value=1)],
    )
    assert recomputed.calls == []
    progress_update_review(update=update, by=alice, approve=True)
    assert set(Measurement.objects.filter(update=update).values_list("approved", flat=True)) == {
        True
    }
    [call] = recomputed.calls
    assert call["indicator_ids"] == sorted([i.count.pk, i.done.pk])
    assert call["atomic"] and call["approved"] == 2


def test_returning_publishes_nothing(activity, period, erin, alice, indicators, recomputed):  # type: ignore[no-untyped-def]
    update = _save_with(activity, erin, period, [MeasurementInput(indicators.count.pk, value=10)])
    progress_update_review(update=update, by=alice, approve=False, note="Check the figure.")
    assert not Measurement.objects.filter(approved=True).exists()
    assert recomputed.calls == []


def test_a_stranger_cannot_change_someone_elses_draft_through_the_service(
    activity, period, erin, alice, rex
):  # type: ignore[no-untyped-def]
    update = draft(activity, erin, period, note="Erin's.")
    for stranger in (alice, rex):
        with pytest.raises(PermissionDenied):
            progress_update_save(
                item=activity,
                by=stranger,
                period=period,
                status="completed",
                progress=100,
                note="Taken over.",
                update=update,
            )
    update.refresh_from_db()
    assert update.note == "Erin's."


# -- IDOR: other objects' ids in this plan's addresses ------------------------------------------


@pytest.fixture
def dice_update(dice, bob_of_dice):  # type: ignore[no-untyped-def]
    """A submitted report on a DICE item, written by a DICE reporter."""
    from plantrack.accounts.models import User
    from plantrack.organisations.models import Membership, Organisation
    from plantrack.plans.models import Responsibility

    agency = Organisation.objects.create(slug="ict", name_en="ICT Agency", kind="government")
    item = Item.objects.get(plan=dice, code="1.1")
    Responsibility.objects.create(item=item, organisation=agency, role="lead")
    ivy = User.objects.create_user("ivy@example.org", "pw-ivy-12345", display_name="Ivy")
    Membership.objects.create(user=ivy, organisation=agency, role="reporter", state="active")
    return draft(item, ivy, make_period(dice, 1), note="DICE draft.")


def test_another_plans_update_in_this_plans_address_is_not_found(
    client, sign_in, alice, dice_update
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    data = {"decision": "approve", "status": "completed", "progress": 100, "note": "x"}
    for tail in ("", "edit/", "review/"):
        url = f"/en/plans/{PLAN}/updates/{dice_update.pk}/{tail}"
        assert client.post(url, data).status_code == 404
        assert client.get(url).status_code in (404, 405)
    dice_update.refresh_from_db()
    assert (dice_update.state, dice_update.note) == ("draft", "DICE draft.")


def test_another_plans_period_in_this_plans_address_is_not_found(
    client, sign_in, alice, dice, bob_of_dice
):  # type: ignore[no-untyped-def]
    theirs = make_period(dice, 1)
    sign_in(client, alice)
    assert client.post(f"/en/plans/{PLAN}/periods/{theirs.pk}/lock/").status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_locked
    # And Bob cannot lock Alice's periods through his own plan's address either
    ours = make_period(Item.objects.get(plan__slug=PLAN, code="7.3.8").plan, 2)
    client.logout()
    sign_in(client, bob_of_dice)
    assert client.post(f"/en/plans/{dice.slug}/periods/{ours.pk}/lock/").status_code == 404
    assert client.post(f"/en/plans/{PLAN}/periods/{ours.pk}/lock/").status_code == 403
    ours.refresh_from_db()
    assert not ours.is_locked


def test_another_plans_period_in_the_report_form_is_refused(client, activity, erin, period, dice):  # type: ignore[no-untyped-def]
    theirs = make_period(dice, 2)
    client.force_login(erin)
    data = {"period": theirs.pk, "status": "in_progress", "progress": 5, "note": "x"}
    response = client.post(f"/en/plans/{PLAN}/items/7.3.8/report/", data)
    assert response.status_code == 200
    assert not ProgressUpdate.objects.filter(item=activity).exists()


def test_another_reports_evidence_cannot_be_removed_through_this_one(
    activity, period, erin, dice_update
):  # type: ignore[no-untyped-def]
    from plantrack.progress.models import Evidence

    theirs = Evidence.objects.create(update=dice_update, url="https://example.org/a", title="A")
    update = draft(activity, erin, period)
    with pytest.raises(ValidationError):
        progress_update_save(
            item=activity,
            by=erin,
            period=period,
            status="in_progress",
            progress=20,
            note="x",
            update=update,
            remove_evidence=[theirs.pk],
            submit=False,
        )
    assert Evidence.objects.filter(pk=theirs.pk).exists()


# -- Unapproved data is never public -------------------------------------------------------------


def test_unapproved_reports_never_appear_on_public_pages(
    client, activity, period, erin, alice, indicators, recomputed
):  # type: ignore[no-untyped-def]
    # Given a draft, a submitted and a returned report with a secret figure and text
    secret = "Secret-figure-8412"
    item_url, plan_url = f"/en/plans/{PLAN}/items/7.3.8/", f"/en/plans/{PLAN}/"
    q2, q3 = make_period(activity.plan, 2), make_period(activity.plan, 3)
    reports = [
        draft(activity, erin, period, note=f"{secret} draft"),
        submitted(
            activity,
            erin,
            q2,
            note=f"{secret} sent",
            progress=77,
            measurements=[MeasurementInput(indicators.count.pk, value=8412)],
        ),
    ]
    returned = submitted(activity, erin, q3, note=f"{secret} returned")
    progress_update_review(update=returned, by=alice, approve=False, note="No.")
    reports.append(returned)
    # Then a visitor sees none of it: item page, plan page, the reports' own pages
    for url in (item_url, plan_url):
        page = client.get(url).content.decode()
        assert secret not in page and "8412" not in page
    for update in reports:
        assert client.get(f"/en/plans/{PLAN}/updates/{update.pk}/").status_code == 404
    activity.refresh_from_db()
    assert activity.progress != 77
    # When the submitted one is approved, then (and only then) it is public
    progress_update_review(update=reports[1], by=alice, approve=True)
    assert f"{secret} sent" in client.get(item_url).content.decode()
    page = client.get(f"/en/plans/{PLAN}/updates/{reports[1].pk}/").content.decode()
    assert f"{secret} sent" in page and "8,412" in page
    assert secret + " draft" not in client.get(item_url).content.decode()


def test_a_decided_report_on_a_period_locked_since_is_already_reviewed(
    activity, period, erin, alice
):  # type: ignore[no-untyped-def]
    update = submitted(activity, erin, period)
    progress_update_review(update=update, by=alice, approve=True)
    ReportingPeriod.objects.filter(pk=period.pk).update(locked_at=timezone.now())
    with pytest.raises(AlreadyReviewed):
        progress_update_review(update=update, by=alice, approve=True)
