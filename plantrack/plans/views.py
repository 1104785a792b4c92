from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history import selectors as history
from plantrack.history.receipts import receipt
from plantrack.lib.params import int_param, page_param
from plantrack.lib.rules import allowed_if, public
from plantrack.organisations.models import Organisation
from plantrack.progress.dashboards import item_timeline
from plantrack.progress.forms import ReviewForm
from plantrack.progress.selectors import item_updates

from . import selectors, services, translations
from .forms import (
    ActivityFilterForm,
    ImportConfirmForm,
    ImportForm,
    ImportMappingForm,
    ItemForm,
    PlanForm,
    ResponsibilityForm,
    SearchForm,
)
from .importers.base import ImportRefused, ParsedPlan
from .importers.detect import parse_bytes
from .importers.mapping import Mapping
from .models import Item, Plan, Responsibility
from .permissions import can_import_plans, can_manage_plan, get_item_for_user, get_plan_for_user
from .search import COUNT_LIMIT, search_items

HOME_PLANS = 6
PLANS_PER_PAGE = 24
# Search counts up to COUNT_LIMIT results, so no page starts past it.
MAX_SEARCH_OFFSET = COUNT_LIMIT
MAX_QUERY_CHARS = 200


@public
def home(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.plan_list(request.user), HOME_PLANS).get_page(1)
    return render(request, "plans/home.html", {"plans": page.object_list, "page": page})


@public
def plan_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.plan_list(request.user), PLANS_PER_PAGE).get_page(
        page_param(request)
    )
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": page.object_list,
            "page": page,
            "can_import": can_import_plans(request.user, None),
        },
    )


@public
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    if any(request.GET.get(key) for key in ("status", "organisation", "within")):
        return _plan_filtered(request, plan)
    tree = selectors.plan_tree(plan=plan)
    organisations, branches = selectors.plan_filter_choices(plan=plan, structure=tree.structure)
    can_manage = can_manage_plan(request.user, plan)
    context = {
        "plan": plan,
        "tree": tree,
        "filter_form": ActivityFilterForm(organisations=organisations, branches=branches),
        "can_manage": can_manage,
        "untranslated": translations.untranslated_count(plan) if can_manage else None,
        "expand": request.GET.get("expand") == "all",
    }
    context.update(_history(request, plan.updated_at, history.plan_events(plan)))
    return render(request, "plans/plan_detail.html", context)


def _history(request: HttpRequest, updated_at: Any, events: Any) -> dict[str, Any]:
    """A page's "History" section and its "last updated" time (the later of the record's
    own time and its latest public event): one query."""
    latest = history.latest_events(events=events, user=request.user)
    return {"latest": latest, "last_updated": history.last_updated(updated_at, latest)}


def _plan_filtered(request: HttpRequest, plan: Plan) -> HttpResponse:
    organisations, branches = selectors.plan_filter_choices(plan=plan)
    form = ActivityFilterForm(request.GET, organisations=organisations, branches=branches)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        page = selectors.plan_activities(
            plan=plan,
            status=data["status"],
            organisation=Organisation.objects.filter(slug=data["organisation"]).first()
            if data["organisation"]
            else None,
            within=Item.objects.filter(plan=plan, code=data["within"]).first()
            if data["within"]
            else None,
            page_number=page_param(request),
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/plan_filtered.html",
        {"plan": plan, "filter_form": form, "page": page, "query": query.urlencode()},
    )


@public
def item_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    item = get_item_for_user(request.user, plan, code)
    context = {
        "plan": plan,
        "page": selectors.item_page(item=item, page_number=page_param(request)),
        "can_manage": can_manage_plan(request.user, plan),
        "updates": item_updates(item=item, user=request.user),
        "timeline": item_timeline(item=item) if item.is_tracked else None,
        "review_form": ReviewForm(),
    }
    context.update(_history(request, item.updated_at, history.item_events(item)))
    return render(request, "plans/item_detail.html", context)


@public
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(
        request.GET or None,
        plans=selectors.search_plan_choices(request.user),
        organisations=selectors.search_organisation_choices(request.user),
    )
    query, results, params, filters = "", None, {}, {}
    if form.is_bound:
        form.is_valid()  # an invalid filter is shown with its message and left out
        query = (form.cleaned_data.get("q") or "").strip()[:MAX_QUERY_CHARS]
        filters = form.filters()
        params = {k: request.GET.get(k, "") for k in ("kind", "plan", "organisation", "status")}
        params = {"q": query, **{k: v for k, v in params.items() if k not in form.errors}}
    if query:
        offset = int_param(request, "offset", default=0, minimum=0, maximum=MAX_SEARCH_OFFSET)
        results = search_items(query, offset=offset, user=request.user, **filters)  # type: ignore[arg-type]
        if results.redirect_url:
            return redirect(results.redirect_url)
    context = {
        "form": form,
        "query": query,
        "results": results,
        "base_query": urlencode({k: v for k, v in params.items() if v}),
    }
    return render(request, "plans/search.html", context)


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    # The form works on its own copy, so a refused save leaves ``plan`` as stored.
    form = PlanForm(request.POST or None, instance=Plan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with receipt(request):
                services.plan_update(
                    plan=plan,
                    version=form.cleaned_data["version"],
                    values=values,
                    by=request.user,  # type: ignore[arg-type]
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"plan": plan, "form": form})


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    item = get_item_for_user(request.user, plan, code, write=True)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "reason")}
        try:
            with receipt(request):
                services.item_update(
                    item=item,
                    version=form.cleaned_data["version"],
                    values=values,
                    by=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("plans:item", plan.slug, item.code)
    responsibilities = item.responsibilities.select_related("organisation").order_by("role")
    return render(
        request,
        "plans/item_form.html",
        {
            "plan": plan,
            "item": item,
            "form": form,
            "responsibilities": list(responsibilities),
            "responsibility_form": ResponsibilityForm(),
        },
    )


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def responsibility_add(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    item = get_item_for_user(request.user, plan, code, write=True)
    form = ResponsibilityForm(request.POST)
    if form.is_valid():
        with receipt(request):
            services.responsibility_add(
                item=item,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                by=request.user,  # type: ignore[arg-type]
            )
        messages.success(request, _("The organisation was added."))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return redirect("plans:item_edit", plan.slug, item.code)


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def responsibility_remove(request: HttpRequest, slug: str, code: str, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    item = get_item_for_user(request.user, plan, code, write=True)
    responsibility = get_object_or_404(Responsibility, pk=pk, item=item)
    with receipt(request):
        services.responsibility_remove(responsibility=responsibility, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The organisation was removed from this item."))
    return redirect("plans:item_edit", plan.slug, item.code)


# -- Import: upload, preview, confirm ------------------------------------------------------

_STAGING = "import-staging"
_SALT = "plans.import.preview"
# How long a preview may wait for its confirmation; its staged file is deleted after that.
PREVIEW_SECONDS = 3600


def _preview_seconds() -> int:
    return int(getattr(settings, "PLANTRACK_IMPORT_PREVIEW_SECONDS", PREVIEW_SECONDS))


def _staging_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / _STAGING
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stage(data: bytes, user_pk: int) -> str:
    """Keep an upload until it is confirmed; drop this user's older ones and expired ones."""
    folder = _staging_dir()
    oldest = time.time() - max(_preview_seconds(), 0)
    for old in folder.iterdir():
        if old.name.startswith(f"u{user_pk}-") or old.stat().st_mtime < oldest:
            old.unlink(missing_ok=True)
    name = f"u{user_pk}-{secrets.token_hex(16)}"
    (folder / name).write_bytes(data)
    return name


def _unstage(name: str) -> None:
    if name and re.fullmatch(r"u\d+-[0-9a-f]{32}", name):
        (_staging_dir() / name).unlink(missing_ok=True)


# The mapping a preview carries in its signed token, at most (JSON characters); a larger
# one (a command-line mapping with many labels) is read from the plan again instead.
MAX_TOKEN_MAPPING = 32 * 1024


def _preview_token(
    *,
    staged: str,
    user_pk: int,
    slug: str,
    name: str,
    asked: str = "",
    mapping: dict[str, Any] | None = None,
    shown: dict[str, Any] | None = None,
) -> str:
    """What the preview showed, signed: the staged file, the target plan, and the mapping
    the file was read with, so the confirmation imports exactly what was shown."""
    if mapping is not None and len(json.dumps(mapping)) > MAX_TOKEN_MAPPING:
        mapping = None
    return signing.dumps(
        {
            "file": staged,
            "user": user_pk,
            "slug": slug,
            "name": name,
            "asked": asked,
            "mapping": mapping,
            "shown": shown or {},
        },
        salt=_SALT,
        compress=True,
    )


def _read_token(token: str, user_pk: int) -> dict[str, Any] | None:
    """The preview behind a token, if it is this user's and not expired; else None."""
    try:
        preview = signing.loads(token, salt=_SALT, max_age=_preview_seconds())
    except signing.SignatureExpired:
        _unstage(signing.loads(token, salt=_SALT).get("file", ""))
        return None
    except signing.BadSignature:
        return None
    if preview.get("user") != user_pk:
        return None
    return preview  # type: ignore[no-any-return]


def _shown(parsed: ParsedPlan) -> dict[str, Any]:
    """The plan details as read, which prefill the mapping form."""
    return {
        "title": parsed.title,
        "title_mn": parsed.title_mn,
        "short_name": parsed.short_name,
        "issuer": parsed.issuer,
        "adopted_on": parsed.adopted_on.isoformat() if parsed.adopted_on else "",
        "start_year": parsed.start_year,
        "end_year": parsed.end_year,
    }


def _mapping_form(parsed: ParsedPlan, data: Any = None) -> ImportMappingForm | None:
    """The form that steers the reading; None for the CSV/XLSX template, which names its
    kinds and columns itself."""
    if not parsed.levels:
        return None
    return ImportMappingForm(
        data,
        levels=parsed.levels,
        headers=parsed.headers,
        table=parsed.source == "table",
        initial={
            **_shown(parsed),
            **{f"column_{role}": str(index) for role, index in parsed.columns.items()},
        },
    )


def _preview(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    parsed: ParsedPlan,
    data: bytes,
    name: str,
    asked: str,
    *,
    mapping_form: ImportMappingForm | None = None,
    confirm_error: str = "",
    draft: bool = False,
):
    result = services.plan_import(
        parsed=parsed,
        slug=asked or None,
        source_name=name,
        source_bytes=data,
        by=request.user,  # type: ignore[arg-type]
        dry_run=True,
    )
    user_pk = int(request.user.pk or 0)
    staged = _stage(data, user_pk)
    token = _preview_token(
        staged=staged,
        user_pk=user_pk,
        slug=result.plan.slug,
        name=name,
        asked=asked,
        mapping=dict(parsed.mapping),
        shown=_shown(parsed),
    )
    confirm_form = ImportConfirmForm(initial={"token": token, "draft": draft})
    if confirm_error:
        confirm_form = ImportConfirmForm({"token": token, "draft": "on" if draft else ""})
        confirm_form.full_clean()
        confirm_form.add_error("replace_source", confirm_error)
    return render(
        request,
        "plans/import_preview.html",
        {
            "parsed": parsed,
            "result": result,
            "token": token,
            "name": name,
            "mapping_form": mapping_form if mapping_form is not None else _mapping_form(parsed),
            "confirm_form": confirm_form,
        },
    )


def _parse_for_plan(
    data: bytes, slug: str | None, mapping: dict[str, Any] | None = None
) -> ParsedPlan:
    """The file read with ``mapping`` (the choices made in the preview), else with the
    mapping stored with its target plan, when that plan exists.

    The target is the plan named, else the one the document's own short name gives;
    the preview and the confirmation both read the file this way, so they agree.
    """
    limit = settings.PLANTRACK_MAX_IMPORT_BYTES
    if mapping:
        return parse_bytes(data, max_bytes=limit, mapping=Mapping.from_dict(mapping))
    target = services.import_slug(slug) if slug else ""
    if not target:
        parsed = parse_bytes(data, max_bytes=limit)
        target = services.import_slug(parsed.short_name)
        stored = selectors.stored_import_mapping(target)
        return (
            parse_bytes(data, max_bytes=limit, mapping=Mapping.from_dict(stored))
            if stored
            else parsed
        )
    stored = selectors.stored_import_mapping(target)
    return parse_bytes(data, max_bytes=limit, mapping=Mapping.from_dict(stored) if stored else None)


@allowed_if("plans.import")
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    assessment = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.PLANTRACK_MAX_IMPORT_BYTES + 1)
        try:
            parsed = _parse_for_plan(data, form.cleaned_data["slug"])
            return _preview(request, parsed, data, upload.name, form.cleaned_data["slug"])
        except ImportRefused as exc:
            form.add_error("file", str(exc))
            assessment = exc.kind == ImportRefused.ASSESSMENT
        except PermissionDenied as exc:
            form.add_error("slug", str(exc))
            status = 403
    return render(
        request,
        "plans/import_form.html",
        {"form": form, "assessment_file": assessment},
        status=status,
    )


def _staged_preview(request: HttpRequest) -> tuple[dict[str, Any], bytes] | None:
    preview = _read_token(request.POST.get("token", ""), int(request.user.pk or 0))
    staged = _staging_dir() / preview["file"] if preview else None
    if preview is None or staged is None or not staged.is_file():
        return None
    return preview, staged.read_bytes()


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("That preview has expired. Upload the file again."))
    return redirect("plans:import")


@allowed_if("plans.import")
@require_POST
def plan_import_reread(request: HttpRequest) -> HttpResponse:
    """Read the staged file again with the levels, columns and details chosen in the preview."""
    found = _staged_preview(request)
    if found is None:
        return _expired(request)
    preview, data = found
    asked = str(preview.get("asked", ""))
    base = preview.get("mapping")
    try:
        shown = _parse_for_plan(data, preview["slug"], base)
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("plans:import")
    form = _mapping_form(shown, request.POST)
    if form is None or not form.is_valid():
        _unstage(preview["file"])
        return _preview(request, shown, data, preview["name"], asked, mapping_form=form)
    mapping = form.mapping(base or {}, preview.get("shown") or {})
    if len(json.dumps(mapping)) > MAX_TOKEN_MAPPING:
        form.add_error(None, _("These choices are too many to keep; use the command line."))
        _unstage(preview["file"])
        return _preview(request, shown, data, preview["name"], asked, mapping_form=form)
    try:
        parsed = _parse_for_plan(data, preview["slug"], mapping)
        response = _preview(request, parsed, data, preview["name"], asked)
    except ImportRefused as exc:
        form.add_error(None, str(exc))
    except PermissionDenied as exc:
        form.add_error("short_name" if not asked else None, str(exc))
    else:
        _unstage(preview["file"])
        return response
    _unstage(preview["file"])
    return _preview(request, shown, data, preview["name"], asked, mapping_form=form)


@allowed_if("plans.import")
@require_POST
def plan_import_confirm(request: HttpRequest) -> HttpResponse:
    found = _staged_preview(request)
    if found is None:
        return _expired(request)
    preview, data = found
    form = ImportConfirmForm(request.POST)
    form.is_valid()
    choices = form.cleaned_data
    try:
        parsed = _parse_for_plan(data, preview["slug"], preview.get("mapping"))
        # The plan is the one the preview showed, never a slug posted with the form.
        with receipt(request):
            result = services.plan_import(
                parsed=parsed,
                slug=preview["slug"],
                source_name=str(preview["name"])[:255],
                source_bytes=data,
                by=request.user,  # type: ignore[arg-type]
                draft=bool(choices.get("draft")),
                allow_other_source=bool(choices.get("replace_source")),
            )
    except services.OtherSourceRefused as exc:
        _unstage(preview["file"])
        asked = str(preview.get("asked", ""))
        return _preview(
            request,
            parsed,
            data,
            preview["name"],
            asked,
            confirm_error=str(exc),
            draft=bool(choices.get("draft")),
        )
    except ImportRefused as exc:
        messages.error(request, str(exc))
        _unstage(preview["file"])
        return redirect("plans:import")
    _unstage(preview["file"])
    messages.success(request, _("Import finished: %(summary)s.") % {"summary": result.summary()})
    return redirect(result.plan)


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def plan_publish(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    with receipt(request):
        services.plan_publish(plan=plan, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The plan is published: everyone can see it now."))
    return redirect(plan)
