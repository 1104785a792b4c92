"""The canonical CSV / XLSX plan template (documented in docs/import-template.md).

One row per item, parents before children. Lines before the header that start
with ``#`` carry the plan's own fields as ``# key: value``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .base import ImportRefused, ParsedItem, ParsedPlan, ParsedResponsibility
from .limits import DEFAULT_LIMITS, Limits, count_text

REQUIRED_COLUMNS = ("code", "kind", "title")
OPTIONAL_COLUMNS = (
    "parent_code",
    "title_mn",
    "label",
    "label_mn",
    "body",
    "body_mn",
    "organisations",
    "start_year",
    "end_year",
    "status",
    "progress",
    "weight",
    "indicators",
)
PLAN_KEYS = (
    "title",
    "title_mn",
    "short_name",
    "issuer",
    "adopted_on",
    "start_year",
    "end_year",
    "description",
    "description_mn",
    "languages",
)
ROLES = ("lead", "partner", "stakeholder")
_ROLE_RE = re.compile(r"\w+")
_ACRONYM_MAX = 40
MAX_ORGANISATION_NAME = 300  # Organisation.name_en / name_mn
_CODE_RE = re.compile(r"^[\w.\-]{1,40}$")
_SAVE_AGAIN = _lazy(
    "open it in Excel or LibreOffice, save it again as CSV (UTF-8) or XLSX and upload the new file"
)


def looks_like_csv(text: str) -> bool:
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        try:
            header = [cell.strip().lower() for cell in next(csv.reader([line]))]
        except csv.Error:  # e.g. a megabyte-long first line: no template header
            return False
        return all(column in header for column in REQUIRED_COLUMNS)
    return False


def parse_csv(text: str, limits: Limits = DEFAULT_LIMITS) -> ParsedPlan:
    lines = text.splitlines(keepends=True)
    # Plan fields before the header are kept whole: a description may contain commas.
    lead = 0
    while lead < len(lines) and (lines[lead].startswith("#") or not lines[lead].strip()):
        lead += 1
    rows: list[list[str]] = [[line.rstrip("\r\n")] for line in lines[:lead]]
    csv.field_size_limit(limits.max_cell_chars)
    reader = csv.reader(io.StringIO("".join(lines[lead:])))
    try:
        rows += list(reader)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise ImportRefused(
                _("a cell holds more than %(limit)s characters; the limit is %(limit)s")
                % {"limit": count_text(limits.max_cell_chars)},
                line=lead + reader.line_num,
            ) from exc
        raise ImportRefused(
            _("the CSV could not be read (%(reason)s); %(fix)s")
            % {"reason": exc, "fix": _SAVE_AGAIN}
        ) from exc
    return _parse_rows(rows)


def parse_xlsx(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedPlan:
    """The first sheet of a workbook whose ZIP parts ``safezip`` has already checked.

    The sheet's own claims are not trusted: its declared dimensions are dropped, at most
    ``max_table_columns`` columns are read and reading stops after ``max_table_rows``.
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise ImportRefused(_("the XLSX workbook has no sheet"))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # type: ignore[union-attr]
        rows: list[list[str]] = []
        rows_read = sheet.iter_rows(max_col=limits.max_table_columns, values_only=True)
        for seen, row in enumerate(rows_read, start=1):
            if seen > limits.max_table_rows:
                raise ImportRefused(
                    _("the sheet has more than %(limit)s rows; the limit is %(limit)s rows")
                    % {"limit": count_text(limits.max_table_rows)}
                )
            width = len(row)
            while width and row[width - 1] is None:
                width -= 1
            rows.append([_cell_text(cell) for cell in row[:width]])
        workbook.close()
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportRefused(
            _("the XLSX workbook could not be opened (%(reason)s); %(fix)s")
            % {"reason": exc, "fix": _SAVE_AGAIN}
        ) from exc
    return _parse_rows(rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


def _int(value: str, column: str, line: int) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(float(value))
    except (ValueError, OverflowError) as exc:  # OverflowError: "inf"
        raise ImportRefused(
            _("%(column)s must be a whole number, like 2025, not '%(value)s'")
            % {"column": column, "value": value},
            line=line,
        ) from exc


def _float(value: str, column: str, line: int) -> float | None:
    value = value.strip().rstrip("%")
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise ImportRefused(
            _("%(column)s must be a number, like 40, not '%(value)s'")
            % {"column": column, "value": value},
            line=line,
        ) from exc


def split_organisation(text: str) -> tuple[str, str, str]:
    """``"Name (ACR) [role]"`` -> ``("Name", "ACR", "role")``; acronym and role are optional.

    Plain string operations, linear in the length: the regular expression this replaces
    (``^(.+?)\\s*(?:\\((...)\\))?\\s*(?:\\[(\\w+)\\])?$``) backtracked cubically on
    long runs of spaces ("a" + 1,200 spaces + "b" took 9 seconds).
    """
    name, role, acronym = text.strip(), "", ""
    if name.endswith("]"):
        opening = name.rfind("[")
        inside = name[opening + 1 : -1]
        if opening > 0 and _ROLE_RE.fullmatch(inside) and name[:opening].strip():
            name, role = name[:opening].rstrip(), inside
    if name.endswith(")"):
        opening = name.rfind("(")
        inside = name[opening + 1 : -1]
        if (
            opening > 0
            and 0 < len(inside) <= _ACRONYM_MAX
            and ")" not in inside
            and name[:opening].strip()
        ):
            name, acronym = name[:opening].rstrip(), inside
    return name, acronym, role


def _organisations(cell: str, line: int) -> list[ParsedResponsibility]:
    result = []
    for part in filter(None, (p.strip() for p in cell.split(";"))):
        name, acronym, role = split_organisation(part)
        name = " ".join(name.split())
        if len(name) > MAX_ORGANISATION_NAME:
            raise ImportRefused(
                _(
                    "an organisation name is %(count)s characters long; the limit is "
                    "%(limit)s characters. Separate organisations with ';'"
                )
                % {"count": count_text(len(name)), "limit": count_text(MAX_ORGANISATION_NAME)},
                line=line,
            )
        role = (role or "lead").lower()
        if role not in ROLES:
            raise ImportRefused(
                _("role '%(role)s' for '%(name)s' is not one of %(roles)s")
                % {"role": role, "name": name, "roles": ", ".join(ROLES)},
                line=line,
            )
        result.append(ParsedResponsibility(organisation=name, role=role, acronym=acronym))
    return result


def _plan_meta(lines: Iterable[tuple[int, str]]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for number, text in lines:
        key, sep, value = text.lstrip("#").partition(":")
        key = key.strip().lower()
        if not sep or key not in PLAN_KEYS:
            raise ImportRefused(
                _(
                    "a '#' line before the header must be '# key: value' with key one of "
                    "%(keys)s; found '%(line)s'"
                )
                % {"keys": ", ".join(PLAN_KEYS), "line": text[:80]},
                line=number,
            )
        meta[key] = value.strip()
    return meta


def _header(rows: Sequence[Sequence[str]]) -> tuple[int, dict[str, int], list[tuple[int, str]]]:
    comments: list[tuple[int, str]] = []
    for index, row in enumerate(rows):
        first = (row[0] if row else "").strip()
        if first.startswith("#"):
            comments.append((index + 1, first))
            continue
        if not any(cell.strip() for cell in row):
            continue
        header = {cell.strip().lower(): pos for pos, cell in enumerate(row) if cell.strip()}
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise ImportRefused(
                _(
                    "the header row lacks the column(s) %(columns)s; the first row that does not "
                    "start with '#' must name the columns, with at least code, kind and title"
                )
                % {"columns": ", ".join(missing)},
                line=index + 1,
            )
        unknown = set(header) - set(REQUIRED_COLUMNS) - set(OPTIONAL_COLUMNS)
        if unknown:
            raise ImportRefused(
                _(
                    "unknown column(s) %(columns)s; the columns are %(known)s (rename or "
                    "remove the others: a misspelt column would lose its data)"
                )
                % {
                    "columns": ", ".join(sorted(unknown)),
                    "known": ", ".join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)),
                },
                line=index + 1,
            )
        return index, header, comments
    raise ImportRefused(
        _(
            "no header row found; the first row that does not start with '#' must name "
            "the columns, with at least code, kind and title"
        )
    )


def _row_item(row: Sequence[str], header: dict[str, int], line: int) -> ParsedItem:
    def get(column: str) -> str:
        pos = header.get(column)
        return row[pos].strip() if pos is not None and pos < len(row) else ""

    code, title = get("code"), get("title")
    if not _CODE_RE.match(code):
        raise ImportRefused(
            _("code '%(code)s' must be 1-40 letters, digits, dots or dashes, like 7.3.13 or A-2")
            % {"code": code[:80]},
            line=line,
        )
    if not title and not get("title_mn"):
        raise ImportRefused(
            _("item %(code)s has no title; fill its title or title_mn cell") % {"code": code},
            line=line,
        )
    return ParsedItem(
        code=code,
        kind=get("kind").lower().replace(" ", "_"),
        title=title,
        title_mn=get("title_mn"),
        label=get("label"),
        label_mn=get("label_mn"),
        parent_code=get("parent_code") or None,
        body=get("body"),
        body_mn=get("body_mn"),
        start_year=_int(get("start_year"), "start_year", line),
        end_year=_int(get("end_year"), "end_year", line),
        status=get("status").lower().replace(" ", "_"),
        progress=_float(get("progress"), "progress", line),
        weight=_float(get("weight"), "weight", line),
        responsibilities=_organisations(get("organisations"), line),
        indicators=[part.strip() for part in get("indicators").split("|") if part.strip()],
        source_line=line,
    )


def _parse_rows(rows: Sequence[Sequence[str]]) -> ParsedPlan:
    start, header, comments = _header(rows)
    meta = _plan_meta(comments)
    items = [
        _row_item(row, header, index + 1)
        for index, row in enumerate(rows)
        if index > start and any(cell.strip() for cell in row)
    ]
    if not items:
        raise ImportRefused(
            _("the table has a header but no item rows; add one row per item below the header"),
            line=start + 1,
        )
    adopted = meta.get("adopted_on", "")
    try:
        adopted_on = datetime.date.fromisoformat(adopted) if adopted else None
    except ValueError as exc:
        raise ImportRefused(
            _("adopted_on must be a date like 2020-05-13, not '%(value)s'") % {"value": adopted}
        ) from exc
    languages = tuple(meta.get("languages", "en").replace(" ", "").split(",")) or ("en",)
    return ParsedPlan(
        title=meta.get("title", "") or meta.get("short_name", ""),
        title_mn=meta.get("title_mn", ""),
        short_name=meta.get("short_name", ""),
        items=items,
        issuer=meta.get("issuer", ""),
        adopted_on=adopted_on,
        start_year=_int(meta.get("start_year", ""), "start_year", 0),
        end_year=_int(meta.get("end_year", ""), "end_year", 0),
        description=meta.get("description", ""),
        description_mn=meta.get("description_mn", ""),
        languages=languages,
        format_name="Plan template (CSV/XLSX)",
    )


def write_csv(plan: ParsedPlan) -> str:
    """The template form of a parsed plan; used by the benchmark and the export tests."""
    out = io.StringIO()
    for key in ("title", "title_mn", "short_name", "issuer", "start_year", "end_year"):
        value = getattr(plan, key)
        if value:
            out.write(f"# {key}: {value}\n")
    writer = csv.writer(out, lineterminator="\n")
    columns = ["code", "parent_code", "kind", "label", "title", "body", "start_year", "end_year"]
    writer.writerow([*columns, "organisations", "indicators"])
    for item in plan.items:
        orgs = "; ".join(
            f"{r.organisation}{f' ({r.acronym})' if r.acronym else ''} [{r.role}]"
            for r in item.responsibilities
        )
        writer.writerow(
            [
                item.code,
                item.parent_code or "",
                item.kind,
                item.label,
                item.title,
                item.body,
                item.start_year or "",
                item.end_year or "",
                orgs,
                " | ".join(item.indicators),
            ]
        )
    return out.getvalue()


# -- The template the site serves ----------------------------------------------------------
# Written from the same column and key lists the reader checks, so the served files and the
# reader cannot drift apart: tests read the served files back into EXAMPLE_PLAN.

TEMPLATE_COLUMNS = (
    "code",
    "parent_code",
    "kind",
    "title",
    "title_mn",
    "body",
    "body_mn",
    "organisations",
    "start_year",
    "end_year",
    "status",
    "progress",
    "indicators",
)
EXAMPLE_META = (
    ("title", "District road and air safety plan (example)"),
    ("title_mn", "Дүүргийн зам, агаарын аюулгүй байдлын төлөвлөгөө (жишээ)"),
    ("short_name", "example-district-safety"),
    ("issuer", "District Governor's Office"),
    ("adopted_on", "2025-03-01"),
    ("start_year", "2025"),
    ("end_year", "2028"),
    ("languages", "mn,en"),
)
EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "code": "1",
        "kind": "goal",
        "title": "Safe streets for children",
        "title_mn": "Хүүхдэд аюулгүй гудамж",
    },
    {
        "code": "1.1",
        "parent_code": "1",
        "kind": "objective",
        "title": "Fewer traffic injuries near schools",
        "title_mn": "Сургуулийн орчимд зам тээврийн осол гэмтлийг бууруулах",
    },
    {
        "code": "1.1.1",
        "parent_code": "1.1",
        "kind": "activity",
        "title": "Build a pedestrian crossing at every school entrance",
        "title_mn": "Сургууль бүрийн орох хаалганы өмнө явган хүний гарц байгуулах",
        "body": "Crossings with lights and speed bumps.",
        "body_mn": "Гэрэлтэй, хурд сааруулагчтай гарц.",
        "organisations": "District Roads Department (DRD) [lead]; Parents' Association [partner]",
        "start_year": "2025",
        "end_year": "2026",
        "status": "in_progress",
        "progress": "40",
        "indicators": "Crossings built | Injuries near schools per year",
    },
    {
        "code": "1.1.2",
        "parent_code": "1.1",
        "kind": "activity",
        "title": "Train a traffic warden for every school",
        "title_mn": "Сургууль бүрт замын хөдөлгөөний туслах ажилтан бэлтгэх",
        "organisations": "District Police Department [lead]",
        "start_year": "2025",
        "end_year": "2025",
        "status": "not_started",
    },
    {
        "code": "2",
        "kind": "goal",
        "title": "Clean air in winter",
        "title_mn": "Өвлийн цэвэр агаар",
    },
    {
        "code": "2.1",
        "parent_code": "2",
        "kind": "activity",
        "title": "Replace coal stoves in ger districts with cleaner heating",
        "title_mn": "Гэр хорооллын нүүрсний зуухыг цэвэр халаалтаар солих",
        "organisations": "District Governor's Office [lead]",
        "start_year": "2025",
        "end_year": "2028",
        "indicators": "Stoves replaced",
    },
)
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _template_rows() -> list[list[str]]:
    assert set(TEMPLATE_COLUMNS) <= {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS}
    assert {key for key, _value in EXAMPLE_META} <= set(PLAN_KEYS)
    meta = [[f"# {key}: {value}"] for key, value in EXAMPLE_META]
    items = [[row.get(column, "") for column in TEMPLATE_COLUMNS] for row in EXAMPLE_ROWS]
    return [*meta, list(TEMPLATE_COLUMNS), *items]


def template_csv() -> bytes:
    """The example plan as a CSV file, UTF-8 with a byte-order mark so Excel shows Cyrillic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = _template_rows()
    for row in rows[: len(EXAMPLE_META)]:  # "# key: value" lines are kept whole, unquoted
        out.write(row[0] + "\r\n")
    writer.writerows(rows[len(EXAMPLE_META) :])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The example plan as an XLSX workbook; its first sheet is the one the reader reads."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "plan"
    for row in _template_rows():
        # Years and progress as numbers, so Excel does not flag them as text.
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    header_row = len(EXAMPLE_META) + 1
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    widths = (8, 12, 12, 48, 48, 30, 30, 48, 11, 11, 13, 9, 40)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
