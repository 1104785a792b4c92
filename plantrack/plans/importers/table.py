"""The canonical CSV / XLSX plan template (documented in docs/import-template.md).

One row per item, parents before children. Lines before the header that start
with ``#`` carry the plan's own fields as ``# key: value``; they are optional: without
them the plan's fields come from the mapping, or the preview asks for them.

A CSV is read as people save it: comma, semicolon or tab between cells, decided from
the content (``sniff_delimiter``: the header must name the template's columns, and the
rows must have a consistent number of cells); a file that reads equally well two ways
is refused, never guessed. The text's encoding is decided by ``detect.decode_text``.
An ``organisation_kind`` column gives the kind of the organisations an import creates.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import ImportRefused, ParsedItem, ParsedPlan, ParsedResponsibility
from .limits import DEFAULT_LIMITS, Limits, count_text
from .stakeholders import group_label, is_group

if TYPE_CHECKING:
    from .mapping import Mapping

REQUIRED_COLUMNS = ("code", "kind", "title")
OPTIONAL_COLUMNS = (
    "parent_code",
    "title_mn",
    "label",
    "label_mn",
    "body",
    "body_mn",
    "organisations",
    "organisation_kind",
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
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_ROWS = 200  # rows looked at to decide the delimiter

# Words people write in an organisation-kind column, mapped to Organisation.Kind values.
# Generic words only (English and Mongolian); the kind values and their labels also match.
KIND_WORDS: dict[str, str] = {
    "ministry": "government",
    "agency": "government",
    "government": "government",
    "state": "government",
    "local government": "government",
    "яам": "government",
    "агентлаг": "government",
    "төрийн байгууллага": "government",
    "police": "law_enforcement",
    "court": "law_enforcement",
    "law enforcement": "law_enforcement",
    "хууль сахиулах": "law_enforcement",
    "cso": "cso",
    "ngo": "cso",
    "civil society": "cso",
    "төрийн бус байгууллага": "cso",
    "иргэний нийгмийн байгууллага": "cso",
    "international": "international",
    "donor": "international",
    "development partner": "international",
    "олон улсын байгууллага": "international",
    "private": "private",
    "company": "private",
    "business": "private",
    "хувийн хэвшил": "private",
    "компани": "private",
    "academia": "academia",
    "university": "academia",
    "research": "academia",
    "их сургууль": "academia",
    "parliament": "parliament",
    "их хурал": "parliament",
    "other": "other",
    "бусад": "other",
}


def _header_cells(line: str, delimiter: str) -> list[str]:
    try:
        return [cell.strip().lower() for cell in next(csv.reader([line], delimiter=delimiter))]
    except (csv.Error, StopIteration):  # e.g. a megabyte-long first line: no template header
        return []


def _first_row_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line
    return ""


_SAVE_AGAIN = gettext_lazy(
    "open it in Excel or LibreOffice, save it again as CSV (UTF-8) or XLSX and upload the new file"
)


def looks_like_csv(text: str) -> bool:
    """The first row (after '#' lines) names the template's columns, with any delimiter."""
    line = _first_row_line(text)
    return any(
        all(column in _header_cells(line, delimiter) for column in REQUIRED_COLUMNS)
        for delimiter in DELIMITERS
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter this CSV uses: its header names the columns with it, and its rows have
    that many cells (or fewer, trailing empty cells left out); ``csv.Sniffer`` alone guesses
    wrong on short files and on text with commas, so it is not used."""
    line = _first_row_line(text)
    fits: list[tuple[str, int]] = []
    for delimiter in DELIMITERS:
        header = _header_cells(line, delimiter)
        if all(column in header for column in REQUIRED_COLUMNS):
            fits.append((delimiter, len(header)))
    if len(fits) == 1:
        return fits[0][0]
    if not fits:
        raise ImportRefused(
            _("no header row found; the first row must name the columns (code, kind, title)")
        )
    lines = text.splitlines()
    start = lines.index(line)
    body = "\n".join(lines[start + 1 : start + 1 + _SNIFF_ROWS])
    consistent = []
    for delimiter, width in fits:
        try:
            rows = [row for row in csv.reader(io.StringIO(body), delimiter=delimiter) if row]
        except csv.Error:
            continue
        if all(len(row) == width for row in rows):
            consistent.append(delimiter)
    if len(consistent) == 1:
        return consistent[0]
    names = [_DELIMITER_NAMES[d] for d, _width in fits]
    raise ImportRefused(
        _(
            "the CSV file can be read with more than one separator (%(names)s), and its rows "
            "do not tell which; save it again with one separator (a comma, a semicolon or a "
            "tab) and no separator inside the column names"
        )
        % {"names": ", ".join(names)}
    )


def parse_csv(
    text: str, limits: Limits = DEFAULT_LIMITS, mapping: Mapping | None = None
) -> ParsedPlan:
    delimiter = sniff_delimiter(text)
    lines = text.splitlines(keepends=True)
    # Plan fields before the header are kept whole: a description may contain commas.
    lead = 0
    while lead < len(lines) and (lines[lead].startswith("#") or not lines[lead].strip()):
        lead += 1
    rows: list[list[str]] = [[line.rstrip("\r\n")] for line in lines[:lead]]
    csv.field_size_limit(limits.max_cell_chars)
    reader = csv.reader(io.StringIO("".join(lines[lead:])), delimiter=delimiter)
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
    plan = parse_rows(rows, mapping)
    if delimiter != ",":
        plan.format_name = f"{plan.format_name}, {_DELIMITER_NAMES[delimiter]}-separated"
    return plan


def parse_xlsx(
    data: bytes, limits: Limits = DEFAULT_LIMITS, mapping: Mapping | None = None
) -> ParsedPlan:
    """The plan in a workbook in the template's layout."""
    return parse_rows(xlsx_rows(data, limits), mapping)


def xlsx_rows(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[list[str]]:
    """The first sheet's rows, of a workbook whose ZIP parts ``safezip`` has checked."""
    return xlsx_sheets(data, limits, first_only=True)[0][1]


def xlsx_sheets(
    data: bytes, limits: Limits = DEFAULT_LIMITS, *, first_only: bool = False
) -> list[tuple[str, list[list[str]]]]:
    """Every sheet's title and rows (or the first sheet's), of a workbook whose ZIP parts
    ``safezip`` has checked.

    The sheets' own claims are not trusted: their declared dimensions are dropped, at most
    ``max_table_columns`` columns are read and reading stops after ``max_table_rows`` rows
    in all the sheets together.
    """
    import warnings

    from openpyxl import load_workbook

    warnings.filterwarnings("ignore", module="openpyxl")  # unknown extensions are harmless

    sheets: list[tuple[str, list[list[str]]]] = []
    seen = 0
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise ImportRefused(_("the XLSX workbook has no sheet"))
        for sheet in workbook.worksheets[:1] if first_only else workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet holds no cells
            sheet.reset_dimensions()  # type: ignore[union-attr]
            rows: list[list[str]] = []
            rows_read = sheet.iter_rows(max_col=limits.max_table_columns, values_only=True)
            for row in rows_read:
                seen += 1
                if seen > limits.max_table_rows:
                    raise ImportRefused(
                        _("the sheet has more than %(limit)s rows; the limit is %(limit)s rows")
                        % {"limit": count_text(limits.max_table_rows)}
                    )
                width = len(row)
                while width and row[width - 1] is None:
                    width -= 1
                rows.append([_cell_text(cell) for cell in row[:width]])
            sheets.append((str(sheet.title), rows))
        workbook.close()
    except ImportRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportRefused(
            _("the XLSX workbook could not be opened (%(reason)s); %(fix)s")
            % {"reason": exc, "fix": _SAVE_AGAIN}
        ) from exc
    if not sheets:
        raise ImportRefused(_("the XLSX workbook has no sheet"))
    return sheets


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


def organisation_kind(value: str, line: int) -> str:
    """An Organisation.Kind value from what people write: "ministry", "CSO", "Яам" …"""
    from plantrack.organisations.models import Organisation

    word = " ".join(value.replace("_", " ").split()).casefold().rstrip(".")
    if not word:
        return ""
    for kind, label in Organisation.Kind.choices:
        if word in (kind.replace("_", " "), str(label).casefold()):
            return kind
    for kind_word, kind in KIND_WORDS.items():
        if word == kind_word or word.rstrip("s") == kind_word or word.startswith(kind_word + " "):
            return kind
    raise ImportRefused(
        _(
            "organisation kind %(value)s is not known; write one of: ministry, agency, "
            "CSO, NGO, international, private, academia, parliament, law enforcement, other"
        )
        % {"value": repr(value)},
        line=line,
    )


def _organisations(
    cell: str, line: int, kinds_cell: str = ""
) -> tuple[list[ParsedResponsibility], list[str]]:
    """The bodies a cell names and its stakeholder groups ("Private sector")."""
    result: list[ParsedResponsibility] = []
    groups: list[str] = []
    parts = [p.strip() for p in cell.split(";") if p.strip()]
    kinds = [organisation_kind(k, line) for k in kinds_cell.split(";")] if kinds_cell else []
    if len(kinds) not in (0, 1, len(parts)):
        raise ImportRefused(
            _(
                "the row names %(orgs)s organisations but %(kinds)s organisation kinds; give one "
                "kind for all, or one per organisation, separated by ';'"
            )
            % {"orgs": len(parts), "kinds": len(kinds)},
            line=line,
        )
    for position, part in enumerate(parts):
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
        if is_group(name):
            groups.append(group_label(name))
            continue
        kind = (kinds[position] if len(kinds) > 1 else kinds[0] if kinds else "") or "other"
        result.append(
            ParsedResponsibility(organisation=name, role=role, acronym=acronym, kind=kind)
        )
    return result, groups


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
    responsibilities, groups = _organisations(get("organisations"), line, get("organisation_kind"))
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
        responsibilities=responsibilities,
        stakeholder_groups=groups,
        indicators=[part.strip() for part in get("indicators").split("|") if part.strip()],
        source_line=line,
    )


def parse_rows(rows: Sequence[Sequence[str]], mapping: Mapping | None = None) -> ParsedPlan:
    start, header, comments = _header(rows)
    meta = _plan_meta(comments)
    if mapping is not None:  # the file's own '# key: value' lines win over the mapping's
        for key in ("title", "title_mn", "short_name", "issuer"):
            if getattr(mapping, key) and not meta.get(key):
                meta[key] = getattr(mapping, key)
        if mapping.adopted_on and not meta.get("adopted_on"):
            meta["adopted_on"] = mapping.adopted_on.isoformat()
        for key in ("start_year", "end_year"):
            if getattr(mapping, key) and not meta.get(key):
                meta[key] = str(getattr(mapping, key))
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
            [
                *(
                    f"{r.organisation}{f' ({r.acronym})' if r.acronym else ''} [{r.role}]"
                    for r in item.responsibilities
                ),
                *item.stakeholder_groups,
            ]
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
