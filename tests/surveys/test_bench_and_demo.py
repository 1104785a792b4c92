"""``plantrack bench --only surveys`` prints the survey pages at two sizes and compares their
query counts; the demo's survey is built through the services, once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from plantrack.accounts.models import User
from plantrack.history.models import Event
from plantrack.surveys.demo import DEMO_SLUG, survey_demo
from plantrack.surveys.models import Answer, Survey


def test_only_surveys_prints_the_results_and_form_rows(db):  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("bench", only=["surveys"], responses=300, runs=2, stdout=out)
    printed = out.getvalue()
    assert "survey results (100 responses)" in printed
    assert "survey form (300 responses)" in printed
    assert "Query counts unchanged from 100 to 300 responses: yes" in printed
    assert "write-lock" not in printed  # only the survey table


def test_the_demo_survey_is_answered_through_the_services_once(db, dice, bob):  # type: ignore[no-untyped-def]
    dice.managers.add(bob)
    before = Event.objects.count()
    built = survey_demo(by=bob, responses=30)
    assert built is not None and built.responses == 30
    survey = Survey.objects.get(slug=DEMO_SLUG)
    assert survey.plan == dice and survey.state == "open" and survey.title_mn and survey.title_en
    # One event per response, per question, the survey's creation, opening and moderation.
    moderated = Answer.objects.filter(survey=survey).exclude(text_state__in=["", "pending"])
    assert Event.objects.count() - before == 30 + 7 + 2 + moderated.count()
    assert Answer.objects.filter(survey=survey, text_state="hidden").count() == 1
    assert survey_demo(by=bob, responses=30) is None
    assert User.objects.filter(survey_responses__isnull=False).count() == 0  # anonymous
