"""Reads for the participation pages, each in a fixed number of queries whatever the
number of inputs (pages are paginated; counts are annotations, not loops)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from plantrack.plans.models import Item

from .models import (
    Consultation,
    ConsultationQuerySet,
    Cosignature,
    Input,
    InputRevision,
    Paragraph,
    Phase,
    Response,
    ResponseItemLink,
    ResponseParagraphLink,
    Section,
    Support,
)
from .permissions import visible_consultations

PAGE_SIZE = 25
LIST_PHASES = (Phase.OPEN, Phase.UPCOMING, Phase.CLOSED, Phase.ANSWERED)


def consultation_list(user: Any, *, phase: str = "", page_number: Any = 1) -> Page:  # type: ignore[type-arg]
    """2 queries: the count and the page (with each consultation's input count)."""
    consultations = visible_consultations(user).select_related("plan")
    if phase in LIST_PHASES:
        consultations = cast(ConsultationQuerySet, consultations).in_phase(phase)
    consultations = consultations.annotate(
        input_count=Count("inputs", filter=Q(inputs__parent__isnull=True))
    ).order_by("-opens_at", "pk")
    return Paginator(consultations, PAGE_SIZE).get_page(page_number)


def _count_of(model: Any, field: str) -> Any:
    """The number of ``model`` rows pointing at the outer input, as a correlated subquery:
    computed for the rows of the page only, not for every input before the LIMIT."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), Value(0))


def _input_rows(inputs: QuerySet[Input]) -> QuerySet[Input]:
    """Inputs with what a list shows: author, organisation, response, counts."""
    return inputs.select_related("author", "organisation", "response", "paragraph").annotate(
        support_count=_count_of(Support, "input"),
        reply_count=_count_of(Input, "parent"),
        cosign_count=_count_of(Cosignature, "input"),
    )


@dataclass
class ConsultationPage:
    consultation: Consultation
    sections: list[Section]
    inputs: Page  # type: ignore[type-arg]  # the whole-draft inputs (no paragraph), top level
    total_inputs: int
    answered_inputs: int
    paragraph_count: int = 0
    chapters: list[tuple[Section, list[Paragraph]]] = field(default_factory=list)


def consultation_page(consultation: Consultation, *, page_number: Any = 1) -> ConsultationPage:
    """5 queries: chapters, paragraphs with their input counts, the overall counts, the
    whole-draft inputs' count and page."""
    sections = list(consultation.sections.order_by("position"))
    paragraphs = list(
        Paragraph.objects.filter(consultation=consultation)
        .annotate(input_count=Count("inputs", filter=Q(inputs__parent__isnull=True)))
        .order_by("position")
    )
    by_section: dict[int, list[Paragraph]] = {}
    for paragraph in paragraphs:
        by_section.setdefault(paragraph.section_id, []).append(paragraph)
    counts = Input.objects.filter(consultation=consultation, parent__isnull=True).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(response__published_at__isnull=False))
    )
    whole = _input_rows(
        Input.objects.filter(consultation=consultation, paragraph__isnull=True, parent__isnull=True)
    ).order_by("created_at", "pk")
    return ConsultationPage(
        consultation=consultation,
        sections=sections,
        inputs=Paginator(whole, PAGE_SIZE).get_page(page_number),
        total_inputs=counts["total"] or 0,
        answered_inputs=counts["answered"] or 0,
        paragraph_count=len(paragraphs),
        chapters=[(s, by_section.get(s.pk, [])) for s in sections],
    )


def paragraph_inputs(paragraph: Paragraph, *, page_number: Any = 1) -> Page:  # type: ignore[type-arg]
    """2 queries: the count and the page of a paragraph's top-level inputs."""
    inputs = _input_rows(Input.objects.filter(paragraph=paragraph, parent__isnull=True))
    return Paginator(inputs.order_by("created_at", "pk"), PAGE_SIZE).get_page(page_number)


@dataclass
class InputPage:
    input: Input
    replies: list[Input]
    cosignatures: list[Cosignature]
    revisions: list[InputRevision]
    support_count: int
    supported: bool
    response: Response | None
    changed_items: list[Item]
    changed_paragraphs: list[Paragraph]
    also_answered: list[Input]


def input_page(input: Input, user: Any) -> InputPage:
    """At most 8 queries."""
    replies = list(
        input.replies.select_related("author", "organisation", "response").order_by(
            "created_at", "pk"
        )
    )
    cosignatures = list(input.cosignatures.select_related("organisation").order_by("created_at"))
    revisions = list(input.revisions.order_by("edited_at", "pk"))
    user_id = getattr(user, "pk", None)
    support = Support.objects.filter(input=input).aggregate(
        n=Count("pk"), mine=Count("pk", filter=Q(user_id=user_id))
    )
    response = input.response if input.response_id and input.response.published_at else None  # type: ignore[union-attr]
    items: list[Item] = []
    paragraphs: list[Paragraph] = []
    also: list[Input] = []
    if response is not None:
        items = [
            link.item
            for link in ResponseItemLink.objects.filter(response=response)
            .select_related("item__plan")
            .order_by("item__path")
        ]
        paragraphs = [
            link.paragraph
            for link in ResponseParagraphLink.objects.filter(response=response)
            .select_related("paragraph")
            .order_by("paragraph__position")
        ]
        also = list(
            Input.objects.filter(response=response).exclude(pk=input.pk).order_by("pk")[:50]
        )
    return InputPage(
        input=input,
        replies=replies,
        cosignatures=cosignatures,
        revisions=revisions,
        support_count=support["n"] or 0,
        supported=bool(support["mine"]),
        response=response,
        changed_items=items,
        changed_paragraphs=paragraphs,
        also_answered=also,
    )


def my_inputs(user: Any, *, page_number: Any = 1) -> Page:  # type: ignore[type-arg]
    """2 queries: one's own inputs, newest first, with their consultation and response."""
    inputs = (
        Input.objects.filter(author=user)
        .select_related("consultation", "response", "paragraph", "organisation")
        .order_by("-created_at", "-pk")
    )
    return Paginator(inputs, PAGE_SIZE).get_page(page_number)


def unanswered(consultation: Consultation) -> QuerySet[Input]:
    """The inputs still without a published response (replies too: they may be answered)."""
    return _input_rows(
        Input.objects.filter(consultation=consultation).filter(
            Q(response__isnull=True) | Q(response__published_at__isnull=True)
        )
    )


def inputs_to_answer(consultation: Consultation, *, page_number: Any = 1) -> Page:  # type: ignore[type-arg]
    """2 queries: the inputs still without a published response, oldest first."""
    inputs = unanswered(consultation).order_by("parent_id", "created_at", "pk")
    return Paginator(inputs, PAGE_SIZE * 2).get_page(page_number)


ITEM_INPUTS_LIMIT = 20


def inputs_that_changed(item: Item) -> list[Input]:
    """One query: the inputs whose published response links this item."""
    linked = ResponseItemLink.objects.filter(response_id=OuterRef("response_id"), item=item)
    return list(
        Input.objects.filter(Exists(linked), response__published_at__isnull=False)
        .select_related("consultation", "response", "organisation")
        .order_by("-response__responded_on", "pk")[:ITEM_INPUTS_LIMIT]
    )
