"""History pages (per plan, item and organisation, what changed in a plan since a date)
and the transparency pages with the signed head."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from plantrack.lib.params import page_param
from plantrack.lib.rules import public
from plantrack.organisations.permissions import get_visible_organisation
from plantrack.plans.permissions import get_item_for_user, get_plan_for_user

from . import keys, selectors
from .checkpoints import head_document, proof_document
from .forms import ChangesSinceForm, ReceiptForm, default_since
from .models import Checkpoint, Event, Head
from .receipts import receipt_check
from .services import content

JSON_OPTIONS = {"ensure_ascii": False, "indent": 2}


@public
def plan_history(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    page = selectors.history_page(
        events=selectors.plan_events(plan), user=request.user, page_number=page_param(request)
    )
    return render(request, "history/plan_history.html", {"plan": plan, "page": page})


@public
def item_history(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug)
    item = get_item_for_user(request.user, plan, code)
    page = selectors.history_page(
        events=selectors.item_events(item), user=request.user, page_number=page_param(request)
    )
    return render(request, "history/item_history.html", {"plan": plan, "item": item, "page": page})


@public
def organisation_history(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_visible_organisation(request.user, slug)
    page = selectors.history_page(
        events=selectors.organisation_events(organisation),
        user=request.user,
        page_number=page_param(request),
    )
    return render(
        request,
        "history/organisation_history.html",
        {"nav": "organisations", "organisation": organisation, "page": page},
    )


@public
def plan_changes(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed in a plan since a date (default: the last 90 days), by top-level branch."""
    plan = get_plan_for_user(request.user, slug)
    data = request.GET if request.GET.get("since") else {"since": default_since().isoformat()}
    form = ChangesSinceForm(data)
    changes = None
    if form.is_valid():
        changes = selectors.plan_changes(plan=plan, user=request.user, since=form.since_start())
    return render(
        request,
        "history/plan_changes.html",
        {"plan": plan, "form": form, "changes": changes, "limit": selectors.CHANGES_LIMIT},
    )


def _public_key() -> str | None:
    latest = Checkpoint.objects.order_by("-seq").first()
    if latest is not None:
        return latest.public_key
    try:
        # Never creates a key: a public page must not write.
        return keys.public_text(keys.private_key(create=False))
    except keys.KeyMissing:
        return None


@public
def transparency(request: HttpRequest) -> HttpResponse:
    checkpoints = Paginator(Checkpoint.objects.order_by("-seq"), 50).get_page(page_param(request))
    latest = checkpoints.object_list[0] if checkpoints.number == 1 and checkpoints else None
    context = {
        "head": Head.objects.filter(pk=1).first(),
        "latest": head_document(latest) if latest else None,
        "public_key": _public_key(),
        "page": checkpoints,
    }
    return render(request, "history/transparency.html", context)


@public
def head_json(request: HttpRequest) -> HttpResponse:
    latest = Checkpoint.objects.order_by("-seq").first()
    if latest is None:
        return JsonResponse({"error": "No checkpoint has been signed yet."}, status=404)
    return JsonResponse(head_document(latest), json_dumps_params=JSON_OPTIONS)


def _in_draft(event: Event) -> bool:
    from plantrack.plans.models import Plan

    return event.plan_id is not None and (
        Plan.objects.filter(pk=event.plan_id, published_at__isnull=True).exists()
    )


@public
def event_proof(request: HttpRequest, seq: int) -> HttpResponse:
    event = Event.objects.filter(seq=seq).first()
    if event is None:
        raise Http404("No such event.")
    document = proof_document(event)
    if document is None:
        return JsonResponse(
            {"error": _("This event is not in a signed checkpoint yet; try again tomorrow.")},
            status=404,
        )
    # A public event's content lets anyone recompute its hash; a private one shows hashes
    # only, and so does an event of a draft plan until the plan is published.
    if event.public and not _in_draft(event):
        document["event"]["content"] = content(event)
    return JsonResponse(document, json_dumps_params=JSON_OPTIONS)


@public
def receipt(request: HttpRequest) -> HttpResponse:
    """Check a receipt (event number and hash): a GET form, so a receipt is a plain link."""
    form = ReceiptForm(request.GET if request.GET else None)
    check = None
    if form.is_bound and form.is_valid():
        check = receipt_check(seq=form.cleaned_data["seq"], hash=form.cleaned_data["hash"])
    return render(request, "history/receipt.html", {"form": form, "check": check})
