"""The fake's own $filter subset, so a passing client test means what it says."""

from __future__ import annotations

import pytest

from tests.tk_fake import ODataSyntaxError, parse_filter

RECORD = {
    "Nummer": "2021Z19601",
    "Soort": "Schriftelijke vragen",
    "Verwijderd": False,
    "ApiGewijzigdOp": "2021-11-05T15:04:40.1234567Z",
    "GestartOp": "2021-11-05T00:00:00+01:00",
    "Voortouwcommissie_Id": "0f1a0000-2021-4000-8000-0000000c0001",
    "Titel": "O'Brien",
}


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("Nummer eq '2021Z19601'", True),
        ("Nummer eq '2021Z19602'", False),
        ("Nummer ne '2021Z19602'", True),
        ("Soort eq 'Schriftelijke vragen' and Verwijderd eq false", True),
        ("Soort eq 'Motie' or Nummer eq '2021Z19601'", True),
        ("(Soort eq 'Motie' or Nummer eq '2021Z19601') and Verwijderd eq true", False),
        ("not Verwijderd eq true", True),
        ("ApiGewijzigdOp gt 2021-11-05T15:04:40Z", True),
        ("ApiGewijzigdOp gt 2021-11-05T15:04:40.123457Z", False),
        ("GestartOp ge 2021-11-04T23:00:00Z", True),
        ("GestartOp gt 2021-11-05T00:00:00+01:00", False),
        ("Voortouwcommissie_Id eq 0F1A0000-2021-4000-8000-0000000C0001", True),
        ("Titel eq 'O''Brien'", True),
        ("Termijn eq null", True),
    ],
)
def test_filter_subset(expression: str, expected: bool) -> None:
    assert parse_filter(expression)(RECORD) is expected


@pytest.mark.parametrize(
    "expression",
    ["contains(Functie,'Justitie')", "Nummer eq", "Nummer like 'x'", "(Nummer eq 'x'", "Id eq guid'0f1a'"],
)
def test_unsupported_syntax_is_rejected(expression: str) -> None:
    with pytest.raises(ODataSyntaxError):
        parse_filter(expression)
