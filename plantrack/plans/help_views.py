"""The import guide and the plan template, served by the site for anyone to read.

The guide's body is written once per language (``plans/help/import.<lang>.html``) so
that a whole page of prose needs no catalogue entries; the numbers in it (size, pages,
items) come from the limits in force when the page is shown. The template files are
written by ``importers.table``, the module that reads them back.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from plantrack.lib.rules import public

from .importers import limits, table
from .importers.mapping import ITEM_KINDS

GUIDE_LANGUAGES = ("mn", "en")
TEMPLATE_NAME = "plantrack-plan-template"


def guide_language() -> str:
    language = (get_language() or "").split("-")[0]
    return language if language in GUIDE_LANGUAGES else "en"


def import_help_path() -> str:
    """The guide's address in the active language, for refusals at the command line."""
    return reverse("plans:import_help")


@public
@require_safe
def import_help(request: HttpRequest) -> HttpResponse:
    current = limits.current(max_bytes=settings.PLANTRACK_MAX_IMPORT_BYTES)
    context = {
        "nav": "plans",
        "limits": {
            "upload": limits.size_text(current.max_upload_bytes),
            "pdf_pages": limits.count_text(current.max_pdf_pages),
            "items": limits.count_text(current.max_items),
            "table_rows": limits.count_text(current.max_table_rows),
            "table_columns": limits.count_text(current.max_table_columns),
            "seconds": limits.count_text(round(current.max_seconds)),
            "memory": limits.size_text(current.max_memory_bytes),
        },
        "kinds": ITEM_KINDS,
        "plan_keys": table.PLAN_KEYS,
    }
    return render(request, f"plans/help/import.{guide_language()}.html", context)


def _download(content: bytes, content_type: str, suffix: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}.{suffix}"'
    return response


@public
@require_safe
def import_template_csv(request: HttpRequest) -> HttpResponse:
    return _download(table.template_csv(), table.CSV_CONTENT_TYPE, "csv")


@public
@require_safe
def import_template_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(table.template_xlsx(), table.XLSX_CONTENT_TYPE, "xlsx")
