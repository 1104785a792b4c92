"""The pages: the form with errors tied to questions, double submits, the anonymous guard
and its 429, the managers' pages, and each role's access."""

from __future__ import annotations

import re

import pytest

from plantrack.surveys import services
from plantrack.surveys.models import Question, Survey, SurveyResponse

from .conftest import full


def _post(client, survey, data, token="tok-1"):  # type: ignore[no-untyped-def]
    return client.post(f"/en/surveys/{survey.slug}/", {**data, "once": token})


def test_the_form_shows_every_question_with_its_fieldset_and_condition(
    survey, qs, client, charlie, sign_in, english
):  # type: ignore[no-untyped-def]
    assert (
        "Sign in to answer this survey."
        in client.get(f"/en/surveys/{survey.slug}/").content.decode()
    )
    sign_in(client, charlie)
    page = client.get(f"/en/surveys/{survey.slug}/").content.decode()
    assert page.count("<fieldset") == 7 and page.count("<legend>") == 7
    assert "Answer only if you answered “Yes” to question 4." in page


def test_errors_are_tied_to_their_questions_and_nothing_is_stored(
    survey, qs, client, charlie, sign_in, english
):  # type: ignore[no-untyped-def]
    sign_in(client, charlie)
    response = _post(client, survey, full(qs, **{f"q-{qs.scale.pk}": "9"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#q-{qs.scale.pk}"' in page and "Choose a value from 1 to 5." in page
    assert f'aria-describedby="q-{qs.scale.pk}-errors"' in page
    assert not SurveyResponse.objects.exists()


def test_a_double_submit_stores_one_response(survey, qs, client, charlie, sign_in):  # type: ignore[no-untyped-def]
    sign_in(client, charlie)
    first = _post(client, survey, full(qs))
    second = _post(client, survey, full(qs))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/en/surveys/{survey.slug}/thanks/"
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_a_signed_in_person_who_answered_is_told_so(survey, qs, client, charlie, sign_in, english):  # type: ignore[no-untyped-def]
    sign_in(client, charlie)
    _post(client, survey, full(qs))
    page = client.get(f"/en/surveys/{survey.slug}/").content.decode()
    assert "You have already answered this survey." in page and "<fieldset" not in page


def test_an_anonymous_browser_answers_once_by_its_cookie(survey, qs, client, alice, english):  # type: ignore[no-untyped-def]
    services.survey_update(survey=survey, by=alice, anonymous=True)
    client.get(f"/en/surveys/{survey.slug}/")  # sets the guard cookie
    assert _post(client, survey, full(qs), "t1").status_code == 302
    again = _post(client, survey, full(qs), "t2")
    assert "This browser has already answered this survey." in again.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyResponse.objects.get().user is None


def test_too_many_anonymous_answers_from_one_address_get_429(
    survey, qs, client_factory, alice, settings, english
):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_SURVEY_ANONYMOUS_LIMIT = 2
    services.survey_update(survey=survey, by=alice, anonymous=True)
    statuses = []
    for n in range(3):
        browser = client_factory()  # a new browser each time, one address
        statuses.append(_post(browser, survey, full(qs), f"t{n}").status_code)
    assert statuses == [302, 302, 429]
    last = _post(client_factory(), survey, full(qs), "t9")
    assert "at most 2 per 60 minutes" in last.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


@pytest.fixture
def client_factory():  # type: ignore[no-untyped-def]
    from django.test import Client

    return Client


def test_a_draft_survey_is_a_404_for_all_but_its_managers(
    alice, vision, client, charlie, bob, sign_in
):  # type: ignore[no-untyped-def]
    draft = services.survey_create(by=alice, plan=vision, slug="draft", title_en="Draft")
    for path in ("", "results/", "manage/"):
        assert client.get(f"/en/surveys/{draft.slug}/{path}").status_code in (302, 404)
    for person in (charlie, bob):
        sign_in(client, person)
        assert client.get(f"/en/surveys/{draft.slug}/").status_code == 404
        assert client.get(f"/en/surveys/{draft.slug}/manage/").status_code == 404
    sign_in(client, alice)
    assert client.get(f"/en/surveys/{draft.slug}/manage/").status_code == 200


def test_a_manager_creates_a_survey_adds_questions_and_opens_it(
    alice, vision, client, sign_in, english
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    response = client.post(
        "/en/surveys/new/",
        {"plan": vision.pk, "slug": "needs", "title_en": "Needs", "title_mn": "Хэрэгцээ"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = Survey.objects.get(slug="needs")
    assert (survey.plan, survey.created_by, survey.state) == (vision, alice, "draft")
    response = client.post(
        f"/en/surveys/{survey.slug}/questions/add/",
        {
            "kind": "single",
            "text_en": "Where?",
            "choices": "Гэр | Home\nАжил | Work",
            "other": "on",
        },
    )
    assert response.status_code == 302
    question = survey.questions.get()
    assert [(o.label_mn, o.label_en) for o in question.options.all()] == [
        ("Гэр", "Home"),
        ("Ажил", "Work"),
    ]
    client.post(
        f"/en/surveys/{survey.slug}/questions/add/",
        {
            "kind": "matrix",
            "text_en": "Rate",
            "rows": "Хурд | Speed",
            "columns": "Муу | Bad\nСайн | Good",
        },
    )
    assert survey.questions.count() == 2
    client.post(f"/en/surveys/{survey.slug}/state/", {"state": "open"})
    assert Survey.objects.get(pk=survey.pk).state == "open"


def test_a_question_form_with_too_few_options_says_so(survey, alice, client, sign_in, english):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    response = client.post(
        f"/en/surveys/{survey.slug}/questions/add/",
        {"kind": "multiple", "text_en": "Which?", "choices": "One"},
    )
    assert response.status_code == 200
    assert "A choice question needs at least two options." in response.content.decode()
    assert not Question.objects.filter(survey=survey).exists()


def test_once_answered_only_wording_may_change(survey, qs, alice, charlie, english):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from .conftest import add, choices

    services.response_submit(survey=survey, by=charlie, data=full(qs))
    services.question_save(
        survey=survey,
        by=alice,
        question=qs.single,
        values={"text_en": "Where, mostly?"},
        options=choices("Home", "Work", "Café"),
    )
    assert Question.objects.get(pk=qs.single.pk).text_en == "Where, mostly?"
    assert qs.single.options.get(position=3).label_en == "Café"
    with pytest.raises(ValidationError, match="only the wording"):
        services.question_save(
            survey=survey,
            by=alice,
            question=qs.single,
            values={"required": True},
            options=choices("Home", "Work", "Café"),
        )
    with pytest.raises(ValidationError, match="not added or removed"):
        services.question_save(
            survey=survey, by=alice, question=qs.single, values={}, options=choices("Home", "Work")
        )
    with pytest.raises(ValidationError, match="can no longer be added"):
        add(survey, alice, "short_text", "New?")
    with pytest.raises(ValidationError, match="can no longer be removed"):
        services.question_delete(question=qs.short, by=alice)


def test_a_condition_must_name_an_earlier_choice_questions_option(
    survey, qs, alice, vision, english
):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    other = services.survey_create(by=alice, plan=vision, slug="x", title_en="X")
    from .conftest import add

    with pytest.raises(ValidationError, match="earlier choice question"):
        add(other, alice, "short_text", "Q?", condition=qs.yes_no.options.first())


def test_the_moderation_page_shows_and_hides_answers(
    survey, qs, alice, charlie, client, sign_in, english
):  # type: ignore[no-untyped-def]
    from plantrack.surveys.models import Answer

    services.response_submit(survey=survey, by=charlie, data=full(qs))
    sign_in(client, alice)
    page = client.get(f"/en/surveys/{survey.slug}/moderation/").content.decode()
    assert "Slow pages" in page
    answer = Answer.objects.get(text="Slow pages")
    client.post(
        f"/en/surveys/{survey.slug}/answers/{answer.pk}/",
        {"decision": "hidden", "reason": "personal data"},
    )
    answer.refresh_from_db()
    assert (answer.text_state, answer.moderation_reason) == ("hidden", "personal data")


def test_lists_show_open_surveys_not_drafts(survey, qs, alice, vision, client, english):  # type: ignore[no-untyped-def]
    services.survey_create(by=alice, plan=vision, slug="hidden-draft", title_en="Hidden draft")
    for url in ("/en/surveys/", f"/en/plans/{vision.slug}/surveys/"):
        page = client.get(url).content.decode()
        assert "Digital needs" in page and "Hidden draft" not in page
    assert re.search(r"1 response|0 responses", client.get("/en/surveys/").content.decode())


def test_removing_a_question_renumbers_the_later_ones(survey, alice):  # type: ignore[no-untyped-def]
    from .conftest import add

    first, second, third = (add(survey, alice, "short_text", f"Q{n}?") for n in range(3))
    services.question_delete(question=second, by=alice)
    assert list(survey.questions.values_list("pk", "position")) == [(first.pk, 1), (third.pk, 2)]


def test_a_survey_closing_before_it_opens_is_refused_with_a_message(
    survey, alice, client, sign_in, english
):  # type: ignore[no-untyped-def]
    sign_in(client, alice)
    data = {
        "plan": survey.plan_id,
        "slug": survey.slug,
        "title_en": "Digital needs",
        "opens_at": "2026-05-02T10:00",
        "closes_at": "2026-05-01T10:00",
    }
    response = client.post(f"/en/surveys/{survey.slug}/manage/", data)
    assert "The survey must close after it opens." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).opens_at is None
    data["closes_at"] = "2026-06-01T10:00"
    assert client.post(f"/en/surveys/{survey.slug}/manage/", data).status_code == 302
    assert Survey.objects.get(pk=survey.pk).closes_at.month == 6
