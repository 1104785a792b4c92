"""Plain text from table cells that carry HTML (lists, bold, links, footnote marks).

Text exported from Word or a web page often keeps small HTML fragments inside
table cells: ``<ul><li>…</li></ul>`` lists, ``<b>`` headings, ``<sup>13</sup>``
footnote markers, links. These helpers turn a cell into plain text: one line,
a list of lines with "• " and "1. " markers, or one entry per list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BULLET_CHARS = "•·▪◦●✓ \t"


@dataclass
class _Node:
    tag: str
    children: list[_Node | str] = field(default_factory=list)


class _CellTreeBuilder(HTMLParser):
    """Builds a tiny tree of the cell; enough to tell lists from inline text."""

    _VOID = frozenset({"br", "img", "hr"})

    def __init__(self) -> None:
        # convert_charrefs turns "&amp;" and friends into characters for us.
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag)
        self._stack[-1].children.append(node)
        if tag not in self._VOID:
            self._stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching tag; stray end tags are ignored.
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _parse_cell(cell: str) -> _Node:
    builder = _CellTreeBuilder()
    builder.feed(cell)
    builder.close()
    return builder.root


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _is_skipped(node: _Node, *, skip_lists: bool) -> bool:
    """Nested lists (rendered on their own lines) and numeric footnote markers."""
    if skip_lists and node.tag in ("ul", "ol"):
        return True
    return node.tag == "sup" and _inline_text(node).isdigit()


def _inline_text(node: _Node, *, skip_lists: bool = False) -> str:
    """Text of ``node`` with tags dropped; footnote markers (<sup>13</sup>) removed."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif _is_skipped(child, skip_lists=skip_lists):
            continue
        elif child.tag in ("br", "p", "li", "div"):
            parts.append(" " + _inline_text(child, skip_lists=skip_lists) + " ")
        else:
            parts.append(_inline_text(child, skip_lists=skip_lists))
    return _squash("".join(parts))


def plain_text(cell: str) -> str:
    """One line of plain text from an HTML cell (for titles and headings)."""
    return _inline_text(_parse_cell(cell))


def _strip_bullet(text: str) -> str:
    return text.lstrip(_BULLET_CHARS)


def _numbered(text: str, number: int) -> str:
    """Keep the source's own "1." numbering; add it when the item lacks one."""
    return text if re.match(r"^\d+[.)]\s", text) else f"{number}. {text}"


def _list_lines(node: _Node, *, ordered: bool) -> list[str]:
    lines: list[str] = []
    items = [child for child in node.children if isinstance(child, _Node) and child.tag == "li"]
    for number, item in enumerate(items, start=1):
        text = _strip_bullet(_inline_text(item, skip_lists=True))
        if text:
            lines.append(_numbered(text, number) if ordered else f"• {text}")
        for nested in item.children:
            if isinstance(nested, _Node) and nested.tag in ("ul", "ol"):
                lines.extend(_list_lines(nested, ordered=nested.tag == "ol"))
    return lines


def _split_inline_enumeration(text: str) -> list[str]:
    """Break "intro: 1) a 2) b 3) c" into lines, but only for a clean 1, 2, 3… run.

    Cell 2.2 is a list written as running text; a number that is not part of a
    consecutive run starting at 1 is left alone so prose is never cut.
    """
    markers = list(re.finditer(r"(?<!\S)(\d{1,2})\)\s", text))
    run: list[re.Match[str]] = []
    for marker in markers:
        if int(marker.group(1)) == len(run) + 1:
            run.append(marker)
    if len(run) < 2:
        return [text]
    cuts = [marker.start() for marker in run]
    pieces = [
        text[: cuts[0]],
        *(text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)),
    ]
    return [piece.strip() for piece in pieces if piece.strip()]


def cell_lines(cell: str) -> list[str]:
    """Plain-text lines of a description cell: "• " per bullet, "1. " per numbered item."""
    lines: list[str] = []
    inline: list[_Node | str] = []

    def flush() -> None:
        text = _inline_text(_Node("span", list(inline)))
        inline.clear()
        if text:
            lines.extend(_split_inline_enumeration(text))

    for child in _parse_cell(cell).children:
        if isinstance(child, _Node) and child.tag in ("ul", "ol"):
            flush()
            lines.extend(_list_lines(child, ordered=child.tag == "ol"))
        elif isinstance(child, _Node) and child.tag in ("p", "br", "div"):
            flush()
            inline.append(child)
            flush()
        else:
            inline.append(child)
    flush()
    return lines


def cell_entries(cell: str) -> list[str]:
    """One entry per list item (bullets stripped); a cell without a list is one entry."""
    root = _parse_cell(cell)
    items: list[str] = []

    def walk(node: _Node) -> None:
        for child in node.children:
            if isinstance(child, _Node):
                if child.tag == "li":
                    text = _strip_bullet(_inline_text(child, skip_lists=True))
                    if text:
                        items.append(text)
                walk(child)

    walk(root)
    if items:
        return items
    text = _strip_bullet(_inline_text(root))
    return [text] if text else []


def has_markup(text: str) -> bool:
    return bool(_MARKUP.search(text))


_MARKUP = re.compile(r"<[a-zA-Z/][^>]*>|&[a-zA-Z]+;|&#\d+;")
