"""The pieces the shipped letter templates are built from (python-docx): page geometry,
styles, fields, the framed reference column. ``template_builder`` puts them together."""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "DejaVu Sans"  # open, installed on Debian; the PDF font is configured separately

# Page geometry (cm). The body column is narrow; the right margin holds the reference column.
PAGE_W, PAGE_H = 21.0, 29.7
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 4.0, 2.5, 2.3, 6.0
HEADER_DISTANCE, FOOTER_DISTANCE = 1.2, 1.2
FRAME_X, FRAME_Y, FRAME_W = 15.6, 4.0, 4.6
LOGO_W, LOGO_H = 1.2, 2.0  # cm: the logo slot's box; an uploaded logo is fitted into it


# --------------------------------------------------------------------------- styles

def _set_font(style, size: float, *, bold: bool | None = None, italic: bool | None = None) -> None:
    """Set font name/size and drop theme fonts, which would otherwise win in Word."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic


def _set_lang(style, lang: str = "nl-NL") -> None:
    rpr = style.element.get_or_add_rPr()
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)


def _spacing(style, *, line: float, before: float = 0, after: float = 0, exact: bool = True) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY if exact else WD_LINE_SPACING.AT_LEAST
    pf.line_spacing = Pt(line)


def _paragraph_style(doc, name: str, size: float, line: float, *, bold: bool = False,
                     before: float = 0, after: float = 0, align=None):
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
    style.quick_style = True
    _set_font(style, size, bold=bold)
    _spacing(style, line=line, before=before, after=after)
    if align is not None:
        style.paragraph_format.alignment = align
    return style


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _set_font(normal, 9)
    _set_lang(normal)
    _spacing(normal, line=12)
    # The ministry's name right of the logo's ribbon, as the Rijkshuisstijl wordmark stands.
    head = _paragraph_style(doc, "Briefhoofd", 11.5, 13, before=8, align=WD_ALIGN_PARAGRAPH.LEFT)
    head.paragraph_format.left_indent = Cm(PAGE_W / 2 + LOGO_W / 2 + 0.2 - MARGIN_LEFT)
    _paragraph_style(doc, "Retouradres", 6.5, 9)
    _paragraph_style(doc, "Referentiegegevens", 6.5, 9)
    _paragraph_style(doc, "Referentiekop", 6.5, 9, bold=True)
    _paragraph_style(doc, "Kopregel", 6.5, 9)
    _paragraph_style(doc, "Tabelkop", 9, 12)
    logo = _paragraph_style(doc, "Logo", 9, 12)
    logo.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact leading would clip the image  # looks like Normal; marks a table's header cells
    _paragraph_style(doc, "Voettekst", 6.5, 9)
    _paragraph_style(doc, "Heading 1", 9, 12, bold=True, after=12)
    _paragraph_style(doc, "Heading 2", 9, 12, bold=True, before=12)
    _paragraph_style(doc, "Heading 3", 9, 12, bold=False, before=12)
    for name in ("List Bullet", "List Number"):
        _spacing(doc.styles[name], line=12)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.italic = name == "Heading 3"


# --------------------------------------------------------------------------- helpers

def _page_setup(doc) -> None:
    s = doc.sections[0]
    s.start_type = WD_SECTION.NEW_PAGE
    s.page_width, s.page_height = Cm(PAGE_W), Cm(PAGE_H)
    s.top_margin, s.bottom_margin = Cm(MARGIN_TOP), Cm(MARGIN_BOTTOM)
    s.left_margin, s.right_margin = Cm(MARGIN_LEFT), Cm(MARGIN_RIGHT)
    s.header_distance, s.footer_distance = Cm(HEADER_DISTANCE), Cm(FOOTER_DISTANCE)
    s.different_first_page_header_footer = True


def simple_field(paragraph, instr: str, cached: str) -> None:
    """A simple field (PAGE, NUMPAGES); Word/LO compute it, the walker maps it to CSS counters."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), f" {instr} ")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = cached
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def _frame(paragraph) -> None:
    """Put the paragraph in the page-anchored reference-column frame."""
    ppr = paragraph._p.get_or_add_pPr()
    fp = OxmlElement("w:framePr")
    for key, value in (("w", int(FRAME_W * 567)), ("hSpace", 142), ("wrap", "around"),
                       ("vAnchor", "page"), ("hAnchor", "page"),
                       ("x", int(FRAME_X * 567)), ("y", int(FRAME_Y * 567))):
        fp.set(qn(f"w:{key}"), str(value))
    # framePr must come right after pStyle/keepNext etc.; after pStyle is valid here.
    pstyle = ppr.find(qn("w:pStyle"))
    if pstyle is not None:
        pstyle.addnext(fp)
    else:
        ppr.insert(0, fp)


def _ref(doc, text: str, style: str = "Referentiegegevens", container=None):
    p = (container or doc).add_paragraph(text, style=doc.styles[style])
    _frame(p)
    return p


def _page_x_of_y(doc, container=None):
    """"Pagina x van y" as the reference column's last line, with real PAGE/NUMPAGES fields."""
    p = _ref(doc, "Pagina ", container=container)
    simple_field(p, "PAGE", "1")
    p.add_run(" van ")
    simple_field(p, "NUMPAGES", "2")
    return p
