"""Each survey service appends exactly one history event; a refused write appends none.
A response's event is not public and names no answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.surveys import services
from plantrack.surveys.models import Answer

from ..history.test_events_written import new_events
from .conftest import add, choices


def test_every_survey_write_appends_one_event(alice, vision, charlie):  # type: ignore[no-untyped-def]
    with new_events() as created:
        survey = services.survey_create(by=alice, plan=vision, slug="s", title_en="S")
    with new_events() as updated:
        services.survey_update(survey=survey, by=alice, title_en="S2")
    with new_events() as added:
        question = add(survey, alice, "single", "Q?", choices("A", "B"), other=True)
    with new_events() as changed:
        services.question_save(
            survey=survey,
            by=alice,
            question=question,
            values={"text_en": "Q2?"},
            options=choices("A", "B"),
        )
    spare = add(survey, alice, "short_text", "Spare?")
    with new_events() as removed:
        services.question_delete(question=spare, by=alice)
    with new_events() as opened:
        services.survey_set_state(survey=survey, by=alice, state="open")
    with new_events() as answered:
        services.response_submit(
            survey=survey,
            by=charlie,
            data={f"q-{question.pk}": "other", f"q-{question.pk}-other": "Mine"},
        )
    with new_events() as moderated:
        services.answer_moderate(
            answer=Answer.objects.get(text="Mine"), by=alice, shown=False, reason="personal data"
        )
    with new_events() as closed:
        services.survey_set_state(survey=survey, by=alice, state="closed")
    got = [
        [(e.object_type, e.action) for e in events]
        for events in (
            created,
            updated,
            added,
            changed,
            removed,
            opened,
            answered,
            moderated,
            closed,
        )
    ]
    assert got == [
        [("surveys.survey", "created")],
        [("surveys.survey", "changed")],
        [("surveys.question", "added")],
        [("surveys.question", "changed")],
        [("surveys.question", "removed")],
        [("surveys.survey", "published")],
        [("surveys.surveyresponse", "submitted")],
        [("surveys.answer", "changed")],
        [("surveys.survey", "changed")],
    ]
    assert all(e.plan_id == vision.pk for events in (created, answered) for e in events)
    [response_event] = answered
    assert not response_event.public and "Mine" not in str(response_event.changes)
    assert response_event.actor_id == charlie.pk
    [moderation_event] = moderated
    assert moderation_event.reason == "personal data" and "Mine" not in str(
        moderation_event.changes
    )


def test_refused_writes_append_nothing(alice, bob, vision, charlie, survey, qs):  # type: ignore[no-untyped-def]
    with new_events() as events:
        with pytest.raises(PermissionDenied):
            services.survey_create(by=bob, plan=vision, slug="b", title_en="B")
        with pytest.raises(PermissionDenied):
            services.survey_update(survey=survey, by=charlie, title_en="X")
        with pytest.raises(ValidationError):
            services.response_submit(survey=survey, by=charlie, data={})
    assert events == []
