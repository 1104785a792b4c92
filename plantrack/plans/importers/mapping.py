"""What each level of an outline is, and the plan that results.

A ``Mapping`` is data, not code: the kind of each level (goal, objective, stage,
expected result, area, section, activity, recommendation; "indicator" folds the
level into its parent's indicators, "skip" leaves it out), which table column
holds what, and the plan's metadata when the user gives it. ``infer_mapping``
proposes one from the words of the document; the user may change it, and the
same mapping read back from JSON gives the same plan.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .base import ImportRefused, ParsedItem, ParsedPlan
from .cells import cell_entries, cell_lines, plain_text
from .document import Document, Paragraph, Table, clean_inline
from .organisation_names import Organisation, aliases_from_mapping, read_stakeholders
from .outline import _PERIOD, KEYWORD_KINDS, Node, Outline, build_outline, sentence_case
from .textclean import slugify

ITEM_KINDS = (
    "goal",
    "objective",
    "stage",
    "expected_result",
    "area",
    "section",
    "activity",
    "recommendation",
)
LEVEL_KINDS = (*ITEM_KINDS, "indicator", "skip")
FORMAT_NAME = "Outline"


@dataclass
class Mapping:
    # level key ("1:kw:objective", "2:decimal.") -> kind; see ``Node.level``
    kinds: dict[str, str] = field(default_factory=dict)
    # kinds by depth, for "--levels theme,recommendation"; used where ``kinds`` is silent
    by_depth: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # role -> 0-based column
    labels: dict[str, str] = field(default_factory=dict)  # item code -> label chosen by people
    labels_mn: dict[str, str] = field(default_factory=dict)  # item code -> Mongolian label
    source: str = ""  # "text", "table" or "" to choose by content
    # spelling read -> {"name", "acronym", "kind"} or {"group": label}: how people fixed the
    # organisations of this document (see organisation_names.aliases_from_mapping)
    organisations: dict[str, dict[str, str]] = field(default_factory=dict)
    title: str = ""
    title_mn: str = ""
    short_name: str = ""
    issuer: str = ""
    adopted_on: datetime.date | None = None
    start_year: int | None = None
    end_year: int | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        if not isinstance(data, dict):
            raise ImportRefused(_("the mapping must be a JSON object"))
        mapping = cls()
        levels = data.get("levels", [])
        if isinstance(levels, str):
            levels = [part.strip() for part in levels.split(",") if part.strip()]
        if not isinstance(levels, list | dict):
            raise ImportRefused(
                _("'levels' in the mapping must be a list of kinds, or a level-to-kind object")
            )
        if isinstance(levels, dict):
            mapping.kinds = {str(k): str(v) for k, v in levels.items()}
            by_depth = data.get("levels_by_depth", []) or []
            if not isinstance(by_depth, list):
                raise ImportRefused(_("'levels_by_depth' in the mapping must be a list of kinds"))
            mapping.by_depth = [str(v) for v in by_depth]
        else:
            mapping.by_depth = [str(v) for v in levels]
        for kind in [*mapping.kinds.values(), *mapping.by_depth]:
            if kind not in LEVEL_KINDS:
                raise ImportRefused(
                    _("unknown kind %(kind)s in the mapping; use one of: %(kinds)s")
                    % {"kind": repr(kind), "kinds": ", ".join(LEVEL_KINDS)}
                )
        columns = data.get("columns", {})
        if not isinstance(columns, dict):
            raise ImportRefused(_("'columns' in the mapping must map a role to a column number"))
        try:
            mapping.columns = {str(k): int(v) for k, v in columns.items()}
        except (TypeError, ValueError) as exc:
            raise ImportRefused(
                _("'columns' in the mapping must map a role to a column number")
            ) from exc
        mapping.source = str(data.get("source", ""))
        organisations = data.get("organisations", {}) or {}
        if not isinstance(organisations, dict) or not all(
            isinstance(v, dict) for v in organisations.values()
        ):
            raise ImportRefused(
                _(
                    "'organisations' in the mapping must map a spelling to "
                    '{"name": …, "acronym": …, "kind": …} or {"group": …}'
                )
            )
        mapping.organisations = {
            str(k): {str(a): str(b) for a, b in v.items()} for k, v in organisations.items()
        }
        labels = data.get("labels", {}) or {}
        if not isinstance(labels, dict):
            raise ImportRefused(_("'labels' in the mapping must map an item code to a label"))
        mapping.labels = {str(k): str(v) for k, v in labels.items()}
        labels_mn = data.get("labels_mn", {}) or {}
        if not isinstance(labels_mn, dict):
            raise ImportRefused(_("'labels_mn' in the mapping must map an item code to a label"))
        mapping.labels_mn = {str(k): str(v) for k, v in labels_mn.items()}
        plan = data.get("plan", {}) or {}
        if not isinstance(plan, dict):
            raise ImportRefused(_("'plan' in the mapping must be a JSON object"))
        for name in ("title", "title_mn", "short_name", "issuer"):
            setattr(mapping, name, str(plan.get(name, "") or ""))
        if plan.get("adopted"):
            try:
                mapping.adopted_on = datetime.date.fromisoformat(str(plan["adopted"]))
            except ValueError as exc:
                raise ImportRefused(
                    _("'adopted' in the mapping must be a date like 2020-05-13")
                ) from exc
        period = plan.get("period")
        if period is not None and not (isinstance(period, list | tuple) and len(period) == 2):
            raise ImportRefused(_("'period' in the mapping must be two years, like [2021, 2030]"))
        if period is not None:
            try:
                years = [int(year) if year else None for year in period]
            except (TypeError, ValueError) as exc:
                raise ImportRefused(
                    _("'period' in the mapping must be two years, like [2021, 2030]")
                ) from exc
            mapping.start_year, mapping.end_year = (
                years[0],
                years[1],
            )
        return mapping

    def to_dict(self) -> dict[str, Any]:
        """The mapping as JSON data; ``from_dict`` reads it back to an equal mapping."""
        data: dict[str, Any] = {}
        if self.kinds:
            data["levels"] = dict(self.kinds)
            if self.by_depth:
                data["levels_by_depth"] = list(self.by_depth)
        elif self.by_depth:
            data["levels"] = list(self.by_depth)
        for name in ("columns", "labels", "labels_mn", "organisations"):
            if getattr(self, name):
                data[name] = dict(getattr(self, name))
        if self.source:
            data["source"] = self.source
        plan: dict[str, Any] = {
            name: getattr(self, name)
            for name in ("title", "title_mn", "short_name", "issuer")
            if getattr(self, name)
        }
        if self.adopted_on:
            plan["adopted"] = self.adopted_on.isoformat()
        if self.start_year or self.end_year:
            plan["period"] = [self.start_year, self.end_year]
        if plan:
            data["plan"] = plan
        return data

    def with_levels(self, levels: list[str]) -> Mapping:
        """This mapping with the kinds of the levels from the top replaced by ``levels``."""
        return Mapping.from_dict({**self.to_dict(), "levels": list(levels)})

    def kind_for(self, node: Node, inferred: dict[str, str]) -> str:
        if node.level in self.kinds:
            return self.kinds[node.level]
        if node.depth < len(self.by_depth):
            return self.by_depth[node.depth]
        return inferred.get(node.level, "activity")


@dataclass
class Level:
    key: str
    depth: int
    style: str
    kind: str
    count: int
    example: str


# --- inferring kinds --------------------------------------------------------------------


def _words_kind(text: str, exclude: set[str]) -> str:
    lowered = text.lower()
    found: list[tuple[int, str]] = []
    for word, kind in KEYWORD_KINDS.items():
        if kind in exclude or kind == "indicator":
            continue
        match = re.search(rf"\b{re.escape(word)}s?\b", lowered)
        if match:
            found.append((match.start(), kind))
    return min(found)[1] if found else ""


def infer_kinds(outline: Outline, title: str) -> dict[str, str]:
    """A kind for every level: its structural word, the heading over it, or its place."""
    levels: dict[str, list[Node]] = {}
    for node in outline.nodes:
        levels.setdefault(node.level, []).append(node)
    kinds: dict[str, str] = {}
    for key, nodes in levels.items():
        words = Counter(node.keyword for node in nodes if node.keyword)
        # A level takes a structural word that at least half its items carry: one odd
        # row ("Indicator 0" among the goals) does not make the goals indicators.
        if words and words.most_common(1)[0][1] * 2 >= len(nodes):
            kinds[key] = KEYWORD_KINDS[words.most_common(1)[0][0]]
    for key, nodes in levels.items():
        if key in kinds:
            continue
        ancestors = {kinds.get(a.level, "") for n in nodes for a in _ancestors(n)}
        context = " ".join(dict.fromkeys(g for n in nodes for g in n.groups))
        kind = _words_kind(
            context,
            ancestors | {kinds.get(k, "") for k in kinds if k.split(":")[0] == key.split(":")[0]},
        )
        if not kind:
            leaf = all(not node.children for node in nodes)
            if leaf:
                kind = _words_kind(title, ancestors) if "recommendation" in title.lower() else ""
                kind = kind or "activity"
            else:
                kind = "area" if outline.source == "table" and nodes[0].depth == 0 else "section"
        kinds[key] = kind
    return kinds


def _ancestors(node: Node) -> list[Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def levels_of(outline: Outline, mapping: Mapping, inferred: dict[str, str]) -> list[Level]:
    seen: dict[str, Level] = {}
    for node in outline.nodes:
        level = seen.get(node.level)
        if level is None:
            seen[node.level] = Level(
                node.level,
                node.depth,
                node.style,
                mapping.kind_for(node, inferred),
                0,
                node.title[:80],
            )
            level = seen[node.level]
        level.count += 1
    return list(seen.values())


# --- metadata -----------------------------------------------------------------------------

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DATE = re.compile(
    rf"\b({'|'.join(_MONTHS)})\s+(\d{{1,2}})(?:st|nd|rd|th)?"
    r"(?:\s*[-–]\s*(\d{1,2})(?:st|nd|rd|th)?)?,?\s+((?:19|20)\d\d)\b",
    re.I,
)
_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({'|'.join(_MONTHS)}),?\s+((?:19|20)\d\d)\b", re.I
)
_ISO = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")


def find_date(text: str) -> datetime.date | None:
    """The first full date in the text; for a span of days, its last day."""
    candidates: list[tuple[int, datetime.date | None]] = []
    for match in _DATE.finditer(text):
        day = int(match.group(3) or match.group(2))
        month = _MONTHS.index(match.group(1).lower()) + 1
        candidates.append((match.start(), _date(int(match.group(4)), month, day)))
    for match in _DAY_FIRST.finditer(text):
        month = _MONTHS.index(match.group(2).lower()) + 1
        candidates.append((match.start(), _date(int(match.group(3)), month, int(match.group(1)))))
    for match in _ISO.finditer(text):
        candidates.append(
            (match.start(), _date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        )
    valid = [(pos, day) for pos, day in candidates if day is not None]
    return min(valid, key=lambda pair: pair[0])[1] if valid else None  # type: ignore[return-value]


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _title_case(text: str) -> str:
    """Sentence case for an all-capital title, keeping acronyms in brackets."""
    text = clean_inline(text).strip(" :")
    if text.upper() != text:
        return text
    result = sentence_case(text)
    return re.sub(
        r"\(([^()]+)\)",
        lambda m: f"({m.group(1).upper()})" if len(m.group(1)) <= 8 else m.group(0),
        result,
    )


def _plan_title(front: list[Paragraph]) -> str:
    for paragraph in front:
        if paragraph.heading == 1:
            return _title_case(paragraph.text)
    for paragraph in front:
        if (
            paragraph.heading
            or paragraph.bold
            or (
                paragraph.text.upper() == paragraph.text
                and any(c.isalpha() for c in paragraph.text)
            )
        ):
            return _title_case(paragraph.text)
    return ""


def _short_name(title: str) -> str:
    acronym = re.search(r"\(([A-Z][A-Za-z0-9\-]{1,11})\)", title)
    if acronym:
        return slugify(acronym.group(1))
    slug = slugify(title)
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return slug


def text_language(items: list[ParsedItem], title: str = "") -> str:
    """ "mn" when most letters of the title and the items' texts are Cyrillic, else "en"."""
    cyrillic = latin = 0
    texts = [title, *(text for item in items for text in (item.label, item.title))]
    for text in texts:
        for ch in text:
            if "\u0400" <= ch <= "\u04ff":
                cyrillic += 1
            elif ch.isascii() and ch.isalpha():
                latin += 1
    return "mn" if cyrillic > latin else "en"


def _description(front: list[Paragraph], title: str) -> str:
    paragraphs: list[str] = []
    for paragraph in front:
        if paragraph.heading or paragraph.bold or _title_case(paragraph.text) == title:
            continue
        if paragraph.text.upper() == paragraph.text:
            continue
        text = f"• {paragraph.text}" if paragraph.bullet else paragraph.text
        if paragraph.bullet and paragraphs and paragraphs[-1].startswith("• "):
            paragraphs[-1] += f"\n{text}"
        else:
            paragraphs.append(text)
        if len(paragraphs) >= 8:
            break
    return "\n\n".join(paragraphs)


def abbreviations(tables: list[Table]) -> dict[str, str]:
    """A two-column table of acronyms and their meanings, wherever the document has one."""
    found: dict[str, str] = {}
    for table in tables:
        rows = [row for row in table.rows if len(row) == 2]
        if len(rows) < 3 or len(rows) < 0.8 * len(table.rows):
            continue
        acronyms = [
            row
            for row in rows
            if re.fullmatch(r"[A-Z][A-Za-z&.\- ]{0,14}", row[0].strip())
            and sum(1 for c in row[0] if c.isupper()) >= 2
        ]
        if len(acronyms) >= 0.8 * len(rows):
            for acronym, meaning in acronyms:
                found[acronym.strip()] = " ".join(meaning.split())
    return found


# --- the plan -------------------------------------------------------------------------------


def _years(node: Node, cells: dict[str, str]) -> None:
    deadline = plain_text(cells.get("deadline", "")) if cells.get("deadline") else ""
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", deadline)]
    if years and node.start_year is None:
        node.start_year, node.end_year = min(years), max(years)


def _spread_years(nodes: list[Node]) -> None:
    for node in nodes:  # parents come first: children inherit stated years
        if node.start_year is None and node.parent is not None and node.parent.start_year:
            node.start_year, node.end_year = node.parent.start_year, node.parent.end_year
    for node in reversed(nodes):  # then a parent without years spans its children
        if node.start_year is None and node.children:
            starts = [c.start_year for c in node.children if c.start_year]
            ends = [c.end_year for c in node.children if c.end_year]
            if starts:
                node.start_year = min(starts)
            if ends:
                node.end_year = max(ends)


def outline_to_plan(
    outline: Outline, mapping: Mapping | None = None, *, tables: list[Table] | None = None
) -> ParsedPlan:
    mapping = mapping or Mapping()
    title = mapping.title or _plan_title(outline.front)
    inferred = infer_kinds(outline, title)
    known = abbreviations(tables or outline.tables)
    aliases = aliases_from_mapping(mapping.organisations)
    for node in outline.nodes:
        _years(node, node.cells)
    _spread_years(outline.nodes)
    items: list[ParsedItem] = []
    warnings: list[str] = []
    kept: dict[int, ParsedItem] = {}
    for node in outline.nodes:
        kind = mapping.kind_for(node, inferred)
        parent = node.parent
        while parent is not None and id(parent) not in kept:
            parent = parent.parent
        parent_item = kept.get(id(parent)) if parent is not None else None
        dropped_parent = node.parent is not None and id(node.parent) not in kept
        if dropped_parent and node.parent is not None and _dropped(node.parent, mapping, inferred):
            continue  # a skipped level takes its descendants with it
        if kind == "skip":
            continue
        if kind == "indicator":
            if parent_item is None:
                warnings.append(
                    _("%(code)s is an indicator with no item above it; it is left out")
                    % {"code": node.code}
                )
            if parent_item is not None:
                parent_item.indicators.append(node.title)
                # a table row's organisations belong to the item the indicator measures
                for found in _item(node, kind, None, known, aliases).responsibilities:
                    if found not in parent_item.responsibilities:
                        parent_item.responsibilities.append(found)
            continue
        item = _item(node, kind, parent_item, known, aliases)
        item.label = mapping.labels.get(item.code, item.label)
        item.label_mn = mapping.labels_mn.get(item.code, item.label_mn)
        kept[id(node)] = item
        items.append(item)
    spans = [i.start_year for i in items if i.start_year] + [
        i.end_year for i in items if i.end_year
    ]
    front_text = " ".join(p.text for p in outline.front[:6])  # the cover and first lines
    cover_year = re.search(
        r"(?:^| )((?:19|20)\d\d)(?: |$)",
        " ".join(p.text for p in outline.front if len(p.text) <= 40),
    )
    adopted = mapping.adopted_on or find_date(front_text)
    start = mapping.start_year or (min(spans) if spans else None)
    end = mapping.end_year or (max(spans) if spans else None)
    titled = _PERIOD.search(title)
    if start is None and titled:  # "National Action Plan 2023–2025"
        start, end = int(titled.group(1)), end or int(titled.group(2))
    if start is None:
        start = adopted.year if adopted else (int(cover_year.group(1)) if cover_year else None)
    return ParsedPlan(
        title=title,
        short_name=mapping.short_name or _short_name(title),
        items=items,
        # A document is in one language; the import stores its text in that language's
        # columns (a Mongolian original in title_mn, not title_en).
        languages=(text_language(items, title),),
        issuer=mapping.issuer,
        title_mn=mapping.title_mn,
        adopted_on=adopted,
        start_year=start,
        end_year=end,
        description=_description(outline.front, title),
        format_name=FORMAT_NAME,
        unplaced=list(outline.unplaced),
        warnings=[*outline.warnings, *warnings],
        levels=[
            {
                "key": lv.key,
                "depth": lv.depth,
                "style": lv.style,
                "kind": lv.kind,
                "count": lv.count,
                "example": lv.example,
            }
            for lv in levels_of(outline, mapping, inferred)
        ],
        source=outline.source,
        columns=dict(outline.columns),
        headers=list(outline.headers),
        mapping=mapping.to_dict(),
    )


def _dropped(node: Node, mapping: Mapping, inferred: dict[str, str]) -> bool:
    while node is not None:
        if mapping.kind_for(node, inferred) == "skip":
            return True
        node = node.parent  # type: ignore[assignment]
    return False


def _item(
    node: Node,
    kind: str,
    parent: ParsedItem | None,
    known: dict[str, str],
    aliases: dict[str, Organisation],
) -> ParsedItem:
    item = ParsedItem(
        code=node.code,
        kind=kind,
        title=node.title or node.label or node.code,  # a heading with no words of its own
        label=node.label,
        parent_code=parent.code if parent else None,
        body="\n\n".join(node.body),
        start_year=node.start_year,
        end_year=node.end_year,
        source_line=node.line or None,
    )
    cells = node.cells
    if cells:
        if cells.get("description"):
            described = "\n".join(cell_lines(cells["description"]))
            item.body = f"{item.body}\n\n{described}" if item.body else described
        if cells.get("indicators"):
            item.indicators = cell_entries(cells["indicators"])
        if cells.get("organisations"):
            item.responsibilities, item.stakeholder_groups = read_stakeholders(
                plain_text(cells["organisations"]), known, aliases
            )
    return item


def parse_document(document: Document, mapping: Mapping | None = None) -> ParsedPlan:
    """The plan in a document, or ``ImportRefused`` saying what was found instead."""
    mapping = mapping or Mapping()
    outline = build_outline(document, source=mapping.source, columns=mapping.columns or None)
    if not outline.nodes:
        raise ImportRefused(_nothing_found(document))
    return outline_to_plan(outline, mapping)


def _nothing_found(document: Document) -> str:
    paragraphs = [b for b in document.blocks if isinstance(b, Paragraph)]
    tables = [b for b in document.blocks if isinstance(b, Table)]
    return _(
        "the structure of this document was not recognised: no numbered items were found "
        "(read %(paragraphs)s paragraphs and %(tables)s tables, "
        "none starting with a number such as 1., 1.1, (a), 'Goal 1' or 'First.'); number the "
        "plan's items, or use the CSV/XLSX template"
    ) % {"paragraphs": len(paragraphs), "tables": len(tables)}
