"""The upload-with-preview page for assessment files (issue 12, item 7): who may use it,
the preview of the R2P seed (36 ratings, score 54) with nothing written, the confirmation
(signed, bound to the person and the staged file, acted on once), re-import, bad files,
and the CSV template."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plantrack.assessments.generate import sample_assessment
from plantrack.assessments.importers.template_writer import template_csv
from plantrack.assessments.models import Framework, FrameworkVersion, Rating, Round
from plantrack.history.models import Event
from plantrack.plans.demo import SEED_DIR

R2P = SEED_DIR / "003_8a0f78df4ed7b134.txt"
UPLOAD = "/en/assessments/import/"
CONFIRM = "/en/assessments/import/confirm/"
REREAD = "/en/assessments/import/reread/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Framework.objects.count(),
        FrameworkVersion.objects.count(),
        Round.objects.count(),
        Rating.objects.count(),
        Event.objects.count(),
    )


def _file(data: bytes, name: str = "r2p.txt", content_type: str = "text/plain") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _upload(client: Client, data: bytes, name: str = "r2p.txt", **fields: Any) -> Any:
    return client.post(UPLOAD, {"file": _file(data, name), **fields})


def _token(response: Any) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "the preview carries no token"
    return found.group(1)


def _text(response: Any) -> str:
    """The page's text without tags and with spaces folded, for phrases across elements."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def assessor_client(client, ada, sign_in):  # type: ignore[no-untyped-def]
    return sign_in(client, ada)


# -- Who may use it --------------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in(client, db):  # type: ignore[no-untyped-def]
    for url in (UPLOAD, CONFIRM, REREAD):
        response = client.get(url) if url == UPLOAD else client.post(url, {"token": "x"})
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize("who", ["charlie", "bob", "alice"])
def test_citizens_and_plan_managers_are_refused(client, sign_in, request, who):  # type: ignore[no-untyped-def]
    """Importing creates frameworks, which is the assessors' work (assessments.assess); plan
    managers publish rounds but do not create frameworks, so the page is refused them."""
    sign_in(client, request.getfixturevalue(who))
    before = _counts()
    assert client.get(UPLOAD).status_code == 403
    assert _upload(client, R2P.read_bytes()).status_code == 403
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    assert _counts() == before


@pytest.mark.parametrize("who", ["ada", "site_admin"])
def test_assessors_and_site_administrators_open_the_page(client, sign_in, request, who):  # type: ignore[no-untyped-def]
    sign_in(client, request.getfixturevalue(who))
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert 'name="file"' in response.content.decode()


def test_the_index_links_to_the_page_for_those_allowed_only(client, sign_in, ada, charlie):  # type: ignore[no-untyped-def]
    link = 'href="/en/assessments/import/"'
    assert link not in client.get("/en/assessments/").content.decode()
    sign_in(client, charlie)
    assert link not in client.get("/en/assessments/").content.decode()
    sign_in(client, ada)
    assert link in client.get("/en/assessments/").content.decode()


# -- Upload, preview, confirm ----------------------------------------------------------------


def test_the_preview_shows_the_r2p_figures_and_writes_nothing(assessor_client):  # type: ignore[no-untyped-def]
    before = _counts()
    response = _upload(assessor_client, R2P.read_bytes(), official="official")
    assert response.status_code == 200
    text = _text(response)
    assert _counts() == before  # a dry run: nothing is written before the confirmation
    assert "A new framework is created" in text
    assert "new framework, version 1" in text
    assert "36 in 6 areas" in text
    assert "Basic Compliance 3" in text
    assert "International Human Rights Obligations 11" in text
    assert "Subject Mongolia" in text and "Year 2022" in text
    assert "Kind Official assessment" in text
    assert "Ratings 36" in text
    assert "54 (exact 54.17)" in text
    assert "78 / 144 points over 36 rated indicators" in text
    assert "2019 58" in text  # a reported score, as stated
    assert "A new round is created as a draft." in text
    assert "The first 20 of 36 ratings" in text
    body = response.content.decode()
    assert body.count('<th scope="row"><span class="code">') == 20
    assert '<caption id="ratings-caption">' in body


def test_the_document_decides_the_kind_unless_the_form_says(assessor_client):  # type: ignore[no-untyped-def]
    """The R2P scorecard is by a research centre: a civil-society round, unless corrected."""
    response = _upload(assessor_client, R2P.read_bytes())
    assert "Kind Civil-society (shadow) assessment" in _text(response)


def test_confirm_imports_the_framework_and_a_draft_round_with_a_receipt(assessor_client, ada):  # type: ignore[no-untyped-def]
    token = _token(_upload(assessor_client, R2P.read_bytes(), official="official"))
    events = Event.objects.count()
    response = assessor_client.post(CONFIRM, {"token": token, "after": "draft"})
    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == round.get_absolute_url()
    assert (round.subject, round.year, round.official) == ("Mongolia", 2022, True)
    assert round.state == Round.State.DRAFT  # a page's import is published by a second person
    assert round.created_by == ada
    assert round.ratings.count() == 36
    assert Framework.objects.count() == 1
    assert Event.objects.count() == events + 1
    page = assessor_client.get(response["Location"])
    assert "Receipt: your change is event" in page.content.decode()


def test_confirm_can_submit_the_round_for_a_second_person_to_publish(assessor_client, ada):  # type: ignore[no-untyped-def]
    token = _token(_upload(assessor_client, R2P.read_bytes(), official="official"))
    assessor_client.post(CONFIRM, {"token": token, "after": "submit"})
    round = Round.objects.get()
    assert round.state == Round.State.SUBMITTED
    assert round.submitted_by == ada
    assert round.published_at is None


def test_the_same_file_again_changes_nothing(assessor_client):  # type: ignore[no-untyped-def]
    token = _token(_upload(assessor_client, R2P.read_bytes(), official="official"))
    assessor_client.post(CONFIRM, {"token": token})
    before = _counts()
    response = _upload(assessor_client, R2P.read_bytes(), official="official")
    assert response.status_code == 200
    assert "Nothing changes:" in _text(response)
    assert "existing version 1" in _text(response)
    assert 'action="/en/assessments/import/confirm/"' not in response.content.decode()
    assert _counts() == before


def test_a_published_round_imported_with_other_ratings_is_previewed_as_a_correction(
    assessor_client, published
):  # type: ignore[no-untyped-def]
    parsed = sample_assessment()
    assert parsed.round is not None
    parsed.round.ratings[0].justification = "A different reading of the evidence."
    before = _counts()
    response = _upload(assessor_client, template_csv(parsed), "sample.csv")
    assert "the import starts a correction of it" in _text(response)
    assert _counts() == before
    assessor_client.post(CONFIRM, {"token": _token(response)})
    correction = Round.objects.get(supersedes=published)
    assert correction.state == Round.State.DRAFT
    published.refresh_from_db()
    assert published.state == Round.State.PUBLISHED


def test_a_tampered_token_is_refused(assessor_client):  # type: ignore[no-untyped-def]
    token = _token(_upload(assessor_client, R2P.read_bytes()))
    before = _counts()
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    response = assessor_client.post(CONFIRM, {"token": forged})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert _counts() == before
    messages = assessor_client.get(UPLOAD).content.decode()
    assert "That preview has expired or is not yours" in messages


def test_another_persons_token_is_refused(client, sign_in, ada, abe):  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    token = _token(_upload(client, R2P.read_bytes()))
    other = sign_in(Client(), abe)
    before = _counts()
    response = other.post(CONFIRM, {"token": token})
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert _counts() == before


def test_a_staged_file_changed_after_the_preview_is_refused(assessor_client, settings):  # type: ignore[no-untyped-def]
    from pathlib import Path

    token = _token(_upload(assessor_client, R2P.read_bytes()))
    staged = next((Path(settings.MEDIA_ROOT) / "import-staging").iterdir())
    staged.write_bytes(template_csv(sample_assessment()))
    before = _counts()
    assessor_client.post(CONFIRM, {"token": token})
    assert _counts() == before


def test_a_double_confirm_imports_once(assessor_client):  # type: ignore[no-untyped-def]
    token = _token(_upload(assessor_client, R2P.read_bytes()))
    first = assessor_client.post(CONFIRM, {"token": token})
    second = assessor_client.post(CONFIRM, {"token": token})
    assert Round.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]  # the first confirmation's round
    page = assessor_client.get(second["Location"]).content.decode()
    assert "This file was already imported; it is recorded once." in page


def test_reading_again_with_another_subject_and_year_previews_them(assessor_client):  # type: ignore[no-untyped-def]
    token = _token(_upload(assessor_client, R2P.read_bytes()))
    response = assessor_client.post(
        REREAD,
        {"token": token, "subject": "Mongolia (test)", "year": "2023", "official": "official"},
    )
    text = _text(response)
    assert "Subject Mongolia (test)" in text and "Year 2023" in text
    assert "Kind Official assessment" in text
    assessor_client.post(CONFIRM, {"token": _token(response)})
    round = Round.objects.get()
    assert (round.subject, round.year, round.official) == ("Mongolia (test)", 2023, True)


def test_reading_again_with_another_persons_token_is_refused(client, sign_in, ada, abe):  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    token = _token(_upload(client, R2P.read_bytes()))
    other = sign_in(Client(), abe)
    response = other.post(REREAD, {"token": token, "subject": "Elsewhere"})
    assert response.status_code == 302 and response["Location"] == UPLOAD


# -- The template -------------------------------------------------------------------------------


def test_the_template_csv_imports_through_the_page(assessor_client):  # type: ignore[no-untyped-def]
    data = template_csv(sample_assessment())
    response = _upload(assessor_client, data, "filled-in.csv")
    assert response.status_code == 200
    assert "54 (exact 54.17)" in _text(response)
    assessor_client.post(CONFIRM, {"token": _token(response)})
    round = Round.objects.get()
    assert round.ratings.count() == len(sample_assessment().round.ratings)  # type: ignore[union-attr]


def test_the_blank_template_downloads_in_both_formats(client, db):  # type: ignore[no-untyped-def]
    csv = client.get("/en/assessments/import/template.csv")
    assert csv.status_code == 200
    assert b"record" in csv.content and "attachment" in csv["Content-Disposition"]
    xlsx = client.get("/en/assessments/import/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK\x03\x04")


# -- Bad files --------------------------------------------------------------------------------


def _refused(client: Client, data: bytes, name: str) -> str:
    before = _counts()
    response = _upload(client, data, name)
    assert response.status_code == 400
    assert _counts() == before
    body = response.content.decode()
    assert 'id="error-summary"' in body
    return _text(response)


def test_an_empty_file_is_refused_with_the_form(assessor_client):  # type: ignore[no-untyped-def]
    assert "The submitted file is empty." in _refused(assessor_client, b"", "empty.csv")


def test_a_program_renamed_csv_is_refused_by_its_content(assessor_client):  # type: ignore[no-untyped-def]
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)) * 8
    text = _refused(assessor_client, program, "scores.csv")
    assert "This is a binary file, not a text, CSV, XLSX, DOCX, ODT or PDF document" in text


def test_a_zip_bomb_workbook_is_refused_naming_the_limit(assessor_client):  # type: ignore[no-untyped-def]
    from tests.plans.hostile import xlsx_bomb

    text = _refused(assessor_client, xlsx_bomb(), "scores.xlsx")
    assert "expands to 64 MB; the limit is 50 MB" in text


def test_a_file_over_the_size_limit_is_refused_naming_it(assessor_client, settings):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_MAX_IMPORT_BYTES = 1024
    text = _refused(assessor_client, b"x" * 5000, "big.txt")
    assert "The file is 0.0048 MB; the limit is 0.00098 MB." in text
    assert "Save the assessment without images" in text


def test_a_plan_is_not_an_assessment(assessor_client):  # type: ignore[no-untyped-def]
    plan = (SEED_DIR / "000_9b10a168590abdd1.txt").read_bytes()
    text = _refused(assessor_client, plan, "plan.txt")
    assert "No rated indicators were found" in text


def test_a_document_without_a_subject_asks_for_it_on_the_form(assessor_client):  # type: ignore[no-untyped-def]
    parsed = sample_assessment()
    assert parsed.round is not None
    parsed.round.subject = ""
    response = _upload(assessor_client, template_csv(parsed), "no-subject.csv")
    assert response.status_code == 400
    assert "The document does not say what is assessed. Write the subject here." in _text(response)
    assert 'id="id_subject_errors"' in response.content.decode()
    response = _upload(assessor_client, template_csv(parsed), "no-subject.csv", subject="Mongolia")
    assert response.status_code == 200
    assert "Subject Mongolia" in _text(response)


# -- Cost --------------------------------------------------------------------------------------


def test_the_preview_costs_the_same_queries_at_36_and_360_indicators(assessor_client):  # type: ignore[no-untyped-def]
    """Reads and updates do not grow with the file; the dry run's bulk inserts come in
    batches (SQLite takes at most 999 parameters a statement), a few more for a big file."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _upload(assessor_client, template_csv(sample_assessment()), "warm-up.csv")  # the session
    counts = []
    for size in (1, 10):
        data = template_csv(sample_assessment(size=size, title=f"Size {size}"))
        with CaptureQueriesContext(connection) as queries:
            response = _upload(assessor_client, data, f"size-{size}.csv")
        assert response.status_code == 200
        assert f"{36 * size} in 6 areas" in _text(response)
        sql = [query["sql"] for query in queries.captured_queries]
        inserts = sum(1 for line in sql if line.startswith("INSERT"))
        counts.append((len(sql) - inserts, inserts))
    assert counts[0][0] == counts[1][0], counts
    assert counts[1][1] <= counts[0][1] + 6, counts


# -- A table of scores holding many rounds ----------------------------------------------------

SCORES = (
    "Country;Year;1.1;1.2;2.1;2.2;Overall\n"
    "Arcadia;2021;2;1;0;2;63\n"
    "Arcadia;2024;2;2;1;1;75\n"
    "Borduria;2024;0;0;1;2;38\n"
)


def test_a_score_table_asks_which_round_and_imports_the_one_chosen(assessor_client):  # type: ignore[no-untyped-def]
    before = _counts()
    refused = _upload(assessor_client, SCORES.encode(), "scores.csv")
    assert refused.status_code == 400
    assert "3 assessments" in _text(refused)
    assert _counts() == before
    untitled = _upload(
        assessor_client, SCORES.encode(), "scores.csv", subject="Arcadia", year="2024"
    )
    assert "does not name its indicator framework" in _text(untitled)
    assert 'id="id_framework_title"' in untitled.content.decode()
    preview = _upload(
        assessor_client,
        SCORES.encode(),
        "scores.csv",
        subject="Arcadia",
        year="2024",
        assessing_body="Arcadia Watch",
        framework_title="Arcadia governance index",
    )
    assert preview.status_code == 200, _text(preview)[-1500:]
    assert "Arcadia" in _text(preview) and "2024" in _text(preview)
    assert _counts() == before
    done = assessor_client.post(CONFIRM, {"token": _token(preview), "once": "t-1"})
    assert done.status_code == 302
    round = Round.objects.get()
    assert (round.subject, round.year, round.ratings.count()) == ("Arcadia", 2024, 4)
    assert round.reported_scores == {"2024": 75}
    assert round.version.framework.title_en == "Arcadia governance index"
