"""Evidence files and links that back a progress update.

A file is hostile until checked. Its kind is read from its content (PDF, PNG, JPEG, WebP,
GIF; DOCX/XLSX/PPTX from the ZIP's declared content types, ODT/ODS/ODP from its
``mimetype`` part, both through ``plans/importers/safezip``), and the name's extension must
agree with it; a program renamed ``.pdf`` is refused as a program. A name with a folder
path is refused; the file is stored under our own name (``models.evidence_path``) and the
uploaded name is only shown. Every cap (one file's size, files and links per update) is a
named limit, and its refusal names it. ``evidence_check_all`` runs before anything is
written, so a refused file leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from plantrack.plans.importers import limits as import_limits
from plantrack.plans.importers import safezip
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.limits import MB, count_text, size_text

FILES = "evidence_files"
LINKS = "evidence_links"
MAX_NAME_CHARS = 200  # Evidence.original_name
MAX_TITLE_CHARS = 300  # Evidence.title
MAX_URL_CHARS = 1000  # Evidence.url


@dataclass(frozen=True)
class EvidenceLimits:
    """Caps on evidence; ``settings.PLANTRACK_EVIDENCE_LIMITS`` (field names) changes them."""

    max_file_bytes: int = 10 * MB
    max_files_per_update: int = 10
    max_links_per_update: int = 20


def current_limits() -> EvidenceLimits:
    overrides = dict(getattr(settings, "PLANTRACK_EVIDENCE_LIMITS", None) or {})
    known = {f.name for f in dataclasses.fields(EvidenceLimits)}
    chosen = dataclasses.replace(
        EvidenceLimits(), **{k: v for k, v in overrides.items() if k in known}
    )
    # The upload handler keeps at most the import cap (+ 1 byte) of any uploaded file.
    cap = min(chosen.max_file_bytes, settings.PLANTRACK_MAX_IMPORT_BYTES)
    return dataclasses.replace(chosen, max_file_bytes=cap)


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one we store under


KINDS = {
    "pdf": Kind("PDF", "application/pdf", (".pdf",)),
    "png": Kind("PNG", "image/png", (".png",)),
    "jpeg": Kind("JPEG", "image/jpeg", (".jpg", ".jpeg")),
    "webp": Kind("WebP", "image/webp", (".webp",)),
    "gif": Kind("GIF", "image/gif", (".gif",)),
    "docx": Kind(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "xlsx": Kind(
        "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
    ),
    "pptx": Kind(
        "PPTX",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
    "odt": Kind("ODT", "application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": Kind("ODS", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "odp": Kind("ODP", "application/vnd.oasis.opendocument.presentation", (".odp",)),
}
ACCEPTED_TEXT = "PDF, PNG, JPEG, WebP, GIF, DOCX, XLSX, PPTX, ODT, ODS, ODP"
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_ODF = {KINDS[k].content_type: k for k in ("odt", "ods", "odp")}
_PROGRAMS = (
    (b"\x7fELF", "ELF"),
    (b"MZ", "Windows"),
    (b"\xcf\xfa\xed\xfe", "Mach-O"),
    (b"\xfe\xed\xfa\xcf", "Mach-O"),
    (b"\xca\xfe\xba\xbe", "Mach-O"),
)


class _Readable(Protocol):
    name: str | None

    def read(self, size: int = ..., /) -> bytes: ...


@dataclass
class Upload:
    """A file given by a caller other than a web form (a command, a test, the API)."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def read(self, size: int = -1, /) -> bytes:
        return self.data if size < 0 else self.data[:size]


@dataclass(frozen=True)
class CheckedFile:
    name: str  # as uploaded: shown, never used as a path
    data: bytes
    kind: Kind
    sha256: str

    @property
    def extension(self) -> str:
        return self.kind.extensions[0]


@dataclass(frozen=True)
class EvidenceLink:
    url: str
    title: str = ""


def _refuse(message: str, key: str = FILES) -> ValidationError:
    return ValidationError({key: [message]})


def _check_name(name: str) -> str:
    if not name.strip():
        raise _refuse(_("A file has no name; give it a name ending in its kind, e.g. report.pdf."))
    shown = name if len(name) <= 80 else name[:77] + "…"
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise _refuse(
            _(
                "The file name “%(name)s” contains control characters; rename the file with "
                "letters, digits and punctuation only."
            )
            % {"name": "".join(c if unicodedata.category(c) != "Cc" else "?" for c in shown)}
        )
    if "/" in name or "\\" in name or name.strip() in (".", "..") or name[1:2] == ":":
        base = name.replace("\\", "/").rsplit("/", 1)[-1] or "report.pdf"
        raise _refuse(
            _(
                "The file name “%(name)s” contains a folder path. Upload the file under its "
                "own name (for example “%(base)s”), without folders."
            )
            % {"name": shown, "base": base}
        )
    if len(name) > MAX_NAME_CHARS:
        raise _refuse(
            _("The file name “%(name)s” is longer than %(limit)s characters; shorten it.")
            % {"name": shown, "limit": MAX_NAME_CHARS}
        )
    return name


def _read(file: Any, name: str, limits: EvidenceLimits) -> bytes:
    cap = limits.max_file_bytes
    declared = getattr(file, "size", None)
    too_big = _(
        "“%(name)s” is %(size)s; the limit is %(limit)s per file. Make it smaller (e.g. save "
        "the PDF with smaller images) or split it."
    )
    if isinstance(declared, int) and declared > cap:
        raise _refuse(
            too_big % {"name": name, "size": size_text(declared), "limit": size_text(cap)}
        )
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(cap + 1)
    if len(data) > cap:
        raise _refuse(
            _("“%(name)s” is larger than %(limit)s; the limit is %(limit)s per file.")
            % {"name": name, "limit": size_text(cap)}
        )
    if not data:
        raise _refuse(_("“%(name)s” is empty; choose the file again.") % {"name": name})
    return bytes(data)


def _office_kind(data: bytes, name: str) -> str | None:
    try:
        archive = safezip.open_archive(data, import_limits.current())
        if "mimetype" in archive:
            declared = archive.read("mimetype").strip().decode("ascii", "replace")
            return _ODF.get(declared)
        if "[Content_Types].xml" not in archive:
            return None
        types = {
            element.get("ContentType", "")
            for element in archive.xml("[Content_Types].xml").iter()
            if element.get("ContentType")
        }
    except ImportRefused as exc:
        raise _refuse(
            _("“%(name)s” could not be read: %(reason)s.") % {"name": name, "reason": exc}
        ) from exc
    if any("macroEnabled" in t or "vbaProject" in t for t in types):
        raise _refuse(
            _(
                "“%(name)s” contains macros (program code), which are not accepted. Save it "
                "as an ordinary DOCX, XLSX or PPTX, or as PDF, and upload that."
            )
            % {"name": name}
        )
    found = [_OOXML_MAIN[t] for t in types if t in _OOXML_MAIN]
    return found[0] if len(found) == 1 else None


def detect_kind(data: bytes, name: str) -> str:
    """The kind of ``data`` read from its bytes, or a refusal naming what it is."""
    for magic, program in _PROGRAMS:
        if data.startswith(magic):
            raise _refuse(
                _(
                    "“%(name)s” is a program (%(kind)s executable), not a document. Only these "
                    "kinds are accepted: %(kinds)s."
                )
                % {"name": name, "kind": program, "kinds": ACCEPTED_TEXT}
            )
    kind = None
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = "webp"
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        kind = "gif"
    elif data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data, name)
    if kind is None:
        raise _refuse(
            _(
                "The content of “%(name)s” is not one of the accepted kinds (%(kinds)s). A "
                "file's kind is read from its content, not from its name."
            )
            % {"name": name, "kinds": ACCEPTED_TEXT}
        )
    return kind


def evidence_check(file: _Readable | Upload) -> CheckedFile:
    """One file checked by name, size and content; a ValidationError keyed ``evidence_files``
    that says what is wrong and how to fix it."""
    name = _check_name(str(getattr(file, "name", "") or ""))
    data = _read(file, name, current_limits())
    kind = KINDS[detect_kind(data, name)]
    extension = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if extension not in kind.extensions:
        named = (
            _("is named as %(extension)s") % {"extension": extension}
            if extension
            else _("has no extension")
        )
        raise _refuse(
            _(
                "“%(name)s” %(named)s but its content is %(kind)s. Name it with %(expected)s, "
                "or choose the file you meant."
            )
            % {"name": name, "named": named, "kind": kind.label, "expected": kind.extensions[0]}
        )
    return CheckedFile(name=name, data=data, kind=kind, sha256=hashlib.sha256(data).hexdigest())


def evidence_check_all(files: Iterable[Any], *, already: int = 0) -> list[CheckedFile]:
    """Every file checked (all refusals together), within the per-update count cap."""
    files = list(files)
    limits = current_limits()
    if already + len(files) > limits.max_files_per_update:
        raise _refuse(
            _(
                "A report holds at most %(limit)s files; this one would hold %(count)s. "
                "Remove some, or put several pages in one PDF."
            )
            % {
                "limit": count_text(limits.max_files_per_update),
                "count": count_text(already + len(files)),
            }
        )
    checked, problems = [], []
    for file in files:
        try:
            checked.append(evidence_check(file))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError({FILES: problems})
    return checked


def links_check(links: Iterable[Any], *, already: int = 0) -> list[EvidenceLink]:
    """Links as ``EvidenceLink``, (url, title) pairs or {"url", "title"}: http(s) only,
    within the caps."""
    result = []
    for link in links:
        if isinstance(link, EvidenceLink):
            url, title = link.url, link.title
        elif isinstance(link, dict):
            url, title = link.get("url", ""), link.get("title", "")
        else:
            url, title = link
        url, title = (url or "").strip(), (title or "").strip()
        if not url and not title:
            continue
        result.append(EvidenceLink(url, title))
    limits = current_limits()
    if already + len(result) > limits.max_links_per_update:
        raise _refuse(
            _("A report holds at most %(limit)s links; this one would hold %(count)s.")
            % {
                "limit": count_text(limits.max_links_per_update),
                "count": count_text(already + len(result)),
            },
            LINKS,
        )
    problems = []
    validate = URLValidator(schemes=["http", "https"])
    for link in result:
        if not link.url:
            problems.append(
                _("The link titled “%(title)s” has no address; add it or remove the title.")
                % {"title": link.title}
            )
            continue
        if len(link.url) > MAX_URL_CHARS:
            problems.append(
                _("A link is longer than %(limit)s characters; give a shorter address.")
                % {"limit": MAX_URL_CHARS}
            )
            continue
        try:
            validate(link.url)
        except ValidationError:
            problems.append(
                _("“%(url)s” is not a web address; give one starting with https:// or http://.")
                % {"url": link.url[:100]}
            )
        if len(link.title) > MAX_TITLE_CHARS:
            problems.append(
                _("A link's title is longer than %(limit)s characters; shorten it.")
                % {"limit": MAX_TITLE_CHARS}
            )
    if problems:
        raise ValidationError({LINKS: problems})
    return result


def evidence_store(
    *, update: Any, files: Sequence[CheckedFile], links: Sequence[EvidenceLink], by: Any
) -> list[Any]:
    """Attach checked files and links to ``update`` (inside the caller's transaction; the
    caller records the event). Files already written are removed if a later one fails."""
    from .models import Evidence

    made: list[Evidence] = []
    try:
        for checked in files:
            evidence = Evidence(
                update=update,
                original_name=checked.name,
                content_type=checked.kind.content_type,
                extension=checked.extension,
                size=len(checked.data),
                sha256=checked.sha256,
                uploaded_by=by,
            )
            evidence.file.save("evidence", ContentFile(checked.data), save=False)
            made.append(evidence)
            evidence.save()
    except BaseException:
        for evidence in made:
            evidence.file.delete(save=False)
        raise
    for link in links:
        made.append(
            Evidence.objects.create(
                update=update, url=link.url, title=link.title or link.url[:300], uploaded_by=by
            )
        )
    return made


def remove_files_after_commit(paths: Iterable[str]) -> None:
    """Delete stored files once the transaction that removed their rows commits."""
    from django.core.files.storage import default_storage
    from django.db import transaction

    names = [p for p in paths if p]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)
