"""Build OpenDocument text files at test time, as LibreOffice writes them (hand-made XML)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
STYLES = """
<style:style style:name="Bold" style:family="paragraph">
  <style:text-properties fo:font-weight="bold"/></style:style>
<text:list-style style:name="Numbers">
  <text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix="."/>
  <text:list-level-style-number text:level="2" style:num-format="1" style:num-suffix="."
      text:display-levels="2"/>
  <text:list-level-style-number text:level="3" style:num-format="a" style:num-suffix=")"/>
</text:list-style>
<text:list-style style:name="Bullets">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•"/>
</text:list-style>
"""


class OdtDocument:
    def __init__(self) -> None:
        self.body: list[str] = []

    def heading(self, text: str, level: int) -> None:
        self.body.append(f'<text:h text:outline-level="{level}">{escape(text)}</text:h>')

    def bold(self, text: str) -> None:
        self.body.append(f'<text:p text:style-name="Bold">{escape(text)}</text:p>')

    def text(self, text: str) -> None:
        self.body.append(f"<text:p>{escape(text)}</text:p>")

    def bullets(self, texts: list[str]) -> None:
        items = "".join(
            f"<text:list-item><text:p>{escape(t)}</text:p></text:list-item>" for t in texts
        )
        self.body.append(f'<text:list text:style-name="Bullets">{items}</text:list>')

    def numbered(self, tree: list[tuple[str, list]]) -> None:  # type: ignore[type-arg]
        """A nested list numbered by its list style: 1., 1.1., a)."""

        def render(nodes: list[tuple[str, list]]) -> str:  # type: ignore[type-arg]
            items = []
            for title, children in nodes:
                inner = render(children) if children else ""
                items.append(
                    f"<text:list-item><text:p>{escape(title)}</text:p>{inner}</text:list-item>"
                )
            return f"<text:list>{''.join(items)}</text:list>"

        rendered = render(tree).replace("<text:list>", '<text:list text:style-name="Numbers">', 1)
        self.body.append(rendered)

    def table(self, rows: list[list[str]]) -> None:
        xml_rows = "".join(
            "<table:table-row>"
            + "".join(
                f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in row
            )
            + "</table:table-row>"
            for row in rows
        )
        self.body.append(f"<table:table>{xml_rows}</table:table>")

    def bytes(self) -> bytes:
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
            f"<office:automatic-styles>{STYLES}</office:automatic-styles>"
            f"<office:body><office:text>{''.join(self.body)}</office:text></office:body>"
            "</office:document-content>"
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr(
                "mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
            )
            archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
            archive.writestr(
                "META-INF/manifest.xml",
                '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            )
        return out.getvalue()
