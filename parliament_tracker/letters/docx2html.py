"""Our own DOCX → HTML walker (python-docx + lxml), made for WeasyPrint.

Why not mammoth: it ignores headers, footers, run sizes and image sizes and is
~30× slower on python-docx templates (minidom). This walker covers the subset a
letter template needs and turns it into semantic, escaped HTML plus CSS derived
from the template's own styles:

- paragraphs with their style (``class="s-<styleId>"``; Heading N → ``<hN>``),
  direct alignment/indentation, empty paragraphs kept as one blank line;
- runs: bold, italic, underline, strike, super/subscript, direct font size;
  tabs, line breaks, page breaks (``w:br type=page``, ``pageBreakBefore``);
- hyperlinks (http, https and mailto targets only), tracked insertions kept,
  deletions dropped;
- tables with grid widths, ``gridSpan`` and ``vMerge``; "Table Grid" gets borders;
- bulleted and numbered lists from ``numPr`` (direct or through the style),
  nested by ``ilvl``;
- inline and anchored images as data URIs (PNG, JPEG, GIF only), sized from the
  drawing extent, alt text from ``docPr/@descr`` (then ``@title``);
- paragraphs in a page-anchored frame (``w:framePr``) become an absolutely
  positioned ``<aside>``: the Kamerbrief reference column;
- headers/footers: text-only ones (with PAGE/NUMPAGES fields) become margin-box
  content strings with ``counter(page)``/``counter(pages)``; others become
  running elements. A different first page (``titlePg``) maps to ``@page :first``.

Not supported (rendered as plain flow or dropped): text boxes, floating image
wrap, columns, multiple sections with different page set-ups, footnotes,
comments, character styles, theme colours, tab stops other than the default.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.oxml.ns import qn

TWIP_PER_PT = 20.0
EMU_PER_CM = 360000.0
TWIP_PER_CM = 566.929
# Word's "single" line is the font's natural line height; ~1.17 em for DejaVu/Liberation.
SINGLE_LINE_EM = 1.17
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}
#: a bookmark with this name marks where the visible signature goes (its top-left corner)
SIGNATURE_BOOKMARK = "sigbox"
SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
FONT_FAMILY_OK = re.compile(r"^[A-Za-z0-9 _\-]{1,64}$")
PAGE_FIELDS = {"PAGE": "counter(page)", "NUMPAGES": "counter(pages)", "SECTIONPAGES": "counter(pages)"}
R_ID = qn("r:id")
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
WP_EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
WP_ANCHOR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}anchor"
BULLET_FORMATS = {"bullet", "none"}
OL_TYPES = {"decimal": "decimal", "lowerLetter": "lower-alpha", "upperLetter": "upper-alpha",
            "lowerRoman": "lower-roman", "upperRoman": "upper-roman"}


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _on(el: Any) -> bool:
    """A toggle property such as <w:b/>, <w:b w:val="0"/>."""
    if el is None:
        return False
    return el.get(qn("w:val"), "true") not in ("0", "false", "off", "none")


def _num(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _css_class(style_id: str) -> str:
    return "s-" + re.sub(r"[^A-Za-z0-9_-]", "_", style_id)


# --------------------------------------------------------------------------- properties

def _read_ppr(ppr: Any, into: dict[str, Any]) -> None:
    if ppr is None:
        return
    sp = ppr.find(qn("w:spacing"))
    if sp is not None:
        for key in ("before", "after", "line", "lineRule"):
            val = sp.get(qn(f"w:{key}"))
            if val is not None:
                into[key] = val
    jc = ppr.find(qn("w:jc"))
    if jc is not None:
        into["jc"] = jc.get(qn("w:val"))
    ind = ppr.find(qn("w:ind"))
    if ind is not None:
        for key in ("left", "start", "right", "end", "firstLine", "hanging"):
            val = ind.get(qn(f"w:{key}"))
            if val is not None:
                into["ind_" + {"start": "left", "end": "right"}.get(key, key)] = val
    for key in ("keepNext", "pageBreakBefore"):
        el = ppr.find(qn(f"w:{key}"))
        if el is not None:
            into[key] = _on(el)
    numpr = ppr.find(qn("w:numPr"))
    if numpr is not None:
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        if num_id is not None:
            into["numId"] = num_id.get(qn("w:val"))
        if ilvl is not None:
            into["ilvl"] = ilvl.get(qn("w:val"))


def _read_rpr(rpr: Any, into: dict[str, Any]) -> None:
    if rpr is None:
        return
    for key in ("b", "i", "strike", "caps"):
        el = rpr.find(qn(f"w:{key}"))
        if el is not None:
            into[key] = _on(el)
    u = rpr.find(qn("w:u"))
    if u is not None:
        into["u"] = u.get(qn("w:val"), "single") != "none"
    sz = rpr.find(qn("w:sz"))
    if sz is not None:
        into["sz"] = _num(sz.get(qn("w:val"))) / 2.0
    va = rpr.find(qn("w:vertAlign"))
    if va is not None:
        into["vertAlign"] = va.get(qn("w:val"))


def _paragraph_css(p: dict[str, Any]) -> list[str]:
    css: list[str] = []
    if "before" in p:
        css.append(f"margin-top:{_num(p['before']) / TWIP_PER_PT:g}pt")
    if "after" in p:
        css.append(f"margin-bottom:{_num(p['after']) / TWIP_PER_PT:g}pt")
    if "line" in p:
        rule = p.get("lineRule", "auto")
        if rule == "auto":
            css.append(f"line-height:{_num(p['line']) / 240.0 * SINGLE_LINE_EM:.3g}")
        else:  # exact and atLeast: CSS has no "at least"; the value is the usual result
            css.append(f"line-height:{_num(p['line']) / TWIP_PER_PT:g}pt")
    jc = p.get("jc")
    if jc:
        css.append("text-align:" + {"both": "justify", "distribute": "justify", "start": "left",
                                    "end": "right"}.get(jc, jc if jc in ("left", "right", "center") else "left"))
    if "ind_left" in p:
        css.append(f"margin-left:{_num(p['ind_left']) / TWIP_PER_PT:g}pt")
    if "ind_right" in p:
        css.append(f"margin-right:{_num(p['ind_right']) / TWIP_PER_PT:g}pt")
    if "ind_firstLine" in p:
        css.append(f"text-indent:{_num(p['ind_firstLine']) / TWIP_PER_PT:g}pt")
    elif "ind_hanging" in p:
        css.append(f"text-indent:-{_num(p['ind_hanging']) / TWIP_PER_PT:g}pt")
    if p.get("keepNext"):
        css.append("break-after:avoid")
    if p.get("pageBreakBefore"):
        css.append("break-before:page")
    return css


def _run_css(r: dict[str, Any]) -> list[str]:
    css: list[str] = []
    if "sz" in r:
        css.append(f"font-size:{r['sz']:g}pt")
    if "b" in r:
        css.append("font-weight:" + ("bold" if r["b"] else "normal"))
    if "i" in r:
        css.append("font-style:" + ("italic" if r["i"] else "normal"))
    if r.get("u"):
        css.append("text-decoration:underline")
    if r.get("caps"):
        css.append("text-transform:uppercase")
    return css


# --------------------------------------------------------------------------- walker

@dataclass
class _Styles:
    """Paragraph styles of the document, resolved along ``basedOn``."""

    by_id: dict[str, Any]
    default_id: str | None
    used: set[str] = field(default_factory=set)

    @classmethod
    def from_document(cls, doc: Any) -> _Styles:
        root = doc.styles.element
        by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        default_id = None
        for s in root.findall(qn("w:style")):
            if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true", "on"):
                default_id = s.get(qn("w:styleId"))
        return cls(by_id, default_id)

    def chain(self, style_id: str | None) -> list[Any]:
        out: list[Any] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            el = self.by_id[style_id]
            out.append(el)
            based = el.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return list(reversed(out))

    def name(self, style_id: str | None) -> str:
        el = self.by_id.get(style_id or "")
        n = el.find(qn("w:name")) if el is not None else None
        return (n.get(qn("w:val")) if n is not None else "") or ""

    def ppr(self, style_id: str | None) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for el in self.chain(style_id):
            _read_ppr(el.find(qn("w:pPr")), props)
        return props

    def rpr(self, style_id: str | None) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for el in self.chain(style_id):
            _read_rpr(el.find(qn("w:rPr")), props)
        return props


class _Walker:
    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.styles = _Styles.from_document(doc)
        self.numbering = self._numbering(doc)
        self.part = doc.part
        self.field_instr: list[str] | None = None  # collecting a complex field's instruction
        self.field_skip = False  # inside the cached result of a PAGE/NUMPAGES field
        self.has_page_field = False

    # -- numbering
    @staticmethod
    def _numbering(doc: Any) -> dict[tuple[str, str], tuple[str, str]]:
        """(numId, ilvl) → ("ul"|"ol", list-style-type)."""
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract: dict[str, dict[str, str]] = {}
        for an in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                levels[lvl.get(qn("w:ilvl"))] = fmt.get(qn("w:val")) if fmt is not None else "decimal"
            abstract[an.get(qn("w:abstractNumId"))] = levels
        out: dict[tuple[str, str], tuple[str, str]] = {}
        for num in root.findall(qn("w:num")):
            aid = num.find(qn("w:abstractNumId"))
            if aid is None:
                continue
            for ilvl, fmt in abstract.get(aid.get(qn("w:val")), {}).items():
                if fmt in BULLET_FORMATS:
                    out[(num.get(qn("w:numId")), ilvl)] = ("ul", "disc" if fmt == "bullet" else "none")
                else:
                    out[(num.get(qn("w:numId")), ilvl)] = ("ol", OL_TYPES.get(fmt, "decimal"))
        return out

    # -- blocks
    def blocks(self, container: Any) -> str:
        out: list[str] = []
        lists: list[str] = []  # open list tags, index = ilvl
        frame: tuple[str, list[str]] | None = None  # (framePr key, html parts)

        def close_lists(to: int = 0) -> None:
            while len(lists) > to:
                out.append(f"</li></{lists.pop()}>")

        def close_frame() -> None:
            nonlocal frame
            if frame is not None:
                out.append(f'<aside class="frame" style="{frame[0]}">{"".join(frame[1])}</aside>')
                frame = None

        for child in container.iterchildren():
            tag = child.tag
            if tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    close_lists()
                    close_frame()
                    out.append(self.blocks(content))
                continue
            if tag == qn("w:tbl"):
                close_lists()
                close_frame()
                out.append(self.table(child))
                continue
            if tag != qn("w:p"):
                continue
            ppr = child.find(qn("w:pPr"))
            style_id = None
            if ppr is not None and ppr.find(qn("w:pStyle")) is not None:
                style_id = ppr.find(qn("w:pStyle")).get(qn("w:val"))
            style_id = style_id or self.styles.default_id
            frame_css = self._frame_css(ppr)
            if frame_css is not None:
                close_lists()
                if frame is None or frame[0] != frame_css:
                    close_frame()
                    frame = (frame_css, [])
                frame[1].append(self.paragraph(child, style_id, ppr))
                continue
            close_frame()
            props = self.styles.ppr(style_id)
            _read_ppr(ppr, props)
            key = (props.get("numId"), props.get("ilvl", "0"))
            if key[0] and key[0] != "0" and key in self.numbering:
                level = int(_num(key[1]))
                list_tag, list_type = self.numbering[key]
                while len(lists) > level + 1:
                    out.append(f"</li></{lists.pop()}>")
                if len(lists) == level + 1 and lists[-1] != list_tag:
                    out.append(f"</li></{lists.pop()}>")
                if len(lists) == level + 1:
                    out.append("</li>")
                while len(lists) < level + 1:
                    out.append(f'<{list_tag} style="list-style-type:{list_type}">')
                    lists.append(list_tag)
                out.append(self.paragraph(child, style_id, ppr, as_tag="li"))
                continue
            close_lists()
            out.append(self.paragraph(child, style_id, ppr))
        close_lists()
        close_frame()
        return "".join(out)

    def _frame_css(self, ppr: Any) -> str | None:
        fp = ppr.find(qn("w:framePr")) if ppr is not None else None
        if fp is None or fp.get(qn("w:dropCap")):
            return None
        sect = self.doc.sections[0]
        width = _num(fp.get(qn("w:w"))) / TWIP_PER_CM
        x = _num(fp.get(qn("w:x"))) / TWIP_PER_CM
        y = _num(fp.get(qn("w:y"))) / TWIP_PER_CM
        css = [f"width:{width:.2f}cm"] if width else []
        if fp.get(qn("w:hAnchor")) == "page" and fp.get(qn("w:vAnchor")) == "page":
            # Absolute boxes are placed against the page area, so subtract the margins.
            css += ["position:absolute", f"left:{x - sect.left_margin.cm:.2f}cm",
                    f"top:{y - sect.top_margin.cm:.2f}cm"]
        else:
            css += ["float:right", "margin-left:0.4cm"]
        return ";".join(css)

    def paragraph(self, p: Any, style_id: str | None, ppr: Any, as_tag: str | None = None) -> str:
        name = self.styles.name(style_id).lower()
        tag = as_tag or "p"
        m = re.fullmatch(r"heading ([1-6])", name)
        if as_tag is None and m:
            tag = f"h{m.group(1)}"
        elif as_tag is None and name == "title":
            tag = "h1"
        attrs = []
        if style_id:
            self.styles.used.add(style_id)
            attrs.append(f'class="{_css_class(style_id)}"')
        direct: dict[str, Any] = {}
        _read_ppr(ppr, direct)
        direct.pop("numId", None)
        direct.pop("ilvl", None)
        if as_tag == "li":  # list indentation comes from the list, not from w:ind
            for k in [k for k in direct if k.startswith("ind_")]:
                direct.pop(k)
        css = _paragraph_css(direct)
        if css:
            attrs.append(f'style="{";".join(css)}"')
        sect_break = ppr is not None and ppr.find(qn("w:sectPr")) is not None
        segments = self.inline(p)
        attr = (" " + " ".join(attrs)) if attrs else ""
        if tag == "li":  # a page break inside a list item is not worth splitting the list for
            segments = ["".join(segments)]
        html_parts: list[str] = []
        for i, seg in enumerate(segments):
            if i:
                html_parts.append('<div class="page-break"></div>')
            if seg or len(segments) == 1:
                content = seg if seg.strip() else (seg + "<br>")
                # <li> stays open: a nested list may follow; blocks() closes it.
                html_parts.append(f"<li{attr}>{content}" if tag == "li" else f"<{tag}{attr}>{content}</{tag}>")
        if sect_break:
            html_parts.append('<div class="page-break"></div>')
        return "".join(html_parts)

    # -- inline content
    def inline(self, p: Any) -> list[str]:
        """Paragraph content as HTML segments split at page breaks."""
        segments: list[list[str]] = [[]]
        self._inline_children(p, segments)
        return ["".join(s) for s in segments]

    def _inline_children(self, parent: Any, segments: list[list[str]]) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == qn("w:r"):
                self._run(child, segments)
            elif tag == qn("w:hyperlink"):
                target = None
                rid = child.get(R_ID)
                if rid and rid in self.part.rels and self.part.rels[rid].is_external:
                    target = self.part.rels[rid].target_ref
                if target and SAFE_LINK.match(target):
                    segments[-1].append(f'<a href="{_esc(target)}">')
                    self._inline_children(child, segments)
                    segments[-1].append("</a>")
                else:
                    self._inline_children(child, segments)
            elif tag == qn("w:fldSimple"):
                instr = (child.get(qn("w:instr")) or "").split()
                name = instr[0].upper() if instr else ""
                if name in PAGE_FIELDS:
                    self.has_page_field = True
                    segments[-1].append(f'<span class="field" data-field="{name}"></span>')
                else:
                    self._inline_children(child, segments)
            elif tag in (qn("w:ins"), qn("w:smartTag"), qn("w:customXml")):
                self._inline_children(child, segments)
            elif tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._inline_children(content, segments)
            elif tag == qn("w:bookmarkStart") and (child.get(qn("w:name")) or "").lower() == SIGNATURE_BOOKMARK:
                # The template reserves room for a visible signature here (letters.approval.signing.signature_box).
                segments[-1].append(f'<span id="{SIGNATURE_BOOKMARK}"></span>')
            # w:del, other bookmarks, proofing marks, comments: nothing visible

    def _run(self, r: Any, segments: list[list[str]]) -> None:
        props: dict[str, Any] = {}
        _read_rpr(r.find(qn("w:rPr")), props)
        pieces: list[str] = []

        def flush() -> None:
            if pieces:
                segments[-1].append(self._wrap("".join(pieces), props))
                pieces.clear()

        for child in r.iterchildren():
            tag = child.tag
            if tag == qn("w:fldChar"):
                kind = child.get(qn("w:fldCharType"))
                if kind == "begin":
                    self.field_instr = []
                elif kind == "separate" and self.field_instr is not None:
                    name = "".join(self.field_instr).split()
                    name = name[0].upper() if name else ""
                    self.field_instr = None
                    if name in PAGE_FIELDS:
                        flush()
                        self.has_page_field = True
                        segments[-1].append(f'<span class="field" data-field="{name}"></span>')
                        self.field_skip = True
                elif kind == "end":
                    self.field_instr = None
                    self.field_skip = False
                continue
            if tag == qn("w:instrText"):
                if self.field_instr is not None:
                    self.field_instr.append(child.text or "")
                continue
            if self.field_skip or self.field_instr is not None:
                continue
            if tag == qn("w:t"):
                pieces.append(_esc(child.text or ""))
            elif tag == qn("w:tab"):
                pieces.append('<span class="tab">\t</span>')
            elif tag in (qn("w:br"), qn("w:cr")):
                if child.get(qn("w:type")) == "page":
                    flush()
                    segments.append([])
                else:
                    pieces.append("<br>")
            elif tag == qn("w:noBreakHyphen"):
                pieces.append("\u2011")
            elif tag == qn("w:softHyphen"):
                pieces.append("\u00ad")
            elif tag == qn("w:lastRenderedPageBreak"):
                continue
            elif tag == qn("w:drawing"):
                flush()
                segments[-1].append(self.image(child))
        flush()

    @staticmethod
    def _wrap(content: str, props: dict[str, Any]) -> str:
        """Semantic tags for the common marks; a span only for what has no tag."""
        if props.get("b"):
            content = f"<strong>{content}</strong>"
        if props.get("i"):
            content = f"<em>{content}</em>"
        if props.get("u"):
            content = f"<u>{content}</u>"
        if props.get("strike"):
            content = f"<s>{content}</s>"
        va = props.get("vertAlign")
        if va == "superscript":
            content = f"<sup>{content}</sup>"
        elif va == "subscript":
            content = f"<sub>{content}</sub>"
        css = []
        if "sz" in props:
            css.append(f"font-size:{props['sz']:g}pt")
        if props.get("caps"):
            css.append("text-transform:uppercase")
        if props.get("b") is False:
            css.append("font-weight:normal")
        if props.get("i") is False:
            css.append("font-style:normal")
        if css:
            content = f'<span style="{";".join(css)}">{content}</span>'
        return content

    def image(self, drawing: Any) -> str:
        blip = next(drawing.iter(A_BLIP), None)
        if blip is None:
            return ""
        rid = blip.get(R_EMBED)
        try:
            img_part = self.part.related_parts[rid]
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
            w = _num(extent.get("cx")) / EMU_PER_CM
            h = _num(extent.get("cy")) / EMU_PER_CM
            style = f' style="width:{w:.2f}cm;height:{h:.2f}cm"'
        data = base64.b64encode(img_part.blob).decode("ascii")
        cls = "anchored" if next(drawing.iter(WP_ANCHOR), None) is not None else "inline"
        return f'<img class="{cls}" src="data:{img_part.content_type};base64,{data}" alt="{_esc(alt)}"{style}>'

    # -- tables
    def table(self, tbl: Any) -> str:
        grid = [_num(c.get(qn("w:w"))) / TWIP_PER_CM for c in tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        tblpr = tbl.find(qn("w:tblPr"))
        bordered = False
        if tblpr is not None:
            ts = tblpr.find(qn("w:tblStyle"))
            if ts is not None and self.styles.name(ts.get(qn("w:val"))).lower() == "table grid":
                bordered = True
            borders = tblpr.find(qn("w:tblBorders"))
            if borders is not None and any(b.get(qn("w:val")) not in (None, "nil", "none") for b in borders):
                bordered = True
        # Place cells on the grid first, so vMerge continuations can extend the cell above.
        rows: list[list[dict[str, Any]]] = []
        anchor: dict[int, dict[str, Any]] = {}
        for tr in tbl.findall(qn("w:tr")):
            row: list[dict[str, Any]] = []
            col = 0
            trpr = tr.find(qn("w:trPr"))
            header = trpr is not None and _on(trpr.find(qn("w:tblHeader")))
            for tc in tr.findall(qn("w:tc")):
                tcpr = tc.find(qn("w:tcPr"))
                span, vmerge = 1, None
                if tcpr is not None:
                    gs = tcpr.find(qn("w:gridSpan"))
                    span = int(_num(gs.get(qn("w:val")), 1)) if gs is not None else 1
                    vm = tcpr.find(qn("w:vMerge"))
                    if vm is not None:
                        vmerge = vm.get(qn("w:val"), "continue")
                if vmerge == "continue" and col in anchor:
                    anchor[col]["rowspan"] += 1
                else:
                    cell = {"tc": tc, "colspan": span, "rowspan": 1, "header": header}
                    row.append(cell)
                    anchor[col] = cell
                col += span
            rows.append(row)
        cls = ' class="bordered"' if bordered else ""
        out = [f"<table{cls}>"]
        if grid:
            out.append("<colgroup>" + "".join(f'<col style="width:{w:.2f}cm">' for w in grid) + "</colgroup>")
        for row in rows:
            out.append("<tr>")
            for cell in row:
                tag = "th" if cell["header"] else "td"
                attrs = ""
                if cell["colspan"] > 1:
                    attrs += f' colspan="{cell["colspan"]}"'
                if cell["rowspan"] > 1:
                    attrs += f' rowspan="{cell["rowspan"]}"'
                out.append(f"<{tag}{attrs}>{self.blocks(cell['tc'])}</{tag}>")
            out.append("</tr>")
        out.append("</table>")
        return "".join(out)

    # -- CSS for used styles
    def style_css(self) -> str:
        rules = []
        for style_id in sorted(self.styles.used):
            css = _paragraph_css(self.styles.ppr(style_id)) + _run_css(self.styles.rpr(style_id))
            if css:
                rules.append(f".{_css_class(style_id)}{{{';'.join(css)}}}")
        return "\n".join(rules)


# --------------------------------------------------------------------------- headers/footers

def _text_only(container: Any) -> bool:
    return not any(True for _ in container.iter(qn("w:drawing"), qn("w:tbl"), qn("w:pict")))


def _content_string(walker: _Walker, container: Any) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """A text-only header/footer as a CSS ``content`` value (fields → counters)."""
    parts: list[str] = []
    first_style: str | None = None
    for p in container.findall(qn("w:p")):
        segs = walker.inline(p)
        text = "".join(segs)
        if not re.sub(r"<[^>]+>", "", text).strip() and "data-field" not in text:
            continue
        ppr = p.find(qn("w:pPr"))
        if first_style is None:
            ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
            first_style = ps.get(qn("w:val")) if ps is not None else walker.styles.default_id
        if parts:
            parts.append('"\\A"')
        for token in re.split(r'(<span class="field" data-field="[A-Z]+"></span>)', text):
            m = re.match(r'<span class="field" data-field="([A-Z]+)"></span>', token)
            if m:
                parts.append(PAGE_FIELDS[m.group(1)])
            elif token:
                plain = html.unescape(re.sub(r"<[^>]+>", "", token))
                parts.append('"' + plain.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"')
    if not parts:
        return None
    ppr_props = walker.styles.ppr(first_style)
    p0 = container.find(qn("w:p"))
    _read_ppr(p0.find(qn("w:pPr")) if p0 is not None else None, ppr_props)
    return " ".join(parts), ppr_props, walker.styles.rpr(first_style)


def _margin_box(walker: _Walker, container: Any, where: str, running_name: str,
                distance_cm: float) -> tuple[str, str]:
    """(CSS for the margin box, HTML for a running element if needed)."""
    box_pad = "padding-top" if where == "top" else "padding-bottom"
    valign = "top" if where == "top" else "bottom"
    if _text_only(container):
        result = _content_string(walker, container)
        if result is None:
            return "", ""
        content, pprops, rprops = result
        side = {"right": "right", "end": "right", "center": "center"}.get(pprops.get("jc", "left"), "left")
        css = [f"content:{content}", f"vertical-align:{valign}", f"{box_pad}:{distance_cm:.2f}cm",
               "white-space:pre-wrap", f"text-align:{side}"] + _run_css(rprops)
        if "line" in pprops and pprops.get("lineRule", "auto") != "auto":
            css.append(f"line-height:{_num(pprops['line']) / TWIP_PER_PT:g}pt")
        return f"@{where}-{side}{{{';'.join(css)}}}", ""
    inner = walker.blocks(container)
    css = (f"@{where}-center{{content:element({running_name});vertical-align:{valign};"
           f"{box_pad}:{distance_cm:.2f}cm;width:100%}}")
    return css, f'<div class="running" style="position:running({running_name})">{inner}</div>'


# --------------------------------------------------------------------------- document

BASE_CSS = """
html {{ font-family: {font}; font-size: {size}pt; line-height: {line}; color: #000; }}
body {{ margin: 0; }}
p, li, h1, h2, h3, h4, h5, h6 {{ margin: 0; white-space: pre-wrap; tab-size: 1.25cm; font-size: 1em;
  orphans: 2; widows: 2; }}
h1, h2, h3, h4, h5, h6 {{ break-after: avoid; }}
ul, ol {{ margin: 0; padding-left: 0.63cm; }}
table {{ border-collapse: collapse; table-layout: fixed; }}
td, th {{ vertical-align: top; padding: 0 0.19cm 0 0; text-align: left; font-weight: normal; }}
table.bordered td, table.bordered th {{ border: 0.5pt solid #000; padding: 0 0.19cm; }}
aside.frame {{ margin: 0; }}
img {{ image-rendering: crisp-edges; }}
.page-break {{ break-after: page; }}
.running {{ font-size: 1em; }}
"""


def docx_to_html(docx_bytes: bytes, *, font_family: str, title: str, lang: str = "nl") -> str:
    """Convert a (filled) DOCX into a complete HTML document for WeasyPrint."""
    if not FONT_FAMILY_OK.match(font_family):
        raise ValueError("font_family may only contain letters, digits, spaces, '-' and '_'")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise ValueError("lang must be a BCP 47 tag such as 'nl' or 'nl-NL'")
    doc = Document(io.BytesIO(docx_bytes))
    walker = _Walker(doc)
    body = walker.blocks(doc.element.body)

    sect = doc.sections[0]
    title_pg = sect.different_first_page_header_footer
    page_css: list[str] = []
    first_css: list[str] = []
    running: list[str] = []
    slots = [("top", sect.header, "head", sect.header_distance), ("bottom", sect.footer, "foot", sect.footer_distance)]
    first_slots = [("top", sect.first_page_header, "firsthead", sect.header_distance),
                   ("bottom", sect.first_page_footer, "firstfoot", sect.footer_distance)]
    for target, group in ((page_css, slots), (first_css, first_slots if title_pg else [])):
        for where, hf, name, distance in group:
            if hf.is_linked_to_previous:  # no definition: nothing to show
                # An empty box on the first page must still hide the default content.
                if target is first_css:
                    target.append(f"@{where}-left{{content:none}}@{where}-center{{content:none}}"
                                  f"@{where}-right{{content:none}}")
                continue
            walker.part = hf.part
            css, run_html = _margin_box(walker, hf._element, where, name, distance.cm if distance else 1.0)
            walker.part = doc.part
            if target is first_css:
                # Blank the other boxes so the default header does not bleed into page 1.
                target.append("".join(f"@{where}-{s}{{content:none}}" for s in ("left", "center", "right")))
            target.append(css)
            running.append(run_html)

    normal = walker.styles.rpr(walker.styles.default_id)
    normal_p = walker.styles.ppr(walker.styles.default_id)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        base: dict[str, Any] = {}
        _read_rpr(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"), base)
        normal = {**base, **normal}
    size = normal.get("sz", 11.0)
    line = f"{SINGLE_LINE_EM}"
    if "line" in normal_p:
        line = (f"{_num(normal_p['line']) / TWIP_PER_PT:g}pt" if normal_p.get("lineRule", "auto") != "auto"
                else f"{_num(normal_p['line']) / 240.0 * SINGLE_LINE_EM:.3g}")

    page = (f"@page {{ size: {sect.page_width.cm:.2f}cm {sect.page_height.cm:.2f}cm; "
            f"margin: {sect.top_margin.cm:.2f}cm {sect.right_margin.cm:.2f}cm "
            f"{sect.bottom_margin.cm:.2f}cm {sect.left_margin.cm:.2f}cm; "
            f"font-family: \"{font_family}\"; font-size: {size:g}pt; {' '.join(page_css)} }}")
    if first_css:
        page += f"\n@page :first {{ {' '.join(first_css)} }}"
    css = (BASE_CSS.format(font=f'"{font_family}"', size=f"{size:g}", line=line)
           + page + "\n" + walker.style_css())
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
            f"<style>{css}</style></head><body>{''.join(running)}{body}</body></html>")
