"""The real Kamerbrief of 23 November 2021 through the shipped Kamerbrief template, checked as text."""

from __future__ import annotations

import re

from letters_helpers import document_text, pdf_text_pages, squash

# Page furniture that pypdf extracts in between the body text of two pages.
FURNITURE = [r"Pagina \d van \d", r"Ministerie van Justitie en Veiligheid \| Datum 23 november 2021 \| Ons kenmerk \d+"]


def body_text_of_pdf(pdf: bytes) -> str:
    text = "\n".join(pdf_text_pages(pdf))
    for pattern in FURNITURE:
        text = re.sub(pattern, " ", text)
    return squash(text)


def test_every_body_paragraph_is_in_the_pdf_in_order(seed_rendered, seed_letter):
    text = body_text_of_pdf(seed_rendered.pdf)
    position = 0
    for paragraph in seed_letter["body"]:
        wanted = squash(paragraph)
        found = text.find(wanted, position)
        assert found >= 0, paragraph[:60]
        position = found + len(wanted)


def test_signature_block_follows_the_body(seed_rendered, seed_letter):
    text = body_text_of_pdf(seed_rendered.pdf)
    last = squash(seed_letter["body"][-1])
    office = "De Staatssecretaris van Justitie en Veiligheid,"
    name = "Ankie Broekers-Knol"
    assert text.index(last) < text.index(office) < text.index(name)


def test_filled_docx_carries_the_same_letter(seed_rendered, seed_letter):
    text = squash(document_text(seed_rendered.docx))
    for paragraph in seed_letter["body"]:
        assert squash(paragraph) in text
    assert "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal Postbus 20018 2500 EA DEN HAAG" in text


def test_html_has_the_letter_blocks(seed_rendered, seed_letter):
    html = seed_rendered.html
    assert "2500 EA  DEN HAAG" in html  # the two spaces survive into the HTML
    assert "Reactie VJC-verzoek m.b.t. berichtgeving in de krant over angstcultuur bij de IND" in html
    assert html.count('<section class="frame"') == 2  # the logo slot, the reference column
