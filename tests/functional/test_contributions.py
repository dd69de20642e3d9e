"""Contributions (bijdragen): asked, delivered, withdrawn, taken into the letter, the outside link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from parliament_tracker.audit.describe import sentence
from parliament_tracker.audit.services import entries_for
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions import services
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.deadlines.rules import DeadlineKind
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters.models import LetterKind
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MAX = 5 * 1024 * 1024


def _written() -> Case:
    return db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN))


def _other_drafter() -> User:
    dgsenb = factories.directorate("DGSenB")
    return factories.user(Role.drafter, "drafter-dgsenb", directorate=dgsenb, display_name="Drafter DGSenB")


def test_default_due_date_is_the_draft_milestone_minus_the_lead_time(app, seed_case):
    with app.app_context():
        case = _written()
        draft = next(d for d in case.deadlines if d.kind == DeadlineKind.internal_draft)
        due = services.default_due_on(case)
        # two working days (the default) before the draft milestone
        from parliament_tracker.deadlines.services import rule_context, save_settings

        assert due == rule_context().calendar.subtract_working_days(draft.practical_due_on, 2)
        assert due < draft.practical_due_on
        save_settings({"contribution_lead_working_days": 0})
        assert services.default_due_on(case) == draft.practical_due_on
        with pytest.raises(DomainError):
            save_settings({"contribution_lead_working_days": 21})
        db.session.rollback()


def test_asked_of_another_directorate_answered_by_its_drafter_taken_into_the_letter(app, seed_case, users):
    with app.app_context():
        case = _written()
        asker = db.session.get(User, users["drafter"].id)
        contributor = _other_drafter()
        dgsenb = factories.directorate("DGSenB")
        c = services.ask(case, request_text="Graag een antwoord op vraag 2 en 3.", directorate=dgsenb, question_numbers=[3, 2], actor=asker)
        assert c.state == ContributionState.asked and c.question_numbers == [2, 3]
        assert c.due_on == services.default_due_on(case) and c.link_nonce is None

        # the asker is not of the directorate: refused, nothing changed
        with pytest.raises(DomainError) as refused:
            services.deliver(c, text="x", max_bytes=MAX, actor=asker)
        assert refused.value.kind == Kind.refused and c.state == ContributionState.asked

        services.deliver(c, text="Het antwoord van DGSenB.", file=("bijdrage.pdf", PDF), max_bytes=MAX, actor=contributor)
        assert c.state == ContributionState.delivered and c.delivered_by == contributor
        assert c.answer_filename == "bijdrage.pdf" and c.answer_size == len(PDF) and c.delivered_at is not None
        with pytest.raises(DomainError) as twice:
            services.deliver(c, text="nog eens", max_bytes=MAX, actor=contributor)
        assert twice.value.kind == Kind.conflict

        letter = factories.letter([case], LetterKind.answers, actor=asker)
        with pytest.raises(DomainError):  # a stale version is refused by the letter's own edit
            services.take_into_letter(c, letter, expected_version=letter.version - 1, actor=asker)
        services.take_into_letter(c, letter, expected_version=letter.version, actor=asker)
        answers = {tuple(a["questions"]): a.get("text") for a in letter.answers}
        assert answers[(2, 3)] == "Het antwoord van DGSenB."
        assert all(2 not in q and 3 not in q for q in answers if q != (2, 3))
        db.session.commit()

        with app.test_request_context(headers={"Accept-Language": "nl"}):
            lines = [sentence(e) for e in entries_for(case)]
        assert any("bijdrage" in line and "DGSenB" in line for line in lines), lines
        assert any(line == "DGSenB heeft de bijdrage geleverd." for line in lines), lines
        assert any("brief" in line and "2, 3" in line for line in lines), lines
        assert [e.action for e in entries_for(letter)][0] == "letter:updated"


def test_ask_refuses_bad_input_with_field_messages(app, seed_case, users):
    with app.app_context():
        case = _written()
        asker = db.session.get(User, users["drafter"].id)
        dgmi = factories.directorate("DGMI")
        with pytest.raises(DomainError) as exc:
            services.ask(case, request_text=" ", directorate=dgmi, external_email="a@b.nl", question_numbers=[99], actor=asker)
        assert {"request_text", "contributor", "question_numbers"} <= set(exc.value.errors)
        with pytest.raises(DomainError) as exc:
            services.ask(case, request_text="x", external_email="not-an-address", actor=asker)
        assert "external_email" in exc.value.errors
        with pytest.raises(DomainError) as exc:
            services.ask(case, request_text="x", directorate=dgmi, user=_other_drafter(), actor=asker)
        assert "user" in exc.value.errors
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 0


def test_withdrawn_is_final(app, seed_case, users):
    with app.app_context():
        asker = db.session.get(User, users["drafter"].id)
        c = services.ask(_written(), request_text="x", external_email="expert@example.org", due_on=dt.date(2021, 12, 10), actor=asker)
        services.withdraw(c, actor=asker)
        assert c.state == ContributionState.withdrawn and c.link_nonce is None
        with pytest.raises(DomainError):
            services.withdraw(c, actor=asker)
        with pytest.raises(DomainError):
            services.deliver(c, text="x", max_bytes=MAX, actor=None, via_link=True)


def test_outside_link_opens_one_contribution_and_expires_and_is_revoked(app, seed_case, users):
    key = "test-secret"
    with app.app_context():
        asker = db.session.get(User, users["drafter"].id)
        c = services.ask(_written(), request_text="x", external_email="expert@example.org", due_on=dt.date(2021, 12, 10), actor=asker)
        with time_machine.travel(dt.datetime(2021, 12, 1, 9, tzinfo=dt.UTC), tick=False):
            token = services.link_token(c, key)
        with time_machine.travel(dt.datetime(2021, 12, 2, 9, tzinfo=dt.UTC), tick=False):
            assert services.from_link(token, key, max_age=3 * 86400) is c
        with time_machine.travel(dt.datetime(2021, 12, 5, 9, tzinfo=dt.UTC), tick=False), pytest.raises(DomainError) as expired:
            services.from_link(token, key, max_age=3 * 86400)
        assert "verlopen" in expired.value.message or "expired" in expired.value.message
        with pytest.raises(DomainError):
            services.from_link(token + "x", key, max_age=3 * 86400)
        with pytest.raises(DomainError):
            services.from_link(token, "another-key", max_age=3 * 86400)
        services.revoke_link(c, actor=asker)
        with pytest.raises(DomainError):
            services.from_link(token, key, max_age=10**9)
        fresh = services.link_token(c, key)
        assert services.from_link(fresh, key, max_age=10**9) is c
        services.deliver(c, text="Mijn antwoord", max_bytes=MAX, actor=None, via_link=True)
        assert c.state == ContributionState.delivered and c.delivered_by is None
        with pytest.raises(DomainError):  # answered: the link has done its work
            services.from_link(fresh, key, max_age=10**9)


def test_merged_answers_moves_the_numbers_to_the_new_answer():
    answers: list[dict[str, Any]] = [{"questions": [1, 2], "text": "a"}, {"questions": [3], "text": "b"}, {"questions": [4], "see": 3}]
    merged = services.merged_answers(answers, [2, 3], "new")
    assert merged == [{"questions": [1], "text": "a"}, {"questions": [2, 3], "text": "new"}, {"questions": [4], "see": 3}]


def test_admin_sets_the_contribution_lead_time(app, db, login):
    from parliament_tracker.deadlines.settings import INT_SETTINGS, setting_values

    browser = login("admin")
    page = browser.get("/admin/deadlines/settings").text
    assert 'name="contribution_lead_working_days" value="2"' in page
    with app.app_context():
        form = {k: str(v) for k, v in setting_values().items() if k in INT_SETTINGS}
    form["contribution_lead_working_days"] = "4"
    saved = browser.post("/admin/deadlines/settings", form, token_from="/admin/deadlines/settings")
    assert saved.status_code == 302
    with app.app_context():
        assert setting_values()["contribution_lead_working_days"] == 4
    form["contribution_lead_working_days"] = "-1"
    assert browser.post("/admin/deadlines/settings", form, token_from="/admin/deadlines/settings").status_code == 422


def _notifications() -> list[Any]:
    from parliament_tracker.notifications.models import Notification

    return list(db.session.scalars(sa.select(Notification).order_by(Notification.id)))


def test_asked_delivered_and_overdue_are_notified_once(app, seed_case, users):
    from parliament_tracker.notifications import contribution_notices
    from parliament_tracker.notifications.models import NotificationKind as K

    with app.app_context():
        asker = db.session.get(User, users["drafter"].id)
        contributor = _other_drafter()
        dgsenb = factories.directorate("DGSenB")
        to_person = services.ask(_written(), request_text="a", directorate=dgsenb, user=contributor, due_on=dt.date(2021, 12, 10), actor=asker)
        to_mailbox = services.ask(_written(), request_text="b", directorate=dgsenb, due_on=dt.date(2021, 12, 10), actor=asker)
        outside = services.ask(_written(), request_text="c", external_email="expert@example.org", due_on=dt.date(2021, 12, 20), actor=asker)
        asked = [(n.kind, n.user_id, n.recipient) for n in _notifications()]
        assert (K.contribution_asked, contributor.id) in [(k, u) for k, u, _r in asked]
        assert any(k == K.contribution_asked and u is None and "dgsenb" in r.lower() for k, u, r in asked), asked
        assert any(k == K.contribution_asked and "expert@example.org" in r for k, u, r in asked), asked
        outside_note = next(n for n in _notifications() if "expert@example.org" in n.recipient)
        assert "/bijdrage/" in (outside_note.url or "")
        assert len(asked) == 3

        services.deliver(to_person, text="klaar", max_bytes=MAX, actor=contributor)
        delivered = [n for n in _notifications() if n.kind == K.contribution_delivered]
        assert [n.user_id for n in delivered] == [asker.id]

        # overdue: only the mailbox one (the outside one is due later); asker and mailbox once,
        # and (DGSenB has no director) the escalation goes to its mailbox, once
        first = contribution_notices.overdue(dt.date(2021, 12, 13))
        second = contribution_notices.overdue(dt.date(2021, 12, 14))
        assert first["overdue"] == 1 and first["queued"] == 3 and second["queued"] == 0
        assert first["escalated_to_mailbox"] == 1 and first["reminded"] == 0
        late = [n for n in _notifications() if n.kind == K.contribution_overdue]
        assert sorted((n.user_id or 0) for n in late) == sorted([asker.id, 0])
        assert all(f"/contributions/{to_mailbox.id}" in n.url for n in late)
        db.session.commit()
        assert outside.state == ContributionState.asked
