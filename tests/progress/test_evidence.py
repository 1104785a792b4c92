"""Evidence files: checked by content, never by name; refusals say what is wrong and what to
do, and leave nothing behind; files are stored under our name and served only to those who
may see their report."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from plantrack.history.models import Event
from plantrack.progress import evidence
from plantrack.progress.evidence import EvidenceLink, Upload
from plantrack.progress.models import Evidence, ProgressUpdate
from plantrack.progress.services import progress_update_review, progress_update_save

from ._workflow import PLAN, draft, submitted

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# -- Real small files, made here -------------------------------------------------------------


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # one row: no filter, a red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Training attendance list, 12 posts.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["post", "officers"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def macro_docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source, zipfile.ZipFile(out, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml",
                    b"ms-word.document.macroEnabled.main+xml",
                ).replace(b"officedocument.application/", b"")
            copy.writestr(info, data)
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def _attach(activity, erin, period, files, links=()):  # type: ignore[no-untyped-def]
    return submitted(activity, erin, period, evidence_files=files, evidence_links=links)


# -- Refused: programs, oversized files, paths in names ---------------------------------------


@pytest.mark.parametrize("data, kind", [(ELF, "ELF"), (MZ, "Windows")])
def test_a_program_renamed_pdf_is_refused_as_a_program(
    activity, period, erin, media, data, kind, english
):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        _attach(activity, erin, period, [Upload("report.pdf", data)])
    [message] = refused.value.message_dict["evidence_files"]
    assert f"“report.pdf” is a program ({kind} executable), not a document" in message
    assert "PDF, PNG, JPEG" in message  # what is accepted
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_file_is_refused_naming_the_limit(activity, period, erin, media, english):  # type: ignore[no-untyped-def]
    big = pdf_bytes() + b"\n%" + b"0" * (11 * MB)
    with pytest.raises(ValidationError) as refused:
        _attach(activity, erin, period, [Upload("scan.pdf", big)])
    [message] = refused.value.message_dict["evidence_files"]
    assert "“scan.pdf” is 11 MB; the limit is 10 MB per file" in message
    assert not Evidence.objects.exists() and stored_files(media) == []


def test_the_file_cap_follows_the_settings_and_the_upload_handler(settings, english):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_EVIDENCE_LIMITS = {"max_file_bytes": 50 * MB, "max_files_per_update": 2}
    # never above what the upload handler keeps of a file
    assert evidence.current_limits().max_file_bytes == settings.PLANTRACK_MAX_IMPORT_BYTES
    with pytest.raises(ValidationError, match="at most 2 files; this one would hold 3"):
        evidence.evidence_check_all([Upload(f"{n}.pdf", pdf_bytes()) for n in range(3)])


@pytest.mark.parametrize("name", ["../x.pdf", "C:\\x\\y.pdf", "/etc/x.pdf", "reports/q1.pdf"])
def test_a_file_name_with_a_path_is_refused(activity, period, erin, media, name, english):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        _attach(activity, erin, period, [Upload(name, pdf_bytes())])
    [message] = refused.value.message_dict["evidence_files"]
    assert "contains a folder path" in message and "without folders" in message
    assert not ProgressUpdate.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("bad\x00name.pdf", pdf_bytes, "contains control characters"),
        ("photo.pdf", png_bytes, "is named as .pdf but its content is PNG. Name it with .png"),
        ("minutes", docx_bytes, "has no extension but its content is DOCX"),
        ("notes.txt", lambda: b"plain words", "is not one of the accepted kinds"),
        ("macro.docx", macro_docx_bytes, "contains macros"),
        ("broken.docx", lambda: b"PK\x03\x04" + b"\x00" * 40, "could not be read"),
        ("empty.pdf", lambda: b"", "is empty"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
    activity, period, erin, media, name, data, expected, english
):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        _attach(activity, erin, period, [Upload(name, data())])
    assert expected in " ".join(refused.value.message_dict["evidence_files"])
    assert stored_files(media) == []


def test_one_bad_file_refuses_the_report_with_every_problem_and_stores_nothing(
    activity, period, erin, media, english
):  # type: ignore[no-untyped-def]
    files = [
        Upload("ok.pdf", pdf_bytes()),
        Upload("tool.pdf", ELF),
        Upload("../a.png", png_bytes()),
    ]
    with pytest.raises(ValidationError) as refused:
        _attach(activity, erin, period, files)
    assert len(refused.value.message_dict["evidence_files"]) == 2
    assert not ProgressUpdate.objects.exists() and stored_files(media) == []


def test_bad_links_are_refused(activity, period, erin, english):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        _attach(
            activity,
            erin,
            period,
            [],
            [("javascript:alert(1)", "x"), ("ftp://example.org/a", "y"), ("", "No address")],
        )
    problems = refused.value.message_dict["evidence_links"]
    assert len(problems) == 3 and "has no address" in problems[2]


# -- Accepted: real small files, stored under our name ----------------------------------------


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("Report Q1.pdf", pdf_bytes, "application/pdf"),
        ("post.PNG", png_bytes, "image/png"),
        ("attendance.docx", docx_bytes, "wordprocessingml.document"),
        ("figures.xlsx", xlsx_bytes, "spreadsheetml.sheet"),
        ("minutes.odt", odt_bytes, "opendocument.text"),
    ],
)
def test_a_real_small_file_is_accepted_and_stored_under_our_name(
    activity, period, erin, media, name, data, content_type
):  # type: ignore[no-untyped-def]
    content = data()
    update = _attach(activity, erin, period, [Upload(name, content)])
    [stored] = update.evidence.all()
    assert stored.original_name == name and content_type in stored.content_type
    assert stored.file.name == f"evidence/{update.pk}/{stored.sha256[:16]}{stored.extension}"
    assert name not in stored.file.name
    assert (media / stored.file.name).read_bytes() == content
    assert stored.size == len(content) and stored.uploaded_by == erin


def test_links_are_accepted_and_listed_in_the_event(activity, period, erin):  # type: ignore[no-untyped-def]
    update = _attach(
        activity,
        erin,
        period,
        [Upload("r.pdf", pdf_bytes())],
        [EvidenceLink("https://example.org/law", "The law as adopted")],
    )
    assert sorted(update.evidence.values_list("url", "title")) == [
        ("", ""),
        ("https://example.org/law", "The law as adopted"),
    ]
    event = Event.objects.get(object_id=str(update.pk), action="submitted")
    assert event.changes["evidence"] == [None, ["r.pdf", "https://example.org/law"]]


def test_removing_evidence_from_a_draft_deletes_its_file_after_commit(
    activity, period, erin, media, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    update = draft(activity, erin, period, evidence_files=[Upload("r.pdf", pdf_bytes())])
    [stored] = update.evidence.all()
    path = media / stored.file.name
    with django_capture_on_commit_callbacks(execute=True):
        progress_update_save(
            item=activity,
            by=erin,
            period=period,
            status="in_progress",
            progress=20,
            note="Started.",
            update=update,
            version=update.version,
            submit=False,
            remove_evidence=[stored.pk],
        )
    assert not Evidence.objects.filter(pk=stored.pk).exists() and not path.exists()


def test_the_per_report_cap_counts_the_files_already_there(
    activity, period, erin, settings, english
):  # type: ignore[no-untyped-def]
    settings.PLANTRACK_EVIDENCE_LIMITS = {"max_files_per_update": 2}
    update = draft(
        activity, erin, period, evidence_files=[Upload(f"{n}.pdf", pdf_bytes()) for n in range(2)]
    )
    with pytest.raises(ValidationError, match="at most 2 files; this one would hold 3"):
        progress_update_save(
            item=activity,
            by=erin,
            period=period,
            status="in_progress",
            progress=20,
            note="Started.",
            update=update,
            submit=False,
            evidence_files=[Upload("2.pdf", pdf_bytes())],
        )
    assert update.evidence.count() == 2


# -- Through the form ------------------------------------------------------------------------


def test_the_form_takes_several_files_and_shows_a_refusal_under_the_field(
    client, activity, period, erin, media
):  # type: ignore[no-untyped-def]
    client.force_login(erin)
    url = f"/en/plans/{PLAN}/items/7.3.8/report/"
    data = {"period": period.pk, "status": "in_progress", "progress": 30, "note": "Done."}
    bad = {**data, "evidence_files": [SimpleUploadedFile("tool.pdf", ELF)]}
    page = client.post(url, bad)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_evidence_files_errors"' in html and "is a program" in html
    assert 'aria-describedby="id_evidence_files_help id_evidence_files_errors"' in html
    assert not ProgressUpdate.objects.exists() and stored_files(media) == []
    good = {
        **data,
        "evidence_files": [
            SimpleUploadedFile("a.pdf", pdf_bytes()),
            SimpleUploadedFile("b.png", png_bytes()),
        ],
        "link_url_1": "https://example.org/news",
        "link_title_1": "News item",
    }
    assert client.post(url, good).status_code == 302
    update = ProgressUpdate.objects.get()
    assert sorted(e.original_name or e.title for e in update.evidence.all()) == [
        "News item",
        "a.pdf",
        "b.png",
    ]


# -- Serving -----------------------------------------------------------------------------------


def _download(client, update, stored):  # type: ignore[no-untyped-def]
    return client.get(f"/en/plans/{PLAN}/updates/{update.pk}/evidence/{stored.pk}/")


def test_evidence_of_an_unapproved_report_is_served_only_to_those_who_may_see_it(
    client, sign_in, activity, period, erin, alice, rex, charlie, bob_of_dice
):  # type: ignore[no-untyped-def]
    update = _attach(activity, erin, period, [Upload("secret.pdf", pdf_bytes())])
    [stored] = update.evidence.all()
    assert _download(client, update, stored).status_code == 404  # a visitor
    for stranger in (charlie, rex, bob_of_dice):
        sign_in(client, stranger)
        assert _download(client, update, stored).status_code == 404
    for allowed in (erin, alice):
        sign_in(client, allowed)
        response = _download(client, update, stored)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == stored.file.open("rb").read()
        assert response["Cache-Control"] == "private, no-store"


def test_approved_evidence_is_public_as_a_download_never_sniffed(
    client, activity, period, erin, alice
):  # type: ignore[no-untyped-def]
    update = _attach(activity, erin, period, [Upload("Report Q1.pdf", pdf_bytes())])
    progress_update_review(update=update, by=alice, approve=True)
    [stored] = update.evidence.all()
    response = _download(client, update, stored)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Report Q1.pdf" in response["Content-Disposition"]


def test_another_reports_evidence_in_this_reports_address_is_not_found(
    client, activity, vision, period, erin, alice
):  # type: ignore[no-untyped-def]
    from ._workflow import make_period

    public = _attach(activity, erin, period, [Upload("public.pdf", pdf_bytes())])
    progress_update_review(update=public, by=alice, approve=True)
    private = _attach(activity, erin, make_period(vision, 2), [Upload("private.pdf", pdf_bytes())])
    [hidden] = private.evidence.all()
    # The approved report's address, the unapproved report's file: not found
    assert _download(client, public, hidden).status_code == 404


# -- Backups carry the evidence ----------------------------------------------------------------


def test_backups_include_the_evidence_files(activity, period, erin, media, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from plantrack.ops import backup

    update = _attach(activity, erin, period, [Upload("r.pdf", pdf_bytes())])
    [stored] = update.evidence.all()

    def no_database(target: Path) -> dict[str, object]:
        # The test database lives in memory; the files are what this test is about.
        target.write_bytes(b"")
        return {"history_head": {"seq": 0, "hash": ""}, "migrations": []}

    monkeypatch.setattr(backup, "_sqlite_snapshot", no_database)
    monkeypatch.setattr(backup, "_postgres_snapshot", no_database)
    manifest = backup.backup_create(target=tmp_path / "backup")
    listed = {entry["path"] for entry in manifest["files"]}
    assert f"media/{stored.file.name}" in listed
    copied = tmp_path / "backup" / "media" / stored.file.name
    assert copied.read_bytes() == (media / stored.file.name).read_bytes()


def test_an_oversized_upload_through_the_form_is_refused_naming_the_limit(
    client, activity, period, erin, media, english
):  # type: ignore[no-untyped-def]
    # The upload handler keeps at most the limit (+ 1 byte) of the file, and counts the rest.
    client.force_login(erin)
    big = SimpleUploadedFile("scan.pdf", pdf_bytes() + b"\n%" + b"0" * (12 * MB))
    data = {"period": period.pk, "status": "in_progress", "progress": 30, "note": "Done."}
    page = client.post(f"/en/plans/{PLAN}/items/7.3.8/report/", {**data, "evidence_files": [big]})
    assert "“scan.pdf” is 12 MB; the limit is 10 MB per file" in page.content.decode()
    assert not ProgressUpdate.objects.exists() and stored_files(media) == []
