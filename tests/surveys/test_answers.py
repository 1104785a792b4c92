"""Each question kind, valid and invalid; required; conditional questions; one response
per account; the rules hold at the service, so every door gets them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.accounts.models import User
from plantrack.surveys import services
from plantrack.surveys.models import Answer, SurveyResponse

from .conftest import full, row


def submit(survey, data, by=None, **extra):  # type: ignore[no-untyped-def]
    return services.response_submit(survey=survey, data=data, by=by, **extra)


def errors_of(survey, data, by):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        submit(survey, data, by)
    return caught.value.message_dict


def test_a_complete_response_stores_one_answer_per_choice_cell_and_text(survey, qs, charlie):  # type: ignore[no-untyped-def]
    response = submit(survey, full(qs), charlie)
    answers = Answer.objects.filter(response=response)
    assert answers.filter(question=qs.single).get().option_id == qs.opt["Home"]
    assert set(answers.filter(question=qs.multiple).values_list("option_id", flat=True)) == {
        qs.opt["Tax"],
        qs.opt["Land"],
    }
    assert answers.get(question=qs.scale).number == 4
    assert answers.get(question=qs.why).text == "Slow pages"
    assert answers.get(question=qs.why).text_state == "pending"
    assert answers.filter(question=qs.matrix).count() == 2
    assert answers.get(question=qs.short).text == "Darkhan"
    survey.refresh_from_db()
    assert survey.response_count == 1 and response.user == charlie


@pytest.mark.parametrize(
    ("which", "value", "message"),
    [
        ("single", "999999", "Choose one of the answers listed."),
        ("single", ["1", "2"], "Choose one answer only."),
        ("multiple", ["x"], "Choose one of the answers listed."),
        ("scale", "6", "Choose a value from 1 to 5."),
        ("scale", "two", "Choose a value from 1 to 5."),
        ("short", "x" * 301, "Write at most 300 characters (this answer has 301)."),
        ("yes_no", "0", "Choose one of the answers listed."),
    ],
)
def test_an_invalid_answer_is_refused_naming_the_question(
    survey, qs, charlie, english, which, value, message
):  # type: ignore[no-untyped-def]
    question = getattr(qs, which)
    if which == "single" and isinstance(value, list):
        value = [str(qs.opt["Home"]), str(qs.opt["Work"])]
    errors = errors_of(survey, full(qs, **{f"q-{question.pk}": value}), charlie)
    assert errors == {f"q-{question.pk}": [message]}
    assert not SurveyResponse.objects.exists() and not Answer.objects.exists()


def test_an_option_of_another_question_is_refused(survey, qs, charlie, english):  # type: ignore[no-untyped-def]
    errors = errors_of(survey, full(qs, **{f"q-{qs.single.pk}": str(qs.opt["Tax"])}), charlie)
    assert errors == {f"q-{qs.single.pk}": ["Choose one of the answers listed."]}


def test_a_matrix_column_must_be_a_column_of_that_matrix(survey, qs, charlie, english):  # type: ignore[no-untyped-def]
    errors = errors_of(survey, full(qs, **{row(qs, "Speed"): str(qs.opt["Home"])}), charlie)
    assert list(errors) == [f"q-{qs.matrix.pk}"]


def test_a_required_question_left_empty_is_refused(survey, qs, charlie, english):  # type: ignore[no-untyped-def]
    errors = errors_of(survey, full(qs, **{f"q-{qs.scale.pk}": None}), charlie)
    assert errors == {f"q-{qs.scale.pk}": ["Answer this question; it is required."]}


def test_optional_questions_may_be_left_empty(survey, qs, charlie):  # type: ignore[no-untyped-def]
    data = {f"q-{qs.scale.pk}": "3"}
    response = submit(survey, data, charlie)
    assert list(response.answers.values_list("number", flat=True)) == [3]


def test_a_hidden_question_is_not_required_and_its_answer_not_stored(survey, qs, charlie):  # type: ignore[no-untyped-def]
    no = str(qs.yes_no.options.get(label_en="No").pk)
    # "What trouble?" is required but shown only after "Yes"; with "No" it is hidden.
    response = submit(
        survey, full(qs, **{f"q-{qs.yes_no.pk}": no, f"q-{qs.why.pk}": "ignored"}), charlie
    )
    assert not response.answers.filter(question=qs.why).exists()
    assert response.answers.get(question=qs.yes_no).option_id == int(no)


def test_a_shown_conditional_question_is_required(survey, qs, charlie, english):  # type: ignore[no-untyped-def]
    errors = errors_of(survey, full(qs, **{f"q-{qs.why.pk}": ""}), charlie)
    assert errors == {f"q-{qs.why.pk}": ["Answer this question; it is required."]}


def test_other_text_is_kept_and_needs_words_when_chosen(survey, qs, charlie, english):  # type: ignore[no-untyped-def]
    errors = errors_of(survey, full(qs, **{f"q-{qs.single.pk}": "other"}), charlie)
    assert errors == {f"q-{qs.single.pk}": ["You chose “other”: say what it is."]}
    data = full(qs, **{f"q-{qs.single.pk}": "other", f"q-{qs.single.pk}-other": "Library"})
    data[f"q-{qs.multiple.pk}-other"] = "Pensions"  # written without ticking "other": kept
    response = submit(survey, data, charlie)
    single = response.answers.get(question=qs.single)
    assert (single.option_id, single.text, single.text_state) == (None, "Library", "pending")
    texts = set(response.answers.filter(question=qs.multiple).values_list("text", flat=True))
    assert texts == {"", "Pensions"}


def test_an_option_and_other_text_together_on_a_single_choice_are_refused(
    survey, qs, charlie, english
):  # type: ignore[no-untyped-def]
    errors = errors_of(survey, full(qs, **{f"q-{qs.single.pk}-other": "Library"}), charlie)
    assert errors == {
        f"q-{qs.single.pk}": ["Choose either one of the answers or “other”, not both."]
    }


def test_one_response_per_account(survey, qs, charlie, english):  # type: ignore[no-untyped-def]
    submit(survey, full(qs), charlie)
    with pytest.raises(ValidationError, match="already answered"):
        submit(survey, full(qs), charlie)
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_the_database_also_holds_one_response_per_account(survey, qs, charlie):  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    SurveyResponse.objects.create(survey=survey, user=charlie)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, user=charlie)


def test_a_visitor_needs_an_account_unless_the_survey_allows_anonymous_answers(survey, qs):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        submit(survey, full(qs), None, guard="g1", address="10.0.0.1")
    assert not SurveyResponse.objects.exists()


def test_a_draft_or_closed_survey_takes_no_answers(survey, qs, alice, charlie, english):  # type: ignore[no-untyped-def]
    services.survey_set_state(survey=survey, by=alice, state="closed")
    with pytest.raises(ValidationError, match="not taking answers"):
        submit(survey, full(qs), charlie)
    assert not SurveyResponse.objects.exists()


def test_an_anonymous_survey_takes_one_response_per_browser(survey, qs, alice, english):  # type: ignore[no-untyped-def]
    services.survey_update(survey=survey, by=alice, anonymous=True)
    response = submit(survey, full(qs), None, guard="browser-1", address="10.0.0.1")
    assert response.user is None and response.guard == "browser-1"
    with pytest.raises(ValidationError, match="This browser has already answered"):
        submit(survey, full(qs), None, guard="browser-1", address="10.0.0.1")
    submit(survey, full(qs), None, guard="browser-2", address="10.0.0.1")
    assert SurveyResponse.objects.filter(survey=survey).count() == 2


def test_anonymous_answers_from_one_address_are_limited(survey, qs, alice, settings, english):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_SURVEY_ANONYMOUS_LIMIT = 2
    services.survey_update(survey=survey, by=alice, anonymous=True)
    for n in range(2):
        submit(survey, full(qs), None, guard=f"b{n}", address="10.0.0.9")
    with pytest.raises(services.RateLimited, match="at most 2 per 60 minutes"):
        submit(survey, full(qs), None, guard="b3", address="10.0.0.9")
    submit(survey, full(qs), None, guard="b4", address="10.0.0.10")  # another address
    assert SurveyResponse.objects.filter(survey=survey).count() == 3


def test_another_surveys_question_ids_are_ignored(survey, qs, alice, vision, charlie):  # type: ignore[no-untyped-def]
    other = services.survey_create(by=alice, plan=vision, slug="other", title_en="Other")
    from .conftest import add

    q = add(other, alice, "short_text", "Other?")
    response = submit(survey, full(qs, **{f"q-{q.pk}": "sneaky"}), charlie)
    assert not Answer.objects.filter(question=q).exists()
    assert response.answers.count() == 9


def test_a_deleted_account_leaves_its_response_anonymous(survey, qs, charlie):  # type: ignore[no-untyped-def]
    response = submit(survey, full(qs), charlie)
    User.objects.filter(pk=charlie.pk).delete()
    response.refresh_from_db()
    assert response.user is None


def test_a_blocked_account_cannot_answer(survey, qs, charlie, english):  # type: ignore[no-untyped-def]
    from plantrack.participation.models import Block

    Block.objects.create(user=charlie, reason="abuse")
    with pytest.raises(ValidationError, match="blocked from taking part"):
        submit(survey, full(qs), charlie)
    assert not SurveyResponse.objects.exists()
