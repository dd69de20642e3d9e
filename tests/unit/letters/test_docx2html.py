"""The DOCX → HTML walker on its own (no WeasyPrint)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from letters_helpers import docx_bytes, pdf_text_pages
from PIL import Image

from parliament_tracker.letters.engine.docx2html import docx_to_html

VOID = {"br", "img", "col", "meta", "hr", "input", "link"}


class _Balance(HTMLParser):
    """Checks that every non-void tag is closed in order: the walker must emit well-formed HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def assert_balanced(html: str) -> None:
    parser = _Balance()
    parser.feed(html)
    assert parser.errors == [] and parser.stack == []


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def sample_html() -> str:
    doc = Document()
    doc.add_heading("Kop van de brief", level=1)
    p = doc.add_paragraph("Gewoon, ")
    p.add_run("vet").bold = True
    p.add_run(" en ")
    p.add_run("schuin").italic = True
    p.add_run(" en ")
    p.add_run("onderstreept").underline = True
    p.add_run(" <script>alert('x')</script> & meer")
    br = doc.add_paragraph("Regel een")
    br.add_run().add_break()
    br.add_run("regel twee")
    doc.add_paragraph("Postcode 2500 EA  DEN HAAG")
    doc.add_paragraph("eerste punt", style="List Bullet")
    doc.add_paragraph("tweede punt", style="List Bullet")
    doc.add_paragraph("stap een", style="List Number")
    doc.add_paragraph("stap twee", style="List Number")
    table = doc.add_table(rows=2, cols=2)
    table.style = doc.styles["Table Grid"]
    table.cell(0, 0).text = "Datum"
    table.cell(0, 1).text = "23 november 2021"
    table.cell(1, 0).text = "Onderwerp"
    table.cell(1, 1).text = "Reactie"
    doc.add_picture(io.BytesIO(png_bytes()), width=Cm(4))
    doc.inline_shapes[0]._inline.docPr.set("descr", "Handtekening van de staatssecretaris")
    pb = doc.add_paragraph("voor de pagina-einde")
    pb.add_run().add_break(WD_BREAK.PAGE)
    pb.add_run("na het pagina-einde")
    doc.add_paragraph("")
    doc.sections[0].header.paragraphs[0].text = "Kenmerk 3612345"
    return docx_to_html(docx_bytes(doc), font_family="DejaVu Sans", title="Proef <brief>")


def test_document_shell(sample_html):
    assert sample_html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl-NL">' in sample_html
    assert "<title>Proef &lt;brief&gt;</title>" in sample_html
    assert 'font-family: "DejaVu Sans"' in sample_html
    assert "size: 21.00cm 29.70cm" in sample_html or "size: 21.59cm 27.94cm" in sample_html
    assert_balanced(sample_html)


def test_headings_and_runs(sample_html):
    assert re.search(r"<h1[^>]*>Kop van de brief</h1>", sample_html)
    assert "<strong>vet</strong>" in sample_html
    assert "<em>schuin</em>" in sample_html
    assert "<u>onderstreept</u>" in sample_html


def test_text_is_escaped(sample_html):
    assert "<script>" not in sample_html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; meer" in sample_html


def test_line_break_and_double_space(sample_html):
    assert "Regel een<br>regel twee" in sample_html
    assert "2500 EA  DEN HAAG" in sample_html and "white-space: pre-wrap" in sample_html


def test_lists(sample_html):
    ul = re.search(r"<ul[^>]*>(.*?)</ul>", sample_html, re.S)
    ol = re.search(r"<ol[^>]*>(.*?)</ol>", sample_html, re.S)
    assert ul and ol
    assert re.findall(r"<li[^>]*>([^<]*)", ul.group(1)) == ["eerste punt", "tweede punt"]
    assert re.findall(r"<li[^>]*>([^<]*)", ol.group(1)) == ["stap een", "stap twee"]


def test_table(sample_html):
    table = re.search(r'<table class="bordered">(.*?)</table>', sample_html, re.S)
    assert table
    cells = re.findall(r"<td><p[^>]*>([^<]*)</p></td>", table.group(1))
    assert cells == ["Datum", "23 november 2021", "Onderwerp", "Reactie"]
    assert table.group(1).count("<tr>") == 2 and "<colgroup>" in table.group(1)


def test_image_with_alt_text(sample_html):
    img = re.search(r"<img [^>]*>", sample_html)
    assert img
    tag = img.group(0)
    assert 'src="data:image/png;base64,' in tag
    assert 'alt="Handtekening van de staatssecretaris"' in tag
    assert "width:4.00cm" in tag


def test_page_break_splits_the_paragraph(sample_html):
    assert re.search(r'voor de pagina-einde</p><div class="page-break"></div><p[^>]*>na het pagina-einde</p>',
                     sample_html)


def test_empty_paragraph_keeps_a_line(sample_html):
    assert re.search(r'<p class="s-Normal"><br></p>', sample_html)


def test_header_becomes_margin_box_content(sample_html):
    assert '@top-left{content:"Kenmerk 3612345"' in sample_html


def test_page_fields_become_counters_and_frames_become_sections(kamerbrief_template, seed_letter):
    from letters_helpers import seed_context

    from parliament_tracker.letters.engine.fill import fill_template

    html = docx_to_html(fill_template(kamerbrief_template, seed_context(seed_letter)),
                        font_family="Liberation Sans", title="x")
    assert "@page :first" in html  # letterhead only on page 1
    frames = re.findall(r'<section class="frame" style="([^"]*)">(.*?)</section>', html, re.S)
    assert len(frames) == 2  # the logo slot and the reference column
    style, column = frames[1]
    assert "position:absolute" in style
    assert "Ons kenmerk" in column and "2021Z19241" in column
    # "Pagina x van y": in the body the column keeps the line's room but not its fields (page
    # counters in the body make WeasyPrint lay the page out three times); page 1's right margin
    # box shows a copy of the column, placed as it is, where only that line is visible
    assert 'data-field' not in column
    assert '<p style="visibility:hidden" class="s-Referentiegegevens">Pagina  van </p>' in column
    assert "@right-top{content:element(firstref);vertical-align:top;padding-left:0.60cm;padding-top:0.00cm" in html
    first = html.split('<div class="running column" style="position:running(firstref)', 1)[1].split("<section", 1)[0]
    assert 'Pagina <span class="field" data-field="PAGE"></span> van <span class="field" data-field="NUMPAGES">' in first
    assert "Uw kenmerk" in first and first.count('<p style="visibility:hidden"') == first.count("<p ") - 1
    assert '.field[data-field="PAGE"]::before{content:counter(page)}' in html
    # the following pages repeat the column in the right margin box, not on page 1
    assert "@right-top{content:element(headref)" in html and "@right-top{content:none}" in html
    running = re.search(r'<div class="running column" style="position:running\(headref\)[^"]*">(.*?)</div>', html, re.S)
    assert running and "Ons kenmerk" in running.group(1) and "3612345" in running.group(1)
    assert 'data-field="NUMPAGES"' in running.group(1)
    assert 'font-family: "Liberation Sans"' in html
    assert_balanced(html)


def test_complex_field_is_mapped_and_its_cached_value_dropped():
    doc = Document()
    p = doc.add_paragraph("Pagina ")

    def fld(kind: str) -> None:
        r = OxmlElement("w:r")
        f = OxmlElement("w:fldChar")
        f.set(qn("w:fldCharType"), kind)
        r.append(f)
        p._p.append(r)

    fld("begin")
    r = OxmlElement("w:r")
    it = OxmlElement("w:instrText")
    it.text = " PAGE \\* MERGEFORMAT "
    r.append(it)
    p._p.append(r)
    fld("separate")
    p.add_run("99")
    fld("end")
    doc.sections[0].footer._element.append(p._p)  # move the paragraph into the footer
    html = docx_to_html(docx_bytes(doc), font_family="DejaVu Sans", title="x")
    assert 'content:"Pagina " counter(page)' in html
    assert "99" not in html.split("<body>")[0]


def test_css_injection_through_font_family_is_refused():
    with pytest.raises(ValueError):
        docx_to_html(docx_bytes(Document()), font_family='x"; } body { background: url(file:///etc/passwd', title="x")


def test_hyperlinks_keep_safe_targets_only():
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    doc = Document()
    p = doc.add_paragraph("Zie ")

    def link(url: str, text: str) -> None:
        h = OxmlElement("w:hyperlink")
        h.set(qn("r:id"), doc.part.relate_to(url, RT.HYPERLINK, is_external=True))
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = text
        r.append(t)
        h.append(r)
        p._p.append(h)

    link("https://www.rijksoverheid.nl/", "de website")
    link("javascript:alert(1)", " en niet dit")
    html = docx_to_html(docx_bytes(doc), font_family="DejaVu Sans", title="x")
    assert '<a href="https://www.rijksoverheid.nl/">de website</a> en niet dit' in html
    assert "javascript" not in html
    assert_balanced(html)


def test_a_letter_with_page_numbers_is_laid_out_once(kamerbrief_template, seed_letter, monkeypatch):
    """Page 1's "Pagina x van y" comes from a margin box: WeasyPrint makes each page once
    (page counters in the body would make it lay page 1 out three times, issue #19)."""
    from letters_helpers import seed_context
    from weasyprint.layout import page as weasy_page

    from parliament_tracker.letters.engine.pipeline import render_letter

    made: list[int] = []
    real = weasy_page.make_page
    monkeypatch.setattr(weasy_page, "make_page", lambda *a, **k: made.append(1) or real(*a, **k))
    pdf = render_letter(kamerbrief_template, seed_context(seed_letter), font_family="DejaVu Sans").pdf
    pages = [" ".join(t.split()) for t in pdf_text_pages(pdf)]
    assert len(made) == len(pages) == 2
    assert ["Pagina 1 van 2" in pages[0], "Pagina 2 van 2" in pages[1]] == [True, True]
