import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest

from parliament_tracker.cases.export import COLUMNS, csv_lines, excel_safe
from parliament_tracker.cases.models import CaseKind
from parliament_tracker.cases.workflow import CaseStatus


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+1", "-1+2", "@SUM(A1)", "\tx"])
def test_formula_cells_are_quoted(value):
    assert excel_safe(value) == "'" + value


def test_plain_cells_untouched():
    assert excel_safe("2021Z19601") == "2021Z19601"
    assert excel_safe(None) == ""


def _case(subject: str):
    return SimpleNamespace(
        reference="2021Z19601", kind=CaseKind.written_questions, subject=subject, received_on=dt.date(2021, 11, 5),
        status=CaseStatus.drafting, lead_directorate=None, drafter=None, addressed_to=None,
        requested_by_label="Podt (D66), Ceder (ChristenUnie)", dossier="35925-VI", version=3,
    ), 2


def test_csv_has_bom_stable_columns_and_escapes():
    text = "".join(csv_lines([_case("=cmd|' /C calc'!A0"), _case("Angstcultuur «IND», \"quotes\"")]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert tuple(rows[0]) == COLUMNS
    assert rows[1][2].startswith("'=")
    assert rows[2][2] == "Angstcultuur «IND», \"quotes\""
    assert rows[1][COLUMNS.index("questions")] == "2"
