"""The canonical form of an event (RFC 8785, JSON Canonicalization Scheme) and its hash.

Values are restricted to what RFC 8785 renders the same everywhere: strings, integers,
booleans, null, lists and objects. Floats, decimals, dates and model instances are turned
into strings or ids first by ``plain``, so a hash never depends on float formatting.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
from decimal import Decimal
from typing import Any

import rfc8785
from django.db import models


def plain(value: Any) -> Any:
    """``value`` made of JSON strings, ints, bools, null, lists and objects only."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return utc_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(key): plain(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(inner) for inner in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def utc_text(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds")


def now_ms() -> datetime.datetime:
    """Now, to the millisecond: what Django's serializers keep (dumpdata and the test
    database restore), so a row written back compares equal and hashes the same."""
    from django.utils import timezone

    moment = timezone.now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def canonical(data: Any) -> bytes:
    return rfc8785.dumps(data)


def sha256_hex(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()
