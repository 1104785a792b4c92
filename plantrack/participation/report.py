"""The consultation's report: what was asked, who took part, what was changed and why, and
every input with its official response — the page and its PDF read the same ``Report``.

Who took part is counted from the inputs that are comments and proposals (replies too:
taking part is taking part), by kind of participant — a person writing for themselves
(a citizen) or on behalf of an organisation —, by organisation (submitted and co-signed),
and by the organisations' region and target groups where the organisation gives them.
A hidden input is counted and listed as its placeholder with the moderator's reason.

``consultation_report`` reads in a fixed number of queries whatever the number of inputs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
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

    @property
    def final(self) -> bool:
        return self.consultation.final_report_at is not None


def _inputs(consultation: Consultation) -> list[Input]:
    return list(
        Input.objects.filter(consultation=consultation)
        .select_related(
            "author",
            "organisation",
            "paragraph__section",
            "item__plan",
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


def _participation(inputs: list[Input]) -> Participation:
    counted = Participation(inputs=len(inputs))
    kinds = Counter(entry.kind for entry in inputs)
    counted.comments = kinds[Input.Kind.COMMENT]
    counted.proposals = kinds[Input.Kind.PROPOSAL]
    counted.replies = kinds[Input.Kind.REPLY]
    authors = {entry.author_id for entry in inputs if entry.author_id}
    counted.people = len(authors)
    counted.citizens = len(
        {entry.author_id for entry in inputs if entry.author_id and entry.organisation_id is None}
    )
    counted.for_organisations = sum(1 for entry in inputs if entry.organisation_id)
    rows: dict[int, OrganisationRow] = {}
    for entry in inputs:
        if entry.organisation is not None:
            row = rows.setdefault(entry.organisation_id, OrganisationRow(entry.organisation))  # type: ignore[arg-type]
            row.submitted += 1
        for signature in entry.cosignatures.all():
            row = rows.setdefault(signature.organisation_id, OrganisationRow(signature.organisation))
            row.cosigned += 1
    # Region and target groups of the organisations taking part: one query each.
    described = {
        organisation.pk: organisation
        for organisation in Organisation.objects.filter(pk__in=list(rows))
        .select_related("region")
        .prefetch_related("target_groups")
    }
    regions: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for pk in rows:
        organisation = described[pk]
        if organisation.region is not None:
            regions[organisation.region.name] += 1
        else:
            counted.no_region += 1
        for group in organisation.target_groups.all():
            groups[group.name] += 1
    counted.organisations = sorted(
        rows.values(), key=lambda row: (-(row.submitted + row.cosigned), row.organisation.name)
    )
    counted.regions = sorted(regions.items(), key=lambda pair: (-pair[1], pair[0]))
    counted.target_groups = sorted(groups.items(), key=lambda pair: (-pair[1], pair[0]))
    return counted


def _changes(consultation: Consultation, inputs: list[Input]) -> list[Change]:
    """The published responses that changed the draft (accepted or partly accepted, or
    linked to a changed item or paragraph), each with the inputs it answered."""
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
    answered: dict[int, list[Input]] = {}
    for entry in inputs:
        if entry.response_id:
            answered.setdefault(entry.response_id, []).append(entry)
    return [
        Change(response, answered.get(response.pk, []))
        for response in responses
        if response.status in CHANGED
        or response.item_links.all()
        or response.paragraph_links.all()
    ]


def consultation_report(*, consultation: Consultation, now: dt.datetime | None = None) -> Report:
    """The whole report (eleven queries, fewer when nobody took part)."""
    sections = list(
        Section.objects.filter(consultation=consultation)
        .prefetch_related("paragraphs")
        .order_by("position", "pk")
    )
    inputs = _inputs(consultation)
    by_parent: dict[int, list[Input]] = {}
    for entry in inputs:
        if entry.parent_id:
            by_parent.setdefault(entry.parent_id, []).append(entry)
    entries = [entry for entry in inputs if entry.kind != Input.Kind.REPLY]
    for entry in entries:
        entry.reply_list = by_parent.get(entry.pk, [])  # type: ignore[attr-defined]
    # Published responses only: a draft answer is not part of the report.
    for entry in inputs:
        if entry.response is not None and entry.response.published_at is None:
            entry.shown_response = None  # type: ignore[attr-defined]
        else:
            entry.shown_response = entry.response  # type: ignore[attr-defined]
    return Report(
        consultation=consultation,
        sections=sections,
        participation=_participation(inputs),
        changes=_changes(consultation, inputs),
        entries=entries,
        stats=consultation_stats(consultation=consultation, now=now),
        generated=now,
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
