"""Pages where a plan's managers add, move, retire and restore single items, and retire
or restore the whole plan.

Every rule lives in ``tree.py``; these views turn form data into its arguments and its
refusals into errors next to the fields they concern.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history.receipts import receipt
from plantrack.lib.rules import allowed_if

from . import services, tree
from .forms import (
    ItemAddForm,
    ItemMoveForm,
    ItemParentForm,
    ItemRestoreForm,
    ItemRetireForm,
    PlanRetireForm,
)
from .models import Item, Plan
from .permissions import get_item_for_user, get_plan_for_user

RETIRED_SHOWN = 500


def _show_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's refusal next to the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _live_items(plan: Plan) -> Any:
    return Item.objects.filter(plan=plan, retired_at__isnull=True).order_by("path")


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    """Add an item at the top level of the plan, or (with ``code``) under that item."""
    plan = get_plan_for_user(request.user, slug, write=True)
    parent = get_item_for_user(request.user, plan, code, write=True) if code else None
    form = ItemAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                item = tree.item_add(
                    plan=plan, parent=parent, values=form.cleaned_data, by=request.user
                )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Item %(code)s was added.") % {"code": item.code})
            return redirect("plans:item", plan.slug, item.code)
    return render(request, "plans/item_add.html", {"plan": plan, "parent": parent, "form": form})


def _position(value: str, plan: Plan) -> tree.Position:
    if value.startswith("after:"):
        sibling = Item.objects.filter(plan=plan, code=value.removeprefix("after:")).first()
        if sibling is None:
            raise ValidationError({"position": _("That item is not in this plan.")})
        return sibling
    return "first" if value == "first" else "last"


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def item_move(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    item = get_item_for_user(request.user, plan, code, write=True)
    data = request.POST if request.method == "POST" else request.GET
    live = _live_items(plan).only(
        "parent", "id", "code", "depth", "path", "label_en", "label_mn", "title_en", "title_mn"
    )
    # An item cannot go under itself or its own parts, so those are not offered.
    parents = [
        other
        for other in live
        if other.pk != item.pk and not other.path.startswith(item.path + ".")
    ]
    by_code = {other.code: other for other in parents}
    current = Item.objects.filter(pk=item.parent_id).first() if item.parent_id else None
    chosen_code = data.get("parent", current.code if current else "")
    chosen = by_code.get(chosen_code) if chosen_code else None
    siblings = [
        other
        for other in live
        if other.parent_id == (chosen.pk if chosen else None) and other.pk != item.pk
    ]
    initial = {"version": item.version, "parent": chosen_code, "position": "last"}
    form = ItemMoveForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        parents=parents,
        siblings=siblings,
    )
    parent_form = ItemParentForm({"parent": chosen_code}, parents=parents)
    parent_form.is_valid()
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                tree.item_move(
                    item=item,
                    new_parent=chosen,
                    position=_position(form.cleaned_data["position"], plan),
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Item %(code)s was moved.") % {"code": item.code})
            return redirect("plans:item", plan.slug, item.code)
    # A refused parent is shown next to the parent list, where it can be changed.
    for error in form.errors.get("parent", []):
        parent_form.add_error("parent", error)
    context = {
        "plan": plan,
        "item": item,
        "form": form,
        "parent_form": parent_form,
        "current": current,
    }
    return render(request, "plans/item_move.html", context)


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def item_retire(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    item = get_item_for_user(request.user, plan, code, write=True)
    form = ItemRetireForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            with receipt(request):
                count = tree.item_retire(
                    item=item,
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(
                request,
                _("Item %(code)s was retired, with %(count)s item(s) in all.")
                % {"code": item.code, "count": count},
            )
            return redirect("plans:item", plan.slug, item.code)
    below = Item.objects.filter(
        plan=plan, path__startswith=item.path + ".", retired_at__isnull=True
    ).count()
    context = {"plan": plan, "item": item, "form": form, "below": below}
    return render(request, "plans/item_retire.html", context)


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def item_restore(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    item = get_item_for_user(request.user, plan, code, write=True)
    form = ItemRestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This page is out of date. Reload it and try again."))
        return redirect("plans:retired", plan.slug)
    try:
        with receipt(request):
            tree.item_restore(item=item, version=form.cleaned_data["version"], by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:retired", plan.slug)
    messages.success(request, _("Item %(code)s is back in the plan.") % {"code": item.code})
    return redirect("plans:item", plan.slug, item.code)


@allowed_if("plans.change_plan", per_object=True)
def retired_items(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan's retired items, for its managers to find and restore."""
    plan = get_plan_for_user(request.user, slug, write=True)
    # Asked after the permission, so a stranger learns nothing from the answer.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    items = list(
        Item.objects.filter(plan=plan, retired_at__isnull=False).order_by("path")[
            : RETIRED_SHOWN + 1
        ]
    )
    retired_ids = {item.pk for item in items}
    context = {
        "plan": plan,
        "items": items[:RETIRED_SHOWN],
        "truncated": len(items) > RETIRED_SHOWN,
        # Only an item whose parent is live can come back on its own.
        "restorable": {item.pk for item in items if item.parent_id not in retired_ids},
    }
    return render(request, "plans/retired_items.html", context)


@allowed_if("plans.change_plan", per_object=True)
@require_http_methods(["GET", "POST"])
def plan_retire(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    form = PlanRetireForm(request.POST or None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_retire(
                plan=plan,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("The plan was retired."))
            return redirect(plan)
    return render(request, "plans/plan_retire.html", {"plan": plan, "form": form})


@allowed_if("plans.change_plan", per_object=True)
@require_POST
def plan_restore(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    form = ItemRestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This page is out of date. Reload it and try again."))
        return redirect(plan)
    try:
        services.plan_restore(
            plan=plan,
            version=form.cleaned_data["version"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan is current again."))
    return redirect(plan)
