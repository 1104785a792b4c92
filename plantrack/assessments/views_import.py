"""The upload of an assessment file: the form, the preview, reading again with corrected
details, and the confirmation.

The file is read by content through ``read_assessment`` (the plan importers' limits and
sandbox), and the preview is the command line's dry run (``command.import_parsed``): the
import inside a transaction that is rolled back, so nothing is written before the
confirmation. The upload is staged with the plan import's staging, behind a signed token
bound to the person, the staged file's SHA-256 and the details given (the reader's hints);
it expires with the plan import's previews. The confirmation reads the staged file again
with the same hints and imports it through ``assessment_import`` as a draft: a page's import
is published by a second person (the service's rule)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.rules import allowed_if, public
from plantrack.plans import views as plan_views
from plantrack.plans.importers.base import ImportRefused

from . import services
from .command import Outcome, import_parsed
from .forms import ImportConfirmForm, ImportIdentityForm, ImportUploadForm
from .importers.reader import read_assessment
from .importers.template_writer import template_csv, template_xlsx
from .models import Round
from .parsed import ParsedAssessment
from .selectors import BAR_ROW, Bar

_SALT = "assessments.import.preview"
_STAGED_NAME = re.compile(r"u\d+-[0-9a-f]{32}")  # as plans.views._stage names them
PREVIEW_RATINGS = 20  # the ratings listed on the preview; the counts cover them all


@dataclass
class Distribution:
    """What ``assessments/_distribution.html`` reads, for a round not stored yet."""

    bars: list[Bar] = field(default_factory=list)
    unrated: int = 0

    @property
    def chart_height(self) -> int:
        return len(self.bars) * BAR_ROW


def _form_page(
    request: HttpRequest, form: ImportIdentityForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "assessments/import_form.html",
        {"nav": "assessments", "form": form},
        status=status,
    )


@allowed_if("assessments.assess")
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """The form; a good file is staged and previewed, a bad one named with the form again."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _form_page(request, form)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        response = _try_preview(request, form, data, upload.name or "", form.hints())
        if response is not None:
            return response
    return _form_page(request, form, status=400)


def _try_preview(
    request: HttpRequest, form: ImportIdentityForm, data: bytes, name: str, hints: dict[str, Any]
) -> HttpResponse | None:
    """The preview of ``data`` read with ``hints``; None with the problem added to ``form``."""
    try:
        parsed = read_assessment(data, name=name, hints=hints)
    except ImportRefused as exc:
        form.add_error("file" if "file" in form.fields else None, refusal_text(exc))
        return None
    if _identity_missing(form, parsed):
        return None
    try:
        outcome = import_parsed(parsed, by=request.user, dry_run=True)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("file" if "file" in form.fields else None, message)
        return None
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return None
    return _preview(request, outcome, data, name, hints)


def refusal_text(exc: ImportRefused) -> str:
    """The reader's refusal as a sentence, with the line it was found on."""
    message = str(exc.message)
    message = message[:1].upper() + message[1:]
    if exc.line:
        return _("Line %(line)s: %(message)s") % {"line": exc.line, "message": message}
    return message


def _identity_missing(form: ImportIdentityForm, parsed: ParsedAssessment) -> bool:
    """A round whose subject or year the document does not give: asked for on the form."""
    missing = False
    if not (parsed.framework_title_en.strip() or parsed.framework_title_mn.strip()):
        form.add_error(
            "framework_title",
            _("The document does not name its indicator framework. Write its title here."),
        )
        missing = True
    round = parsed.round
    if round is None:
        return missing
    if not round.subject.strip():
        form.add_error(
            "subject",
            _("The document does not say what is assessed. Write the subject here."),
        )
        missing = True
    if round.year is None and not round.assessed_on:
        form.add_error(
            "year", _("The document gives no year for its ratings. Write the year here.")
        )
        missing = True
    return missing


def _token(request: HttpRequest, data: bytes, name: str, hints: dict[str, Any]) -> str:
    user_pk = int(request.user.pk or 0)
    return signing.dumps(
        {
            "file": plan_views._stage(data, user_pk),
            "user": user_pk,
            "sha256": hashlib.sha256(data).hexdigest(),
            "name": name[:200],
            "hints": hints,
        },
        salt=_SALT,
    )


def _preview(
    request: HttpRequest, outcome: Outcome, data: bytes, name: str, hints: dict[str, Any]
) -> HttpResponse:
    parsed, result = outcome.parsed, outcome.result
    # Signed even when nothing would change: reading again with other details needs it.
    token = _token(request, data, name, hints)
    # Each indicator's title in the file, with its language (the page may be in the other).
    titles = {
        indicator.code: (indicator.title_en, "en")
        if indicator.title_en
        else (indicator.title_mn, "mn")
        for area in parsed.areas
        for indicator in area.indicators
    }
    ratings = parsed.round.ratings if parsed.round else []
    round = parsed.round
    identity = ImportIdentityForm(
        initial={
            "official": "" if round is None else ("official" if round.official else "shadow"),
            "subject": round.subject if round else "",
            "year": round.year if round else None,
            "assessing_body": round.assessing_body if round else "",
            "framework_title": parsed.framework_title_en or parsed.framework_title_mn,
        }
    )
    return render(
        request,
        "assessments/import_preview.html",
        {
            "nav": "assessments",
            "name": name,
            "parsed": parsed,
            "result": result,
            "outcome": outcome,
            "existing": result.round if result.round is not None and not result.changed else None,
            "indicators": sum(len(area.indicators) for area in parsed.areas),
            "rp": Distribution(outcome.bars),
            "rows": [
                (rating, *titles.get(rating.indicator_code, ("", "")))
                for rating in ratings[:PREVIEW_RATINGS]
            ],
            "rating_count": len(ratings),
            "token": token,
            "can_import": result.changed,
            "identity_form": identity,
            "confirm_form": ImportConfirmForm(initial={"token": token}),
        },
    )


def _read_token(token: str, request: HttpRequest) -> dict[str, Any] | None:
    """The preview behind a token: signed here, this person's and not expired; else None."""
    try:
        preview = signing.loads(token, salt=_SALT, max_age=plan_views._preview_seconds())
    except signing.SignatureExpired:
        plan_views._unstage(str(signing.loads(token, salt=_SALT).get("file", "")))
        return None
    except signing.BadSignature:
        return None
    if not isinstance(preview, dict) or preview.get("user") != request.user.pk:
        return None
    return preview


def _staged_bytes(preview: dict[str, Any]) -> bytes | None:
    """The staged file, if it is still there and still the one the preview read."""
    staged = plan_views._staging_dir() / str(preview.get("file", ""))
    if not _STAGED_NAME.fullmatch(staged.name) or not staged.is_file():
        return None
    data = staged.read_bytes()
    if hashlib.sha256(data).hexdigest() != preview.get("sha256"):
        return None
    return data


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("That preview has expired or is not yours. Upload the file again."))
    return redirect("assessments:import")


@allowed_if("assessments.assess")
@require_POST
def import_reread(request: HttpRequest) -> HttpResponse:
    """Read the staged file again with the subject, year, body or standing corrected."""
    preview = _read_token(request.POST.get("token", ""), request)
    data = _staged_bytes(preview) if preview is not None else None
    if preview is None or data is None:
        return _expired(request)
    form = ImportIdentityForm(request.POST)
    if form.is_valid():
        response = _try_preview(request, form, data, str(preview["name"]), form.hints())
        if response is not None:
            return response
    plan_views._unstage(str(preview["file"]))
    # The upload form again, with the details as sent and the problems found; the file
    # must be chosen again, since it is not kept after a refusal.
    upload = ImportUploadForm(request.POST)
    upload.is_valid()
    upload.errors["file"] = upload.error_class(
        [_("Choose the file again: it is not kept after a problem.")]
    )
    for name, errors in form.errors.items():
        for error in errors:
            if error not in upload.errors.get(name or "__all__", []):
                upload.add_error(name if name in upload.fields else None, error)
    return _form_page(request, upload, status=400)


@allowed_if("assessments.assess")
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed file, once: the staged bytes read again with the same hints."""
    token = request.POST.get("token", "")
    preview = _read_token(token, request)
    if preview is None:
        return _expired(request)
    claim = hashlib.sha256(token.encode()).hexdigest()
    if not once.claim(claim):
        messages.info(request, _("This file was already imported; it is recorded once."))
        return redirect(once.recall(claim) or reverse("assessments:import"))
    data = _staged_bytes(preview)
    if data is None:
        once.release(claim)
        return _expired(request)
    form = ImportConfirmForm(request.POST)
    submit = form.is_valid() and form.cleaned_data["after"] == "submit"
    try:
        parsed = read_assessment(data, name=str(preview["name"]), hints=preview.get("hints") or {})
        with receipt(request):
            outcome = import_parsed(parsed, by=request.user)  # type: ignore[arg-type]
    except (ImportRefused, ValidationError, PermissionDenied) as exc:
        once.release(claim)
        plan_views._unstage(str(preview["file"]))
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": _reason(exc)})
        return redirect("assessments:import")
    plan_views._unstage(str(preview["file"]))
    result = outcome.result
    target = (
        result.round.get_absolute_url() if result.round else result.framework.get_absolute_url()
    )
    messages.success(request, _("Import finished: %(summary)s.") % {"summary": result.summary()})
    if submit and result.round is not None and result.round.state == Round.State.DRAFT:
        _submit(request, result.round)
    once.remember(claim, target)
    return redirect(target)


def _submit(request: HttpRequest, round: Round) -> None:
    """Send the imported draft for publication; if the workflow refuses, it stays a draft."""
    try:
        with receipt(request):
            services.round_submit(round=round, by=request.user)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as exc:
        messages.warning(
            request,
            _("The round stays a draft: %(reason)s") % {"reason": _reason(exc)},
        )
    else:
        messages.success(
            request, _("The round was submitted. A second assessor or a plan manager publishes it.")
        )


def _reason(exc: Exception) -> str:
    if isinstance(exc, ImportRefused):
        return refusal_text(exc)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


_TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@public
@require_safe
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The blank assessment template, with its help rows (docs/assessment-template.md)."""
    data = template_xlsx() if fmt == "xlsx" else template_csv()
    response = HttpResponse(data, content_type=_TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="assessment-template.{fmt}"'
    return response
