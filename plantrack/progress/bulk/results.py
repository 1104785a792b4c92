"""What checking a bulk file found: its rows with their problems, the reports it makes and
what sending each would do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from plantrack.plans.models import Item, Plan, Status

from ..models import DimensionValue, Indicator, ProgressUpdate, ReportingPeriod


@dataclass
class BulkRow:
    """A row of the file as the preview shows it."""

    number: int
    code: str
    summary: str
    measurement: bool = False
    errors: list[str] = field(default_factory=list)


@dataclass
class BulkValue:
    """A value read from a measurement row."""

    row: BulkRow
    indicator: Indicator
    dimension_value_id: int | None
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str

    def key(self) -> tuple[Any, ...]:
        return (
            self.indicator.pk,
            self.dimension_value_id,
            self.value,
            self.numerator,
            self.denominator,
            self.note,
        )


@dataclass
class BulkReport:
    """One item's report for a period: its item row and the values under it."""

    row: BulkRow
    item: Item
    period: ReportingPeriod
    status: str
    progress: float | None
    note: str
    values: list[BulkValue] = field(default_factory=list)
    update: ProgressUpdate | None = None  # the open report this one edits and sends
    effect: str = ""

    @property
    def status_label(self) -> str:
        return str(dict(Status.choices).get(self.status, self.status))


# The reports one file may send: they are written in one transaction, which holds the
# database's write lock (SQLite) for about 35 ms a report through the workflow's service.
MAX_REPORTS = 200

# Effects, as the preview says them.
NEW, DRAFT, RETURNED, CORRECTION = "new", "draft", "returned", "correction"
UNCHANGED, WAITING = "unchanged", "waiting"


def effect_text(report: BulkReport) -> str:
    texts = {
        NEW: _("A new report"),
        DRAFT: _("Sends your saved draft, with what the file says"),
        RETURNED: _("Sends the returned report again, with what the file says"),
        CORRECTION: _("Corrects the approved report of this period"),
        UNCHANGED: _("Left as it is: nothing changed in the file"),
        WAITING: _("Already sent with these figures; waiting for approval"),
    }
    return texts.get(report.effect, "")


@dataclass
class BulkCheck:
    format_name: str
    rows: list[BulkRow]
    reports: list[BulkReport]  # to send
    unchanged: list[BulkReport]
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[BulkRow]:
        return [row for row in self.rows if row.errors]

    @property
    def too_many(self) -> str:
        """Why the file as a whole cannot be sent (too many reports), or ""."""
        if len(self.reports) <= MAX_REPORTS:
            return ""
        return _(
            "The file sends %(count)s reports; the limit is %(limit)s in one file, so that "
            "sending them does not hold up the site for others. Split it into files of at most "
            "%(limit)s reports and upload each."
        ) % {"count": f"{len(self.reports):,}", "limit": f"{MAX_REPORTS:,}"}

    @property
    def can_confirm(self) -> bool:
        return not self.problems and not self.too_many and bool(self.reports)


class BulkRefused(ValidationError):
    """The file has problems (or says nothing new); ``check`` says which rows."""

    def __init__(self, check: BulkCheck) -> None:
        self.check = check
        super().__init__(
            _("The file was not saved: fix the rows with problems and upload it again.")
        )


@dataclass
class Context:
    plan: Plan
    by: Any
    items: dict[str, Item]
    periods: list[ReportingPeriod]
    indicators: dict[int, Indicator]
    breakdowns: dict[int, dict[str, DimensionValue]]  # indicator id -> key -> value
    updates: dict[tuple[int, int], ProgressUpdate]
    approved: set[tuple[int, int]]
    statuses: dict[str, str]
    yes_no: dict[str, float]
