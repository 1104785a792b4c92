"""Every service that changes a public record writes exactly the expected events, with
before → after, in its own transaction; a refused write writes none."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.accounts import services as account_services
from plantrack.accounts.models import User
from plantrack.assessments import importing as assessment_importing
from plantrack.assessments import services as assessment_services
from plantrack.history.models import Event, Head
from plantrack.meetings import services as meeting_services
from plantrack.organisations import services as organisation_services
from plantrack.organisations.models import Membership, Organisation
from plantrack.participation import services as participation_services
from plantrack.plans import language_import, seed_translations, translations
from plantrack.plans import services as plan_services
from plantrack.plans import tree as plan_tree
from plantrack.plans.importers.detect import parse_bytes
from plantrack.plans.models import Item, Responsibility
from plantrack.progress import periods as progress_periods
from plantrack.progress import services as progress_services
from plantrack.progress.models import ProgressUpdate
from plantrack.surveys import services as survey_services

CSV = """# title: Cyber plan
# short_name: cyber-plan
code,parent_code,kind,title,organisations
1,,objective,Secure networks,
1.1,1,activity,Audit ministries,National Cyber Security Authority (NCSA) [lead]
1.2,1,activity,Train staff,
"""


@contextmanager
def new_events() -> Iterator[list[Event]]:
    """The events appended inside the block, oldest first."""
    start = Head.objects.get(pk=1).seq
    found: list[Event] = []
    yield found
    found.extend(Event.objects.filter(seq__gt=start).order_by("seq"))


# Services that write and the tests below that show their events. A new write service
# must be added here (with a test) or to NOT_PUBLIC with a reason.
COVERED = {
    "translations_save",  # tests/plans/test_translate_page.py (one event per changed item)
    "translations_import",  # tests/plans/test_translation_files.py
    "import_language_version",  # tests/plans/test_language_import.py (items + summary)
    "plan_import_language",
    "seed_translations_apply",  # tests/plans/test_mongolian_first.py
    "plan_import",
    "plan_publish",
    "item_add",
    "item_move",
    "item_retire",
    "item_restore",
    "item_update",
    "plan_update",
    "plan_retire",  # tests/plans/test_retire_plan.py
    "plan_restore",
    "responsibility_add",
    "responsibility_remove",
    "progress_update_submit",
    "progress_update_review",
    "progress_update_save",  # tests/progress/test_workflow.py (created, changed, resubmitted)
    "periods_generate",  # tests/progress/test_periods.py
    "period_lock",
    "period_unlock",
    "organisation_get_or_create",
    "public_bodies_apply",  # tests/plans/test_mongolian_first.py
    "organisation_register",
    "organisation_update",
    "organisation_verify",
    "organisation_unverify",
    "organisation_retire",  # tests/organisations/test_retire.py
    "organisation_restore",
    "organisation_return",  # tests/organisations/test_registration_decisions.py
    "organisation_reject",
    "membership_request",
    "membership_decide",
    "membership_invite",
    "membership_respond",
    "membership_set_role",
    "membership_remove",
    "user_roles_set",
    "account_delete",
    # tests/assessments/test_events.py: one event each; drafts' events not public
    "framework_create",
    "framework_edit",
    "round_create",
    "rating_set",
    "round_submit",
    "round_return",
    "round_publish",
    "round_correct",
    "indicator_link_add",
    "indicator_link_remove",
    "assessment_import",
    # tests/surveys/test_events.py: one event each; a response's event is not public
    "survey_create",
    "survey_update",
    "survey_set_state",
    "question_save",
    "question_delete",
    "response_submit",
    "answer_moderate",
    # tests/participation/test_services.py::test_one_event_per_write
    "consultation_create",
    "consultation_update",
    "consultation_draft_from_items",
    "consultation_draft_import",
    "input_create",
    "input_edit",
    "support_add",
    "support_withdraw",
    "cosign_add",
    "response_publish",
    "consultation_mark_answered",
    "consultation_close_with_report",
    # tests/meetings/test_services.py::test_one_event_per_write
    "meeting_create",
    "meeting_update",
    "meeting_cancel",
    "meeting_minutes_publish",
    "registration_create",
    "registration_cancel",
    "meeting_input_record",
}
# Writes that change no public record: sign-in machinery and the like.
NOT_PUBLIC = {
    "account_sign_up",  # an unverified account is nobody's public record
    "account_verify_email",
    "mail_quota_take",
    "two_factor_enable",  # account security events live in accounts.AccountEvent
    "two_factor_reset",
    "two_factor_verify",
    "rate_take",  # participation: counts in the cache only
}
READS = {
    # progress: checks and the reporting calendar's reads
    "progress_update_validate",
    "period_label",
    "open_periods",
    "default_period",
    "plan_periods",
    "today",
    # translations.py / language_import.py / seed_translations.py: reads and helpers
    "after_source_edit",  # computes the states a source edit gives; item_update writes them
    "review_marks",
    "export_units",
    "filtered_items",
    "live_items",
    "missing_q",
    "norm",
    "other_language",
    "review_q",
    "row_state",
    "source_hash",
    "source_language",
    "translation_counts",
    "untranslated_count",
    "detect_language",
    "language_name",
    "normal_code",
    "seed_translations",
    "translations_path",
    "account_export",
    "applicant_language",
    "place_check",
    "place_key",
    "check_import_permission",
    "client_ip",
    "import_slug",
    "other_source",
    "last_admin_error",
    "latin",
    "leaves_no_admin",
    "name_taken",
    "reason_required",
    "two_factor_device_preview",
    "two_factor_new_key",
    "verification_link",
    "find_framework",  # assessments/importing.py: the framework an import's title names
    "needs_response",  # participation: the inputs the answered rule counts
    "check_dates",  # participation: the date rules, also used by the form
    "meeting_label",  # meetings: the label an input raised at a meeting carries
}


def test_every_write_service_is_covered_by_an_event_test():  # type: ignore[no-untyped-def]
    modules = [
        plan_services,
        plan_tree,
        organisation_services,
        progress_services,
        progress_periods,
        account_services,
        translations,
        language_import,
        seed_translations,
        assessment_services,
        assessment_importing,
        survey_services,
        participation_services,
        meeting_services,
    ]
    found = {
        name
        for module in modules
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if value.__module__ == module.__name__ and not name.startswith("_")
    }
    unknown = found - COVERED - NOT_PUBLIC - READS
    assert not unknown, f"services writing no history event (or not listed): {sorted(unknown)}"


def test_an_import_writes_one_event_per_item_and_a_summary(db):  # type: ignore[no-untyped-def]
    with new_events() as events:
        result = plan_services.plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    kinds = [(e.object_type, e.action) for e in events]
    # The organisation the import creates, three items, the plan's summary.
    assert kinds == [
        ("organisations.organisation", "created"),
        ("plans.item", "created"),
        ("plans.item", "created"),
        ("plans.item", "created"),
        ("plans.plan", "imported"),
    ]
    summary = events[-1]
    assert summary.actor_kind == "import" and summary.actor_id is None
    assert result.summary() in summary.reason
    assert events[1].changes["title_en"] == [None, "Secure networks"]


def test_a_reimport_writes_an_event_for_each_changed_item_only(db):  # type: ignore[no-untyped-def]
    plan_services.plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    edited = CSV.replace("Train staff", "Train all staff").replace(
        "1.1,1,activity,Audit ministries,National Cyber Security Authority (NCSA) [lead]\n", ""
    )
    with new_events() as events:
        plan_services.plan_import(parsed=parse_bytes(edited.encode()), system=True)
    by_action = {(e.object_label.split()[0], e.action): e for e in events if e.item_id}
    assert set(by_action) == {("1.2", "changed"), ("1.1", "retired")}
    assert by_action["1.2", "changed"].changes["title_en"] == ["Train staff", "Train all staff"]
    assert events[-1].action == "reimported"


def test_an_import_again_with_nothing_changed_writes_only_the_summary(db):  # type: ignore[no-untyped-def]
    plan_services.plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    with new_events() as events:
        plan_services.plan_import(parsed=parse_bytes(CSV.encode()), system=True)
    assert [e.action for e in events] == ["reimported"]


def test_a_dry_run_writes_no_event(db):  # type: ignore[no-untyped-def]
    with new_events() as events:
        plan_services.plan_import(parsed=parse_bytes(CSV.encode()), system=True, dry_run=True)
    assert events == []


def _edit(item: Item, by: User, reason: str = "", **values):  # type: ignore[no-untyped-def]
    item = Item.objects.get(pk=item.pk)
    return plan_services.item_update(
        item=item, version=item.version, values=values, by=by, reason=reason
    )


def test_an_item_edit_writes_one_event_with_before_and_after(activity, alice):  # type: ignore[no-untyped-def]
    with new_events() as events:
        _edit(activity, alice, status="in_progress", progress=40.0)
    [event] = events
    assert event.action == "progress_set" and event.actor_id == alice.pk
    assert event.changes["progress"][1] == "40"
    assert event.changes["status"][1] == "in_progress"
    assert event.item_id == activity.pk and event.plan_id == activity.plan_id


def test_a_stale_item_edit_writes_no_event(activity, alice):  # type: ignore[no-untyped-def]
    with new_events() as events, pytest.raises(ValidationError):
        plan_services.item_update(
            item=activity, version=activity.version - 1, values={"weight": 2.0}, by=alice
        )
    assert events == []


def _approved_update(activity: Item, erin: User, alice: User) -> ProgressUpdate:
    update = progress_services.progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=30, note="Half the audits"
    )
    return progress_services.progress_update_review(update=update, by=alice, approve=True)


def test_overriding_approved_progress_needs_a_reason(activity, alice, erin):  # type: ignore[no-untyped-def]
    _approved_update(activity, erin, alice)
    with new_events() as events, pytest.raises(ValidationError) as refused:
        _edit(activity, alice, progress=90.0)
    assert "reason" in refused.value.message_dict
    assert events == []
    assert Item.objects.get(pk=activity.pk).progress == 30
    with new_events() as events:
        _edit(activity, alice, reason="The ministry's audit report", progress=90.0)
    [event] = events
    assert event.reason == "The ministry's audit report"
    assert event.changes["progress"] == ["30", "90"]


def test_a_text_edit_needs_no_reason_after_an_approved_report(activity, alice, erin):  # type: ignore[no-untyped-def]
    _approved_update(activity, erin, alice)
    with new_events() as events:
        _edit(activity, alice, title_en="Audit every ministry")
    assert [e.action for e in events] == ["changed"]


def test_progress_updates_write_submitted_approved_and_returned(activity, alice, erin):  # type: ignore[no-untyped-def]
    with new_events() as events:
        update = progress_services.progress_update_submit(
            item=activity, by=erin, status="in_progress", progress=30, note="Half"
        )
        progress_services.progress_update_review(update=update, by=alice, approve=True)
        second = progress_services.progress_update_submit(
            item=activity, by=erin, status="in_progress", progress=35, note="More"
        )
        progress_services.progress_update_review(
            update=second, by=alice, approve=False, note="Which ministries?"
        )
    assert [(e.action, e.public) for e in events] == [
        ("submitted", False),
        ("approved", True),
        ("submitted", False),
        ("returned", False),
    ]
    assert events[0].actor_organisation_id == activity.responsibilities.get().organisation_id
    assert events[1].changes["progress"][1] == "30"
    assert events[3].reason == "Which ministries?"


def test_a_refused_review_writes_no_event(activity, alice, erin):  # type: ignore[no-untyped-def]
    update = progress_services.progress_update_submit(
        item=activity, by=erin, status="in_progress", progress=30, note="Half"
    )
    with new_events() as events, pytest.raises(PermissionDenied):
        progress_services.progress_update_review(update=update, by=erin, approve=True)
    assert events == []


def test_responsibilities_added_and_removed(activity, alice, police):  # type: ignore[no-untyped-def]
    other = Organisation.objects.create(slug="gov", name_en="Government", kind="government")
    with new_events() as events:
        link = plan_services.responsibility_add(
            item=activity, organisation=other, role="support", by=alice
        )
        plan_services.responsibility_add(
            item=activity, organisation=other, role="support", by=alice
        )
        plan_services.responsibility_remove(responsibility=link, by=alice)
    assert [e.action for e in events] == ["added", "removed"]
    assert events[0].changes == {"organisation": [None, "Government"], "role": [None, "support"]}
    assert not Responsibility.objects.filter(pk=link.pk).exists()


def test_a_plan_edit_writes_its_changes(vision, alice):  # type: ignore[no-untyped-def]
    with new_events() as events:
        plan_services.plan_update(
            plan=vision, version=None, values={"issuer": "The Parliament"}, by=alice
        )
    [event] = events
    assert event.object_type == "plans.plan" and event.changes["issuer"][1] == "The Parliament"


def test_items_added_moved_retired_and_restored_by_hand(vision, alice, bob):  # type: ignore[no-untyped-def]
    target = Item.objects.get(plan=vision, code="7.1")
    with new_events() as events:
        added = plan_tree.item_add(
            plan=vision,
            parent=target,
            values={"code": "7.1.99", "kind": "activity", "title_en": "Added by hand"},
            by=alice,
        )
        moved = plan_tree.item_move(
            item=added, new_parent=None, position="last", version=added.version, by=alice
        )
        plan_tree.item_retire(item=moved, reason="Merged", version=moved.version, by=alice)
        moved.refresh_from_db()
        plan_tree.item_restore(item=moved, version=moved.version, by=alice)
    assert [(e.action, e.item_id) for e in events] == [
        ("created", added.pk),
        ("moved", added.pk),
        ("retired", added.pk),
        ("restored", added.pk),
    ]
    assert events[1].changes["parent"] == ["7.1", None]
    assert events[2].reason == "Merged" and events[2].changes["items"] == [None, 1]
    with new_events() as refused, pytest.raises(PermissionDenied):
        plan_tree.item_retire(item=moved, reason="x", version=moved.version, by=bob)
    assert refused == []


def test_publishing_a_draft_is_recorded_once(vision, alice):  # type: ignore[no-untyped-def]
    type(vision).objects.filter(pk=vision.pk).update(published_at=None)
    vision.refresh_from_db()
    with new_events() as events:
        plan_services.plan_publish(plan=vision, by=alice)
        plan_services.plan_publish(plan=vision, by=alice)  # already public: nothing more
    assert [(e.action, e.plan_id) for e in events] == [("published", vision.pk)]


@pytest.fixture
def admin_user(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_superuser("root@example.org", "pw-root-1", display_name="Root")


def test_organisation_registration_verification_and_return(charlie, admin_user):  # type: ignore[no-untyped-def]
    with new_events() as events:
        organisation = organisation_services.organisation_register(
            by=charlie, data={"name_en": "Open Data Club", "kind": "cso"}
        )
        organisation_services.organisation_verify(organisation=organisation, by=admin_user)
        organisation_services.organisation_unverify(organisation=organisation, by=admin_user)
    assert [e.action for e in events] == ["registered", "verified", "unverified"]
    assert events[0].changes["name_en"] == [None, "Open Data Club"]
    assert events[1].changes["verified_at"][0] is None
    assert events[2].changes["verified_at"][1] is None


def test_a_refused_verification_writes_no_event(charlie):  # type: ignore[no-untyped-def]
    organisation = organisation_services.organisation_register(
        by=charlie, data={"name_en": "Open Data Club", "kind": "cso"}
    )
    with new_events() as events, pytest.raises(PermissionDenied):
        organisation_services.organisation_verify(organisation=organisation, by=charlie)
    assert events == []


def test_an_organisation_edit_hides_contact_details_in_the_history(charlie):  # type: ignore[no-untyped-def]
    organisation = organisation_services.organisation_register(
        by=charlie, data={"name_en": "Open Data Club", "kind": "cso"}
    )
    with new_events() as events:
        organisation_services.organisation_update(
            organisation=organisation,
            by=charlie,
            data={"description_en": "We open data", "contact_email": "me@example.org"},
            version=None,
        )
    [event] = events
    assert event.changes["description_en"] == ["", "We open data"]
    assert "me@example.org" not in str(event.changes)


def test_membership_events_name_the_person_by_id_only(charlie, bob):  # type: ignore[no-untyped-def]
    organisation = organisation_services.organisation_register(
        by=charlie, data={"name_en": "Open Data Club", "kind": "cso"}
    )
    with new_events() as events:
        membership = organisation_services.membership_request(organisation=organisation, user=bob)
        organisation_services.membership_decide(membership=membership, by=charlie, approve=True)
        organisation_services.membership_set_role(membership=membership, role="admin", by=charlie)
        organisation_services.membership_remove(membership=membership, by=bob)
    assert [e.action for e in events] == ["requested", "approved", "role_changed", "removed"]
    assert all(e.subject_user_id == bob.pk and not e.public for e in events)
    assert all("Bob" not in e.object_label and "bob@" not in str(e.changes) for e in events)
    # Not public: its changes carry a random salt, so its published hash cannot be guessed.
    salt = events[2].changes.pop("_salt")
    assert len(salt) == 32 and events[2].changes == {"role": ["member", "admin"]}


def test_an_invitation_and_its_answer(charlie, bob, admin_user):  # type: ignore[no-untyped-def]
    organisation = organisation_services.organisation_register(
        by=charlie, data={"name_en": "Open Data Club", "kind": "cso"}
    )
    organisation_services.organisation_verify(organisation=organisation, by=admin_user)
    with new_events() as events:
        membership = organisation_services.membership_invite(
            organisation=organisation, email=bob.email, role="member", by=charlie
        )
        assert membership is not None
        organisation_services.membership_respond(membership=membership, user=bob, accept=True)
    assert [e.action for e in events] == ["invited", "accepted"]
    assert Membership.objects.get(pk=membership.pk).state == "active"


def test_role_changes_and_erasure_are_recorded_privately(bob, admin_user):  # type: ignore[no-untyped-def]
    with new_events() as events:
        account_services.user_roles_set(user=bob, by=admin_user, is_staff=True)
        account_services.account_delete(user=bob)
    assert [(e.action, e.public) for e in events] == [
        ("roles_changed", False),
        ("erased", False),
    ]
    assert events[0].changes["is_staff"] == [False, True]
    assert all(e.object_label == "" for e in events)


def test_refused_role_change_writes_no_event(bob, charlie):  # type: ignore[no-untyped-def]
    with new_events() as events, pytest.raises(PermissionDenied):
        account_services.user_roles_set(user=bob, by=charlie, is_staff=True)
    assert events == []
