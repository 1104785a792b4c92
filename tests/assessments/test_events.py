"""Every assessment service writes exactly one history event in its own transaction (none
when nothing changed or when refused); drafts' events are not public, publishing is."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.assessments import services
from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importing import assessment_import
from plantrack.assessments.models import AssessmentIndicator, ScaleLevel
from plantrack.assessments.parsed import ParsedSource
from plantrack.plans.models import Item
from tests.history.test_events_written import new_events


def test_a_framework_created_and_edited(ada):  # type: ignore[no-untyped-def]
    parsed = sample_assessment()
    with new_events() as events:
        framework = services.framework_create(
            by=ada, scale=parsed.scale, areas=parsed.areas, title_en="Hand-made card"
        )
        services.framework_edit(framework=framework, by=ada, values={"guidance_en": "Read first."})
        services.framework_edit(framework=framework, by=ada, values={"guidance_en": "Read first."})
    assert [(e.object_type, e.action, e.public) for e in events] == [
        ("assessments.framework", "created", True),
        ("assessments.framework", "changed", True),
    ]
    assert events[0].changes["title_en"] == [None, "Hand-made card"]
    assert events[1].changes == {"guidance_en": ["", "Read first."]}


def test_editing_a_framework_some_round_uses_records_its_new_version(published, ada):  # type: ignore[no-untyped-def]
    framework = published.version.framework
    parsed = sample_assessment()
    parsed.areas[0].indicators[0].title_en = "Reworded"
    with new_events() as events:
        services.framework_edit(framework=framework, by=ada, areas=parsed.areas)
    [event] = events
    assert event.changes == {"version": [1, 2]}
    published.refresh_from_db()
    assert published.version.number == 1


def test_a_round_from_draft_to_published(draft, ada, abe):  # type: ignore[no-untyped-def]
    indicators = list(AssessmentIndicator.objects.filter(version=draft.version))
    level = ScaleLevel.objects.get(version=draft.version, value=4, kind="rated")
    with new_events() as events:
        services.rating_set(
            round=draft,
            indicator=indicators[0],
            by=ada,
            level=level,
            justification="Law of 2021.",
            sources=[ParsedSource(text="Law", url="https://example.org/law")],
        )
        services.rating_set(
            round=draft,
            indicator=indicators[0],
            by=ada,
            level=level,
            justification="Law of 2021.",
            sources=[ParsedSource(text="Law", url="https://example.org/law")],
        )  # the same again: nothing changes, nothing is recorded
        for indicator in indicators[1:]:
            services.rating_set(round=draft, indicator=indicator, by=abe, not_assessed=True)
        services.round_submit(round=draft, by=ada)
        services.round_return(round=draft, by=abe, note="Rate 2.1")
        services.round_submit(round=draft, by=ada)
        services.round_publish(round=draft, by=abe)
    kinds = [(e.object_type, e.action, e.public) for e in events]
    assert kinds == [("assessments.rating", "added", False)] * 36 + [
        ("assessments.round", "submitted", False),
        ("assessments.round", "returned", False),
        ("assessments.round", "submitted", False),
        ("assessments.round", "published", True),
    ]
    assert events[0].changes["level"] == [None, "Very Strong"]
    assert events[0].changes["sources"] == [[], ["Law"]]
    assert events[-1].changes["score"] == [None, "100.00"]


def test_a_round_created_and_corrected(published, ada):  # type: ignore[no-untyped-def]
    with new_events() as events:
        services.round_create(
            by=ada,
            framework=published.version.framework,
            subject="Mongolia",
            year=2025,
            assessing_body="Team",
        )
        correction = services.round_correct(round=published, by=ada, reason="1.1 misread")
    assert [(e.action, e.public) for e in events] == [("created", False), ("created", False)]
    assert events[1].changes["supersedes"] == [None, published.pk]
    assert events[1].reason == "1.1 misread" and events[1].object_id == str(correction.pk)


def test_refusals_write_no_event(published, draft, charlie, ada, english):  # type: ignore[no-untyped-def]
    indicator = AssessmentIndicator.objects.filter(version=draft.version).first()
    level = ScaleLevel.objects.filter(version=draft.version, kind="rated").first()
    with new_events() as events:
        with pytest.raises(PermissionDenied):
            services.rating_set(
                round=draft, indicator=indicator, by=charlie, level=level, justification="x"
            )  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            services.rating_set(
                round=draft, indicator=indicator, by=ada, level=level, justification=""
            )  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            services.rating_set(
                round=published, indicator=indicator, by=ada, level=level, justification="x"
            )  # type: ignore[arg-type]
        with pytest.raises(PermissionDenied):
            services.round_correct(round=published, by=charlie, reason="x")
    assert events == []


def test_links_added_and_removed(published, alice):  # type: ignore[no-untyped-def]
    item = Item.objects.get(plan__slug="vision-2050-goal-7", code="7.1.1")
    indicator = AssessmentIndicator.objects.get(version=published.version, code="2.3")
    with new_events() as events:
        link = services.indicator_link_add(indicator=indicator, item=item, by=alice)
        services.indicator_link_add(indicator=indicator, item=item, by=alice)  # already linked
        services.indicator_link_remove(link=link, by=alice)
    assert [(e.action, e.item_id, e.plan_id) for e in events] == [
        ("added", item.pk, item.plan_id),
        ("removed", item.pk, item.plan_id),
    ]


def test_an_import_writes_one_event_and_none_when_nothing_changed(db):  # type: ignore[no-untyped-def]
    with new_events() as first:
        assessment_import(parsed=sample_assessment(), system=True, publish=True)
    with new_events() as again:
        assessment_import(parsed=sample_assessment(), system=True, publish=True)
    with new_events() as changed:
        assessment_import(parsed=sample_assessment(levels={"1.1": 2}), system=True)
    [event] = first
    assert (event.object_type, event.action, event.actor_kind, event.public) == (
        "assessments.round",
        "imported",
        "import",
        True,
    )
    assert event.changes["ratings"] == [None, 36] and event.changes["framework"] == [
        None,
        "Sample scorecard",
    ]
    assert again == []
    [correction] = changed
    assert (correction.action, correction.public) == ("reimported", False)
    assert "supersedes" in correction.changes
