"""Pages set in two or more columns, read column by column.

pypdf reads a page line by line across its whole width, so a page set in two columns
comes out with the left and right columns' lines interleaved. ``PageText`` collects
every piece of text pypdf shows together with where it stands (its visitor), and
``column_text`` gives the page's text with each column read to its end before the next
one, or ``None`` when the page is not clearly set in columns: then the plain extraction
stands.

The test is conservative, since a table read column by column would be worse than a
table read row by row:

- a vertical gutter at least a word space wide, in the middle half of the text, that
  no line crosses except a few full-width ones (a title above the columns, a centred
  page number);
- at least five lines on each side, and the lines right of the gutter start at one
  left edge;
- both columns filled: most lines run across most of their column's width, which a
  table's short label column or short cells do not;
- columns of similar width (neither more than twice the other).

Full-width lines split the page into bands; each band is read column by column, and
the bands from top to bottom.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from typing import Any

_MIN_LINES = 10  # lines on the page before columns are looked for at all
_MIN_COLUMN_LINES = 5
_MIN_FILL = 0.6
_ALIGNED = 0.6
_MAX_CROSSING = 0.3


@dataclass
class Piece:
    x0: float
    x1: float
    y: float
    size: float
    text: str
    bold: bool = False


_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")


def _is_bold(font: Any) -> bool:
    """The font's name says bold ("Helvetica-Bold", "ABCDEF+Calibri-Bold", "Arial Black")."""
    try:
        name = str(font.get("/BaseFont", "")).lower()
    except (AttributeError, TypeError):
        return False
    return any(word in name for word in _BOLD_NAMES)


def _average_width(font: Any) -> float:
    """The font's average glyph width, in text space units per point of size."""
    try:
        widths = [float(w) for w in font.get("/Widths", []) or []]
    except (TypeError, ValueError, AttributeError):
        widths = []
    widths = [w for w in widths if w > 0]
    return statistics.fmean(widths) / 1000 if widths else 0.5


class PageText:
    """A visitor for ``extract_text`` collecting positioned pieces of text."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.unplaceable = False
        self._widths: dict[int, float] = {}
        self._bold: dict[int, bool] = {}

    def __call__(self, text: str, cm: list[float], tm: list[float], font: Any, size: Any) -> None:
        text = text.rstrip("\n")
        if not text.strip():
            return
        if "\n" in text:  # several lines in one piece: their places are unknown
            self.unplaceable = True
            return
        try:
            a, b, c, _d, e, f = (float(v) for v in tm)
            ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
            x = e * ca + f * cc + ce
            y = e * cb + f * cd + cf
            scale = ((a * ca + b * cc) ** 2 + (a * cb + b * cd) ** 2) ** 0.5
            points = float(size) * scale
        except (TypeError, ValueError):
            self.unplaceable = True
            return
        if abs(b) > 1e-3 or abs(c) > 1e-3 or points <= 0:  # rotated or degenerate text
            self.unplaceable = True
            return
        key = id(font)
        if key not in self._widths:
            self._widths[key] = _average_width(font) if font is not None else 0.5
            self._bold[key] = font is not None and _is_bold(font)
        width = len(text.rstrip()) * self._widths[key] * points
        self.pieces.append(Piece(x, x + width, y, points, text, self._bold[key]))

    def line_styles(self) -> dict[str, tuple[float, bool]]:
        """Each line's text, squashed (no spaces), to its largest size and whether it is all
        bold; lines read in any order find their style by their words."""
        styles: dict[str, tuple[float, bool]] = {}
        for line in _lines(self.pieces):
            key = squash(_line_text(line))
            if key:
                styles[key] = (max(p.size for p in line), all(p.bold for p in line))
        return styles


def squash(text: str) -> str:
    return "".join(text.split())


def _lines(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped into lines by baseline, top line first, each line left to right."""
    lines: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: (-p.y, p.x0)):
        if lines and abs(lines[-1][0].y - piece.y) <= 0.4 * max(piece.size, lines[-1][0].size):
            lines[-1].append(piece)
        else:
            lines.append([piece])
    return [sorted(line, key=lambda p: p.x0) for line in lines]


def _line_text(pieces: list[Piece]) -> str:
    out = ""
    previous: Piece | None = None
    for piece in pieces:
        gap = previous is not None and piece.x0 - previous.x1 > 0.15 * piece.size
        if out and gap and not out.endswith(" ") and not piece.text.startswith(" "):
            out += " "
        out += piece.text
        previous = piece
    return out.rstrip()


def _gutter(lines: list[list[Piece]]) -> tuple[float, float] | None:
    """The widest run of x least covered by text, in the middle half; None if none fits."""
    pieces = [p for line in lines for p in line]
    left = min(p.x0 for p in pieces)
    right = max(p.x1 for p in pieces)
    if right - left < 100:
        return None
    start, end = int(left + 0.25 * (right - left)), int(left + 0.75 * (right - left))
    size = statistics.median(p.size for p in pieces)
    cover = [0] * (end - start + 2)
    for line in lines:
        marked: set[int] = set()
        for p in line:
            low, high = max(start, int(p.x0)), min(end, int(p.x1 + 1))
            marked.update(range(low - start, high - start + 1))
        for index in marked:
            cover[index] += 1
    least = min(cover[: end - start + 1])
    if least > _MAX_CROSSING * len(lines):
        return None
    best: tuple[int, int] = (0, -1)
    run = None
    for index in range(end - start + 1):
        if cover[index] == least:
            run = index if run is None else run
            if index - run > best[1] - best[0]:
                best = (run, index)
        else:
            run = None
    if best[1] - best[0] < 0.25 * size:
        return None
    return start + best[0], start + best[1]


def _crosses(line: list[Piece], gutter: tuple[float, float]) -> bool:
    return any(p.x0 < gutter[1] and p.x1 > gutter[0] for p in line)


def _gapped(line: list[Piece]) -> bool:
    """A gap wider than a word space inside one column's line: cells, or more columns."""
    return any(b.x0 - a.x1 > 1.5 * b.size for a, b in itertools.pairwise(line))


def _cuts(lines: list[list[Piece]], depth: int = 0) -> list[float] | None:
    """Where the columns of these lines divide, or None when they are one column."""
    if len(lines) < _MIN_LINES or depth > 3:
        return None
    gutter = _gutter(lines)
    if gutter is None:
        return None
    low, high = gutter
    middle = (low + high) / 2
    lefts: list[list[Piece]] = []
    rights: list[list[Piece]] = []
    for line in lines:
        if _crosses(line, gutter):
            continue  # a full-width line
        side_left = [p for p in line if p.x0 < middle]
        side_right = [p for p in line if p.x0 >= middle]
        if side_left:
            lefts.append(side_left)
        if side_right:
            rights.append(side_right)
    if len(lefts) < _MIN_COLUMN_LINES or len(rights) < _MIN_COLUMN_LINES:
        return None
    left_edge = min(line[0].x0 for line in lefts)
    right_start = statistics.median(line[0].x0 for line in rights)
    right_edge = max(line[-1].x1 for line in rights)
    size = statistics.median(line[0].size for line in rights)
    aligned = sum(1 for line in rights if abs(line[0].x0 - right_start) <= size)
    if aligned < _ALIGNED * len(rights):
        return None
    left_width = max(right_start - left_edge, 1.0)  # the column and its gutter
    right_width = max(right_edge - right_start, 1.0)
    left_fill = statistics.median((line[-1].x1 - left_edge) / left_width for line in lefts)
    right_fill = statistics.median((line[-1].x1 - right_start) / right_width for line in rights)
    if left_fill < _MIN_FILL or right_fill < _MIN_FILL:
        return None
    cuts = [middle]
    counts = []
    for side in (lefts, rights):
        count = 1
        if sum(1 for line in side if _gapped(line)) > 0.2 * len(side):
            deeper = _cuts(side, depth + 1)  # more columns on this side, or a table
            if deeper is None:
                return None
            cuts += deeper
            count = len(deeper) + 1
        counts.append(count)
    if not 0.5 <= (left_width / counts[0]) / (right_width / counts[1]) <= 2:
        return None
    return sorted(cuts)


def column_text(page: PageText) -> str | None:
    """The page's text column by column, or None when it is not clearly set in columns."""
    if page.unplaceable or len(page.pieces) < _MIN_LINES:
        return None
    lines = _lines(page.pieces)
    steps = [a[0].y - b[0].y for a, b in itertools.pairwise(lines)]
    spacing = statistics.median(steps)
    # A running head or a page number set apart above or below the text is in no column,
    # and has no say in where the columns divide.
    first = 1 if steps[0] > 1.8 * spacing else 0
    last = len(lines) - 1 if steps[-1] > 1.8 * spacing else len(lines)
    cuts = _cuts(lines[first:last])
    if cuts is None:
        return None
    bounds = [float("-inf"), *cuts, float("inf")]
    out: list[str] = []
    band: list[list[Piece]] = []

    def flush() -> None:
        for low, high in itertools.pairwise(bounds):
            for line in band:
                part = [p for p in line if low <= p.x0 < high]
                if part:
                    out.append(_line_text(part))
        band.clear()

    for index, line in enumerate(lines):
        apart = index < first or index >= last
        if apart or any(p.x0 < cut < p.x1 for cut in cuts for p in line):
            flush()  # a full-width line: what is above it is read first
            out.append(_line_text(line))
        else:
            band.append(line)
    flush()
    return "\n".join(out)
