"""DOCX → HTML, part 1: units, constants, and reading paragraph and run properties into CSS.

Styles are resolved along ``basedOn`` (``Styles``); ``read_ppr``/``read_rpr`` collect the
properties the walker supports, ``paragraph_css``/``run_css`` turn them into CSS.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from parliament_tracker.letters.engine.ooxml import qn

TWIP_PER_PT = 20.0
EMU_PER_CM = 360000.0
TWIP_PER_CM = 566.929
# Word's "single" line is the font's natural line height: ascent + descent, 1.164 em for DejaVu
# Sans (the default letter font; LibreOffice measured the same), ~1.15 em for Liberation Sans.
SINGLE_LINE_EM = 1.164
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}
#: a bookmark with this name marks where the visible signature goes (its top-left corner)
SIGNATURE_BOOKMARK = "sigbox"
SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
FONT_FAMILY_OK = re.compile(r"^[A-Za-z0-9 _\-]{1,64}$")
PAGE_FIELDS = {"PAGE": "counter(page)", "NUMPAGES": "counter(pages)", "SECTIONPAGES": "counter(pages)"}
R_ID = qn("r:id")
R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
ADEC_DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
WP_EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
WP_ANCHOR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}anchor"
BULLET_FORMATS = {"bullet", "none"}
OL_TYPES = {"decimal": "decimal", "lowerLetter": "lower-alpha", "upperLetter": "upper-alpha",
            "lowerRoman": "lower-roman", "upperRoman": "upper-roman"}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def is_on(el: Any) -> bool:
    """A toggle property such as <w:b/>, <w:b w:val="0"/>."""
    if el is None:
        return False
    return el.get(qn("w:val"), "true") not in ("0", "false", "off", "none")


def to_float(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def css_class(style_id: str) -> str:
    return "s-" + re.sub(r"[^A-Za-z0-9_-]", "_", style_id)


# --------------------------------------------------------------------------- properties

def read_ppr(ppr: Any, into: dict[str, Any]) -> None:
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
    for key in ("keepNext", "pageBreakBefore", "contextualSpacing"):
        el = ppr.find(qn(f"w:{key}"))
        if el is not None:
            into[key] = is_on(el)
    numpr = ppr.find(qn("w:numPr"))
    if numpr is not None:
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        if num_id is not None:
            into["numId"] = num_id.get(qn("w:val"))
        if ilvl is not None:
            into["ilvl"] = ilvl.get(qn("w:val"))


def read_rpr(rpr: Any, into: dict[str, Any]) -> None:
    if rpr is None:
        return
    for key in ("b", "i", "strike", "caps"):
        el = rpr.find(qn(f"w:{key}"))
        if el is not None:
            into[key] = is_on(el)
    u = rpr.find(qn("w:u"))
    if u is not None:
        into["u"] = u.get(qn("w:val"), "single") != "none"
    sz = rpr.find(qn("w:sz"))
    if sz is not None:
        into["sz"] = to_float(sz.get(qn("w:val"))) / 2.0
    va = rpr.find(qn("w:vertAlign"))
    if va is not None:
        into["vertAlign"] = va.get(qn("w:val"))


def paragraph_css(p: dict[str, Any]) -> list[str]:
    css: list[str] = []
    if "before" in p:
        css.append(f"margin-top:{to_float(p['before']) / TWIP_PER_PT:g}pt")
    if "after" in p:
        css.append(f"margin-bottom:{to_float(p['after']) / TWIP_PER_PT:g}pt")
    if "line" in p:
        rule = p.get("lineRule", "auto")
        if rule == "auto":
            css.append(f"line-height:{to_float(p['line']) / 240.0 * SINGLE_LINE_EM:.4g}")
        else:  # exact and atLeast: CSS has no "at least"; the value is the usual result
            css.append(f"line-height:{to_float(p['line']) / TWIP_PER_PT:g}pt")
    jc = p.get("jc")
    if jc:
        css.append("text-align:" + {"both": "justify", "distribute": "justify", "start": "left",
                                    "end": "right"}.get(jc, jc if jc in ("left", "right", "center") else "left"))
    if "ind_left" in p:
        css.append(f"margin-left:{to_float(p['ind_left']) / TWIP_PER_PT:g}pt")
    if "ind_right" in p:
        css.append(f"margin-right:{to_float(p['ind_right']) / TWIP_PER_PT:g}pt")
    if "ind_firstLine" in p:
        css.append(f"text-indent:{to_float(p['ind_firstLine']) / TWIP_PER_PT:g}pt")
    elif "ind_hanging" in p:
        css.append(f"text-indent:-{to_float(p['ind_hanging']) / TWIP_PER_PT:g}pt")
    if p.get("keepNext"):
        css.append("break-after:avoid")
    if p.get("pageBreakBefore"):
        css.append("break-before:page")
    return css


def run_css(r: dict[str, Any]) -> list[str]:
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
class Styles:
    """Paragraph styles of the document, resolved along ``basedOn``."""

    by_id: dict[str, Any]
    default_id: str | None
    used: set[str] = field(default_factory=set)
    #: the document defaults' paragraph properties (w:docDefaults/w:pPrDefault): every style starts
    #: from them, as in Word (e.g. 10 pt after and 1.15 lines in Word's own Normal template)
    default_ppr: Any = None
    # A style's resolved properties, per document: a letter asks for the same few styles ~80 times.
    # Callers add direct formatting to what they get, so they get a copy.
    _ppr: dict[str | None, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)
    _rpr: dict[str | None, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_document(cls, doc: Any) -> Styles:
        root = doc.styles.element
        by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        default_id = None
        for s in root.findall(qn("w:style")):
            if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true", "on"):
                default_id = s.get(qn("w:styleId"))
        defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}")
        return cls(by_id, default_id, default_ppr=defaults)

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
        props = self._ppr.get(style_id)
        if props is None:
            props = {}
            read_ppr(self.default_ppr, props)
            for el in self.chain(style_id):
                read_ppr(el.find(qn("w:pPr")), props)
            self._ppr[style_id] = props
        return dict(props)

    def rpr(self, style_id: str | None) -> dict[str, Any]:
        props = self._rpr.get(style_id)
        if props is None:
            props = {}
            for el in self.chain(style_id):
                read_rpr(el.find(qn("w:rPr")), props)
            self._rpr[style_id] = props
        return dict(props)
