"""Build the shipped, neutral letter templates with python-docx.

Run ``python -m parliament_tracker.letters.engine.template_builder`` and
commit the resulting .docx files. The templates are deliberately neutral: no
Rijkslogo, no Verdana, no RO Sans (those are licensed to the ministry; a
deployment uploads its own sjabloon). They follow the Kamerbrief blocks: letterhead,
return address, addressee, Datum/Onderwerp, a reference column in a frame on the
right of page 1, the body, the signature block and "Pagina x van y".

Layout choices that matter for both Word/LibreOffice and our HTML walker:
- The reference column is a run of paragraphs with identical ``w:framePr``
  anchored to the page, so Word, LibreOffice and the walker all place it in the
  wide right margin without taking space in the text flow.
- Datum/Onderwerp sit in a borderless table with explicit grid *and* cell widths
  (LibreOffice honours only the grid).
- Body text is 9 pt on an exact 12 pt leading (house style); no images sit in
  exact-spaced paragraphs (Word and LibreOffice would clip them).
- ``w:lang nl-NL`` is set in the styles so exporters that read it get Dutch.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from parliament_tracker.letters.engine.template_parts import (  # noqa: F401
    FONT,
    FOOTER_DISTANCE,
    FRAME_W,
    FRAME_X,
    FRAME_Y,
    HEADER_DISTANCE,
    LOGO_H,
    LOGO_W,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_H,
    PAGE_W,
    _frame,
    _page_setup,
    _page_x_of_y,
    _paragraph_style,
    _ref,
    _set_font,
    _set_lang,
    _spacing,
    _styles,
    simple_field,
)

#: the shipped templates live in the top-level letter_templates/ folder
HERE = Path(__file__).resolve().parents[3] / "letter_templates"

LOGO_NAME = "Logo"  # docPr/@name of the logo slot that an uploaded logo replaces (engine/logo.py)


def neutral_logo_png() -> bytes:
    """The shipped, neutral logo: a plain dark ribbon (no Rijkslogo; a ministry uploads its own)."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (200, 300), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((70, 0, 130, 220), fill=(21, 66, 115))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _logo(doc) -> None:
    """The logo slot: a page-anchored frame centred at the top edge of page 1, holding an
    inline picture named "Logo" with alt text "Logo {{ ministry_name }}". Body content, so the
    tagged PDF has it as a /Figure with its /Alt."""
    import io

    p = doc.add_paragraph(style=doc.styles["Logo"])
    run = p.add_run()
    shape = run.add_picture(io.BytesIO(neutral_logo_png()), width=Cm(LOGO_W), height=Cm(LOGO_H))
    docpr = shape._inline.docPr
    docpr.set("name", LOGO_NAME)
    docpr.set("descr", "Logo {{ ministry_name }}")
    ppr = p._p.get_or_add_pPr()
    fp = OxmlElement("w:framePr")
    for key, value in (("w", int(LOGO_W * 567)), ("wrap", "around"), ("vAnchor", "page"), ("hAnchor", "page"),
                       ("x", int((PAGE_W - LOGO_W) / 2 * 567)), ("y", 0)):
        fp.set(qn(f"w:{key}"), str(value))
    ppr.find(qn("w:pStyle")).addnext(fp)


def _cell_width(cell, cm: float) -> None:
    cell.width = Cm(cm)


def _meta_table(doc, rows: list[tuple[str, str]]) -> None:
    """Datum/Onderwerp as a borderless two-column table with fixed widths."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = (2.5, PAGE_W - MARGIN_LEFT - MARGIN_RIGHT - 2.5)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(w * 567)))
    for row, (label, value) in zip(table.rows, rows):
        for cell, w, text in zip(row.cells, widths, (label, value)):
            _cell_width(cell, w)
            cell.paragraphs[0].text = text
        # The labels are row headers: the walker makes them <th>, a /TH in the tagged PDF.
        row.cells[0].paragraphs[0].style = doc.styles["Tabelkop"]


def _blank(doc, n: int = 1) -> None:
    for _ in range(n):
        doc.add_paragraph()


def _new_document():
    doc = Document()
    # The default template carries a 438 KB stylesWithEffects part and a thumbnail:
    # dead weight that docxtpl would parse on every fill.
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)
    pkg = doc.part.package
    for rid, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg.rels.pop(rid)
    _styles(doc)
    _page_setup(doc)
    # python-docx starts with one empty paragraph; remove it so the frame comes first.
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    cp = doc.core_properties
    cp.author, cp.title, cp.language, cp.comments = "Parliament Tracker", "", "nl-NL", ""
    cp.last_modified_by = "Parliament Tracker"
    return doc


def _headers(doc) -> None:
    s = doc.sections[0]
    first = s.first_page_header.paragraphs[0]
    first.text = "{{ ministry_name }}"
    first.style = doc.styles["Briefhoofd"]
    # The following pages repeat the reference column (a frame in their header), as real
    # Kamerbrieven do, with "Pagina x van y" at its foot; page 1 has it in its own column.
    header = s.header
    header.paragraphs[0]._p.getparent().remove(header.paragraphs[0]._p)
    _ref(doc, "{{ ministry_name }}", "Referentiekop", container=header)
    _ref(doc, "{% if sender_unit %}{{ sender_unit }}{% endif %}", container=header)
    _ref(doc, "", container=header)
    _ref(doc, "Datum", "Referentiekop", container=header)
    _ref(doc, "{{ letter_date|nl_date }}", container=header)
    _ref(doc, "Ons kenmerk", "Referentiekop", container=header)
    _ref(doc, "{{ our_reference }}", container=header)
    _ref(doc, "", container=header)
    _page_x_of_y(doc, container=header)


def _reference_column(doc) -> None:
    _ref(doc, "{{ ministry_name }}", "Referentiekop")
    _ref(doc, "{% if sender_unit %}{{ sender_unit }}{% endif %}")
    _ref(doc, "")
    _ref(doc, "{{ ministry_visiting_address }}")
    _ref(doc, "{{ ministry_postal_address }}")
    _ref(doc, "{{ ministry_website }}")
    _ref(doc, "")
    _ref(doc, "Ons kenmerk", "Referentiekop")
    _ref(doc, "{{ our_reference }}")
    _ref(doc, "{%p if your_reference %}")
    _ref(doc, "Uw kenmerk", "Referentiekop")
    _ref(doc, "{{ your_reference }}")
    _ref(doc, "{%p endif %}")
    _ref(doc, "{%p if your_letter_date %}")
    _ref(doc, "Uw brief van", "Referentiekop")
    _ref(doc, "{{ your_letter_date|nl_date }}")
    _ref(doc, "{%p endif %}")
    _ref(doc, "Bijlage(n)", "Referentiekop")
    _ref(doc, "{{ attachments_count if attachments_count else '-' }}")
    _ref(doc, "")
    _page_x_of_y(doc)


def _letter_top(doc, subject_expr: str = "{{ subject }}") -> None:
    """Logo, return address, addressee, Datum/Onderwerp and the 3 blank lines of the house style."""
    _logo(doc)
    _reference_column(doc)
    doc.add_paragraph("> Retouradres {{ return_address }}", style="Retouradres")
    _blank(doc)
    doc.add_paragraph("{%p for line in addressee_lines %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    _blank(doc, 2)
    _meta_table(doc, [("Datum", "{{ letter_date|nl_date }}"), ("Onderwerp", subject_expr)])
    _blank(doc, 3)


def _bookmark(paragraph, name: str, bookmark_id: int) -> None:
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.append(start)
    paragraph._p.append(end)


def _signature_block(doc) -> None:
    """Office, room for the signature, name. The first signatory's room carries the "sigbox"
    bookmark: the visible signature (name, office, date) is stamped there."""
    _blank(doc)
    doc.add_paragraph("{%p for s in signatories %}")
    doc.add_paragraph("De {{ s.office }},")
    doc.add_paragraph("{%p if loop.first %}")
    _bookmark(doc.add_paragraph(), "sigbox", 90)
    _blank(doc, 2)
    doc.add_paragraph("{%p else %}")
    _blank(doc, 3)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ s.name }}")
    doc.add_paragraph("{%p if not loop.last %}")
    _blank(doc)
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")


# --------------------------------------------------------------------------- templates

def _letter_document():
    """A new document with the letter headers, letterhead and address block: how every letter starts."""
    doc = _new_document()
    _headers(doc)
    _letter_top(doc)
    return doc


def build_kamerbrief():
    doc = _letter_document()
    doc.add_paragraph("{{p body }}")
    _signature_block(doc)
    return doc


def build_aanbiedingsbrief():
    doc = _letter_document()
    doc.add_paragraph(
        "Hierbij bied ik u{% if co_signatories_phrase %}, mede namens {{ co_signatories_phrase }},{% endif %} "
        "de antwoorden aan op de schriftelijke vragen ({{ case_number }}) van {{ askers_phrase }} "
        "over {{ questions_subject }} (ingezonden {{ questions_submitted|nl_date }})."
    )
    doc.add_paragraph("{%p if body %}")
    _blank(doc)
    doc.add_paragraph("{{p body }}")
    doc.add_paragraph("{%p endif %}")
    _signature_block(doc)
    return doc


def build_uitstelbericht():
    doc = _letter_document()
    doc.add_paragraph(
        "De vragen van {{ askers_phrase }} over {{ questions_subject }} (ingezonden "
        "{{ questions_submitted|nl_date }}, {{ case_number }}) kunnen niet binnen de "
        "gebruikelijke termijn van drie weken worden beantwoord, omdat {{ postponement_reason }}."
    )
    _blank(doc)
    doc.add_paragraph("Ik streef ernaar de vragen zo spoedig mogelijk te beantwoorden.")
    _signature_block(doc)
    return doc


def build_antwoorden():
    doc = _new_document()
    s = doc.sections[0]
    s.different_first_page_header_footer = False
    s.header.paragraphs[0].text = "{{ ministry_name }} | {{ case_number }}"
    s.header.paragraphs[0].style = doc.styles["Kopregel"]
    p = s.footer.paragraphs[0]
    p.style = doc.styles["Voettekst"]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.add_run("Pagina ")
    simple_field(p, "PAGE", "1")
    p.add_run(" van ")
    simple_field(p, "NUMPAGES", "2")
    doc.add_paragraph("{{ case_number }}")
    _blank(doc)
    doc.add_paragraph(
        "Antwoorden van de {{ signatory_office }} op vragen van {{ askers_phrase }} over "
        "{{ questions_subject }} (ingezonden {{ questions_submitted|nl_date }})",
        style="Heading 1",
    )
    doc.add_paragraph("{%p for item in qa_items %}")
    doc.add_paragraph("{%p if item.kind == 'question' %}")
    doc.add_paragraph("Vraag {{ item.number }}", style="Heading 2")
    doc.add_paragraph("{{ item.text }}")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ item.label }}", style="Heading 2")
    doc.add_paragraph("{{p item.body }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    return doc


BUILDERS = {
    "kamerbrief.docx": build_kamerbrief,
    "antwoorden.docx": build_antwoorden,
    "aanbiedingsbrief.docx": build_aanbiedingsbrief,
    "uitstelbericht.docx": build_uitstelbericht,
}


def main(out_dir: Path = HERE) -> None:
    for name, build in BUILDERS.items():
        build().save(out_dir / name)
        print(out_dir / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
