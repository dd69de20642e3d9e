import csv
import datetime as dt
import io

import pytest
from flask_babel import force_locale

from parliament_tracker import create_app
from parliament_tracker.cases.export import COLUMNS, KEYS, csv_lines, excel_safe, xlsx_bytes


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+1", "-1+2", "@SUM(A1)", "\tx"])
def test_formula_cells_are_quoted(value):
    assert excel_safe(value) == "'" + value


def test_plain_cells_untouched():
    assert excel_safe("2021Z19601") == "2021Z19601"
    assert excel_safe(None) == ""


def _row(subject: str) -> dict:
    return {
        "reference": "2021Z19601", "kind": "Schriftelijke vragen", "subject": subject, "received_on": dt.date(2021, 11, 5),
        "due_on": dt.date(2021, 11, 26), "practical_due_on": dt.date(2021, 11, 23), "deadline_state": "Te laat",
        "status": "In behandeling", "lead_directorate": "DGMI", "drafter": None, "addressed_to": None,
        "requested_by": "Podt (D66), Ceder (ChristenUnie)", "dossier": "35925-VI", "questions": 2,
    }


@pytest.fixture
def dutch():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context(), force_locale("nl"):
        yield


def test_csv_opens_as_columns_in_a_dutch_excel(dutch):
    text = "".join(csv_lines([_row("=cmd|' /C calc'!A0"), _row("Angstcultuur «IND»; \"quotes\"")]))
    assert text.startswith("\ufeffKenmerk;Soort;Onderwerp;Ontvangen;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows[0]) == len(COLUMNS) and "Termijnstatus" in rows[0]
    first = dict(zip(KEYS, rows[1], strict=True))
    assert first["subject"].startswith("'=")
    assert (first["received_on"], first["practical_due_on"], first["due_on"]) == ("05-11-2021", "23-11-2021", "26-11-2021")
    assert first["deadline_state"] == "Te laat" and first["questions"] == "2" and first["drafter"] == ""
    assert rows[2][2] == "Angstcultuur «IND»; \"quotes\""


def test_xlsx_has_the_same_columns_a_frozen_header_and_real_dates(dutch):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx_bytes([_row("Vragen"), _row("=1+1")])))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == next(csv.reader(io.StringIO("".join(csv_lines([])).lstrip("\ufeff")), delimiter=";"))
    row = dict(zip(KEYS, values[1], strict=True))
    assert row["received_on"] == dt.datetime(2021, 11, 5) and row["questions"] == 2
    assert sheet.cell(row=2, column=KEYS.index("practical_due_on") + 1).number_format == "DD-MM-YYYY"
    assert values[2][KEYS.index("subject")] == "'=1+1"  # text, not a formula


def test_xlsx_streams_in_chunks_and_keeps_odd_text_as_text(dutch):
    from openpyxl import load_workbook

    from parliament_tracker.cases.export import xlsx_chunks

    odd = _row("A & B <i>\"x\"</i> \x07bell  two  spaces ")
    odd["drafter"] = "Fatima el Amrani"
    odd["due_on"] = None
    rows = [_row(f"Vraag {i}") for i in range(3000)] + [odd]
    chunks = list(xlsx_chunks(rows, sheet_title="Zaken: [alles]", batch=100))
    assert len(chunks) > 5  # the rows are handed on as they come (past the compressor's buffer), not at the end
    book = load_workbook(io.BytesIO(b"".join(chunks)))
    sheet = book.active
    assert sheet.title == "Zaken alles" and sheet.freeze_panes == "A2"
    assert sheet.cell(row=1, column=1).font.b
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3002 and [v[2] for v in values[1:3001]] == [f"Vraag {i}" for i in range(3000)]
    last = dict(zip(KEYS, values[-1], strict=True))
    assert last["subject"] == "A & B <i>\"x\"</i> bell  two  spaces "  # the bell character is not allowed in XML
    assert last["drafter"] == "Fatima el Amrani" and last["addressed_to"] is None and last["due_on"] is None
    assert last["practical_due_on"] == dt.datetime(2021, 11, 23) and last["questions"] == 2
