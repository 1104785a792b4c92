"""Who and what a scorecard is about, taken from its own words by general rules.

- Fields written as "Name: value" (or a "Name:" heading over its value): country,
  subject, product, organisation, date, prepared by, title.
- The title: a title field, else the first short line near the top that calls the
  document an assessment, scorecard, report, review, evaluation, audit or index; a
  line in capitals is given title case.
- The subject: a subject field, else the name before a year in a score line
  ("Northvale 2021 Score: 61"), else a short name the cover repeats on lines of its own.
- The year: the title's, else the latest year of a reported score, else the date's.
- The assessing body: a "prepared by" field, else an organisation's name on the cover.
- Reported scores: "2022 Score: 54", "Overall score (2019): 58", "Total Score 84/100".
Nothing here knows any one document.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from .units import Heading, Para, Unit

_YEAR = r"(?:19|20)\d\d"
_FIELD = re.compile(r"^(?P<key>[^\W\d][\w /()'-]{1,40}?)\s*:\s*(?P<value>\S.{0,200})$")
_FIELD_KEYS = {
    "subject": (
        "country", "subject", "name of product", "product name", "product", "organisation",
        "organization", "agency", "entity", "institution", "jurisdiction", "assessed entity",
        "state", "city", "municipality", "service", "programme", "program", "plan",
    ),
    "date": ("date", "report date", "assessment date", "date of assessment", "published",
             "date of publication", "as of"),
    "body": ("prepared by", "assessed by", "assessing body", "assessor", "assessors", "author",
             "authors", "published by", "issued by", "evaluator", "evaluated by", "reviewed by"),
    "title": ("title", "report title", "name of report"),
    "year": ("year", "reporting year", "assessment year"),
}  # fmt: skip
# The same fields as Mongolian documents name them.
_FIELD_KEYS_MN = {
    "subject": ("үнэлгээний объект", "үнэлэгдэгч", "үнэлэгдсэн байгууллага", "улс", "объект"),
    "date": ("огноо", "үнэлгээний огноо", "хэвлэсэн огноо"),
    "body": ("үнэлсэн байгууллага", "үнэлгээчин", "үнэлсэн", "гүйцэтгэсэн", "бэлтгэсэн",
             "үнэлгээ хийсэн байгууллага"),
    "title": ("гарчиг", "нэр", "тайлангийн нэр"),
    "year": ("он", "үнэлгээний он", "тайлант он"),
}  # fmt: skip
for _name, _keys in _FIELD_KEYS_MN.items():
    _FIELD_KEYS[_name] = (*_FIELD_KEYS[_name], *_keys)
_TITLE_WORDS = re.compile(
    r"\b(?:assessment|self-assessment|scorecard|score card|report card|review|evaluation|audit|"
    r"index|conformance|accessibility template|monitor|barometer|ratings?|"
    r"үнэлгээ|үнэлгээний|өөрийн үнэлгээ|тайлан|онооны хуудас|индекс)\b",
    re.I,
)
_BODY_WORDS = re.compile(
    r"\b(?:centre|center|institute|council|commission|ministry|agency|office|foundation|"
    r"university|network|association|coalition|committee|forum|secretariat|department|"
    r"authority|bureau|alliance|trust|society|initiative|watch|mechanism|partnership)\b",
    re.I,
)
_SCORE = re.compile(
    rf"^(?P<who>.{{0,80}}?)\s*\b(?P<year>{_YEAR})\s+(?:overall\s+|total\s+)?score\s*[:=]?\s*"
    r"(?P<value>\d{1,3}(?:[.,]\d{1,2})?)\b",
    re.I,
)
_SCORE_LABELLED = re.compile(
    rf"^(?:the\s+)?(?:overall|total|final)\s+score\s*(?:\(\s*(?P<year>{_YEAR})\s*\))?\s*[:=]?\s*"
    r"(?P<value>\d{1,3}(?:[.,]\d{1,2})?)\b",
    re.I,
)
_SMALL_WORDS = {"of", "the", "and", "in", "on", "for", "to", "a", "an", "by", "with", "at", "or"}
_QUALIFIERS = re.compile(
    r"^(?:updated|annual|draft|final|revised|interim|mid-?term|preliminary|new)\s+", re.I
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_TOP = 40  # paragraphs near the top where a title, subject or body is looked for


@dataclass
class Identity:
    title: str = ""
    subject: str = ""
    year: int | None = None
    assessed_on: str = ""
    assessing_body: str = ""
    reported_scores: dict[str, float] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    self_assessment: bool = False


def title_case(text: str) -> str:
    """A line in capitals as a title ("REVIEW OF SDG16 PROGRESS" → "Review of
    SDG16 Progress"); other text is kept as written."""
    if text != text.upper():
        return text
    words = []
    for index, word in enumerate(text.split()):
        lower = word.lower()
        if any(ch.isdigit() for ch in word):
            words.append(word)
        elif index and lower in _SMALL_WORDS:
            words.append(lower)
        else:
            words.append(lower[:1].upper() + lower[1:])
    return " ".join(words)


def _fields(units: list[Unit]) -> dict[str, str]:
    """ "Key: value" fields, and "Key:" headings or lines with the value on the next unit."""
    found: dict[str, str] = {}
    for index, unit in enumerate(units):
        if not isinstance(unit, Para | Heading):
            continue
        text = unit.text.strip()
        following = units[index + 1] if index + 1 < len(units) else None
        if text.endswith(":") and isinstance(following, Para) and len(text) < 45:
            key, value = text[:-1], following.text
        else:
            match = _FIELD.match(text)
            if not match:
                continue
            key, value = match.group("key"), match.group("value")
        key = " ".join(key.lower().split())
        for name, keys in _FIELD_KEYS.items():
            if key in keys and name not in found and len(value) <= 200:
                found[name] = value.strip()
    return found


def parse_date(text: str) -> tuple[str, int | None]:
    """An ISO date and the year from "2012-09-15", "9/15/2012", "15 September 2012",
    "September 15, 2012" or "February 2026" (year only); ("", None) when none."""
    text = text.strip()
    if match := re.search(rf"\b({_YEAR})-(\d\d)-(\d\d)\b", text):
        return _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := re.search(rf"\b(\d{{1,2}})[/.](\d{{1,2}})[/.]({_YEAR})\b", text):
        first, second, year = (int(g) for g in match.groups())
        if first > 12 >= second:
            return _iso(year, second, first)
        if second > 12 >= first:
            return _iso(year, first, second)
        return "", year  # 3/4/2012: day and month cannot be told apart
    words = re.findall(r"[A-Za-z]+|\d+", text)
    lowered = [w.lower() for w in words]
    found_year = next((int(w) for w in words if re.fullmatch(_YEAR, w)), None)
    month = next((_MONTHS[w] for w in lowered if w in _MONTHS), None)
    days = [int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31]
    if found_year and month and days:
        return _iso(found_year, month, days[0])
    return "", found_year


def _iso(year: int, month: int, day: int) -> tuple[str, int | None]:
    try:
        return datetime.date(year, month, day).isoformat(), year
    except ValueError:
        return "", year


def _title(paras: list[Para | Heading], fields: dict[str, str]) -> str:
    if fields.get("title"):
        return title_case(fields["title"])
    for unit in paras[:_TOP]:
        if len(unit.text) <= 150 and _TITLE_WORDS.search(unit.text) and not unit.text.endswith("."):
            return title_case(unit.text)
    headings = [unit for unit in paras[:_TOP] if isinstance(unit, Heading)]
    return title_case(headings[0].text) if headings else ""


def _subject(paras: list[Para | Heading], fields: dict[str, str], scores: list[str]) -> str:
    if fields.get("subject"):
        return fields["subject"]
    for who in scores:
        if who:
            return title_case(who)
    standalone = Counter(
        unit.text.strip()
        for unit in paras[:_TOP]
        if 0 < len(unit.text.split()) <= 4
        and not any(ch.isdigit() for ch in unit.text)
        and unit.text[:1].isupper()
        and not _TITLE_WORDS.search(unit.text)
        and "@" not in unit.text
        and "." not in unit.text
    )
    repeated = [text for text, count in standalone.most_common() if count >= 2]
    if repeated:
        return title_case(repeated[0])
    # A cover names its subject on a line of its own beside the title.
    for index, unit in enumerate(paras[:_TOP]):
        if _TITLE_WORDS.search(unit.text):
            for near in paras[max(index - 1, 0) : index + 2]:
                if near is not unit and near.text.strip() in standalone:
                    return title_case(near.text.strip())
            break
    return ""


def _body(paras: list[Para | Heading], fields: dict[str, str]) -> str:
    if fields.get("body"):
        return fields["body"]
    for unit in paras[:12]:
        text = unit.text.strip()
        words = text.split()
        if (
            2 <= len(words) <= 14
            and _BODY_WORDS.search(text)
            and not _TITLE_WORDS.search(text)
            and not text.endswith(".")
        ):
            return title_case(text)
    return ""


def _scores(paras: list[Para | Heading]) -> tuple[dict[str, float], list[str]]:
    scores: dict[str, float] = {}
    who: list[str] = []
    for unit in paras:
        text = unit.text.strip()
        if len(text) > 200:
            continue
        # "2022 score 54, 2019 score 58": several scores in one line
        for piece in re.split(r"[;,]\s+", text):
            match = _SCORE.match(piece) or _SCORE_LABELLED.match(piece)
            if not match:
                continue
            key = match.group("year") or "overall"
            scores.setdefault(key, float(match.group("value").replace(",", ".")))
            if "who" in match.groupdict():
                who.append(match.group("who").strip(" :-–"))
    return scores, who


def read_identity(units: list[Unit]) -> Identity:
    """The identity of the document whose units (outside the scorecard) are ``units``."""
    paras = [unit for unit in units if isinstance(unit, Para | Heading)]
    fields = _fields(units)
    scores, who = _scores(paras)
    identity = Identity(fields=fields, reported_scores=scores)
    identity.title = _title(paras, fields)
    identity.subject = _subject(paras, fields, who)
    identity.assessing_body = _body(paras, fields)
    if fields.get("date"):
        identity.assessed_on, year = parse_date(fields["date"])
    else:
        year = None
    title_years = re.findall(rf"\b{_YEAR}\b", identity.title)
    score_years = sorted(int(key) for key in scores if key.isdigit())
    if fields.get("year", "").strip().isdigit():
        identity.year = int(fields["year"].strip())
    elif title_years:
        identity.year = int(title_years[-1])
    elif score_years:
        identity.year = score_years[-1]
    else:
        identity.year = year
    text = " ".join(unit.text for unit in paras[:_TOP]).lower()
    identity.self_assessment = "self-assessment" in text or "self assessment" in text
    return identity


def framework_title(round_title: str, subject: str) -> str:
    """A round's title without its subject, year and qualifiers ("Updated Assessment of
    X 2022" → "Assessment of X")."""
    title = round_title
    if subject:
        title = re.sub(re.escape(subject), " ", title, flags=re.I)
    title = re.sub(rf"\b{_YEAR}(?:\s*[-–/]\s*{_YEAR})?\b", " ", title)
    title = " ".join(title.split()).strip(" ,:;–-")
    title = _QUALIFIERS.sub("", title)
    return title[:1].upper() + title[1:] if title else ""


def narrative_summary(paras: list[Para], limit: int = 4000) -> str:
    """The document's own prose before and around its scorecard, as the round's summary."""
    kept: list[str] = []
    size = 0
    for para in paras:
        text = para.text.strip()
        if para.bullet or len(text.split()) < 15 or not text.endswith((".", "!", "?")):
            continue
        if size + len(text) > limit:
            break
        kept.append(text)
        size += len(text) + 2
    return "\n\n".join(kept)
