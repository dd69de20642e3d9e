"""Retention walk: a closed case past its period is proposed, the archivist approves, it is
destroyed with its minimal record kept (the audit log untouched); a case under a legal hold is
never proposed until the hold is lifted; transfer makes the letters' archive packages."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.cases import status as case_status
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters.approval.models import Signature
from parliament_tracker.letters.models import Letter
from parliament_tracker.records import retention
from parliament_tracker.records.models import (
    DestroyedRecord,
    DestructionItem,
    DestructionList,
    ItemDecision,
    LegalHold,
)
from parliament_tracker.scheduler import run_job
from tests.functional.test_woo_file import LINKED, SEED, sent_seed  # noqa: F401  (the fixture)

LATER = today_local() + dt.timedelta(days=2 * 366)


def _case(reference: str) -> Case | None:
    return _db.session.scalar(sa.select(Case).where(Case.reference == reference))


def _rules(client_browser, outcome: str) -> None:
    form = {f"years_{k}": "1" for k in ("written_questions", "committee_request", "commitment", "motion", "plenary_request", "other")}
    form |= {f"outcome_{k}": outcome for k in ("written_questions", "committee_request", "commitment", "motion", "plenary_request", "other")}
    response = client_browser.post("/retention/rules", form, token_from="/retention")
    assert response.status_code == 303, response.text[:300]


def _close_linked(app, users) -> None:
    with app.app_context():
        registrar = _db.session.get(User, users["registrar"].id)
        case = _case(LINKED)
        case_status.transition(case, CaseStatus.no_reply_needed, actor=registrar, comment="Beantwoord in de brief van 2021Z19241")
        _db.session.commit()


def _latest_list() -> DestructionList:
    return _db.session.scalar(sa.select(DestructionList).order_by(DestructionList.id.desc()))


def test_retention_walk_with_a_legal_hold(app, client, sent_seed, users, login):  # noqa: F811
    admin = login("admin")
    _rules(admin, "destroy")
    admin.post("/logout", token_from="/cases")
    _close_linked(app, users)
    browser = login("registrar")
    r = browser.post(f"/cases/{LINKED}/holds", {"reason": "woo_request", "note": "Woo-verzoek IND"}, token_from=f"/cases/{LINKED}")
    assert r.status_code == 303
    assert "Woo-verzoek IND" in browser.get(f"/cases/{LINKED}").text
    with app.app_context():
        seed_id, letter_id = _case(SEED).id, _db.session.scalar(sa.select(Letter.id))
        before = _db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.object_type == "case", AuditEntry.object_id == seed_id))
        # nothing is past its period today
        assert run_job("retention_proposal").counts == {"list": None, "proposed": 0}
        run = run_job("retention_proposal", LATER)
        assert run.status.value == "ok", run.error
        proposal = _latest_list()
        # the answered seed case is proposed; the linked case, closed too, is under a hold
        assert [(i.reference, i.decision, i.outcome.value) for i in proposal.items] == [(SEED, ItemDecision.proposed, "destroy")]
        item_id, list_id = proposal.items[0].id, proposal.id
        # a second run proposes nothing new: the seed case is on a list already
        assert run_job("retention_proposal", LATER).counts["proposed"] == 0
    browser.post("/logout", token_from="/cases")

    archivist = login("archivist")
    page = archivist.get(f"/retention/lists/{list_id}")
    assert page.status_code == 200 and SEED in page.text
    # destroying before approval destroys nothing
    assert archivist.post(f"/retention/lists/{list_id}/destroy", {}, token_from=f"/retention/lists/{list_id}").status_code == 303
    with app.app_context():
        assert _case(SEED) is not None
    r = archivist.post(f"/retention/items/{item_id}/decide", {"decision": "approve", "note": "Akkoord"}, token_from=f"/retention/lists/{list_id}")
    assert r.status_code == 303
    r = archivist.post(f"/retention/lists/{list_id}/destroy", {}, token_from=f"/retention/lists/{list_id}")
    assert r.status_code == 303
    with app.app_context():
        assert _case(SEED) is None
        record = _db.session.scalar(sa.select(DestroyedRecord))
        assert (record.reference, record.kind.value, record.former_case_id) == (SEED, "committee_request", seed_id)
        assert record.received_on == dt.date(2021, 11, 2) and record.closed_on == today_local()
        assert record.approved_by == users["archivist"].display_name and record.destroyed_by == users["archivist"].display_name
        assert f"vernietigingslijst {list_id}" in record.decision
        item = _db.session.get(DestructionItem, item_id)
        assert item.decision == ItemDecision.destroyed and item.case_id is None
        # the audit entries about the case stay (append-only), and the destruction is one of them
        entries = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "case", AuditEntry.object_id == seed_id)).all()
        assert len(entries) == before + 1 and entries[-1].action == "case:destroyed"
        assert _db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_type == "destruction_list")
                                  .order_by(AuditEntry.id.desc()).limit(1)) == "destruction_list:destroyed"
        # the letter also belongs to the linked case: it stays
        assert _db.session.get(Letter, letter_id) is not None
        # the case under hold was never proposed; lifted, it is
        assert run_job("retention_proposal", LATER).counts["proposed"] == 0
        hold_id = _db.session.scalar(sa.select(LegalHold.id))
    browser = archivist
    assert browser.post(f"/holds/{hold_id}/lift", {}, token_from=f"/cases/{LINKED}").status_code == 303
    with app.app_context():
        assert run_job("retention_proposal", LATER).counts["proposed"] == 1
        proposal = _latest_list()
        item_id, list_id = proposal.items[0].id, proposal.id
        assert proposal.items[0].reference == LINKED
    archivist.post(f"/retention/items/{item_id}/decide", {"decision": "approve"}, token_from=f"/retention/lists/{list_id}")
    archivist.post(f"/retention/lists/{list_id}/destroy", {}, token_from=f"/retention/lists/{list_id}")
    with app.app_context():
        assert _case(LINKED) is None
        # now no case is left for the letter: it went with the last one, its signature too
        assert _db.session.get(Letter, letter_id) is None
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0
        assert {r.reference for r in _db.session.scalars(sa.select(DestroyedRecord))} == {SEED, LINKED}
    assert SEED in archivist.get("/retention").text


def test_a_hold_placed_after_approval_stops_the_destruction(app, client, sent_seed, users, login):  # noqa: F811
    with app.app_context():
        admin = _db.session.get(User, users["admin"].id)
        archivist = _db.session.get(User, users["archivist"].id)
        retention.set_rule(_case(SEED).kind, 1, "destroy", actor=admin)
        proposal = retention.propose(LATER)
        assert proposal is not None
        retention.decide(proposal.items[0], True, "", actor=archivist)
        retention.place_hold(_case(SEED), "objection", "Bezwaar tegen Woo-besluit", actor=admin)
        from parliament_tracker.errors import DomainError

        with pytest.raises(DomainError, match="juridische blokkade"):
            retention.destroy_approved(proposal, actor=archivist)
        assert _case(SEED) is not None


def test_transfer_makes_the_letters_archive_packages_and_the_case_metadata(app, client, sent_seed, users, login):  # noqa: F811
    with app.app_context():
        admin = _db.session.get(User, users["admin"].id)
        retention.set_rule(_case(SEED).kind, 1, "transfer", actor=admin)
        proposal = retention.propose(LATER)
        list_id, item_id = proposal.id, proposal.items[0].id
        _db.session.commit()
    archivist = login("archivist")
    archivist.post(f"/retention/items/{item_id}/decide", {"decision": "approve"}, token_from=f"/retention/lists/{list_id}")
    r = archivist.post(f"/retention/lists/{list_id}/transfer", {}, token_from=f"/retention/lists/{list_id}")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    names = archive.namelist()
    metadata = json.loads(archive.read(f"{SEED}/zaak-mdto.json"))
    assert metadata["informatieobject"]["identificatie"][0]["identificatieKenmerk"] == SEED
    assert metadata["informatieobject"]["waardering"]["begripLabel"] == "blijvend te bewaren"
    packages = [n for n in names if n.startswith(f"{SEED}/") and n.endswith("-archief.zip")]
    assert len(packages) == 1
    inner = zipfile.ZipFile(io.BytesIO(archive.read(packages[0])))
    assert any(n.endswith("mdto.json") for n in inner.namelist()) and any(n.endswith("-ondertekend.pdf") for n in inner.namelist())
    assert "manifest-sha256.txt" in names
    with app.app_context():
        assert _db.session.get(DestructionItem, item_id).decision == ItemDecision.transferred
        assert _case(SEED) is not None  # transferred, not destroyed


def test_only_the_archivist_decides_and_only_admins_set_the_schedule(client, seed_case, login):
    browser = login("admin")
    assert browser.post("/retention/items/1/decide", {"decision": "approve"}, token_from="/retention").status_code == 403
    r = browser.post("/retention/rules", {"years_motion": "abc", "outcome_motion": "destroy"}, token_from="/retention")
    assert r.status_code == 422 and "abc" in r.text
