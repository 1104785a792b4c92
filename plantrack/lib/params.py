"""Numbers read from the query string, checked before they reach a query.

A query parameter is whatever a visitor typed: ``offset=99999999999999999999``
overflows a database integer, ``page=١٢`` is a number to Python but not to a
person reading the address. Every public view reads numbers through
``int_param``, which answers the default for anything that is not plain ASCII
digits and clamps the rest into range, so a bad value never reaches the database.
"""

from __future__ import annotations

from django.http import HttpRequest

# Longer than any sane page number or offset; int() on it is never attempted.
MAX_DIGITS = 9


def parse_int(raw: str | None, *, default: int, minimum: int, maximum: int) -> int:
    """``raw`` as an int within [minimum, maximum], or ``default`` when it is not a number."""
    text = (raw or "").strip()
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-") if len(text) - len(text.lstrip("+-")) <= 1 else ""
    if not digits or not digits.isascii() or not digits.isdigit():
        return default
    if len(digits) > MAX_DIGITS:
        return minimum if sign < 0 else maximum
    return max(minimum, min(maximum, sign * int(digits)))


def int_param(request: HttpRequest, name: str, *, default: int, minimum: int, maximum: int) -> int:
    """The query parameter ``name`` as a clamped int (see ``parse_int``)."""
    return parse_int(request.GET.get(name), default=default, minimum=minimum, maximum=maximum)


# Paginator shows the last page for a number past the end; this only keeps the int small.
MAX_PAGE = 100_000


def page_param(request: HttpRequest, name: str = "page") -> int:
    """The 1-based page number of a paginated list."""
    return int_param(request, name, default=1, minimum=1, maximum=MAX_PAGE)
