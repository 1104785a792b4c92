"""The translate page of a plan's managers: items side by side, saved page by page, and
the files for translators (export and import). Every rule lives in ``translations.py``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history.receipts import receipt
from plantrack.lib.params import page_param
from plantrack.lib.rules import allowed_if

from . import translations
from .importers.base import ImportRefused
from .models import Plan
from .permissions import get_plan_for_user
from .translation_files import write_xliff, write_xlsx
from .translation_forms import (
    DIRECTIONS,
    TranslateFilterForm,
    TranslationImportForm,
    TranslationRowForm,
)
from .translations import TranslationRow, row_state

ROWS_PER_PAGE = 25


def _direction(request: HttpRequest, plan: Plan) -> tuple[str, str]:
    asked = request.GET.get("direction", "")
    if asked in DIRECTIONS:
        return asked[:2], asked[3:]
    source = translations.source_language(plan)
    return source, translations.other_language(source)


def _show(request: HttpRequest) -> str:
    asked = request.GET.get("show", "")
    return asked if asked in translations.FILTERS else translations.UNTRANSLATED


def _query(source: str, target: str, show: str, page: int | None = None) -> str:
    query = f"direction={source}-{target}&show={show}"
    return query if page is None else f"{query}&page={page}"


def _posted_rows(
    request: HttpRequest, plan: Plan, source: str, target: str
) -> list[TranslationRowForm]:
    pks = []
    for raw in request.POST.getlist("rows")[:ROWS_PER_PAGE]:
        if raw.isdigit():
            pks.append(int(raw))
    items = translations.live_items(plan).filter(pk__in=pks).order_by("path")
    return [
        TranslationRowForm(request.POST, item=item, source=source, target=target) for item in items
    ]


def _row(form: TranslationRowForm) -> TranslationRow:
    data = form.cleaned_data
    return TranslationRow(
        code=form.item.code,
        version=data["version"],
        texts={name: data.get(name) or "" for name in form.names},
        official=bool(data.get("official")),
        reviewed=bool(data.get("reviewed")),
        where=form.item.code,
    )


def _save(
    request: HttpRequest, plan: Plan, forms: list[TranslationRowForm], target: str
) -> list[TranslationRowForm] | None:
    """Save the valid rows. None when every row was saved; else the rows to show again:
    the refused ones with their messages and the saved ones as now stored."""
    valid = [form for form in forms if form.is_valid()]
    with receipt(request):
        result = translations.translations_save(
            plan=plan, target=target, rows=[_row(form) for form in valid], by=request.user
        )
    by_code = {form.item.code: form for form in forms}
    for code, message in result.refused.items():
        by_code[code].add_error(None, message)
    if result.saved:
        messages.success(
            request,
            _("Saved the translations of %(count)s item(s): %(codes)s.")
            % {"count": len(result.saved), "codes": ", ".join(result.saved)},
        )
    elif len(valid) == len(forms) and not result.refused:
        messages.info(request, _("Nothing was changed on this page."))
    if len(valid) == len(forms) and not result.refused:
        return None
    saved = set(result.saved)
    fresh = {item.code: item for item in translations.live_items(plan).filter(code__in=saved)}
    return [
        TranslationRowForm(item=fresh[form.item.code], source=form.source, target=target)
        if form.item.code in fresh
        else form
        for form in forms
    ]


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "HEAD", "POST"])
def translate(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    source, target = _direction(request, plan)
    show = _show(request)
    page_number = page_param(request)
    forms = None
    if request.method == "POST":
        forms = _save(request, plan, _posted_rows(request, plan, source, target), target)
        if forms is None:
            return redirect(f"{request.path}?{_query(source, target, show, page_number)}")
    return _page(request, plan, source, target, show, page_number, forms=forms)


def _page(
    request: HttpRequest,
    plan: Plan,
    source: str,
    target: str,
    show: str,
    page_number: int,
    *,
    forms: list[TranslationRowForm] | None = None,
    import_form: TranslationImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = translations.filtered_items(plan, source=source, target=target, which=show).only(
        "pk",
        "plan_id",
        "code",
        "kind",
        "path",
        "version",
        "translations",
        *translations.TEXT_COLUMNS,
    )
    page = Paginator(items, ROWS_PER_PAGE).get_page(page_number)
    if forms is None:
        forms = [TranslationRowForm(item=item, source=source, target=target) for item in page]
    rows = [(form, row_state(form.item, source=source, target=target)) for form in forms]
    context = {
        "plan": plan,
        "source": source,
        "target": target,
        "show": show,
        "page": page,
        "rows": rows,
        "errors": any(form.errors for form in forms),
        "counts": translations.translation_counts(plan),
        "filter_form": TranslateFilterForm(
            initial={"direction": f"{source}-{target}", "show": show}
        ),
        "import_form": import_form or TranslationImportForm(),
        "query": _query(source, target, show),
        "page_query": _query(source, target, show, page.number),
    }
    return render(request, "plans/translate.html", context, status=status)


def _export_name(plan: Plan, source: str, target: str, extension: str) -> str:
    return f"{plan.slug}.{source}-{target}.{extension}"


@allowed_if("plans.change_plan", per_object=True)
def translate_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if fmt not in ("xlf", "xlsx"):
        raise Http404("No such export format.")
    source, target = _direction(request, plan)
    units = translations.export_units(plan, source=source, target=target)
    if fmt == "xlsx":
        readme = [
            _("Translations of the plan “%(plan)s” for Plantrack.") % {"plan": plan.short_name},
            _(
                "Write each translation in the “target” column; leave the other columns as "
                "they are. The state may be official, unofficial, needs_review or untranslated."
            ),
            _("Import the file on the plan's translate page. Do not rename the sheets."),
        ]
        data = write_xlsx(slug=plan.slug, source=source, target=target, units=units, readme=readme)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = write_xliff(slug=plan.slug, source=source, target=target, units=units)
        content_type = "application/xliff+xml"
    response = HttpResponse(data, content_type=content_type)
    name = _export_name(plan, source, target, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def translate_import(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    source, target = _direction(request, plan)
    show = _show(request)
    form = TranslationImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        try:
            with receipt(request):
                report = translations.translations_import(
                    plan=plan, data=data, file_name=upload.name or "", by=request.user
                )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            _import_messages(request, report)
            direction = f"{report.source}-{report.target}"
            url = reverse("plans:translate", args=[plan.slug])
            return redirect(f"{url}?direction={direction}&show={show}")
    return _page(request, plan, source, target, show, 1, import_form=form, status=400)


def _import_messages(request: HttpRequest, report: Any) -> None:
    messages.success(
        request,
        _("Imported the %(format)s file: %(saved)s item(s) changed, %(unchanged)s unchanged.")
        % {"format": report.format_name, "saved": len(report.saved), "unchanged": report.unchanged},
    )
    if report.review:
        messages.warning(
            request,
            _(
                "The source text changed since the file was exported, so these translations "
                "were saved as needing review: %(texts)s."
            )
            % {"texts": ", ".join(report.review[:50])},
        )
    for message in list(report.refused.values())[:20]:
        messages.error(request, message)
