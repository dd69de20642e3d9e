"""The state owners send the domain events of parliament_tracker.signals with the documented
keyword arguments (the notifications package builds its hand-over messages on them)."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack

import pytest

from parliament_tracker import signals
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases import status as case_status
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters.approval.transitions import Stage
from parliament_tracker.letters.models import LetterStatus


@pytest.fixture
def heard():
    """Every signal sent while the test runs: (signal name, sender, kwargs)."""
    events: list[tuple[str, object, dict]] = []
    names = ("case_status_changed", "case_assigned", "letter_status_changed", "postponement_sent", "event_moved")
    with ExitStack() as stack:
        for name in names:
            def receiver(sender, _name=name, **kwargs):
                events.append((_name, sender, kwargs))

            stack.enter_context(getattr(signals, name).connected_to(receiver))
        yield events


def _case(app, users, reference="2026Z10011", kind=CaseKind.committee_request, **kwargs):
    with app.app_context():
        case = case_services.create_case(
            case_services.CaseInput(reference=reference, kind=kind, subject="Onderwerp", received_on=today_local() - dt.timedelta(days=2), **kwargs),
            actor=_db.session.merge(users["registrar"]),
        )
        _db.session.commit()
        return case.id


def test_case_assigned_and_status_changed(app, db, users, heard):
    case_id = _case(app, users)
    assert heard == []  # registered without anybody: nothing assigned
    with app.app_context():
        case = _db.session.get(Case, case_id)
        drafter = _db.session.merge(users["drafter"])
        registrar = _db.session.merge(users["registrar"])
        case_services.update_case(case, case_services.CaseInput(drafter=drafter), expected_version=case.version, actor=registrar)
        assert [(n, s is case) for n, s, _k in heard] == [("case_status_changed", True), ("case_assigned", True)]
        assert heard[0][2] == {"before": CaseStatus.registered, "after": CaseStatus.assigned, "actor": registrar, "reason": "case edited"}
        assert heard[1][2] == {"drafter": drafter, "directorate": None, "actor": registrar}
        heard.clear()
        case_status.transition(case, CaseStatus.drafting, actor=drafter, comment="Begonnen")
        assert heard == [("case_status_changed", case, {"before": CaseStatus.assigned, "after": CaseStatus.drafting, "actor": drafter, "reason": "Begonnen"})]
        heard.clear()
        assert case_status.system_transition(case, CaseStatus.answered, actor=None, reason="Tweede Kamer", answered_on=dt.date(2026, 1, 5))
        assert case.answered_on == dt.date(2026, 1, 5)
        assert heard[0][2]["after"] == CaseStatus.answered and heard[0][2]["actor"] is None
        _db.session.rollback()


def test_registered_with_a_drafter_is_assigned(app, db, users, heard):
    with app.app_context():
        drafter = _db.session.merge(users["drafter"])
    _case(app, users, drafter=drafter)
    assert [n for n, _s, _k in heard] == ["case_assigned"]
    assert heard[0][2]["drafter"].id == users["drafter"].id


def test_letter_steps_say_whose_turn_it_is(app, db, client, users, make_user, api_token, heard):
    make_user("director", "director2")
    case_id = _case(app, users)
    with app.app_context():
        reference = _db.session.get(Case, case_id).reference
    r = client.post(f"/api/v1/cases/{reference}/letters", headers=api_token("drafter"), json={"kind": "kamerbrief", "body": "Tekst."})
    url = f"/api/v1/letters/{r.json['id']}"
    heard.clear()

    def letter_events():
        out = [(k["before"], k["after"], k["stage"], [u.username for u in k["next_approvers"]], k["comment"]) for n, _s, k in heard if n == "letter_status_changed"]
        heard.clear()
        return out

    client.post(url + "/submit", headers=api_token("drafter"), json={"approvers": ["director", "director2"]})
    assert letter_events() == [(LetterStatus.draft, LetterStatus.in_review, Stage.in_review, ["director"], "")]
    client.post(url + "/approve", headers=api_token("director"), json={"comment": "Prima"})
    assert letter_events() == [(LetterStatus.in_review, LetterStatus.in_review, Stage.in_review, ["director2"], "Prima")]
    with app.app_context():
        from parliament_tracker.auth.models import User
        from parliament_tracker.auth.services import issue_token

        token = issue_token(_db.session.scalar(_db.select(User).where(User.username == "director2")))
        _db.session.commit()
    client.post(url + "/request-changes", headers={"Authorization": f"Bearer {token}"}, json={"comment": "Korter graag."})
    assert letter_events() == [(LetterStatus.in_review, LetterStatus.draft, Stage.changes_requested, [], "Korter graag.")]
    client.post(url + "/submit", headers=api_token("drafter"), json={"approvers": ["director"]})
    letter_events()
    r = client.post(url + "/withdraw", headers=api_token("drafter"), json={})
    assert r.status_code == 200
    withdrawn = [k for n, _s, k in heard if n == "letter_status_changed"]
    assert withdrawn[0]["after"] == LetterStatus.withdrawn and [u.username for u in withdrawn[0]["pending_approvers"]] == ["director"]


def test_a_sent_postponement_notice(app, db, client, users, api_token, heard):
    with app.app_context():
        from parliament_tracker.organisation.models import Signatory

        minister = Signatory(office_title="De Minister van Justitie en Veiligheid", name="M")
        _db.session.add(minister)
        case_services.create_case(
            case_services.CaseInput(reference="2026Z10012", kind=CaseKind.written_questions, subject="Vragen",
                                    received_on=today_local() - dt.timedelta(days=2), questions_text="1. Waarom?", addressed_to=minister)
        )
        _db.session.commit()
    r = client.post("/api/v1/cases/2026Z10012/letters", headers=api_token("drafter"),
                    json={"kind": "postponement_notice", "postponement_reason": "de afstemming meer tijd vraagt"})
    assert r.status_code == 201, r.json
    url = f"/api/v1/letters/{r.json['id']}"
    client.post(url + "/submit", headers=api_token("drafter"), json={"approvers": ["director"]})
    client.post(url + "/approve", headers=api_token("director"), json={})
    assert client.post(url + "/sign", headers=api_token("signatory_office")).status_code == 200
    heard.clear()
    assert client.post(url + "/send", headers=api_token("registrar"), json={"sent_on": today_local().isoformat()}).status_code == 200
    names = [n for n, _s, _k in heard]
    assert "postponement_sent" in names and "case_status_changed" not in names  # a postponement does not answer
    kwargs = next(k for n, _s, k in heard if n == "postponement_sent")
    assert [c.reference for c in kwargs["cases"]] == ["2026Z10012"] and kwargs["actor"].username == "registrar"
