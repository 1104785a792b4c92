"""The consultation's report: what was asked, who took part, what was changed and why, and
every input with its official response — the page and its PDF read the same ``Report``.

Who took part is counted from the inputs that are comments and proposals (replies too:
taking part is taking part), by kind of participant — a person writing for themselves
(a citizen) or on behalf of an organisation —, by organisation (submitted and co-signed),
and by the organisations' region and target groups where the organisation gives them.
A hidden input is counted and listed as its placeholder with the moderator's reason.

``consultation_report`` reads in a fixed number of queries whatever the number of inputs; the
page lists the inputs a hundred at a time, the PDF all of them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from plantrack.organisations.models import Organisation

from .models import (
    Consultation,
    Cosignature,
    Input,
    Response,
    ResponseItemLink,
    ResponseParagraphLink,
    Section,
)
from .statistics import Stats, consultation_stats

CHANGED = (Response.Status.ACCEPTED, Response.Status.PARTLY_ACCEPTED)


@dataclass
class OrganisationRow:
    organisation: Organisation
    submitted: int = 0
    cosigned: int = 0


@dataclass
class Participation:
    inputs: int = 0
    comments: int = 0
    proposals: int = 0
    replies: int = 0
    people: int = 0  # distinct authors
    citizens: int = 0  # distinct authors of at least one input for themselves
    for_organisations: int = 0  # inputs submitted on behalf of an organisation
    organisations: list[OrganisationRow] = field(default_factory=list)
    regions: list[tuple[str, int]] = field(default_factory=list)  # organisations per region
    target_groups: list[tuple[str, int]] = field(default_factory=list)
    no_region: int = 0


@dataclass
class Change:
    response: Response
    inputs: list[Input]


@dataclass
class Report:
    consultation: Consultation
    sections: list[Section]
    participation: Participation
    changes: list[Change]
    entries: list[Input]  # comments and proposals, each with its replies and response
    stats: Stats
    generated: dt.datetime | None = None
    page: Page[Input] | None = None  # the inputs' page on the site; None in the PDF

    @property
    def final(self) -> bool:
        return self.consultation.final_report_at is not None


ENTRIES_PER_PAGE = 100


def _entries(consultation: Consultation) -> QuerySet[Input]:
    return (
        Input.objects.filter(consultation=consultation)
        .exclude(kind=Input.Kind.REPLY)
        .select_related(
            "author",
            "organisation",
            "paragraph",
            "item",
            "response__responding_body",
        )
        .prefetch_related(
            Prefetch(
                "cosignatures",
                queryset=Cosignature.objects.select_related("organisation").order_by("pk"),
            )
        )
        .order_by("created_at", "pk")
    )


def _participation(consultation: Consultation) -> Participation:
    """Counted in the database (five queries, fewer when no organisation took part)."""
    inputs = Input.objects.filter(consultation=consultation).order_by()
    kinds = dict(inputs.values_list("kind").annotate(n=Count("pk")))
    counted = Participation(
        inputs=sum(kinds.values()),
        comments=kinds.get(Input.Kind.COMMENT, 0),
        proposals=kinds.get(Input.Kind.PROPOSAL, 0),
        replies=kinds.get(Input.Kind.REPLY, 0),
    )
    # (author, organisation) pairs: a row per person and organisation they wrote for.
    pairs = set(
        inputs.filter(author__isnull=False).values_list("author_id", "organisation_id").distinct()
    )
    counted.people = len({author for author, _ in pairs})
    counted.citizens = len({author for author, organisation in pairs if organisation is None})
    submitted = dict(
        inputs.filter(organisation__isnull=False)
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
    )
    counted.for_organisations = sum(submitted.values())
    cosigned = dict(
        Cosignature.objects.filter(input__consultation=consultation)
        .order_by()
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
    )
    taking_part = set(submitted) | set(cosigned)
    organisations = (
        list(
            Organisation.objects.filter(pk__in=taking_part)
            .select_related("region")
            .prefetch_related("target_groups")
        )
        if taking_part
        else []
    )
    regions: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    rows = []
    for organisation in organisations:
        rows.append(
            OrganisationRow(
                organisation,
                submitted=submitted.get(organisation.pk, 0),
                cosigned=cosigned.get(organisation.pk, 0),
            )
        )
        if organisation.region is not None:
            regions[organisation.region.name] += 1
        else:
            counted.no_region += 1
        for group in organisation.target_groups.all():
            groups[group.name] += 1
    counted.organisations = sorted(
        rows, key=lambda row: (-(row.submitted + row.cosigned), row.organisation.name)
    )
    counted.regions = sorted(regions.items(), key=lambda pair: (-pair[1], pair[0]))
    counted.target_groups = sorted(groups.items(), key=lambda pair: (-pair[1], pair[0]))
    return counted


def _changes(consultation: Consultation) -> list[Change]:
    """The published responses that changed the draft (accepted or partly accepted, or
    linked to a changed item or paragraph), each with the inputs it answered (four queries)."""
    responses = list(
        Response.objects.filter(consultation=consultation, published_at__isnull=False)
        .select_related("responding_body")
        .prefetch_related(
            Prefetch(
                "item_links",
                queryset=ResponseItemLink.objects.select_related("item__plan").order_by(
                    "item__path"
                ),
            ),
            Prefetch(
                "paragraph_links",
                queryset=ResponseParagraphLink.objects.select_related("paragraph").order_by(
                    "paragraph__position"
                ),
            ),
        )
        .order_by("responded_on", "pk")
    )
    changed = [
        response
        for response in responses
        if response.status in CHANGED or response.item_links.all() or response.paragraph_links.all()
    ]
    answered: dict[int, list[Input]] = {}
    if changed:
        for entry in (
            Input.objects.filter(response__in=changed)
            .order_by("created_at", "pk")
            .only("pk", "response_id", "kind", "title")
        ):
            answered.setdefault(entry.response_id, []).append(entry)  # type: ignore[arg-type]
    return [Change(response, answered.get(response.pk, [])) for response in changed]


def _with_replies(entries: list[Input]) -> None:
    """Each entry's replies (one query) and the response the public sees: a draft answer
    is not part of the report."""
    replies: dict[int, list[Input]] = {}
    if entries:
        for reply in (
            Input.objects.filter(parent__in=entries)
            .order_by("created_at", "pk")
            .only("pk", "parent_id", "kind", "created_at")
        ):
            replies.setdefault(reply.parent_id, []).append(reply)  # type: ignore[arg-type]
    for entry in entries:
        entry.reply_list = replies.get(entry.pk, [])  # type: ignore[attr-defined]
        published = entry.response is not None and entry.response.published_at is not None
        entry.shown_response = entry.response if published else None  # type: ignore[attr-defined]


def consultation_report(
    *, consultation: Consultation, now: dt.datetime | None = None, page_number: Any = None
) -> Report:
    """The whole report in a fixed number of queries (17; 18 with a page). With
    ``page_number`` (the page) the inputs come ``ENTRIES_PER_PAGE`` at a time; without it
    (the PDF) all of them."""
    sections = list(
        Section.objects.filter(consultation=consultation)
        .prefetch_related("paragraphs")
        .order_by("position", "pk")
    )
    page = None
    if page_number is None:
        entries = list(_entries(consultation))
    else:
        page = Paginator(_entries(consultation), ENTRIES_PER_PAGE).get_page(page_number)
        entries = list(page.object_list)
    _with_replies(entries)
    return Report(
        consultation=consultation,
        sections=sections,
        participation=_participation(consultation),
        changes=_changes(consultation),
        entries=entries,
        stats=consultation_stats(consultation=consultation, now=now),
        generated=now,
        page=page,
    )


def report_filename(consultation: Consultation, language: str) -> str:
    return f"{consultation.slug}-report-{language}.pdf"


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (Pango) are missing here."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            _(
                "The PDF cannot be made on this server (%(detail)s). Print this page to PDF "
                "from your browser instead."
            )
            % {"detail": detail}
        )


def render_pdf(html: str) -> bytes:
    """The report's standalone HTML (its stylesheet inline) as PDF bytes. WeasyPrint is
    imported here, not at start-up, so the site runs where Pango is missing; then
    ``PdfUnavailable`` says so. Nothing is fetched while rendering (a link in an input's
    text is a link, never a request the server makes)."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise PdfUnavailable(type(exc).__name__) from exc

    class NoFetching(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError("the report loads no resources")

    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=NoFetching())
    return bytes(document.write_pdf())
