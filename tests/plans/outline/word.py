"""Build Word documents at test time the way Word writes them (python-docx).

Real heading styles, real bold runs, automatic list numbering defined in
``numbering.xml`` (the numbers are not in the text), bullets from the "List
Bullet" style, and real tables with a repeated header row.
"""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


class WordDocument:
    def __init__(self) -> None:
        self.document = Document()
        self.numbering = self.document.part.numbering_part.element
        self._next_abstract = 900
        self._next_num = 900

    # numbering.xml
    def abstract_list(self, levels: list[tuple[str, str, int]]) -> int:
        """A multi-level list definition: (numFmt, lvlText, start) per level."""
        abstract_id = self._next_abstract
        self._next_abstract += 1
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), str(abstract_id))
        for ilvl, (fmt, text, start) in enumerate(levels):
            lvl = OxmlElement("w:lvl")
            lvl.set(qn("w:ilvl"), str(ilvl))
            for tag, value in (("w:start", str(start)), ("w:numFmt", fmt), ("w:lvlText", text)):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                lvl.append(child)
            abstract.append(lvl)
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        return abstract_id

    def list_instance(self, abstract_id: int, starts: dict[int, int] | None = None) -> int:
        num_id = self._next_num
        self._next_num += 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(num_id))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), str(abstract_id))
        num.append(ref)
        for ilvl, start in (starts or {}).items():
            override = OxmlElement("w:lvlOverride")
            override.set(qn("w:ilvl"), str(ilvl))
            start_el = OxmlElement("w:startOverride")
            start_el.set(qn("w:val"), str(start))
            override.append(start_el)
            num.append(override)
        self.numbering.append(num)
        return num_id

    # paragraphs
    def heading(self, text: str, level: int) -> None:
        self.document.add_heading(text, level=level)

    def bold(self, text: str) -> None:
        self.document.add_paragraph().add_run(text).bold = True

    def bold_lead(self, lead: str, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.add_run(lead).bold = True
        paragraph.add_run(f" {text}")

    def text(self, text: str) -> None:
        self.document.add_paragraph(text)

    def bullet(self, text: str) -> None:
        self.document.add_paragraph(text, style="List Bullet")

    def numbered(self, text: str, num_id: int, ilvl: int = 0) -> None:
        paragraph = self.document.add_paragraph(text)
        ppr = paragraph._p.get_or_add_pPr()
        num_pr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", str(ilvl)), ("w:numId", str(num_id))):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            num_pr.append(child)
        ppr.append(num_pr)

    def table(self, header: list[str], rows: list[list[list[tuple[str, bool]]]]) -> None:
        """Rows of cells; a cell is a list of (text, is_bullet) paragraphs."""
        table = self.document.add_table(rows=1, cols=len(header))
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
        for row in rows:
            cells = table.add_row().cells
            if len(row) == 1:  # a group row: one cell merged across the table
                merged = cells[0].merge(cells[-1])
                merged.text = row[0][0][0] if row[0] else ""
                continue
            for cell, paragraphs in zip(cells, row, strict=False):
                for index, (text, is_bullet) in enumerate(paragraphs):
                    paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                    paragraph.text = text
                    if is_bullet:
                        paragraph.style = self.document.styles["List Bullet"]

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
