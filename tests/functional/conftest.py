"""Fixtures shared by the functional tests of the Tweede Kamer import and sync."""

from __future__ import annotations

import pytest

#: the office the fixture questions in tests/fixtures/tk are addressed to
TK_OFFICE = "De Staatssecretaris van Justitie en Veiligheid"


@pytest.fixture
def signatory(db):
    from parliament_tracker.organisation.models import Signatory

    row = Signatory(office_title=TK_OFFICE, name="Ankie Broekers-Knol")
    db.session.add(row)
    db.session.commit()
    return row
