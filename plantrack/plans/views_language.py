"""The page where a plan's managers import another language's version of the plan.

Upload, preview (what would change, codes found on one side only), confirm: the same
staging and signed token as the plan import (``views._stage``, ``views._preview_token``);
every rule is in ``services.plan_import_language``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history.receipts import receipt
from plantrack.lib.rules import allowed_if

from . import services, views
from .forms import LanguageConfirmForm, LanguageImportForm
from .importers.base import ImportRefused
from .importers.detect import parse_bytes
from .models import Plan
from .permissions import get_plan_for_user


def _parse(data: bytes):  # type: ignore[no-untyped-def]
    return parse_bytes(data, max_bytes=settings.PLANTRACK_MAX_IMPORT_BYTES)


def _preview(request: HttpRequest, plan: Plan, data: bytes, name: str, language: str):  # type: ignore[no-untyped-def]
    result = services.plan_import_language(
        plan=plan,
        parsed=_parse(data),
        language=language or None,
        by=request.user,  # type: ignore[arg-type]
        dry_run=True,
        source_name=name,
    )
    user_pk = int(request.user.pk or 0)
    token = views._preview_token(
        staged=views._stage(data, user_pk),
        user_pk=user_pk,
        slug=plan.slug,
        name=name,
        # The language the preview found, so the confirmation fills the same one.
        asked=result.language,
    )
    return render(
        request,
        "plans/import_language_preview.html",
        {
            "plan": plan,
            "result": result,
            "name": name,
            "form": LanguageConfirmForm(initial={"token": token}),
        },
    )


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def plan_import_language(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    form = LanguageImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        try:
            return _preview(request, plan, data, upload.name, form.cleaned_data["language"])
        except ImportRefused as exc:
            form.add_error("file", str(exc))
    return render(request, "plans/import_language.html", {"plan": plan, "form": form})


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def plan_import_language_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    found = views._staged_preview(request)
    if found is None or found[0].get("slug") != plan.slug:
        messages.error(request, _("That preview has expired. Upload the file again."))
        return redirect("plans:import_language", plan.slug)
    preview, data = found
    views._unstage(preview["file"])
    try:
        with receipt(request):
            result = services.plan_import_language(
                plan=plan,
                parsed=_parse(data),
                language=str(preview.get("asked") or "") or None,
                by=request.user,  # type: ignore[arg-type]
                source_name=str(preview["name"])[:255],
            )
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("plans:import_language", plan.slug)
    messages.success(request, _("Import finished: %(summary)s.") % {"summary": result.summary()})
    return redirect(plan)
