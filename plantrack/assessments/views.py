"""Assessment pages: short views over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plantrack.history.receipts import receipt
from plantrack.lib import once
from plantrack.lib.params import page_param, parse_int
from plantrack.lib.rules import allowed_if, has, public, require
from plantrack.plans.permissions import get_item_for_user, get_plan_for_user

from . import selectors, services
from .forms import (
    CorrectionForm,
    FrameworkForm,
    LinkForm,
    RatingForm,
    ReturnForm,
    RoundForm,
    parse_sources,
)
from .models import AssessmentIndicator, IndicatorLink, Round
from .permissions import draftable_organisations, get_framework, get_round_for_user
from .scores import METHOD


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(
        request, template, {"nav": "assessments", "method": METHOD, **context}, status=status
    )


@public
def index(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "assessments/index.html",
        {
            "frameworks": selectors.frameworks_list(),
            "rounds": selectors.recent_rounds(request.user),
            "can_assess": has(request.user, "assessments.assess"),
        },
    )


@public
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_framework(slug)
    number = parse_int(request.GET.get("version"), default=0, minimum=0, maximum=100_000) or None
    page = selectors.framework_page(
        framework=framework, user=request.user, number=number, page_number=page_param(request)
    )
    return _render(
        request,
        "assessments/framework_detail.html",
        {
            "framework": framework,
            "fp": page,
            "version_query": f"version={number}" if number else "",
            "can_change": has(request.user, "assessments.change_framework", framework),
            "can_draft": has(request.user, "assessments.draft_round"),
        },
    )


@allowed_if("assessments.change_framework", per_object=True)
@require_http_methods(["GET", "POST"])
def framework_edit(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_framework(slug)
    require(request.user, "assessments.change_framework", framework)
    form = FrameworkForm(
        request.POST or None, instance=type(framework).objects.get(pk=framework.pk)
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "seen_version"}
        try:
            with receipt(request):
                services.framework_edit(
                    framework=framework,
                    by=request.user,  # type: ignore[arg-type]
                    values=values,
                    seen_version=form.cleaned_data["seen_version"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The framework was saved."))
            return redirect(framework.get_absolute_url())
    return _render(
        request, "assessments/framework_form.html", {"framework": framework, "form": form}
    )


@allowed_if("assessments.draft_round")
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_framework(slug)
    form = RoundForm(request.POST or None, organisations=draftable_organisations(request.user))
    token = request.POST.get(once.FIELD, "")
    if request.method == "POST" and form.is_valid():
        if not once.claim(token):
            messages.info(request, _("This round was already created; it is recorded once."))
            return redirect(framework.get_absolute_url())
        values = {k: v for k, v in form.cleaned_data.items() if k != once.FIELD}
        try:
            with receipt(request):
                round = services.round_create(by=request.user, framework=framework, **values)  # type: ignore[arg-type]
        except ValidationError as exc:
            once.release(token)
            form.add_error(None, exc)
        except PermissionDenied:
            once.release(token)
            form.add_error(
                "assessing_organisation", _("You may not assess in the name of this organisation.")
            )
        else:
            messages.success(request, _("The draft round was created. Rate its indicators."))
            return redirect("assessments:rate", round.pk)
    return _render(request, "assessments/round_form.html", {"framework": framework, "form": form})


@public
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_round_for_user(request.user, pk)
    page = selectors.round_page(round=round, user=request.user, page_number=page_param(request))
    return _render(
        request,
        "assessments/round_detail.html",
        {
            "round": round,
            "rp": page,
            "others": selectors.comparison_choices(round, request.user),
            "return_form": ReturnForm(),
            "correction_form": CorrectionForm(),
        },
    )


# The state each action needs: a request for a round in another state (a second click, a
# tab left open while a colleague acted) is told so on the round's page, not "not found".
NEEDED_STATE = {
    "assessments.edit_round": Round.State.DRAFT,
    "assessments.publish_round": Round.State.SUBMITTED,
    "assessments.return_round": Round.State.SUBMITTED,
    "assessments.correct_round": Round.State.PUBLISHED,
}


class _Stale(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _round_to_act_on(request: HttpRequest, pk: int, rule_name: str) -> Round:
    """The round ``pk`` for an action: a 404 for someone who may not see it or has no part
    in the action; ``_Stale`` (a redirect to the round with the reason) when the round has
    moved on to another state since the page was shown."""
    round = get_round_for_user(request.user, pk)
    if has(request.user, rule_name, round):
        return round
    if round.state != NEEDED_STATE[rule_name]:
        if round.state == Round.State.PUBLISHED:
            refusal: ValidationError = services.RoundPublished()
        else:
            wanted = Round.State(NEEDED_STATE[rule_name]).label
            refusal = services.WrongState(round, str(wanted).lower())
        messages.error(request, " ".join(refusal.messages))
        raise _Stale(redirect("assessments:round", round.pk))
    raise Http404("No such assessment round to change.")


def _rating_forms(
    request: HttpRequest, round: Round, indicators: list[AssessmentIndicator]
) -> list[RatingForm]:
    levels = selectors.rated_levels(round.version_id)
    checklist = list(round.version.levels.filter(kind="checklist").order_by("-value"))
    rows = selectors.indicator_rows(round, indicators, request.user, with_links=False)
    data = request.POST if request.method == "POST" else None
    return [
        RatingForm(
            data,
            indicator=row.indicator,
            levels=levels if row.indicator.is_rated else checklist,
            rating=row.rating,
            sources=row.sources,
        )
        for row in rows
    ]


@allowed_if("assessments.edit_round", per_object=True)
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The rating form, a page of indicators at a time."""
    try:
        round = _round_to_act_on(request, pk, "assessments.edit_round")
    except _Stale as stale:
        return stale.response
    indicators = AssessmentIndicator.objects.filter(version_id=round.version_id).select_related(
        "area"
    )
    page = Paginator(indicators.order_by("position"), selectors.FORM_PER_PAGE).get_page(
        page_param(request)
    )
    forms = _rating_forms(request, round, list(page.object_list))
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            with receipt(request), transaction.atomic():
                saved = _save_ratings(request, round, forms)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)d rating(s) saved.") % {"count": saved})
            target = (
                page.next_page_number()
                if "next" in request.POST and page.has_next()
                else page.number
            )
            return redirect(f"{request.path}?page={target}")
    return _render(
        request,
        "assessments/rate.html",
        {
            "round": round,
            "forms": forms,
            "page": page,
            "levels": selectors.rated_levels(round.version_id),
            "previous": selectors.previous_round(round),
            "missing": selectors.missing_ratings(round),
            "errors": [f for f in forms if f.errors],
        },
    )


def _save_ratings(request: HttpRequest, round: Round, forms: list[RatingForm]) -> int:
    saved = 0
    for form in forms:
        if not form.wants_saving:
            continue
        data = form.cleaned_data
        services.rating_set(
            round=round,
            indicator=form.indicator,
            by=request.user,  # type: ignore[arg-type]
            level=form.chosen_level,
            not_assessed=data["level"] == "na",
            justification=data["justification"],
            change=data["change"],
            sources=parse_sources(data["sources"]),
            seen=data["seen"],
        )
        saved += 1
    return saved


def _act(request: HttpRequest, pk: int, rule_name: str, action: Any, success: str) -> HttpResponse:
    try:
        round = _round_to_act_on(request, pk, rule_name)
    except _Stale as stale:
        return stale.response
    try:
        with receipt(request):
            action(round)
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("assessments:round", round.pk)


@allowed_if("assessments.edit_round", per_object=True)
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "assessments.edit_round",
        lambda r: services.round_submit(round=r, by=request.user),  # type: ignore[arg-type]
        _("The round was submitted. A second assessor or a plan manager publishes it."),
    )


@allowed_if("assessments.publish_round", per_object=True)
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "assessments.publish_round",
        lambda r: services.round_publish(round=r, by=request.user),  # type: ignore[arg-type]
        _("The round was published."),
    )


@allowed_if("assessments.return_round", per_object=True)
@require_POST
def return_round(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        pk,
        "assessments.return_round",
        lambda r: services.round_return(round=r, by=request.user, note=note),  # type: ignore[arg-type]
        _("The round was returned to its team as a draft."),
    )


@allowed_if("assessments.correct_round", per_object=True)
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        round = _round_to_act_on(request, pk, "assessments.correct_round")
    except _Stale as stale:
        return stale.response
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the correction changes, and why."))
        return redirect("assessments:round", round.pk)
    try:
        with receipt(request):
            new = services.round_correct(
                round=round,
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:round", round.pk)
    messages.success(
        request, _("A correction was started as a draft. Change its ratings, then submit it.")
    )
    return redirect("assessments:rate", new.pk)


@public
def compare(request: HttpRequest) -> HttpResponse:
    left_pk = parse_int(request.GET.get("a"), default=0, minimum=0, maximum=2**31 - 1)
    right_pk = parse_int(request.GET.get("b"), default=0, minimum=0, maximum=2**31 - 1)
    if not left_pk or not right_pk:
        raise Http404("Choose two rounds to compare.")
    left = get_round_for_user(request.user, left_pk)
    right = get_round_for_user(request.user, right_pk)
    if not selectors.comparable(left, right):
        return _render(
            request,
            "assessments/compare.html",
            {"left": left, "right": right, "comparison": None},
            status=400,
        )
    only = request.GET.get("show") == "different"
    comparison = selectors.compare(
        left=left, right=right, only_different=only, page_number=page_param(request)
    )
    return _render(
        request,
        "assessments/compare.html",
        {"left": left, "right": right, "comparison": comparison, "only_different": only},
    )


@public
def subject_detail(request: HttpRequest, key: str) -> HttpResponse:
    trends = selectors.subject_rounds(key=key, user=request.user)
    if not trends:
        raise Http404("No assessment of this subject.")
    subject = trends[0].points[-1][0].subject
    return _render(
        request, "assessments/subject_detail.html", {"trends": trends, "subject": subject}
    )


@allowed_if("assessments.link", per_object=True)
@require_http_methods(["GET", "POST"])
def item_links(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Link assessment indicators to a plan item, or remove a link: the item's plan's
    managers, or assessors for a published plan."""
    plan = get_plan_for_user(request.user, slug)
    item = get_item_for_user(request.user, plan, code)
    require(request.user, "assessments.link", item)
    form = LinkForm(request.POST if "add" in request.POST else None)
    if request.method == "POST" and "remove" in request.POST:
        link_pk = parse_int(request.POST.get("remove"), default=0, minimum=0, maximum=2**31 - 1)
        link = (
            IndicatorLink.objects.filter(pk=link_pk, item=item)
            .select_related("indicator__version")
            .first()
        )
        if link is None:
            raise Http404("No such link.")
        with receipt(request):
            services.indicator_link_remove(link=link, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("The link was removed."))
        return redirect("assessments:item_links", plan.slug, item.code)
    if request.method == "POST" and form.is_valid():
        indicator = form.cleaned_data["indicator"]
        with receipt(request):
            services.indicator_link_add(
                indicator=indicator,
                item=item,
                by=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data["note"],
            )
        messages.success(request, _("The indicator is linked to this item."))
        return redirect("assessments:item_links", plan.slug, item.code)
    return _render(
        request,
        "assessments/item_links.html",
        {"plan": plan, "item": item, "form": form, "links": selectors.item_links(item)},
    )
