"""Hostile and odd plan files, generated at test time (nothing large is committed).

Each ``Case`` names a file, builds its bytes on demand (cached: a bomb is built once
per process) and says what a safe importer must do with it: refuse with a message
matching ``refusal`` (a regular expression; it names the limit where one applies),
or import cleanly (``refusal=None``), or either (``refusal=ANY``) for files whose
fate depends on their content rather than on a limit.

``python -m tests.plans.hostile --report`` reads every case through the importer's
sandbox and prints, per file: outcome, time and peak memory of the reading child.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parents[2] / "plantrack" / "plans" / "seeds"
ANY = "ANY"
MB = 1024 * 1024

CSV_HEAD = (
    "# title: Hostile test plan\n# short_name: hostile-test-plan\n"
    "code,parent_code,kind,title,organisations\n"
)


@dataclass(frozen=True)
class Case:
    name: str  # file name given to the importer (the extension may lie)
    build: Callable[[], bytes]
    refusal: str | None  # regex the refusal must match; None: must import; ANY: either
    secret: bytes = b""  # text that must never appear in any answer (XXE targets)

    @property
    def data(self) -> bytes:
        return _built(self.name)


# --- ZIP helpers -------------------------------------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _zip(parts: dict[str, bytes | Callable[[], Iterator[bytes]]]) -> bytes:
    """A ZIP of ``parts``; a callable part is streamed in chunks (big parts, small memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            if callable(content):
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=True) as sink:
                    for chunk in content():
                        sink.write(chunk)
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


def _docx(document: bytes | Callable[[], Iterator[bytes]], **extra: bytes) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _RELS,
            "word/document.xml": document,
            **extra,
        }
    )


def _document(paragraphs: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document '
        + _W
        + b"><w:body>"
        + body.encode()
        + b"</w:body></w:document>"
    )


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _replace_part(data: bytes, name: str, content: bytes | Callable[[], Iterator[bytes]]) -> bytes:
    parts: dict[str, bytes | Callable[[], Iterator[bytes]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    parts[name] = content
    return _zip(parts)


def _template_rows() -> list[list[str]]:
    return [
        ["# title: Hostile workbook"],
        ["# short_name: hostile-workbook"],
        ["code", "parent_code", "kind", "title"],
        ["1", "", "goal", "A goal"],
        ["1.1", "1", "activity", "An activity"],
    ]


# --- bombs -------------------------------------------------------------------------------


def _repeat(unit: bytes, total: int, head: bytes = b"", tail: bytes = b"") -> Iterator[bytes]:
    """``head``, ``unit`` repeated, then ``tail``: about ``total`` bytes, in 1 MB blocks."""
    yield head
    per_block = max(1, MB // len(unit))
    units = (total - len(head) - len(tail)) // len(unit)  # whole units: well-formed XML
    while units > 0:
        yield unit * min(per_block, units)
        units -= per_block
    yield tail


def xlsx_bomb() -> bytes:
    """An XLSX whose sheet inflates to 64 MB of XML (a ~200 KB file)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    return _replace_part(
        _xlsx(_template_rows()),
        "xl/worksheets/sheet1.xml",
        lambda: _repeat(row, 64 * MB, head, b"</sheetData></worksheet>"),
    )


def docx_bomb() -> bytes:
    """A DOCX whose document inflates to 64 MB of XML."""
    head = b'<?xml version="1.0"?><w:document ' + _W + b"><w:body>"
    para = b"<w:p><w:r><w:t>Goal</w:t></w:r></w:p>"
    return _docx(lambda: _repeat(para, 64 * MB, head, b"</w:body></w:document>"))


def high_ratio() -> bytes:
    """A DOCX with a 20 MB part of spaces: under the size caps, but compressed 1,000 to 1."""
    return _docx(_document(["Goal"]), **{"word/media/blank.bin": b" " * (20 * MB)})


def lying_sizes() -> bytes:
    """A DOCX whose directory says document.xml is 200 bytes while it inflates to 30 MB."""
    data = bytearray(docx_sized(30 * MB))
    # Patch the declared uncompressed size in the local header and the central directory.
    name = b"word/document.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                size = struct.unpack_from("<I", data, at + offset)[0]
                if size != 0xFFFFFFFF:
                    struct.pack_into("<I", data, at + offset, 200)
            at += 4
    return bytes(data)


@functools.cache
def docx_sized(size: int) -> bytes:
    head = b'<?xml version="1.0"?><w:document ' + _W + b"><w:body>"
    para = b"<w:p><w:r><w:t>Goal</w:t></w:r></w:p>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        body = b"".join(_repeat(para, size, head, b"</w:body></w:document>"))
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def many_members() -> bytes:
    parts = {f"word/media/p{i}.xml": b"<a/>" for i in range(5000)}
    return _docx(_document(["Goal"]), **parts)


def nested_zip() -> bytes:
    """A DOCX carrying, as an embedded object, a ZIP bomb (never opened by the importer)."""
    inner = _zip({"bomb.txt": lambda: _repeat(b"\0", 50 * MB)})
    return _docx(_document(["Dear colleagues"]), **{"word/embeddings/object.zip": inner})


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def billion_laughs_docx() -> bytes:
    return _docx(
        _LAUGHS + b"<w:document " + _W + b"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )


def billion_laughs_xlsx() -> bytes:
    strings = (
        _LAUGHS + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&lol9;</t></si></sst>"
    )
    return _replace_part(_xlsx(_template_rows()), "xl/sharedStrings.xml", strings)


def quadratic_blowup() -> bytes:
    big = b"A" * 50_000
    return _docx(
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "'
        + big
        + b'">]><w:document '
        + _W
        + b"><w:body><w:p><w:r><w:t>"
        + b"&a;" * 20_000
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )


def deep_nesting(levels: int) -> Callable[[], bytes]:
    def build() -> bytes:
        return _docx(
            b'<?xml version="1.0"?><w:document '
            + _W
            + b"><w:body>"
            + b"<w:sdt>" * levels
            + b"<w:p><w:r><w:t>1. Goal</w:t></w:r></w:p>"
            + b"</w:sdt>" * levels
            + b"</w:body></w:document>"
        )

    return build


def xxe_docx() -> bytes:
    return _docx(
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<w:document " + _W + b"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )


def xxe_xlsx() -> bytes:
    strings = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&xxe;</t></si></sst>"
    )
    return _replace_part(_xlsx(_template_rows()), "xl/sharedStrings.xml", strings)


def docx_without_content_types() -> bytes:
    return _zip({"_rels/.rels": _RELS, "word/document.xml": _document(["Goal"])})


def truncated_docx() -> bytes:
    data = _docx(_document([f"Paragraph {i}" for i in range(2000)]))
    return data[: len(data) // 2]


def damaged_zip() -> bytes:
    data = bytearray(_docx(_document([f"Paragraph {i}" for i in range(2000)])))
    rng = random.Random(7)
    for _ in range(200):
        at = rng.randrange(100, len(data) - 200)
        data[at] ^= 0xFF
    return bytes(data)


def xlsx_huge_dimensions() -> bytes:
    """A sheet that claims A1:XFD1048576 and puts one cell in the last row and column."""
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>kind</t></is></c>'
        b'<c r="C1" t="inlineStr"><is><t>title</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _replace_part(_xlsx(_template_rows()), "xl/worksheets/sheet1.xml", sheet)


def xlsx_absurd_row_number() -> bytes:
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>'
        b'<row r="999999999999"><c r="A999999999999" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _replace_part(_xlsx(_template_rows()), "xl/worksheets/sheet1.xml", sheet)


# --- PDF ---------------------------------------------------------------------------------


_PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>"
)


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out.write(trailer % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def pdf_bomb() -> bytes:
    """One page whose FlateDecode content stream is 100 MB of zeros (about 100 KB)."""
    squeeze = zlib.compressobj(9)
    packed = b"".join(squeeze.compress(b"\0" * MB) for _ in range(100)) + squeeze.flush()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            _PAGE,
            _stream(packed, b"/Filter /FlateDecode"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_many_pages() -> bytes:
    """10,000 pages, all the same page object referenced again and again."""
    kids = b" ".join([b"3 0 R"] * 10_000)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count 10000 >>",
            _PAGE,
            _stream(b"BT /F1 12 Tf 72 720 Td (1. Goal) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_damaged() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R"


# --- text --------------------------------------------------------------------------------


def _seed(name: str) -> bytes:
    return (SEED_DIR / name).read_bytes()


def _csv_cells(cells: list[str]) -> bytes:
    rows = "".join(f'{i + 1},,goal,Goal {i + 1},"{cell}"\n' for i, cell in enumerate(cells))
    return (CSV_HEAD + rows).encode()


def csv_regex_bomb_spaces() -> bytes:
    """Cells that took the old organisations pattern hours (it was cubic in the spaces)."""
    return _csv_cells(
        [
            "a" + " " * 100_000 + "b",
            "Ministry" + " " * 50_000 + "(MIN)" + " " * 50_000 + "[lead]",
        ]
    )


def csv_regex_bomb_brackets() -> bytes:
    return _csv_cells(["x" + " (" * 30_000, "(" * 50_000 + "x"])


def csv_huge_cell() -> bytes:
    return (CSV_HEAD + '1,,goal,"' + "x" * 300_000 + '",\n').encode()


def text_many_quotes() -> bytes:
    return ("RECOMMENDATION\n\nFirst. " + "“" * 300_000 + "\n\n- Do it.\n").encode()


def huge_single_line() -> bytes:
    return b"a" * (9 * MB)


def long_wrapped_paragraph() -> bytes:
    return ("RECOMMENDATION\n\nFirst. Section\n\n- " + "word\n" * 1_000_000).encode()


def seed_as_docx() -> bytes:
    """The recommendations seed saved by python-docx, as Word would: it must still import."""
    import docx

    document = docx.Document()
    for line in _seed("001_2125384cf4ad98ca.txt").decode().splitlines():
        if line.strip():
            document.add_paragraph(line.rstrip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html_as_docx() -> bytes:
    return b"<!DOCTYPE html><html><body><h1>Plan</h1><p>1. Goal</p></body></html>"


def garbage() -> bytes:
    return random.Random(11).randbytes(256 * 1024)


_TOO_MANY_ROWS = r"the sheet has more than ([\d,]+) rows; the limit is \1 rows"

CASES: list[Case] = [
    Case("bomb-sheet.xlsx", xlsx_bomb, r"expands to 64 MB; the limit is 50 MB"),
    Case("bomb-document.docx", docx_bomb, r"expands to 64 MB; the limit is 50 MB"),
    Case("high-ratio.docx", high_ratio, r"compressed [\d,]+ to 1.*the limit is 200 to 1"),
    Case("lying-sizes.docx", lying_sizes, r"damaged \(Bad CRC-32"),
    Case("many-members.docx", many_members, r"holds 5,003 parts; the limit is 2,000"),
    Case("nested-zip.docx", nested_zip, r"not recognised"),
    Case("billion-laughs.docx", billion_laughs_docx, r"declares a DTD or XML entities"),
    Case("billion-laughs.xlsx", billion_laughs_xlsx, r"declares a DTD or XML entities"),
    Case("quadratic-blowup.docx", quadratic_blowup, r"declares a DTD or XML entities"),
    Case("nested-300.docx", deep_nesting(300), r"more than 128 levels deep; the limit is 128"),
    Case("nested-60000.docx", deep_nesting(60_000), r"more than 128 levels deep"),
    Case("xxe.docx", xxe_docx, r"declares a DTD", secret=b"root:x:0:0"),
    Case("xxe.xlsx", xxe_xlsx, r"declares a DTD", secret=b"root:x:0:0"),
    Case("no-content-types.docx", docx_without_content_types, r"no \[Content_Types\]\.xml"),
    Case("truncated.docx", truncated_docx, r"damaged"),
    Case("damaged.docx", damaged_zip, r"damaged|not well-formed"),
    Case("huge-dimensions.xlsx", xlsx_huge_dimensions, _TOO_MANY_ROWS),
    Case("absurd-row.xlsx", xlsx_absurd_row_number, _TOO_MANY_ROWS),
    Case("bomb.pdf", pdf_bomb, r"PDF holds a stream that expands to more than 50 MB"),
    Case("ten-thousand-pages.pdf", pdf_many_pages, r"10,000 pages; the limit is 2,000"),
    Case("damaged.pdf", pdf_damaged, r"PDF"),
    Case("workbook.txt", lambda: _xlsx(_template_rows()), None),
    Case("recommendations.docx", seed_as_docx, None),
    Case("document.csv", pdf_many_pages, r"10,000 pages"),
    Case("page.docx", html_as_docx, r"not recognised"),
    Case("garbage.bin", garbage, r"binary"),
    Case("empty.txt", lambda: b"", r"empty"),
    Case("blank.txt", lambda: b"  \n\t\n", r"empty"),
    Case("huge-line.txt", huge_single_line, r"not recognised"),
    # The outline reader reads these as one section holding one (very long) item: they
    # import, within the time budget; the seed-shaped parsers used to refuse them.
    Case("long-paragraph.txt", long_wrapped_paragraph, None),
    Case("nul-bytes.csv", lambda: (CSV_HEAD + "1,,goal,Go\0al,\n").encode(), r"binary file"),
    Case(
        "late-nul.csv",
        lambda: (CSV_HEAD + "1,,goal," + "x" * 10_000 + "\0,\n").encode(),
        r"NUL character.*\(line 4\)|line 4: .*NUL",
    ),
    Case("utf16.txt", lambda: _seed("001_2125384cf4ad98ca.txt").decode().encode("utf-16"), None),
    # Windows-1251 Cyrillic is read (and named in a warning); Latin-1 is refused.
    Case("cp1251.csv", lambda: (CSV_HEAD + "1,,goal,Алсын хараа,\n").encode("cp1251"), None),
    Case(
        "latin1.csv",
        lambda: (CSV_HEAD + "1,,goal,Café crème,\n").encode("latin-1"),
        r"not UTF-8",
    ),
    Case("regex-bomb-spaces.csv", csv_regex_bomb_spaces, None),
    Case(
        "regex-bomb-brackets.csv",
        csv_regex_bomb_brackets,
        r"organisation name is 60,001 characters long; the limit is 300",
    ),
    Case("huge-cell.csv", csv_huge_cell, r"more than 131,072 characters; the limit is 131,072"),
    Case("many-quotes.txt", text_many_quotes, None),
]


@functools.cache
def _built(name: str) -> bytes:
    return next(case for case in CASES if case.name == name).build()


def report() -> None:
    """Read every case through the sandbox and print outcome, time and peak memory."""
    import os
    import time

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
    django.setup()
    from plantrack.plans.importers.detect import parse_bytes_measured
    from plantrack.plans.importers.limits import current

    limits = current()
    print(f"{'file':26} {'size':>9} {'build s':>7} {'read s':>7} {'mem MB':>7}  outcome")
    worst_time = worst_memory = 0.0
    for case in CASES:
        started = time.monotonic()
        data = case.data
        built = time.monotonic() - started
        outcome = parse_bytes_measured(data, limits=limits)
        memory = outcome.memory_bytes / MB
        worst_time, worst_memory = max(worst_time, outcome.seconds), max(worst_memory, memory)
        what = (
            f"imported {len(outcome.plan.items)} items"
            if outcome.plan
            else f"refused: {outcome.refusal}"
        )
        print(
            f"{case.name:26} {len(data) / 1024:>7.0f}KB {built:>7.2f} {outcome.seconds:>7.2f} "
            f"{memory:>7.1f}  {what[:110]}"
        )
    print(f"{len(CASES)} files; worst read {worst_time:.2f} s, worst memory {worst_memory:.0f} MB")


if __name__ == "__main__":
    import sys

    if "--report" in sys.argv:
        report()
    else:
        print("usage: python -m tests.plans.hostile --report")
