"""Import by reference from the Tweede Kamer, over real HTTP to the local fake OData server."""

from __future__ import annotations

import pytest

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.cases.models import Case
from tests.tk_fake import FakeTK, load_fixture, serve_to_app


@pytest.fixture
def fake_tk(app, monkeypatch):
    fake = FakeTK(load_fixture("zaak-2021Z19601-open") + load_fixture("zaak-2021Z19241-commissieverzoek"))
    with serve_to_app(fake, app, monkeypatch, read_timeout=0.5) as served:
        yield served


def test_fetch_fills_the_new_case_form(login, fake_tk, signatory, db):
    browser = login("registrar")
    page = browser.get("/cases/new/from-tk?reference=2021z19601")
    assert page.status_code == 200
    assert 'value="2021Z19601"' in page.text
    assert "Angstcultuur" in page.text
    assert 'value="05-11-2021"' in page.text  # the date the Dutch way (dd-mm-jjjj)
    assert "Podt (D66)" in page.text and "Ceder (ChristenUnie)" in page.text
    selected_signatory = f'<option selected value="{signatory.id}">' in page.text or f'value="{signatory.id}" selected' in page.text
    assert selected_signatory
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0, "fetching saves no case"


def test_cli_import_matches_the_demo_seed_case(app, fake_tk, signatory, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tk", "import", "2021Z19601", "2021z19241"])
    assert result.exit_code == 0, result.output
    written = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    committee = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19241"))
    # The same case the demo data describes (tests/functional/test_cli.py::test_demo_seed_case).
    assert written.kind.value == "written_questions" and str(written.received_on) == "2021-11-05"
    assert [m.label for m in written.members] == ["Podt (D66)", "Ceder (ChristenUnie)"]
    assert written.addressed_to.id == signatory.id
    assert committee.kind.value == "committee_request" and str(committee.received_on) == "2021-11-02"
    assert committee.committee.name.lower() == "vaste commissie voor justitie en veiligheid"
    again = runner.invoke(args=["tk", "import", "2021Z19601"])
    assert again.exit_code == 0 and "already registered" in again.output


def test_existing_case_differences_applied_only_when_accepted(login, fake_tk, signatory, db, app):
    app.test_cli_runner().invoke(args=["tk", "import", "2021Z19601"])
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    case.subject = "Lokale onderwerpregel"
    case.dossier = "35925-VI"
    db.session.commit()
    browser = login("registrar")
    page = browser.get("/cases/2021Z19601/tk")
    assert page.status_code == 200
    assert 'value="subject"' in page.text and "Lokale onderwerpregel" in page.text
    # Nothing accepted: nothing changes.
    browser.post("/cases/2021Z19601/tk", {"version": str(case.version)}, token_from="/cases/2021Z19601")
    db.session.refresh(case)
    assert case.subject == "Lokale onderwerpregel"
    browser.post("/cases/2021Z19601/tk", {"version": str(case.version), "accept": "subject"}, token_from="/cases/2021Z19601")
    db.session.refresh(case)
    assert case.subject.startswith("Vragen van de leden Podt")
    assert case.dossier == "35925-VI", "a field not accepted keeps the local value"
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "case:updated")) is not None


def test_a_garbled_version_is_refused_with_a_message(login, fake_tk, signatory, db, app):
    app.test_cli_runner().invoke(args=["tk", "import", "2021Z19601"])
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    case.subject = "Lokale onderwerpregel"
    db.session.commit()
    browser = login("registrar")
    response = browser.post("/cases/2021Z19601/tk", {"version": "abc", "accept": "subject"}, token_from="/cases/2021Z19601")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/2021Z19601/tk")
    assert "Iemand anders heeft deze zaak intussen gewijzigd" in browser.get(response.headers["Location"]).text
    db.session.refresh(case)
    assert case.subject == "Lokale onderwerpregel"


def test_network_errors_give_a_message_and_store_nothing(login, fake_tk, db):
    browser = login("registrar")
    fake_tk.fail_next("status", status=500, times=5)
    response = browser.get("/cases/new/from-tk?reference=2021Z19601")
    assert response.status_code == 302
    flashed = browser.get(response.headers["Location"]).text
    assert "Tweede Kamer" in flashed
    fake_tk.fail_next("bad_json")
    response = browser.get("/cases/new/from-tk?reference=2021Z19601")
    assert response.status_code == 302
    assert browser.get("/cases/new/from-tk?reference=2021Z00001").status_code == 302
    assert browser.get("/cases/new/from-tk?reference=nonsense").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_cli_reports_errors_with_exit_code(app, fake_tk, db):
    fake_tk.fail_next("status", status=500, times=5)
    result = app.test_cli_runner().invoke(args=["tk", "import", "2021Z19601", "bogus"])
    assert result.exit_code == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0
