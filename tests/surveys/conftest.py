"""A survey with every kind of question, on Vision 2050 (managed by alice)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from plantrack.surveys import services
from plantrack.surveys.models import Option, Question, Survey
from plantrack.surveys.services import OptionText


def choices(*labels: str, role: str = "choice") -> list[OptionText]:
    return [OptionText(role, f"{label} mn", label) for label in labels]


def add(survey: Survey, by: Any, kind: str, text: str, options=(), **values) -> Question:  # type: ignore[no-untyped-def]
    return services.question_save(
        survey=survey, by=by, values={"kind": kind, "text_en": text, **values}, options=options
    )


@pytest.fixture
def survey(alice, vision) -> Survey:  # type: ignore[no-untyped-def]
    return services.survey_create(
        by=alice, plan=vision, slug="digital-needs", title_en="Digital needs", title_mn="Хэрэгцээ"
    )


@pytest.fixture
def qs(survey, alice) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    q = SimpleNamespace()
    q.single = add(survey, alice, "single", "Where?", choices("Home", "Work", "Cafe"), other=True)
    q.multiple = add(
        survey, alice, "multiple", "Which?", choices("Tax", "Health", "Land"), other=True
    )
    q.scale = add(survey, alice, "scale", "How easy?", required=True)
    q.yes_no = add(survey, alice, "yes_no", "Any trouble?")
    yes = q.yes_no.options.get(position=1)
    q.why = add(survey, alice, "long_text", "What trouble?", required=True, condition=yes)
    q.matrix = add(
        survey,
        alice,
        "matrix",
        "Rate",
        [*choices("Speed", "Clarity", role="row"), *choices("Bad", "Fair", "Good", role="column")],
    )
    q.short = add(survey, alice, "short_text", "Your aimag?")
    q.opt = {o.label_en: o.pk for o in Option.objects.filter(question__survey=survey)}
    services.survey_set_state(survey=survey, by=alice, state="open")
    return q


def row(q: SimpleNamespace, label: str, question: Question | None = None) -> str:
    """The matrix field name of a row."""
    question = question or q.matrix
    return f"q-{question.pk}-r{question.options.get(label_en=label).pk}"


def full(q: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    """A complete valid answer set."""
    data: dict[str, Any] = {
        f"q-{q.single.pk}": str(q.opt["Home"]),
        f"q-{q.multiple.pk}": [str(q.opt["Tax"]), str(q.opt["Land"])],
        f"q-{q.scale.pk}": "4",
        f"q-{q.yes_no.pk}": str(q.yes_no.options.get(label_en="Yes").pk),
        f"q-{q.why.pk}": "Slow pages",
        row(q, "Speed"): str(q.opt["Bad"]),
        row(q, "Clarity"): str(q.opt["Good"]),
        f"q-{q.short.pk}": "Darkhan",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
