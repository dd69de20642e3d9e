"""DOCX → HTML: tables and images of the document body, for the ``Walker`` in ``docx_walker``
(tables as a mixin: a cell holds blocks again; an image is a pure function of its drawing)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from parliament_tracker.letters.engine.docx_blocks import table_rows
from parliament_tracker.letters.engine.docx_styles import (
    A_BLIP,
    ADEC_DECORATIVE,
    EMU_PER_CM,
    IMAGE_TYPES,
    R_EMBED,
    TWIP_PER_CM,
    WP_ANCHOR,
    WP_DOCPR,
    WP_EXTENT,
    Styles,
    esc,
    to_float,
)
from parliament_tracker.letters.engine.ooxml import qn

TABLE_HEADING_STYLES = {"tabelkop", "table heading"}


class TablesMixin:
    """``<w:tbl>`` → ``<table>``, with header cells by row, column and style."""

    if TYPE_CHECKING:  # the Walker's
        styles: Styles

        def blocks(self, container: Any) -> str: ...

        def _style_id(self, ppr: Any) -> str | None: ...

    def table(self, tbl: Any) -> str:
        grid = [to_float(c.get(qn("w:w"))) / TWIP_PER_CM for c in tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        cls = ' class="bordered"' if self._bordered(tbl.find(qn("w:tblPr"))) else ""
        out = [f"<table{cls}>"]
        if grid:
            out.append("<colgroup>" + "".join(f'<col style="width:{w:.2f}cm">' for w in grid) + "</colgroup>")
        for row in table_rows(tbl):
            out.append("<tr>")
            for cell in row:
                row_header = not cell["header"] and self._heading_cell(cell["tc"])
                tag = "th" if cell["header"] or row_header else "td"
                # scope: the tagged PDF links every data cell to its headers (/Headers, /ID)
                attrs = ' scope="row"' if row_header else (' scope="col"' if cell["header"] else "")
                if cell["colspan"] > 1:
                    attrs += f' colspan="{cell["colspan"]}"'
                if cell["rowspan"] > 1:
                    attrs += f' rowspan="{cell["rowspan"]}"'
                out.append(f"<{tag}{attrs}>{self.blocks(cell['tc'])}</{tag}>")
            out.append("</tr>")
        out.append("</table>")
        return "".join(out)

    def _heading_cell(self, tc: Any) -> bool:
        """A cell whose paragraphs all use the "Tabelkop"/"Table Heading" style is a header cell:
        the labels of a Datum/Onderwerp block are row headers (``/TH`` with ``Scope Row``)."""
        paragraphs = tc.findall(qn("w:p"))
        return bool(paragraphs) and all(
            self.styles.name(self._style_id(p.find(qn("w:pPr")))).lower() in TABLE_HEADING_STYLES for p in paragraphs)

    def _bordered(self, tblpr: Any) -> bool:
        """Borders drawn: the "Table Grid" style, or borders of the table's own."""
        if tblpr is None:
            return False
        ts = tblpr.find(qn("w:tblStyle"))
        if ts is not None and self.styles.name(ts.get(qn("w:val"))).lower() == "table grid":
            return True
        borders = tblpr.find(qn("w:tblBorders"))
        return borders is not None and any(b.get(qn("w:val")) not in (None, "nil", "none") for b in borders)


def _decorative(docpr: Any) -> bool:
    """Word's "Mark as decorative": ``<adec:decorative val="1"/>`` in the drawing's extension list."""
    return any(el.get("val") in ("1", "true") for el in docpr.iter(ADEC_DECORATIVE))


def image(part: Any, drawing: Any) -> str:
    """A ``<w:drawing>`` → an ``<img>`` with its picture inline (or a decorative background
    span); empty for what is not a picture of a type the PDF takes."""
    blip = next(drawing.iter(A_BLIP), None)
    if blip is None:
        return ""
    rid = blip.get(R_EMBED)
    try:
        img_part = part.related_parts[rid]
    except KeyError:
        return ""
    if img_part.content_type not in IMAGE_TYPES:
        return ""
    extent = next(drawing.iter(WP_EXTENT), None)
    docpr = next(drawing.iter(WP_DOCPR), None)
    alt = ""
    if docpr is not None:
        alt = (docpr.get("descr") or docpr.get("title") or "").strip()
    style = ""
    if extent is not None:
        w = to_float(extent.get("cx")) / EMU_PER_CM
        h = to_float(extent.get("cy")) / EMU_PER_CM
        style = f' style="width:{w:.2f}cm;height:{h:.2f}cm"'
    data = base64.b64encode(img_part.blob).decode("ascii")
    cls = "anchored" if next(drawing.iter(WP_ANCHOR), None) is not None else "inline"
    if docpr is not None and _decorative(docpr):
        # A background is drawn as an /Artifact: a decorative image stays out of the tree.
        size = style[len(' style="'):-1] if style else ""
        return (f'<span class="decorative {cls}" aria-hidden="true" '
                f'style="{size};background-image:url(data:{img_part.content_type};base64,{data})"></span>')
    return f'<img class="{cls}" src="data:{img_part.content_type};base64,{data}" alt="{esc(alt)}"{style}>'

