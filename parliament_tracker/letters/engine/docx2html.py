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
  drawing extent, alt text from ``docPr/@descr`` (then ``@title``); an image Word marks
  "decorative" (``adec:decorative``) becomes a CSS background, which WeasyPrint draws as an
  ``/Artifact`` outside the structure tree;
- paragraphs in a page-anchored frame (``w:framePr``) become an absolutely
  positioned ``<section>`` (a ``/Sect`` in the tagged PDF): the Kamerbrief reference column,
  in the structure tree where it stands in the DOCX;
- headers/footers: text-only ones (with PAGE/NUMPAGES fields) become margin-box
  content strings with ``counter(page)``/``counter(pages)``; others become
  running elements. A different first page (``titlePg``) maps to ``@page :first``.

Not supported (rendered as plain flow or dropped): text boxes, floating image
wrap, columns, multiple sections with different page set-ups, footnotes,
comments, character styles, theme colours, tab stops other than the default.
"""

from __future__ import annotations

import copy
import html
import io
import re
from typing import TYPE_CHECKING, Any

from parliament_tracker.letters.engine.docx_styles import (
    FONT_FAMILY_OK,
    OL_TYPES,
    PAGE_FIELDS,
    SINGLE_LINE_EM,
    TWIP_PER_CM,
    TWIP_PER_PT,
    esc,
    read_ppr,
    read_rpr,
    run_css,
    to_float,
)
from parliament_tracker.letters.engine.docx_walker import Walker
from parliament_tracker.letters.engine.ooxml import qn

if TYPE_CHECKING:
    from docx.shared import Length

# --------------------------------------------------------------------------- headers/footers

def _cm(length: Length | None) -> float:
    """A page size or margin in cm; python-docx gives None when the section leaves it out."""
    if length is None:
        raise ValueError("The DOCX section does not give its page size and margins.")
    return length.cm


def _text_only(container: Any) -> bool:
    return not any(True for _ in container.iter(qn("w:drawing"), qn("w:tbl"), qn("w:pict")))


def _content_string(walker: Walker, container: Any) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
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
    read_ppr(p0.find(qn("w:pPr")) if p0 is not None else None, ppr_props)
    return " ".join(parts), ppr_props, walker.styles.rpr(first_style)


def _margin_box(walker: Walker, container: Any, where: str, running_name: str,
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
               "white-space:pre-wrap", f"text-align:{side}"] + run_css(rprops)
        if "line" in pprops and pprops.get("lineRule", "auto") != "auto":
            css.append(f"line-height:{to_float(pprops['line']) / TWIP_PER_PT:g}pt")
        if side == "left" and "ind_left" in pprops:  # a left box spans the page width
            css += [f"padding-left:{to_float(pprops['ind_left']) / TWIP_PER_PT:g}pt", "width:100%"]
        if where == "top" and "before" in pprops:
            css[2] = f"{box_pad}:{distance_cm + to_float(pprops['before']) / TWIP_PER_PT / 28.3465:.2f}cm"
        return f"@{where}-{side}{{{';'.join(css)}}}", ""
    inner = walker.blocks(container)
    rule = (f"@{where}-center{{content:element({running_name});vertical-align:{valign};"
            f"{box_pad}:{distance_cm:.2f}cm;width:100%}}")
    return rule, f'<div class="running" style="position:running({running_name})">{inner}</div>'


# --------------------------------------------------------------------------- document

BASE_CSS = """
html {{ font-family: {font}; font-size: {size}pt; line-height: {line}; color: #000; }}
body {{ margin: 0; }}
p, li, h1, h2, h3, h4, h5, h6 {{ margin: 0; white-space: pre-wrap; tab-size: 1.25cm; font-size: 1em;
  orphans: 2; widows: 2; }}
h1, h2, h3, h4, h5, h6 {{ break-after: avoid; }}
ul, ol {{ margin: 0; padding-left: 0; }}
/* Markers as Word and LibreOffice place them: the item's text starts at the level's left
   indent (margin-left, set per item), the marker at left - hanging in a box as wide as the
   hanging indent (--hanging, set per item). ::marker boxes cannot be sized in WeasyPrint, so
   the marker is a ::before; the item is an /LI with its /LBody in the tagged PDF. */
li {{ list-style: none; }}
li::before {{ display: inline-block; width: var(--hanging); margin-left: calc(-1 * var(--hanging));
  text-indent: 0; white-space: pre; }}
ul.bullets > li::before {{ content: "\\2022"; }}
{markers}
table {{ border-collapse: collapse; table-layout: fixed; }}
td, th {{ vertical-align: top; padding: 0 0.19cm 0 0; text-align: left; font-weight: normal; }}
table.bordered td, table.bordered th {{ border: 0.5pt solid #000; padding: 0 0.19cm; }}
section.frame {{ margin: 0; }}
.justify {{ white-space: normal; }}
.justify .tab {{ white-space: pre; }}
img, .decorative {{ image-rendering: crisp-edges; }}
.decorative {{ display: inline-block; background-repeat: no-repeat; background-size: 100% 100%; }}
.page-break {{ break-after: page; }}
.running {{ font-size: 1em; }}
"""


MARKER_CSS = "\n".join(
    f'ol.n-{t} > li::before {{ content: counter(list-item, {t}) "."; }}' for t in sorted(set(OL_TYPES.values())))


def docx_to_html(docx_bytes: bytes, *, font_family: str, title: str, lang: str = "nl-NL") -> str:
    """Convert a (filled) DOCX into a complete HTML document for WeasyPrint."""
    from docx import Document  # python-docx on the first letter, not with the app (issue #19)

    _check_names(font_family, lang)
    return document_to_html(Document(io.BytesIO(docx_bytes)), font_family=font_family, title=title, lang=lang)


def _check_names(font_family: str, lang: str) -> None:
    if not FONT_FAMILY_OK.match(font_family):
        raise ValueError("font_family may only contain letters, digits, spaces, '-' and '_'")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise ValueError("lang must be a BCP 47 tag such as 'nl' or 'nl-NL'")


def document_to_html(doc: Any, *, font_family: str, title: str, lang: str = "nl-NL") -> str:
    """``docx_to_html`` of a document python-docx already holds (``fill.fill_document``'s)."""
    _check_names(font_family, lang)
    walker = Walker(doc)
    first_column = _first_page_column(walker, doc)
    body = walker.blocks(doc.element.body)
    page_css, first_css, running = _headers_and_footers(walker, doc)
    if first_column is not None:
        first_css.append(first_column[0])
        running.append(first_column[1])
    size, line = _base_font(walker, doc)
    sect = doc.sections[0]
    page = (f"@page {{ size: {_cm(sect.page_width):.2f}cm {_cm(sect.page_height):.2f}cm; "
            f"margin: {_cm(sect.top_margin):.2f}cm {_cm(sect.right_margin):.2f}cm "
            f"{_cm(sect.bottom_margin):.2f}cm {_cm(sect.left_margin):.2f}cm; "
            f"font-family: \"{font_family}\"; font-size: {size:g}pt; {' '.join(page_css)} }}")
    if first_css:
        page += f"\n@page :first {{ {' '.join(first_css)} }}"
    css = (BASE_CSS.format(font=f'"{font_family}"', size=f"{size:g}", line=line, markers=MARKER_CSS)
           + page + "\n" + _field_css() + "\n" + walker.style_css())
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{css}</style></head><body>{''.join(running)}{body}</body></html>")


def _headers_and_footers(walker: Walker, doc: Any) -> tuple[list[str], list[str], list[str]]:
    """Margin-box CSS for every page and for a different first page, and running elements' HTML."""
    sect = doc.sections[0]
    page_css: list[str] = []
    first_css: list[str] = []
    running: list[str] = []
    slots = [("top", sect.header, "head", sect.header_distance), ("bottom", sect.footer, "foot", sect.footer_distance)]
    first_slots = [("top", sect.first_page_header, "firsthead", sect.header_distance),
                   ("bottom", sect.first_page_footer, "firstfoot", sect.footer_distance)]
    title_pg = sect.different_first_page_header_footer
    for target, group in ((page_css, slots), (first_css, first_slots if title_pg else [])):
        for where, hf, name, distance in group:
            if hf.is_linked_to_previous:  # no definition: nothing to show
                # An empty box on the first page must still hide the default content.
                if target is first_css:
                    target.append(f"@{where}-left{{content:none}}@{where}-center{{content:none}}"
                                  f"@{where}-right{{content:none}}")
                continue
            walker.part = hf.part
            container, column = _split_frames(hf._element)
            if column is not None:  # the reference column repeated on the pages this header is on
                col_css, col_html = _column_box(walker, sect, column, name + "ref")
                target.append(col_css)
                running.append(col_html)
            css, run_html = _margin_box(walker, container, where, name, distance.cm if distance else 1.0)
            walker.part = doc.part
            if target is first_css:
                # Blank the other boxes so the default header does not bleed into page 1.
                target.append("".join(f"@{where}-{s}{{content:none}}" for s in ("left", "center", "right")))
                if column is None:
                    target.append("@right-top{content:none}")
            target.append(css)
            running.append(run_html)
    return page_css, first_css, running


def _split_frames(container: Any) -> tuple[Any, list[Any] | None]:
    """A header's paragraphs in a page-anchored frame (the reference column of the following
    pages) apart from the rest: (a copy of the header without them, the frame paragraphs)."""
    frames = [p for p in container.findall(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:framePr')}") is not None]
    if not frames:
        return container, None
    rest = copy.deepcopy(container)
    for p in [p for p in rest.findall(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:framePr')}") is not None]:
        rest.remove(p)
    return rest, frames


PAGE_FIELD_WORD = re.compile(r"^\s*(PAGE|NUMPAGES|SECTIONPAGES)\b", re.IGNORECASE)


def _has_page_field(p: Any) -> bool:
    if any(PAGE_FIELD_WORD.match(f.get(qn("w:instr")) or "") for f in p.iter(qn("w:fldSimple"))):
        return True
    return any(PAGE_FIELD_WORD.match(t.text or "") for t in p.iter(qn("w:instrText")))


def _first_page_column(walker: Walker, doc: Any) -> tuple[str, str] | None:
    """Page numbers in a page-anchored frame at the start of the body (page 1's reference
    column), drawn by page 1's right margin box: (its CSS, its running element), or None.

    WeasyPrint lays a page out three times when its content uses the page counters (the page
    count is known only after layout), but resolves them in margin boxes after pagination. So
    the frame stays in the body (content, in reading order) with its page-number paragraphs
    hidden, and a copy of the frame in the margin box, placed as the frame is, shows only those
    paragraphs. Only when the frame lies in the right margin and page 1's right margin box is
    free; otherwise the fields stay in the body (slower, as correct)."""
    sect = doc.sections[0]
    hf = sect.first_page_header if sect.different_first_page_header_footer else sect.header
    if not hf.is_linked_to_previous and _split_frames(hf._element)[1] is not None:
        return None
    frame: list[Any] = []
    css = None
    for child in doc.element.body.iterchildren():
        ppr = child.find(qn("w:pPr")) if child.tag == qn("w:p") else None
        child_css = walker._frame_css(ppr) if ppr is not None else None
        if child_css is None or "position:absolute" not in child_css:
            break  # frames after other content may be on a later page
        if child_css != css:
            if any(_has_page_field(p) for p in frame):
                break
            frame, css = [], child_css
        frame.append(child)
    numbered = [p for p in frame if _has_page_field(p)]
    if not numbered:
        return None
    fp = frame[0].find(f"{qn('w:pPr')}/{qn('w:framePr')}")
    body_right = _cm(sect.page_width) - _cm(sect.right_margin)
    if to_float(fp.get(qn("w:x"))) / TWIP_PER_CM < body_right or to_float(fp.get(qn("w:y"))) / TWIP_PER_CM < _cm(sect.top_margin):
        return None
    inner = "".join(walker.paragraph(p, walker._style_id(p.find(qn("w:pPr"))), p.find(qn("w:pPr")))
                    if p in numbered else walker.hidden_paragraph(p) for p in frame)
    walker.hidden.update(numbered)
    return _column_box(walker, sect, frame, "firstref", inner)


def _column_box(walker: Walker, sect: Any, paragraphs: list[Any], running_name: str,
                inner: str | None = None) -> tuple[str, str]:
    """The frame paragraphs as a running element in the page's right margin box, placed where
    the frame says (x, y from the page's edges), with PAGE/NUMPAGES as page counters."""
    fp = paragraphs[0].find(f"{qn('w:pPr')}/{qn('w:framePr')}")
    x = to_float(fp.get(qn("w:x"))) / TWIP_PER_CM
    y = to_float(fp.get(qn("w:y"))) / TWIP_PER_CM
    width = to_float(fp.get(qn("w:w"))) / TWIP_PER_CM
    body_right = _cm(sect.page_width) - _cm(sect.right_margin)
    if inner is None:
        inner = "".join(walker.paragraph(p, walker._style_id(p.find(qn("w:pPr"))), p.find(qn("w:pPr")))
                        for p in paragraphs)
    css = (f"@right-top{{content:element({running_name});vertical-align:top;"
           f"padding-left:{max(x - body_right, 0):.2f}cm;padding-top:{max(y - _cm(sect.top_margin), 0):.2f}cm;"
           f"width:{_cm(sect.right_margin):.2f}cm}}")
    style = f"position:running({running_name})" + (f";width:{width:.2f}cm" if width else "")
    return css, f'<div class="running column" style="{style}">{inner}</div>'


def _field_css() -> str:
    """PAGE/NUMPAGES fields in the body or a running element: the page counters."""
    return ('.field[data-field="PAGE"]::before{content:counter(page)}'
            '.field[data-field="NUMPAGES"]::before,.field[data-field="SECTIONPAGES"]::before{content:counter(pages)}')


def _base_font(walker: Walker, doc: Any) -> tuple[float, str]:
    """The Normal style's font size (pt) and CSS line height, over the document defaults."""
    normal = walker.styles.rpr(walker.styles.default_id)
    normal_p = walker.styles.ppr(walker.styles.default_id)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        base: dict[str, Any] = {}
        read_rpr(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}"), base)
        normal = {**base, **normal}
    line = f"{SINGLE_LINE_EM}"
    if "line" in normal_p:
        line = (f"{to_float(normal_p['line']) / TWIP_PER_PT:g}pt" if normal_p.get("lineRule", "auto") != "auto"
                else f"{to_float(normal_p['line']) / 240.0 * SINGLE_LINE_EM:.4g}")
    return normal.get("sz", 11.0), line
