"""The canonical form of an event (RFC 8785, JSON Canonicalization Scheme) and its hash.

Values are restricted to what RFC 8785 renders the same everywhere: strings, integers
(within ±2^53), booleans, null, lists and objects. Floats, decimals, dates and model
instances are turned into strings or ids first by ``plain``, so a hash never depends on
float formatting. For that restricted domain RFC 8785 is plain compact JSON with object
keys sorted by UTF-16 code units and strings escaped as ECMAScript's JSON.stringify does,
which Python's encoder matches; ``canonical`` does that about ten times faster than the
general ``rfc8785`` package, and a test checks the two agree on arbitrary data.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from django.db import models

MAX_INT = 2**53 - 1  # larger integers lose precision in JSON readers (RFC 8785, section 3.2.2.3)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
# The C encoder JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False,
# sort_keys=True) builds on each call, built once: for short values making it costs more
# than using it. It answers a sequence of pieces of the text.
_sorting_pieces = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    {}, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", True, False, False
)
# In compact JSON a number follows ":", "," or "[" (or starts the text). One written with a
# fraction or an exponent is a float, and one of 16 digits or more may lie outside ±2^53:
# either sends ``canonical_fast`` to the general path (a string that merely looks like one
# only costs that detour).
_RISKY_NUMBER = re.compile(r"(?:^|[:,\[])-?(?:\d+[.eE]|\d{16})")
_ASTRAL = "\U00010000"


class NotCanonical(ValueError):
    pass


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


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value, key=_utf16_key)}
    if isinstance(value, list):
        return [_sorted(inner) for inner in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise NotCanonical(f"integer {value} is outside ±2^53; store it as a string")
        return value
    raise NotCanonical(f"{type(value).__name__} has no canonical form here; use plain()")


def canonical(data: Any) -> bytes:
    """RFC 8785 bytes of ``data`` (made of strings, ints, bools, None, lists and dicts)."""
    try:
        return _ENCODER.encode(_sorted(data)).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate
        raise NotCanonical(f"a string is not valid Unicode ({exc.reason})") from exc


def canonical_fast(data: Any) -> bytes:
    """``canonical(data)``, byte for byte, for JSON data with string keys (what ``plain``
    and ``json.loads`` return), in one pass of the C encoder where that is safe.

    Python sorts keys by code point; RFC 8785 by UTF-16 code unit. The two orders agree
    unless a key holds a character beyond U+FFFF, so text that has one (anywhere) takes the
    general path, as do floats and large integers (``_RISKY_NUMBER``) for it to refuse.
    """
    try:
        text = "".join(_sorting_pieces(data, 0))
    except (TypeError, ValueError):
        return canonical(data)
    if (text.isascii() or max(text) < _ASTRAL) and not _RISKY_NUMBER.search(text):
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass
    return canonical(data)


def sha256_hex(data: Any) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()
