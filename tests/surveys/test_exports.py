"""Exports: one column per question (plus "other" texts and matrix rows), nothing lost,
formulas escaped, managers only."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from plantrack.surveys import services

from .conftest import full


def _csv(client, survey):  # type: ignore[no-untyped-def]
    response = client.get(f"/en/surveys/{survey.slug}/responses.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_one_column_per_question_and_keeps_other_texts(
    survey, qs, alice, charlie, client, sign_in, english
):  # type: ignore[no-untyped-def]
    data = full(
        qs, **{f"q-{qs.multiple.pk}-other": "=HYPERLINK(1)", f"q-{qs.short.pk}": "+1 Darkhan"}
    )
    services.response_submit(survey=survey, by=charlie, data=data)
    sign_in(client, alice)
    header, row = _csv(client, survey)
    assert header == [
        "Response",
        "Sent",
        "Respondent",
        "Q1. Where?",
        "Q1. Where? (other)",
        "Q2. Which?",
        "Q2. Which? (other)",
        "Q3. How easy?",
        "Q4. Any trouble?",
        "Q5. What trouble?",
        "Q6. Rate — Speed",
        "Q6. Rate — Clarity",
        "Q7. Your aimag?",
    ]
    values = dict(zip(header, row, strict=True))
    assert values["Q1. Where?"] == "Home" and values["Q1. Where? (other)"] == ""
    assert values["Q2. Which?"] == "Tax; Land"
    assert values["Q2. Which? (other)"] == "'=HYPERLINK(1)"  # kept, and escaped
    assert values["Q3. How easy?"] == "4" and values["Q4. Any trouble?"] == "Yes"
    assert values["Q6. Rate — Speed"] == "Bad" and values["Q6. Rate — Clarity"] == "Good"
    assert values["Q7. Your aimag?"] == "'+1 Darkhan"
    assert values["Respondent"] == "account"


def test_the_xlsx_holds_the_same_cells(survey, qs, alice, charlie, client, sign_in, english):  # type: ignore[no-untyped-def]
    services.response_submit(
        survey=survey,
        by=charlie,
        data=full(qs, **{f"q-{qs.single.pk}": "other", f"q-{qs.single.pk}-other": "Library"}),
    )
    sign_in(client, alice)
    response = client.get(f"/en/surveys/{survey.slug}/responses.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(rows) == 2 and len(rows[0]) == 13
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["Q1. Where?"] in ("", None) and values["Q1. Where? (other)"] == "Library"
    assert values["Q3. How easy?"] == 4


def test_only_managers_export_responses(survey, qs, charlie, bob, client, sign_in):  # type: ignore[no-untyped-def]
    assert client.get(f"/en/surveys/{survey.slug}/responses.csv").status_code == 302
    for person in (charlie, bob):
        sign_in(client, person)
        assert client.get(f"/en/surveys/{survey.slug}/responses.csv").status_code == 404


def test_anyone_downloads_the_aggregated_results(survey, qs, charlie, client, english):  # type: ignore[no-untyped-def]
    services.response_submit(survey=survey, by=charlie, data=full(qs))
    response = client.get(f"/en/surveys/{survey.slug}/results.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Q1. Where?,Home,1,100 %" in text


def test_a_persons_data_download_holds_their_survey_answers(survey, qs, charlie):  # type: ignore[no-untyped-def]
    from plantrack.accounts.services import account_export

    services.response_submit(survey=survey, by=charlie, data=full(qs))
    [response] = account_export(user=charlie)["survey_responses"]
    assert response["survey"] == survey.slug
    texts = [a["text"] for a in response["answers"] if a["text"]]
    assert texts == ["Slow pages", "Darkhan"]
    assert len(response["answers"]) == 9
