"""The results page: counts and shares computed by hand, free text only once shown, and a
query count that does not grow with the number of responses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.surveys import services
from plantrack.surveys.generate import generate_responses
from plantrack.surveys.models import Answer
from plantrack.surveys.selectors import survey_results

from .conftest import full, row


def _by_question(results):  # type: ignore[no-untyped-def]
    return {r.question.pk: r for r in results.questions}


@pytest.fixture
def three(survey, qs, db):  # type: ignore[no-untyped-def]
    """Three people answer; hand-counted below."""
    from plantrack.accounts.models import User

    people = [
        User.objects.create_user(f"p{n}@example.org", "pw-123456", display_name=f"P{n}")
        for n in range(3)
    ]
    no = str(qs.yes_no.options.get(label_en="No").pk)
    services.response_submit(survey=survey, by=people[0], data=full(qs))
    services.response_submit(
        survey=survey,
        by=people[1],
        data=full(
            qs,
            **{
                f"q-{qs.single.pk}": str(qs.opt["Work"]),
                f"q-{qs.multiple.pk}": [str(qs.opt["Tax"])],
                f"q-{qs.scale.pk}": "5",
                f"q-{qs.yes_no.pk}": no,
                row(qs, "Speed"): str(qs.opt["Good"]),
            },
        ),
    )
    services.response_submit(
        survey=survey,
        by=people[2],
        data={
            f"q-{qs.single.pk}": "other",
            f"q-{qs.single.pk}-other": "Library",
            f"q-{qs.scale.pk}": "1",
        },
    )
    return people


def test_counts_and_shares_are_those_counted_by_hand(survey, qs, three):  # type: ignore[no-untyped-def]
    survey.refresh_from_db()
    results = survey_results(survey)
    by = _by_question(results)
    assert results.responses == 3
    single = by[qs.single.pk]
    assert single.answered == 3
    assert [(o.option.label_en, o.count, o.share) for o in single.options] == [
        ("Home", 1, "33 %"),
        ("Work", 1, "33 %"),
        ("Cafe", 0, "0 %"),
    ]
    assert single.other == 1
    multiple = by[qs.multiple.pk]
    # Two people answered; Tax chosen by both (100 %), Land by one (50 %).
    assert [(o.option.label_en, o.count, o.share) for o in multiple.options] == [
        ("Tax", 2, "100 %"),
        ("Health", 0, "0 %"),
        ("Land", 1, "50 %"),
    ]
    scale = by[qs.scale.pk]
    assert scale.scale == [
        (1, 1, "33 %"),
        (2, 0, "0 %"),
        (3, 0, "0 %"),
        (4, 1, "33 %"),
        (5, 1, "33 %"),
    ]
    assert scale.mean == "3.33"  # (4 + 5 + 1) / 3
    matrix = by[qs.matrix.pk]
    assert [(r.label_en, cells) for r, cells in matrix.matrix_rows] == [
        ("Speed", [(1, "50 %"), (0, "0 %"), (1, "50 %")]),
        ("Clarity", [(0, "0 %"), (0, "0 %"), (2, "100 %")]),
    ]
    # One text answer to "What trouble?" (the second person said No: hidden, not stored).
    why = by[qs.why.pk]
    assert (why.answered, why.texts_pending, why.texts_shown, why.texts) == (1, 1, 0, [])


def test_free_text_is_listed_only_once_shown_and_hidden_ones_are_counted(
    survey, qs, three, alice, client, english
):  # type: ignore[no-untyped-def]
    library = Answer.objects.get(text="Library")
    slow = Answer.objects.get(text="Slow pages")
    page = client.get(f"/en/surveys/{survey.slug}/results/").content.decode()
    assert "Library" not in page and "Slow pages" not in page
    services.answer_moderate(answer=library, by=alice, shown=True)
    services.answer_moderate(answer=slow, by=alice, shown=False, reason="personal data")
    page = client.get(f"/en/surveys/{survey.slug}/results/").content.decode()
    assert "Library" in page and "Slow pages" not in page
    assert "0 published, 0 waiting to be checked, 1 hidden by the managers." in page
    by = _by_question(survey_results(survey))
    assert by[qs.why.pk].texts_hidden == 1 and by[qs.single.pk].texts_shown == 1


def test_hiding_needs_a_reason(survey, qs, three, alice, english):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    answer = Answer.objects.get(text="Library")
    with pytest.raises(ValidationError, match="Say why"):
        services.answer_moderate(answer=answer, by=alice, shown=False, reason=" ")
    assert Answer.objects.get(pk=answer.pk).text_state == "pending"


def test_a_manager_of_another_plan_may_not_moderate(survey, qs, three, bob, dice):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    dice.managers.add(bob)
    answer = Answer.objects.get(text="Library")
    with pytest.raises(PermissionDenied):
        services.answer_moderate(answer=answer, by=bob, shown=True)
    assert Answer.objects.get(pk=answer.pk).text_state == "pending"


def _queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["results/", "", "results.csv"])
def test_page_queries_do_not_grow_with_responses(survey, qs, client, path):  # type: ignore[no-untyped-def]
    url = f"/en/surveys/{survey.slug}/{path}"
    generate_responses(survey, 10)
    few = _queries(client, url)
    generate_responses(survey, 990, seed=8)
    many = _queries(client, url)
    assert few == many
    if path == "results/":
        assert many <= 12


def test_the_stored_tallies_equal_a_count_from_the_answers(survey, qs, three, alice):  # type: ignore[no-untyped-def]
    from plantrack.surveys import tallies
    from plantrack.surveys.models import Tally

    services.answer_moderate(answer=Answer.objects.get(text="Library"), by=alice, shown=True)
    services.answer_moderate(
        answer=Answer.objects.get(text="Slow pages"), by=alice, shown=False, reason="abuse"
    )

    def stored():  # type: ignore[no-untyped-def]
        rows = Tally.objects.filter(survey=survey).exclude(count=0)
        return sorted(rows.values_list("question_id", "key", "count"))

    kept = stored()
    tallies.rebuild(survey)
    assert stored() == kept
    assert (qs.single.pk, "other", 1) in kept and (qs.single.pk, "tshown", 1) in kept
