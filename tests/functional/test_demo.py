"""The demo as a newcomer meets it: the 2021 seed case answered in the app with signed letters,
letters in every workflow stage, and open work dated around the day it is loaded, so every
role's first screen and every main page has something to show. Loaded as ``make run`` loads it
(its own users), frozen on two different days; a second load changes nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.deadlines import queries as deadline_queries
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.approval import signing, verification
from parliament_tracker.letters.approval.models import ApprovalDecision
from parliament_tracker.letters.approval.transitions import Stage
from parliament_tracker.letters.engine import seed_letter
from parliament_tracker.letters.engine.signing import Verdict
from parliament_tracker.letters.models import Letter, LetterCase, LetterCaseRole, LetterStatus
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.worklist import queries as worklist
from tests.conftest import Browser

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: a Wednesday a week after the seed case was answered, and a Thursday years later
DAYS = [dt.date(2021, 12, 1), dt.date(2025, 6, 12)]
DEMO_PASSWORD = "demo-wachtwoord"
DEMO_USERS = ["registrar", "drafter", "drafter2", "director", "signer", "admin", "viewer"]

#: the worklist sections that must not be empty on the first day, per demo user
FIRST_SCREEN = {
    "drafter": {"my_cases", "sent_back"},
    "drafter2": {"my_cases"},
    "director": {"awaiting_approval", "overdue", "due_this_week"},
    "signer": {"to_sign", "to_send"},
    "registrar": {"new_from_kamer", "not_assigned", "to_send", "overdue", "monday_list"},
    "admin": {"not_assigned", "overdue", "due_this_week", "to_sign", "to_send"},
    "viewer": {"overdue", "due_this_week"},
}


def _counts() -> dict[str, int]:
    from parliament_tracker.letters.approval.models import Approval, Signature
    from parliament_tracker.letters.models import LetterVersion

    return {
        model.__name__: _db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Case, Letter, LetterVersion, Approval, Signature, Contribution, AuditEntry, User)
    }


def _load(app, today: dt.date) -> bool:
    from parliament_tracker.demo import load_demo

    with app.app_context():
        created = load_demo()
        _db.session.commit()
    return created


def _case(reference: str) -> Case:
    return _db.session.scalar(sa.select(Case).where(Case.reference == reference))


def _answering(case: Case) -> list[Letter]:
    return list(_db.session.scalars(
        sa.select(Letter).join(LetterCase).where(LetterCase.case_id == case.id, LetterCase.role == LetterCaseRole.answers)
    ))


def _log(obj_type: str, obj_id: int) -> list[AuditEntry]:
    return list(_db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == obj_type, AuditEntry.object_id == obj_id).order_by(AuditEntry.id)
    ))


def _check_the_seed_case_is_history_answered_by_signed_letters(app) -> None:
    with app.app_context():
        request, written = _case("2021Z19241"), _case("2021Z19601")
        for case in (request, written):
            assert case.status == CaseStatus.answered and case.answered_on == dt.date(2021, 11, 23)
            [letter] = _answering(case)
            assert letter.status == LetterStatus.sent and letter.sent_on == dt.date(2021, 11, 23)
            assert letter.letter_date == dt.date(2021, 11, 23) and letter.signatory.name == "Ankie Broekers-Knol"
            signature = signing.signature_of(letter)
            assert signature is not None and signature.version == letter.latest_version
            # The signed PDF verifies, and the verification finds the letter it belongs to.
            checked = verification.verify(signature.version.pdf)
            assert checked.verdict == Verdict.valid, checked.result.summary
            facts = checked.as_json()["letter"]
            assert facts["id"] == letter.id and facts["our_reference"] == letter.our_reference
            assert "Ankie Broekers-Knol" in facts["signatory"] and facts["signed_by"] == "signer"
            # The signature itself says it was made on 23 November 2021.
            assert checked.result.signing_time.astimezone(AMSTERDAM).date() == dt.date(2021, 11, 23)
            # The letter's full timeline, each step by its person, in November 2021.
            steps = [(e.action, e.actor.username if e.actor else None, e.created_at.astimezone(AMSTERDAM).date())
                     for e in _log("letter", letter.id)]
            actions = [action for action, _, _ in steps]
            assert actions[0] == "letter:started" and "letter:generated" in actions
            assert actions[-4:] == ["letter:submitted", "letter:approved", "letter:signed", "letter:sent"]
            assert [who for _, who, _ in steps[-4:]] == ["drafter", "director", "signer", "registrar"]
            days = [day for _, _, day in steps]
            assert days == sorted(days) and days[0] == dt.date(2021, 11, 15) and days[-1] == dt.date(2021, 11, 23)
            # The case's own timeline: registered in November 2021, answered on the 23rd.
            case_log = _log("case", case.id)
            assert case_log[0].action == "case:created" and case_log[0].created_at.year == 2021
            assert all(e.created_at.astimezone(AMSTERDAM).date() <= dt.date(2021, 11, 23) for e in case_log)
        reply = _answering(request)[0]
        assert reply.subject == seed_letter.SUBJECT and reply.your_reference == "2021Z19241"
        assert {link.case.reference: link.role.value for link in reply.case_links} == {
            "2021Z19241": "answers", "2021Z19601": "mentions"}


def _check_a_letter_in_every_stage_on_open_cases(app, today: dt.date) -> None:
    with app.app_context():
        letters = list(_db.session.scalars(sa.select(Letter).order_by(Letter.id)))
        by_stage: dict[Stage, list[Letter]] = {}
        for letter in letters:
            by_stage.setdefault(workflow.stage_of(letter), []).append(letter)
        assert set(by_stage) == set(Stage)
        # The open work is recent: every letter but the two of 2021 answers a case received in
        # the last weeks, and the one sent went out in the last days.
        seed = {"2021Z19241", "2021Z19601"}
        open_work = [letter for letter in letters if not {c.reference for c in letter.cases} & seed]
        assert len(open_work) == len(letters) - 2
        for letter in open_work:
            assert all(today - dt.timedelta(days=45) <= c.received_on < today for c in letter.cases)
        sent = [letter.sent_on for letter in open_work if letter.status == LetterStatus.sent]
        assert sent and all(today - dt.timedelta(days=7) <= d < today for d in sent)
        # Changes requested: the approver's comment is there for the drafter.
        sent_back = by_stage[Stage.changes_requested][0]
        decision = next(a for a in workflow.approvals(sent_back) if a.decision == ApprovalDecision.changes_requested)
        assert decision.comment and decision.approver.username == "director"
        # In review: the director decides first.
        assert workflow.current_approval(by_stage[Stage.in_review][0]).approver.username == "director"
        # The signed one (not yet sent) verifies too.
        signed = by_stage[Stage.signed][0]
        assert verification.verify(signing.signature_of(signed).version.pdf).verdict == Verdict.valid
        # Contributions: one delivered, one still asked.
        states = {c.state.value for c in _db.session.scalars(sa.select(Contribution))}
        assert {"asked", "delivered"} <= states


def _check_every_role_has_a_plausible_first_screen(app, client, today: dt.date) -> None:
    with app.app_context():
        for username, keys in FIRST_SCREEN.items():
            user = _db.session.scalar(sa.select(User).where(User.username == username))
            sections = {s.key: s for s in worklist.for_user(user, today)}
            empty = [key for key in keys if not sections[key].items]
            assert not empty, f"{username}: empty {empty} on {today}"
        dgmi = _db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
        week_end = today + dt.timedelta(days=6 - today.weekday())
        assert deadline_queries.overdue(today, directorate_id=dgmi.id)[1] > 0
        assert deadline_queries.binding_between(today, week_end, directorate_id=dgmi.id)[1] > 0
        assert deadline_queries.monday_list_preview(today, dgmi.id)[1] > 0
        debate = [e for events in deadline_queries.events_by_day(week_end, week_end + dt.timedelta(days=7)).values()
                  for e in events]
        assert debate, "a debate next week"
        contribution = _db.session.scalar(sa.select(Contribution).where(Contribution.state == ContributionState.asked))
    # The pages a newcomer opens first, as the demo users (password as `make run` prints it).
    pages = {
        "director": ["/me/worklist", "/dashboard", "/calendar", "/approvals"],
        "signer": ["/me/worklist"],
        "drafter2": ["/me/worklist", f"/contributions/{contribution.id}"],
        "viewer": ["/me/worklist", "/calendar"],
    }
    for username, paths in pages.items():
        browser = Browser(client)
        response = browser.login(username, DEMO_PASSWORD)
        assert response.status_code == 302 and response.headers["Location"].endswith("/me/worklist")
        for path in paths:
            page = browser.get(path)
            assert page.status_code == 200, (username, path)
            assert path != "/me/worklist" or "<tbody>" in page.text, (username, "an empty first screen")
        client.post("/logout", data={"csrf_token": _csrf(client)})
    dashboard = _dashboard_as_director(client)
    assert "Te laat" in dashboard or "Overdue" in dashboard


def _csrf(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/account")


def _dashboard_as_director(client) -> str:
    browser = Browser(client)
    browser.login("director", DEMO_PASSWORD)
    return browser.get("/dashboard").text


def _check_a_second_load_changes_nothing(app, today: dt.date) -> None:
    with app.app_context():
        before = _counts()
        before_log = _db.session.scalar(sa.select(sa.func.max(AuditEntry.id)))
    assert _load(app, today) is False
    with app.app_context():
        assert _counts() == before
        assert _db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) == before_log


@pytest.mark.parametrize("today", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_demo_as_loaded_on(app, client, db, tmp_path, monkeypatch, today):
    """One load per day (a load renders and signs letters): every check on it, then a second load.

    On a fresh instance, as ``make run``: the demo makes its own signing certificate."""
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(tmp_path / "signing" / "dev.p12"))
    with time_machine.travel(dt.datetime.combine(today, dt.time(11), tzinfo=AMSTERDAM), tick=False):
        assert _load(app, today) is True
        _check_the_seed_case_is_history_answered_by_signed_letters(app)
        _check_a_letter_in_every_stage_on_open_cases(app, today)
        _check_every_role_has_a_plausible_first_screen(app, client, today)
        _check_a_second_load_changes_nothing(app, today)
