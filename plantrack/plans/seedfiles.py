"""The bundled seed documents and their mappings, read like any user's file.

A seed is a document in ``seeds/`` (``000_….txt``); its identity — title, short
name, issuer, adoption date, what each level is, Mongolian labels — is the data in
``seeds/<name>.mapping.json`` next to it, the same JSON a user gives with
``plantrack import FILE --mapping FILE.json`` (fields: ``levels``, ``columns``,
``source``, ``labels``, ``labels_mn``, ``plan``: ``title``, ``title_mn``,
``short_name``, ``issuer``, ``adopted``, ``period``). The importer knows nothing
of these files: the demo, the bench and the tests hand the mapping over.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .importers.base import ParsedPlan
from .importers.detect import parse_bytes
from .importers.mapping import Mapping

SEED_DIR = Path(__file__).resolve().parent / "seeds"


def seed_path(seed: str | Path) -> Path:
    path = Path(seed)
    return path if path.is_absolute() else SEED_DIR / path


def mapping_path(seed: str | Path) -> Path:
    """``seeds/000_x.txt`` -> ``seeds/000_x.mapping.json``."""
    path = seed_path(seed)
    return path.with_name(f"{path.stem}.mapping.json")


def seed_mapping_data(seed: str | Path) -> dict[str, Any] | None:
    """The seed's mapping as JSON data, or None when the seed has none."""
    path = mapping_path(seed)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else None


def seed_mapping(seed: str | Path) -> Mapping | None:
    data = seed_mapping_data(seed)
    return Mapping.from_dict(data) if data is not None else None


def read_seed(seed: str | Path) -> ParsedPlan:
    """A seed document read through the ordinary door, with its mapping."""
    return parse_bytes(seed_path(seed).read_bytes(), mapping=seed_mapping(seed))
