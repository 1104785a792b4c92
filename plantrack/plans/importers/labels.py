"""Mongolian versions of the structural labels the English seed documents use.

Plan documents in English use a closed vocabulary of structural headings
("Stage II", "Priority area 1", "Third"), so the Mongolian interface can show them
in Mongolian. Titles, and labels taken from a document's own headings, are left
alone: translating them is people's work (a saved mapping may carry them).
"""

from __future__ import annotations

import re

from .base import ParsedPlan

_ORDINALS = {
    "First": "Нэгдүгээрт",
    "Second": "Хоёрдугаарт",
    "Third": "Гуравдугаарт",
    "Fourth": "Дөрөвдүгээрт",
    "Fifth": "Тавдугаарт",
    "Sixth": "Зургаадугаарт",
    "Seventh": "Долдугаарт",
    "Eighth": "Наймдугаарт",
    "Ninth": "Есдүгээрт",
    "Tenth": "Аравдугаарт",
}
_PATTERNS = [
    (re.compile(r"^Stage ([IVX]+)$"), "{0}-р үе шат"),
    (re.compile(r"^Goal (\d+)$"), "{0} дугаар зорилго"),
    (re.compile(r"^Objective ([\d.]+)$"), "{0} дугаар зорилт"),
    (re.compile(r"^Priority area (\d+)$", re.I), "Тэргүүлэх чиглэл {0}"),
    (re.compile(r"^Support area (\d+)$", re.I), "Дэмжих чиглэл {0}"),
]


def mongolian_label(label: str) -> str:
    if label in _ORDINALS:
        return _ORDINALS[label]
    for pattern, template in _PATTERNS:
        match = pattern.match(label)
        if match:
            return template.format(*match.groups())
    return ""


def fill_mongolian_labels(plan: ParsedPlan) -> ParsedPlan:
    for item in plan.items:
        if item.label and not item.label_mn:
            item.label_mn = mongolian_label(item.label)
    return plan
