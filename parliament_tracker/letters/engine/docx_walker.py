"""DOCX → HTML, part 2: the walker over the document body (paragraphs, runs, fields, lists,
frames, images, tables), producing escaped HTML and the CSS of the styles it met. Lists are
read by ``docx_lists``, tables and images written by ``docx_tables``.
"""

from __future__ import annotations

import re
from typing import Any

from parliament_tracker.letters.engine.docx_blocks import Blocks
from parliament_tracker.letters.engine.docx_lists import list_indents, list_item_css, numbering, open_list_item
from parliament_tracker.letters.engine.docx_styles import (
    PAGE_FIELDS,
    R_ID,
    SAFE_LINK,
    SIGNATURE_BOOKMARK,
    TWIP_PER_CM,
    TWIP_PER_PT,
    Styles,
    css_class,
    esc,
    paragraph_css,
    read_ppr,
    read_rpr,
    run_css,
    to_float,
)
from parliament_tracker.letters.engine.docx_tables import TablesMixin, image
from parliament_tracker.letters.engine.ooxml import qn


def _keep_spaces(html_text: str) -> str:
    """Under ``white-space: normal``: a space after a space, or at the start, becomes a no-break
    space, so the text keeps every space Word shows (tags hold no double spaces)."""
    return re.sub(r"(?:(?<= )|^) ", "\u00a0", html_text)


class Walker(TablesMixin):
    """One document's body → HTML; lists in ``docx_lists``, tables and images in ``docx_tables``."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.styles = Styles.from_document(doc)
        self.numbering = numbering(doc)
        self.list_indents = list_indents(doc)
        self.part = doc.part
        self.field_instr: list[str] | None = None  # collecting a complex field's instruction
        self.field_skip = False  # inside the cached result of a PAGE/NUMPAGES field
        self.has_page_field = False
        # Paragraphs whose page numbers a margin box draws (docx2html._first_page_column): kept
        # in the flow for their height, hidden, without the fields that would make WeasyPrint
        # lay the page out again once the page count is known.
        self.hidden: set[Any] = set()
        self.page_fields = True

    # -- blocks
    def blocks(self, container: Any) -> str:
        out = Blocks()
        for child in container.iterchildren():
            tag = child.tag
            if tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    out.close_all()
                    out.parts.append(self.blocks(content))
            elif tag == qn("w:tbl"):
                out.close_all()
                out.parts.append(self.table(child))
            elif tag == qn("w:p"):
                self._block_paragraph(out, child)
        out.close_all()
        return "".join(out.parts)

    def _block_paragraph(self, out: Blocks, p: Any) -> None:
        """A paragraph in a frame (grouped with the frame's next paragraphs), a list item, or
        a plain paragraph."""
        ppr = p.find(qn("w:pPr"))
        style_id = self._style_id(ppr)
        frame_css = self._frame_css(ppr)
        if frame_css is not None:
            out.close_lists()
            out.in_frame(frame_css).append(self.hidden_paragraph(p) if p in self.hidden
                                           else self.paragraph(p, style_id, ppr))
            return
        out.close_frame()
        props = self.styles.ppr(style_id)
        read_ppr(ppr, props)
        key = (props.get("numId"), props.get("ilvl", "0"))
        if key[0] and key[0] != "0" and key in self.numbering:
            open_list_item(out.parts, out.lists, int(to_float(key[1])), *self.numbering[key])
            out.parts.append(self.paragraph(p, style_id, ppr, as_tag="li", list_key=key))
            return
        out.close_lists()
        out.parts.append(self.paragraph(p, style_id, ppr))

    def hidden_paragraph(self, p: Any) -> str:
        """A paragraph that takes its room but shows nothing and has no page fields."""
        ppr = p.find(qn("w:pPr"))
        self.page_fields = False
        try:
            html = self.paragraph(p, self._style_id(ppr), ppr)
        finally:
            self.page_fields = True
        # On the paragraph's own tag (no wrapper: every box costs WeasyPrint style and layout work).
        tag = re.match(r"<(\w+)", html)
        if tag is None or html.count(f"<{tag.group(1)}") != 1 or "page-break" in html:
            return f'<div style="visibility:hidden">{html}</div>'
        if ' style="' in html.split(">", 1)[0]:
            return html.replace(' style="', ' style="visibility:hidden;', 1)
        return html.replace(f"<{tag.group(1)}", f'<{tag.group(1)} style="visibility:hidden"', 1)

    def _style_id(self, ppr: Any) -> str | None:
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return (style.get(qn("w:val")) if style is not None else None) or self.styles.default_id

    def _frame_css(self, ppr: Any) -> str | None:
        fp = ppr.find(qn("w:framePr")) if ppr is not None else None
        if fp is None or fp.get(qn("w:dropCap")):
            return None
        sect = self.doc.sections[0]
        width = to_float(fp.get(qn("w:w"))) / TWIP_PER_CM
        x = to_float(fp.get(qn("w:x"))) / TWIP_PER_CM
        y = to_float(fp.get(qn("w:y"))) / TWIP_PER_CM
        css = [f"width:{width:.2f}cm"] if width else []
        if fp.get(qn("w:hAnchor")) == "page" and fp.get(qn("w:vAnchor")) == "page":
            # Absolute boxes are placed against the page area, so subtract the margins.
            css += ["position:absolute", f"left:{x - sect.left_margin.cm:.2f}cm",
                    f"top:{y - sect.top_margin.cm:.2f}cm"]
        else:
            css += ["float:right", "margin-left:0.4cm"]
        return ";".join(css)

    def paragraph(self, p: Any, style_id: str | None, ppr: Any, as_tag: str | None = None,
                  list_key: tuple[str, str] | None = None) -> str:
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
            attrs.append(f'class="{css_class(style_id)}"')
        direct: dict[str, Any] = {}
        read_ppr(ppr, direct)
        direct.pop("numId", None)
        direct.pop("ilvl", None)
        list_css: list[str] = []
        if as_tag == "li":  # list indentation: the numbering level's, or the paragraph's own w:ind
            list_css = list_item_css(self.list_indents, *(list_key or ("0", "0")), direct)
            for k in [k for k in direct if k.startswith("ind_")]:
                direct.pop(k)
        css = paragraph_css(direct) + list_css
        if css:
            attrs.append(f'style="{";".join(css)}"')
        sect_break = ppr is not None and ppr.find(qn("w:sectPr")) is not None
        segments = self.inline(p)
        if (direct.get("jc") or self.styles.ppr(style_id).get("jc")) in ("both", "distribute"):
            # pre-wrap keeps spaces but turns justification off: justified paragraphs wrap
            # normally and keep their extra spaces as no-break spaces instead.
            attrs = [a.replace('class="', 'class="justify ', 1) for a in attrs] if style_id else attrs
            if not style_id:
                attrs.insert(0, 'class="justify"')
            segments = [_keep_spaces(seg) for seg in segments]
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
                    segments[-1].append(f'<a href="{esc(target)}">')
                    self._inline_children(child, segments)
                    segments[-1].append("</a>")
                else:
                    self._inline_children(child, segments)
            elif tag == qn("w:fldSimple"):
                instr = (child.get(qn("w:instr")) or "").split()
                name = instr[0].upper() if instr else ""
                if name in PAGE_FIELDS:
                    self.has_page_field = True
                    if self.page_fields:
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
        read_rpr(r.find(qn("w:rPr")), props)
        pieces: list[str] = []

        def flush() -> None:
            if pieces:
                segments[-1].append(self._wrap("".join(pieces), props))
                pieces.clear()

        for child in r.iterchildren():
            tag = child.tag
            if tag == qn("w:fldChar"):
                self._field_char(child, segments, flush)
            elif tag == qn("w:instrText"):
                if self.field_instr is not None:
                    self.field_instr.append(child.text or "")
            elif self.field_skip or self.field_instr is not None:
                continue  # a field's instruction, or the stale result of a page field
            elif tag in (qn("w:br"), qn("w:cr")) and child.get(qn("w:type")) == "page":
                flush()
                segments.append([])
            elif tag == qn("w:drawing"):
                flush()
                segments[-1].append(image(self.part, child))
            elif (text := self._run_text(child)) is not None:
                pieces.append(text)
        flush()

    def _field_char(self, child: Any, segments: list[list[str]], flush: Any) -> None:
        """A field's begin, separate or end: PAGE and NUMPAGES become placeholders the PDF
        renderer fills; the result Word last computed for them is skipped."""
        kind = child.get(qn("w:fldCharType"))
        if kind == "begin":
            self.field_instr = []
        elif kind == "separate" and self.field_instr is not None:
            words = "".join(self.field_instr).split()
            name = words[0].upper() if words else ""
            self.field_instr = None
            if name in PAGE_FIELDS:
                flush()
                self.has_page_field = True
                if self.page_fields:
                    segments[-1].append(f'<span class="field" data-field="{name}"></span>')
                self.field_skip = True
        elif kind == "end":
            self.field_instr = None
            self.field_skip = False

    @staticmethod
    def _run_text(child: Any) -> str | None:
        """The HTML of a run's text element (a line break: page breaks are handled before);
        None for what shows nothing (deleted text, rendered page breaks, proofing marks)."""
        tag = child.tag
        if tag == qn("w:t"):
            return esc(child.text or "")
        if tag == qn("w:tab"):
            return '<span class="tab">\t</span>'
        if tag in (qn("w:br"), qn("w:cr")):
            return "<br>"
        if tag == qn("w:noBreakHyphen"):
            return "\u2011"
        if tag == qn("w:softHyphen"):
            return "\u00ad"
        return None

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

    # -- CSS for used styles
    def style_css(self) -> str:
        rules = []
        for style_id in sorted(self.styles.used):
            ppr = self.styles.ppr(style_id)
            css = paragraph_css(ppr) + run_css(self.styles.rpr(style_id))
            if css:
                rules.append(f".{css_class(style_id)}{{{';'.join(css)}}}")
            if ppr.get("contextualSpacing"):
                # Word's "don't add space between paragraphs of the same style": the next one's
                # negative top margin collapses with this one's bottom margin to nothing.
                after = to_float(ppr.get("after")) / TWIP_PER_PT
                cls = css_class(style_id)
                rules.append(f".{cls}+.{cls}{{margin-top:{-after:g}pt}}")
        return "\n".join(rules)
