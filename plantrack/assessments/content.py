"""A framework version's content in one canonical shape, from a reader's result or from the
database, so that "the same content" means the same hash wherever it came from."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .models import FrameworkVersion, IndicatorKind
from .parsed import ParsedArea, ParsedLevel

# The checklist that checklist indicators are marked on, highest first: (key, en, mn, value).
CHECKLIST = (
    ("present", "Present", "Байгаа", 2.0),
    ("partly", "Partly", "Хэсэгчлэн", 1.0),
    ("absent", "Absent", "Байхгүй", 0.0),
)


def fold(text: str) -> str:
    """A label or title as compared: case-folded, spaces collapsed."""
    return " ".join(str(text).split()).casefold()


def _level(label_en: str, label_mn: str, value: float, desc_en: str, desc_mn: str) -> list[Any]:
    return [label_en.strip(), label_mn.strip(), float(value), desc_en.strip(), desc_mn.strip()]


def parsed_content(*, scale: list[ParsedLevel], areas: list[ParsedArea]) -> dict[str, Any]:
    return {
        "scale": [
            _level(lv.label_en, lv.label_mn, lv.value, lv.description_en, lv.description_mn)
            for lv in scale
        ],
        "areas": [
            [
                area.code.strip(),
                area.title_en.strip(),
                area.title_mn.strip(),
                area.description_en.strip(),
                area.description_mn.strip(),
                [
                    [
                        ind.code.strip(),
                        ind.title_en.strip(),
                        ind.title_mn.strip(),
                        ind.guidance_en.strip(),
                        ind.guidance_mn.strip(),
                        ind.kind or IndicatorKind.RATED,
                    ]
                    for ind in area.indicators
                ],
            ]
            for area in areas
        ],
    }


def stored_content(version: FrameworkVersion) -> dict[str, Any]:
    """The same shape read from the database (three queries)."""
    levels = version.levels.filter(kind=IndicatorKind.RATED).order_by("position")
    indicators: dict[int, list[Any]] = {}
    for ind in version.indicators.order_by("position"):
        indicators.setdefault(ind.area_id, []).append(
            [ind.code, ind.title_en, ind.title_mn, ind.guidance_en, ind.guidance_mn, ind.kind]
        )
    return {
        "scale": [
            _level(lv.label_en, lv.label_mn, lv.value, lv.description_en, lv.description_mn)
            for lv in levels
        ],
        "areas": [
            [
                area.code,
                area.title_en,
                area.title_mn,
                area.description_en,
                area.description_mn,
                indicators.get(area.pk, []),
            ]
            for area in version.areas.order_by("position")
        ],
    }


def content_hash(content: dict[str, Any]) -> str:
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
