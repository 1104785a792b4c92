"""XML from untrusted files, read with ``defusedxml`` and a cap on nesting and size.

``check`` streams a part through a defused expat parser that builds nothing: it
refuses a DTD or entity declaration (billion laughs, quadratic blow-up, external
entities such as ``file:///etc/passwd``), nesting deeper than ``max_xml_depth``,
more than ``max_xml_elements`` elements, and text that is not well-formed XML.
Office documents never need a DTD, so refusing one loses nothing.

``parse`` returns an ElementTree element for readers that want the tree; it runs
the same checks first.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as _defused_fromstring
from django.utils.translation import gettext as _

from .base import ImportRefused
from .limits import Limits, count_text


class _Shape:
    """A parser target that only counts: depth now and elements so far."""

    def __init__(self, part: str, limits: Limits) -> None:
        self.part, self.limits = part, limits
        self.depth = self.elements = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > self.limits.max_xml_depth:
            raise ImportRefused(
                _(
                    "the part %(part)s nests its XML more than %(limit)s levels deep; "
                    "the limit is %(limit)s levels"
                )
                % {"part": self.part, "limit": count_text(self.limits.max_xml_depth)}
            )
        if self.elements > self.limits.max_xml_elements:
            raise ImportRefused(
                _(
                    "the part %(part)s holds more than %(limit)s XML elements; "
                    "the limit is %(limit)s"
                )
                % {"part": self.part, "limit": count_text(self.limits.max_xml_elements)}
            )

    def end(self, tag: str) -> None:
        self.depth -= 1

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def _refusal_for(exc: Exception, part: str) -> ImportRefused:
    if isinstance(exc, DefusedXmlException):
        return ImportRefused(
            _(
                "the part %(part)s declares a DTD or XML entities, which Plantrack refuses: "
                "they can expand a small file into gigabytes or read files from the server. "
                "Open the file in its office program and save it again"
            )
            % {"part": part}
        )
    return ImportRefused(
        _("the part %(part)s is not well-formed XML (%(reason)s); the file is damaged")
        % {"part": part, "reason": exc}
    )


def check(chunks: Iterable[bytes], part: str, limits: Limits) -> None:
    """Stream ``chunks`` of one XML part through the checks, or raise ``ImportRefused``."""
    parser: Any = DefusedXMLParser(target=_Shape(part, limits), forbid_dtd=True)
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except ImportRefused:
        raise
    except (DefusedXmlException, ET.ParseError, ValueError) as exc:
        raise _refusal_for(exc, part) from exc


def parse(data: bytes, part: str, limits: Limits) -> ET.Element:
    """The element tree of one XML part, after ``check``."""
    check([data], part, limits)
    try:
        return _defused_fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ET.ParseError, ValueError) as exc:
        raise _refusal_for(exc, part) from exc
