"""The shipped templates filled from plain data (context.build_context)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from letters_helpers import document_text, seed_data, squash

from parliament_tracker.letters.engine import context as ctx
from parliament_tracker.letters.engine.fill import fill_template
from parliament_tracker.letters.engine.template_builder import HERE
from parliament_tracker.letters.engine.variables import KNOWN_VARIABLE_NAMES


@pytest.fixture(scope="module")
def questions_data(seed_letter) -> ctx.LetterData:
    return replace(
        seed_data(seed_letter),
        subject="Antwoorden Kamervragen over het bericht over angstcultuur bij de IND",
        case_number="2021Z19601",
        askers=("Podt (D66)", "Ceder (ChristenUnie)"),
        questions_subject="het bericht «Angstcultuur bij de IND»",
        questions_submitted=date(2021, 11, 5),
        answers=(
            ctx.QuestionAnswer((1,), ("Bent u bekend met het bericht?",), "Ja."),
            ctx.QuestionAnswer((2, 3), ("Wat is uw reactie?", "Welke maatregelen neemt u?"),
                               [{"type": "p", "runs": [{"text": "Ik verwijs naar "}, {"text": "mijn brief", "italic": True}]},
                                {"type": "li", "runs": [{"text": "cultuurscan 2021"}]},
                                {"type": "li", "runs": [{"text": "vertrouwenspersonen"}]}]),
        ),
        postponement_reason="de beantwoording afstemming vergt met de IND",
    )


def fill(name: str, data: ctx.LetterData) -> str:
    return squash(document_text(fill_template((HERE / name).read_bytes(), ctx.build_context(data))))


def test_context_provides_exactly_the_contract(questions_data):
    assert set(ctx.build_context(questions_data)) == KNOWN_VARIABLE_NAMES


def test_antwoorden(questions_data):
    text = fill("antwoorden.docx", questions_data)
    assert text.startswith("2021Z19601")
    assert ("Antwoorden van de Staatssecretaris van Justitie en Veiligheid op vragen van de leden Podt (D66) en "
            "Ceder (ChristenUnie) over het bericht «Angstcultuur bij de IND» (ingezonden 5 november 2021)") in text
    order = ["Vraag 1", "Bent u bekend met het bericht?", "Antwoord op vraag 1", "Ja.", "Vraag 2", "Vraag 3",
             "Welke maatregelen neemt u?", "Antwoord op vraag 2 en 3", "Ik verwijs naar mijn brief",
             "cultuurscan 2021", "vertrouwenspersonen"]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)


def test_answer_list_items_keep_the_list_style(questions_data):
    import io

    from docx import Document

    out = fill_template((HERE / "antwoorden.docx").read_bytes(), ctx.build_context(questions_data))
    styles = {p.text: p.style.name for p in Document(io.BytesIO(out)).paragraphs}
    assert styles["cultuurscan 2021"] == "List Bullet"
    assert styles["Antwoord op vraag 2 en 3"] == "Heading 2"


def test_aanbiedingsbrief(questions_data):
    text = fill("aanbiedingsbrief.docx", questions_data)
    assert ("Hierbij bied ik u de antwoorden aan op de schriftelijke vragen (2021Z19601) van de leden Podt (D66) "
            "en Ceder (ChristenUnie) over het bericht «Angstcultuur bij de IND» (ingezonden 5 november 2021).") in text


def test_aanbiedingsbrief_mede_namens(questions_data):
    joint = replace(questions_data, signatories=questions_data.signatories + (
        ctx.Signatory("Minister voor Rechtsbescherming", "Sander Dekker"),))
    text = fill("aanbiedingsbrief.docx", joint)
    assert "Hierbij bied ik u, mede namens de Minister voor Rechtsbescherming, de antwoorden aan" in text
    assert text.index("De Staatssecretaris van Justitie en Veiligheid,") < text.index("De Minister voor Rechtsbescherming,")


def test_uitstelbericht_states_the_reason(questions_data):
    text = fill("uitstelbericht.docx", questions_data)
    assert ("kunnen niet binnen de gebruikelijke termijn van drie weken worden beantwoord, omdat de beantwoording "
            "afstemming vergt met de IND.") in text


def test_one_asker_is_het_lid():
    assert ctx.askers_phrase(("Podt (D66)",)) == "het lid Podt (D66)"
    assert ctx.answer_label((4, 5, 6)) == "Antwoord op vraag 4, 5 en 6"


def test_reference_column_omits_empty_optional_fields(seed_letter):
    data = replace(seed_data(seed_letter), your_reference="", your_letter_date=None)
    text = fill("kamerbrief.docx", data)
    assert "Uw kenmerk" not in text and "Uw brief van" not in text and "Ons kenmerk" in text


@pytest.mark.parametrize("name", ["kamerbrief.docx", "antwoorden.docx", "uitstelbericht.docx", "aanbiedingsbrief.docx"])
def test_the_filled_document_in_memory_gives_the_html_of_its_bytes(name, questions_data):
    """The pipeline makes the HTML from the document docxtpl filled (fill_document), not from its
    bytes read back: the same HTML, headers and footers filled too. Each fill starts from the
    template as it was (the process keeps the parsed template and fills a copy)."""
    from parliament_tracker.letters.engine.docx2html import document_to_html, docx_to_html
    from parliament_tracker.letters.engine.fill import fill_document

    template = (HERE / name).read_bytes()
    for subject in ("Eerste brief", "Tweede brief"):
        docx, document = fill_document(template, ctx.build_context(replace(questions_data, subject=subject)))
        html = document_to_html(document, font_family="DejaVu Sans", title=subject)
        assert html == docx_to_html(docx, font_family="DejaVu Sans", title=subject)
        assert "Eerste brief" not in html or subject == "Eerste brief"
        assert "{{" not in html and "{%" not in html
