"""Bulk progress reporting pages: the template download, the upload with its preview, and
the confirmation.

The upload is read and checked, then staged (the plan import's staging folder) behind a
signed token bound to the person, the plan and the file's SHA-256, which expires with the
plan import's previews. The confirmation reads and checks the staged file again (the plan
may have changed meanwhile) and sends it through ``bulk.progress_bulk_apply``; every rule
is there and in the workflow services it calls.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.rules import allowed_if
from plantrack.plans import views as plan_views
from plantrack.plans.importers.base import ImportRefused
from plantrack.plans.importers.limits import size_text
from plantrack.plans.models import Plan
from plantrack.plans.permissions import get_plan_for_user

from . import bulk
from .models import ReportingPeriod

_SALT = "progress.bulk.preview"
_STAGED_NAME = re.compile(r"u\d+-[0-9a-f]{32}")  # as plans.views._stage names them


class BulkUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in template (XLSX or CSV)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(limit)s.") % {
            "limit": size_text(settings.PLANTRACK_MAX_IMPORT_BYTES)
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.PLANTRACK_MAX_IMPORT_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; the limit is %(limit)s. A progress template is much "
                    "smaller: download it again and fill that one in."
                ),
                code="too_large",
                params={"size": size_text(upload.size), "limit": size_text(limit)},
            )
        return upload


class PeriodForm(forms.Form):
    period = forms.TypedChoiceField(label=gettext_lazy("Reporting period"), coerce=int)

    def __init__(self, *args: Any, periods: list[ReportingPeriod], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (
                p.pk,
                _("%(period)s, report due %(due)s")
                % {"period": p.label, "due": date_format(p.due_on)},
            )
            for p in reversed(periods)
        ]


def _plan(request: HttpRequest, slug: str) -> Plan | HttpResponse:
    """The plan, or the 403 page saying why this person may not report on it in bulk."""
    plan = get_plan_for_user(request.user, slug)
    if bulk.can_bulk(request.user, plan):
        return plan
    if plan.is_retired:
        reason = _("This plan is retired and takes no more reports.")
    else:
        reason = _(
            "Only the plan's managers and the reporters of the organisations responsible for "
            "its items report on it in bulk."
        )
    return render(request, "403.html", {"reason": reason}, status=403)


def _period(request: HttpRequest, periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    chosen = PeriodForm(request.GET, periods=periods)
    if "period" in request.GET and chosen.is_valid():
        return next(p for p in periods if p.pk == chosen.cleaned_data["period"])
    return bulk.default_period(periods)  # type: ignore[no-any-return]


def _page(
    request: HttpRequest, plan: Plan, form: BulkUploadForm, *, status: int = 200
) -> HttpResponse:
    periods = bulk.open_periods(plan)
    period = _period(request, periods)
    return render(
        request,
        "progress/bulk.html",
        {
            "plan": plan,
            "period": period,
            "period_form": PeriodForm(
                initial={"period": period.pk if period else None}, periods=periods
            ),
            "item_count": bulk.bulk_items(request.user, plan).count(),
            "form": form,
        },
        status=status,
    )


@allowed_if("progress.report", per_object=True)
@require_http_methods(["GET", "POST"])
def bulk_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """The page: choose a period, download the template, upload the filled-in file."""
    plan = _plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _page(request, plan, form)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        try:
            sheet = bulk.read_upload(data)
        except ImportRefused as exc:
            form.add_error("file", refusal_text(exc))
        else:
            check = bulk.bulk_check(plan=plan, by=request.user, sheet=sheet)
            return _preview(request, plan, check, data, upload.name or "")
    return _page(request, plan, form, status=400)


def refusal_text(exc: ImportRefused) -> str:
    """The refusal as a sentence, naming the spreadsheet row it was found on."""
    message = str(exc.message)
    if exc.line:
        return _("Row %(row)s: %(message)s") % {"row": exc.line, "message": message}
    return message[:1].upper() + message[1:]


def _preview(
    request: HttpRequest,
    plan: Plan,
    check: bulk.BulkCheck,
    data: bytes,
    name: str,
    *,
    changed: bool = False,
) -> HttpResponse:
    token = ""
    if check.can_confirm:
        user_pk = int(request.user.pk or 0)
        token = signing.dumps(
            {
                "file": plan_views._stage(data, user_pk),
                "user": user_pk,
                "plan": plan.pk,
                "sha256": hashlib.sha256(data).hexdigest(),
                "name": name[:200],
            },
            salt=_SALT,
        )
    return render(
        request,
        "progress/bulk_preview.html",
        {
            "plan": plan,
            "check": check,
            "reports": [(report, bulk.effect_text(report)) for report in check.reports],
            "unchanged": [(report, bulk.effect_text(report)) for report in check.unchanged],
            "name": name,
            "token": token,
            "changed": changed,
        },
        status=200 if check.can_confirm or not (check.problems or check.too_many) else 400,
    )


def _staged(token: str, request: HttpRequest, plan: Plan) -> tuple[dict[str, Any], bytes] | None:
    """The preview behind a token: this person's, for this plan, not expired, and the staged
    file still the one that was checked; else None."""
    try:
        preview = signing.loads(token, salt=_SALT, max_age=plan_views._preview_seconds())
    except signing.SignatureExpired:
        plan_views._unstage(signing.loads(token, salt=_SALT).get("file", ""))
        return None
    except signing.BadSignature:
        return None
    if preview.get("user") != request.user.pk or preview.get("plan") != plan.pk:
        return None
    staged = plan_views._staging_dir() / str(preview.get("file", ""))
    if not _STAGED_NAME.fullmatch(staged.name) or not staged.is_file():
        return None
    data = staged.read_bytes()
    if hashlib.sha256(data).hexdigest() != preview.get("sha256"):
        return None
    return preview, data


@allowed_if("progress.report", per_object=True)
@require_POST
def bulk_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the previewed file: checked again, then all of it or nothing."""
    plan = _plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    token = request.POST.get("token", "")
    found = _staged(token, request, plan)
    back = redirect("progress:bulk", plan.slug)
    if found is None:
        messages.error(
            request, _("That preview has expired or is not yours. Upload the file again.")
        )
        return back
    preview, data = found
    claim = hashlib.sha256(token.encode()).hexdigest()
    if not once.claim(claim):
        messages.info(request, _("This file was already sent; it is recorded once."))
        return back
    try:
        with receipt(request):
            sent = bulk.progress_bulk_apply(
                plan=plan, by=request.user, sheet=bulk.read_upload(data)
            )
    except bulk.BulkRefused as exc:
        once.release(claim)
        plan_views._unstage(preview["file"])
        return _preview(request, plan, exc.check, data, preview["name"], changed=True)
    except (ImportRefused, ValidationError, PermissionDenied) as exc:
        once.release(claim)
        messages.error(request, _("Nothing was sent: %(reason)s") % {"reason": _reason(exc)})
        return back
    plan_views._unstage(preview["file"])
    messages.success(
        request,
        _("%(count)s reports were sent to the plan's managers for approval.")
        % {"count": len(sent)},
    )
    return back


def _reason(exc: Exception) -> str:
    if isinstance(exc, ImportRefused):
        return refusal_text(exc)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("you may not report on one of the items.")


@allowed_if("progress.report", per_object=True)
def bulk_template(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The template for the chosen period (``?period=``), as XLSX or CSV."""
    plan = _plan(request, slug)
    if isinstance(plan, HttpResponse):
        return plan
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    period = _period(request, bulk.open_periods(plan))
    if period is None:
        raise Http404("No reporting period of this plan is open.")
    url = request.build_absolute_uri(reverse("progress:bulk", args=[plan.slug]))
    template = bulk.bulk_template(plan=plan, by=request.user, period=period, url=url)
    if fmt == "xlsx":
        data, content_type = bulk.write_xlsx(template), bulk.XLSX_CONTENT_TYPE
    else:
        data, content_type = bulk.write_csv(template), bulk.CSV_CONTENT_TYPE
    response = HttpResponse(data, content_type=content_type)
    name = f"{plan.slug}-progress-{period.starts_on.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
