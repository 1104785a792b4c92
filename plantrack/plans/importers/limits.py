"""The budgets every reader of an untrusted plan file works within, in one place.

An uploaded or named file is hostile until read: a 600 KB DOCX can hold 200 MB of
XML, a PDF a stream of zeros that inflates a thousandfold, a spreadsheet a claim of
a million rows. Every reader (``detect``, ``table``, the ZIP and XML layers in
``safezip`` and ``safexml``, and the child process of ``sandbox``) takes its caps
from one ``Limits`` value, and every refusal names the limit and the value found
("the document expands to more than 50 MB of XML; the limit is 50 MB").

The defaults suit the largest real plans seen (a few thousand items, a few hundred
pages); ``settings.PLANTRACK_IMPORT_LIMITS`` (a dict of field names) changes them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .base import ImportRefused

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # The file itself
    max_upload_bytes: int = 10 * MB
    # ZIP containers (XLSX, DOCX)
    max_zip_members: int = 2_000
    max_member_bytes: int = 50 * MB  # declared and actual size of one part, uncompressed
    max_total_bytes: int = 100 * MB  # all parts together, uncompressed
    max_compression_ratio: int = 200  # uncompressed / compressed, for parts over ratio_floor
    ratio_floor_bytes: int = 1 * MB  # small parts may compress as well as they like
    # XML inside the containers
    max_xml_depth: int = 128
    max_xml_elements: int = 5_000_000
    # PDF
    max_pdf_pages: int = 2_000
    max_pdf_stream_bytes: int = 50 * MB  # one decompressed stream
    # Text and tables read from any format
    max_text_chars: int = 20_000_000
    max_table_rows: int = 200_000
    max_table_columns: int = 200
    max_cell_chars: int = 131_072  # one CSV cell (the csv module's own default)
    max_items: int = 100_000
    # The child process that reads the file
    max_seconds: float = 60.0
    max_memory_bytes: int = 1024 * MB
    # How many documents this server process reads at once, and how long a further one waits
    # for a turn: reading is CPU-bound, so more at once would only slow the public pages.
    max_concurrent_reads: int = 2
    wait_for_a_turn_seconds: float = 10.0

    def but(self, **changes: Any) -> Limits:
        return dataclasses.replace(self, **changes)


DEFAULT_LIMITS = Limits()


def current(*, max_bytes: int | None = None) -> Limits:
    """The configured limits, with the upload cap given by the caller when it gives one."""
    from django.conf import settings

    overrides = dict(getattr(settings, "PLANTRACK_IMPORT_LIMITS", None) or {})
    if max_bytes is not None:
        overrides["max_upload_bytes"] = max_bytes
    known = {f.name for f in dataclasses.fields(Limits)}
    return DEFAULT_LIMITS.but(**{k: v for k, v in overrides.items() if k in known})


def size_text(n: float) -> str:
    """A size in megabytes for messages: "50 MB", "10.5 MB", "0.25 MB"."""
    value = n / MB
    if value == int(value) or value >= 100:
        number = f"{value:.0f}"
    elif value >= 1:
        number = f"{value:.1f}".removesuffix(".0")
    else:
        number = f"{value:.2g}"
    return _("%(number)s MB") % {"number": number}


def count_text(n: int) -> str:
    return f"{n:,}"


def check_upload_size(size: int, limits: Limits) -> None:
    """Refuse a file over the upload cap; a size of cap + 1 means "read stopped past the cap"."""
    limit = limits.max_upload_bytes
    if size <= limit:
        return
    if size == limit + 1:
        raise ImportRefused(
            _("the file is larger than %(limit)s; the limit is %(limit)s")
            % {"limit": size_text(limit)}
        )
    raise ImportRefused(
        _("the file is %(size)s; the limit is %(limit)s")
        % {"size": size_text(size), "limit": size_text(limit)}
    )


def check_text_chars(count: int, limits: Limits) -> None:
    """Refuse a document once the text read from it passes the limit, naming the limit."""
    if count > limits.max_text_chars:
        raise ImportRefused(
            _("the document holds more than %(limit)s characters of text; the limit is %(limit)s")
            % {"limit": count_text(limits.max_text_chars)}
        )


def check_items(count: int, limits: Limits) -> None:
    if count > limits.max_items:
        raise ImportRefused(
            _("the document holds %(count)s items; the limit is %(limit)s items")
            % {"count": count_text(count), "limit": count_text(limits.max_items)}
        )
