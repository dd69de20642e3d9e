"""Tagged letters: PDF/A-2a + PDF/UA-1 claims, the structure tree in the DOCX's order, artifacts,
and all of it still there after the PAdES signature (read with pikepdf)."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.shared import Cm
from letters_helpers import docx_bytes, pdf_text_pages, squash
from PIL import Image
from pypdf import PdfReader

from parliament_tracker.letters.engine.docx2html import docx_to_html
from parliament_tracker.letters.engine.pdf import render_pdf
from parliament_tracker.letters.engine.pdf_structure import SIGNATURE_DESCRIPTION
from parliament_tracker.letters.engine.signing import sign_pdf, verify_pdf

BLOCK_TAGS = {"/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/LBody"}


def _xmp(pdf: pikepdf.Pdf) -> str:
    return pdf.Root.Metadata.read_bytes().decode("utf-8")


def _document_element(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, pikepdf.Array) else kids


def _kids(element: pikepdf.Dictionary) -> list:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _mcid_text(pdf_bytes: bytes) -> dict[tuple[int, int], str]:
    """Text per (page index, MCID), from the content streams' marked-content sequences."""
    out: dict[tuple[int, int], str] = {}
    for index, page in enumerate(PdfReader(io.BytesIO(pdf_bytes)).pages):
        stack: list[int | None] = []

        def before(op, args, cm, tm, stack=stack):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else {}
                stack.append(props.get("/MCID") if hasattr(props, "get") else None)
            elif op == b"BMC":
                stack.append(None)
            elif op == b"EMC" and stack:
                stack.pop()

        def text(t, cm, tm, font, size, stack=stack, index=index):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                out[(index, mcid)] = out.get((index, mcid), "") + t

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return out


def _page_index(pdf: pikepdf.Pdf, page_ref) -> int:
    for i, page in enumerate(pdf.pages):
        if page.obj.objgen == page_ref.objgen:
            return i
    raise AssertionError("structure element on an unknown page")


def _element_text(pdf: pikepdf.Pdf, element, texts, page=None) -> str:
    if "/Pg" in element:
        page = _page_index(pdf, element.Pg)
    parts = []
    for kid in _kids(element):
        if isinstance(kid, int):
            parts.append(texts.get((page, int(kid)), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            parts.append(_element_text(pdf, kid, texts, page))
    return "".join(parts)


def structure_blocks(pdf_bytes: bytes) -> list[tuple[str, str]]:
    """(tag, text) of every paragraph-level structure element, in the tree's order."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    texts = _mcid_text(pdf_bytes)
    out: list[tuple[str, str]] = []

    def walk(element):
        tag = str(element.get("/S"))
        if tag in BLOCK_TAGS:
            text = squash(_element_text(pdf, element, texts))
            if tag == "/LBody":  # the list marker (drawn as the item's ::before) is not in the DOCX text
                text = re.sub(r"^(\u2022|[0-9A-Za-z]+\.) ?", "", text)
            if text:
                out.append((tag, text))
            return
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(_document_element(pdf))
    return out


def structure_tags(pdf_bytes: bytes) -> list[str]:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    tags: list[str] = []

    def walk(element):
        tags.append(str(element.get("/S")))
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(_document_element(pdf))
    return tags


def docx_paragraph_texts(docx: bytes) -> list[str]:
    """Every non-empty paragraph of the body in document order (frames and table cells included),
    but "Pagina x van y": page numbers are pagination artifacts (a margin box draws them)."""
    body = Document(io.BytesIO(docx)).element.body
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    for p in body.iter(f"{w}p"):
        if any("PAGE" in (t.text or "") for t in p.iter(f"{w}instrText")) or any(
                "PAGE" in (f.get(f"{w}instr") or "") for f in p.iter(f"{w}fldSimple")):
            continue
        text = squash("".join(t.text or "" for t in p.iter(f"{w}t")))
        if text:
            out.append(text)
    return out


# --------------------------------------------------------------------------- the seed letter


def test_catalog_marks_a_tagged_dutch_document_with_its_title_shown(seed_rendered, seed_letter):
    pdf = pikepdf.open(io.BytesIO(seed_rendered.pdf))
    assert "/StructTreeRoot" in pdf.Root
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "nl-NL"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == seed_letter["subject"]
    with pdf.open_metadata() as meta:
        assert meta["dc:title"] == seed_letter["subject"]


def test_xmp_identifies_pdfa_2a_and_pdfua_1_with_the_extension_schema(seed_rendered):
    pdf = pikepdf.open(io.BytesIO(seed_rendered.pdf))
    with pdf.open_metadata() as meta:
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "A"
        assert meta["pdfuaid:part"] == "1"
    xmp = _xmp(pdf)
    # PDF/A-2 allows only declared schemas: pdfuaid must be declared as an extension schema.
    assert re.search(r"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>", xmp)
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    assert xmp.count("<rdf:RDF") == 1


def test_structure_tree_follows_the_docx_paragraph_order(seed_rendered):
    blocks = [text for _tag, text in structure_blocks(seed_rendered.pdf)]
    expected = docx_paragraph_texts(seed_rendered.docx)
    assert blocks == expected
    # the reference column comes first (as in the DOCX), then the address and the body
    assert blocks[0] == "Ministerie van Justitie en Veiligheid"  # the logo (a figure) has no text
    assert blocks.index("Ons kenmerk") < blocks.index("Datum") < len(blocks) - 1


def test_reference_column_is_a_section_and_the_meta_block_a_table(seed_rendered):
    tags = structure_tags(seed_rendered.pdf)
    assert tags[0] == "/Document" and tags[1] == "/Sect"  # the logo slot's frame
    assert "/Figure" in tags[:4]
    assert "/Table" in tags and "/TR" in tags and "/TD" in tags
    assert tags.count("/TH") == 2  # Datum and Onderwerp label their rows ("Tabelkop" style)
    assert "/NonStruct" not in tags[:2]


def test_repeated_reference_column_stays_out_of_the_tree(seed_rendered):
    text = " ".join(text for _tag, text in structure_blocks(seed_rendered.pdf))
    assert "Ons kenmerk" in text  # page 1's own reference column is content, in reading order
    # the column repeated on page 2 is a margin box (pagination), not content a second time
    assert text.count("Ons kenmerk") == 1
    # page numbers are pagination artifacts on every page, page 1's too (a margin box draws
    # them there, so WeasyPrint lays the page out once), yet drawn where the column has them
    assert "Pagina" not in text
    pages = [squash(t) for t in pdf_text_pages(seed_rendered.pdf)]
    assert ["Pagina 1 van 2" in pages[0], "Pagina 2 van 2" in pages[1]] == [True, True]


def test_untagged_variant_is_plain_pdfa_2b(seed_rendered):
    pdf_bytes = render_pdf(seed_rendered.html, title="t", tagged=False)
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    assert "/StructTreeRoot" not in pdf.Root
    with pdf.open_metadata() as meta:
        assert meta["pdfaid:conformance"] == "B"
        assert "pdfuaid:part" not in meta


# --------------------------------------------------------------------------- headings, lists, figures


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (20, 60, 160)).save(out, "PNG")
    return out.getvalue()


def _mark_decorative(inline) -> None:
    """What Word writes for "Mark as decorative"."""
    docpr = inline.docPr
    ext_lst = OxmlElement("a:extLst")
    ext = OxmlElement("a:ext")
    ext.set("uri", "{C183D7F6-B498-43B3-948B-1728B52AA6E4}")
    dec = ext.makeelement("{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative", {"val": "1"})
    ext.append(dec)
    ext_lst.append(ext)
    docpr.append(ext_lst)


@pytest.fixture(scope="module")
def structured() -> tuple[bytes, bytes]:
    doc = Document()
    doc.add_picture(io.BytesIO(_png()), width=Cm(3))
    doc.inline_shapes[0]._inline.docPr.set("descr", "Logo Ministerie van Voorbeeldzaken")
    doc.add_heading("Aanleiding", level=1)
    doc.add_paragraph("Eerste alinea van de brief.")
    doc.add_heading("Maatregelen", level=2)
    doc.add_paragraph("meldregeling", style="List Bullet")
    doc.add_paragraph("vertrouwenspersoon", style="List Bullet")
    doc.add_paragraph("stap een", style="List Number")
    table = doc.add_table(rows=2, cols=2)
    table.style = doc.styles["Table Grid"]
    for (r, c), text in {(0, 0): "Jaar", (0, 1): "Meldingen", (1, 0): "2021", (1, 1): "12"}.items():
        table.cell(r, c).text = text
    doc.add_picture(io.BytesIO(_png()), width=Cm(2))
    _mark_decorative(doc.inline_shapes[1]._inline)
    doc.add_paragraph("Slotalinea.")
    docx = docx_bytes(doc)
    html = docx_to_html(docx, font_family="DejaVu Sans", title="Structuur")
    return docx, render_pdf(html, title="Structuur")


def test_headings_lists_and_tables_are_tagged(structured):
    docx, pdf = structured
    tags = structure_tags(pdf)
    for tag in ("/H1", "/H2", "/L", "/LI", "/LBody", "/Table", "/TR", "/TD"):
        assert tag in tags, tag
    assert [text for _t, text in structure_blocks(pdf)] == docx_paragraph_texts(docx)
    assert ("/H1", "Aanleiding") in structure_blocks(pdf)


def test_logo_has_alt_text_and_a_decorative_image_is_an_artifact(structured):
    _docx, pdf_bytes = structured
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    figures = []

    def walk(element):
        if str(element.get("/S")) == "/Figure":
            figures.append(element)
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(_document_element(pdf))
    assert [str(f.Alt) for f in figures] == ["Logo Ministerie van Voorbeeldzaken"]  # one figure only
    # every image drawn: the logo inside a marked-content sequence with an MCID, the decorative one as an artifact
    drawn = []
    stack: list[str] = []
    for operands, operator in pikepdf.parse_content_stream(pdf.pages[0]):
        op = str(operator)
        if op in ("BDC", "BMC"):
            stack.append(str(operands[0]) if op == "BMC" or "/MCID" not in operands[1] else "MCID")
        elif op == "EMC":
            stack.pop()
        elif op == "Do":
            drawn.append("/Artifact" if "/Artifact" in stack else stack[-1] if stack else "untagged")
    assert sorted(drawn) == ["/Artifact", "MCID"]  # backgrounds are painted first


# --------------------------------------------------------------------------- after signing


@pytest.fixture(scope="module")
def signed_tagged(seed_rendered, loaded_signer) -> bytes:
    return sign_pdf(seed_rendered.pdf, loaded_signer, reason="Vastgesteld", location="Den Haag")


def test_tags_and_claims_survive_the_signature(signed_tagged, seed_rendered, dev_cert):
    assert signed_tagged.startswith(seed_rendered.pdf)
    pdf = pikepdf.open(io.BytesIO(signed_tagged))
    assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "nl-NL"
    with pdf.open_metadata() as meta:
        assert meta["pdfaid:conformance"] == "A" and meta["pdfuaid:part"] == "1"
    assert "pdfuaid" in _xmp(pdf) and "pdfaExtension:schemas" in _xmp(pdf)
    assert [t for _tag, t in structure_blocks(signed_tagged)] == docx_paragraph_texts(seed_rendered.docx)
    result = verify_pdf(signed_tagged, [dev_cert.root_pem_path.read_bytes()])
    assert result.ok and result.covers_whole_document and result.modification_level == "NONE"


def test_signature_widget_is_tagged_as_a_form_field(signed_tagged):
    pdf = pikepdf.open(io.BytesIO(signed_tagged))
    document = _document_element(pdf)
    form = [k for k in _kids(document) if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Form"]
    assert len(form) == 1 and str(form[0].Alt) == SIGNATURE_DESCRIPTION
    widget = form[0].K[0].Obj
    assert widget.FT == "/Sig" and str(widget.TU) == SIGNATURE_DESCRIPTION
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    keys = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert keys[int(widget.StructParent)].objgen == form[0].objgen
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(keys) + 1


def test_untagged_letter_is_signed_as_before(seed_rendered, loaded_signer, dev_cert):
    plain = render_pdf(seed_rendered.html, title="t", tagged=False)
    signed = sign_pdf(plain, loaded_signer)
    pdf = pikepdf.open(io.BytesIO(signed))
    assert "/StructTreeRoot" not in pdf.Root
    assert verify_pdf(signed, [dev_cert.root_pem_path.read_bytes()]).ok


def test_the_logo_slot_is_a_figure_with_alt_text(seed_rendered):
    pdf = pikepdf.open(io.BytesIO(seed_rendered.pdf))
    section = _kids(_document_element(pdf))[0]
    assert section.S == "/Sect"
    found = []

    def walk(element):
        if element.get("/S") == "/Figure":
            found.append(element)
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(section)
    assert [str(f.Alt) for f in found] == ["Logo Ministerie van Justitie en Veiligheid"]


def test_datum_and_onderwerp_are_row_headers_of_their_values(seed_rendered):
    pdf = pikepdf.open(io.BytesIO(seed_rendered.pdf))
    cells = []

    def walk(element):
        if element.get("/S") in ("/TH", "/TD"):
            cells.append(element)
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    walk(_document_element(pdf))
    headers = [c for c in cells if c.S == "/TH"]
    data = [c for c in cells if c.S == "/TD"]
    assert len(headers) == len(data) == 2
    for th, td in zip(headers, data):
        assert [str(h) for h in td.A.Headers] == [str(th.ID)]


def test_signature_block_text_names_signer_office_and_date():
    from parliament_tracker.letters.engine.signing import signature_block_text

    assert signature_block_text("A. 100% Broekers", "Staatssecretaris  van\nJustitie") == (
        "Digitaal ondertekend door:\nA. 100%% Broekers\nStaatssecretaris van Justitie\nDatum: %(ts)s")


def test_visible_signature_block_is_tagged_and_validates(seed_rendered, loaded_signer, dev_cert):
    import importlib.util

    if importlib.util.find_spec("uharfbuzz") is None:
        pytest.skip("pyHanko[opentype] (uharfbuzz) missing")
    from parliament_tracker.letters.engine.signing import signature_block_text

    signed = sign_pdf(seed_rendered.pdf, loaded_signer, box=(62, 200, 252, 236), page=1,
                      stamp_text=signature_block_text("Ankie Broekers-Knol", "Staatssecretaris van Justitie en Veiligheid"))
    pdf = pikepdf.open(io.BytesIO(signed))
    form = [k for k in _kids(_document_element(pdf)) if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/Form"]
    widget = form[0].K[0].Obj
    assert [float(v) for v in widget.Rect] == [62, 200, 252, 236]
    assert form[0].K[0].Pg.objgen == pdf.pages[1].obj.objgen
    assert verify_pdf(signed, [dev_cert.root_pem_path.read_bytes()]).ok
