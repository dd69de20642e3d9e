"""Every hand-over notifies the next person once, in the app and by e-mail, with a link
straight to the thing to do; a daily-summary user gets one e-mail a day instead."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from parliament_tracker import signals
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.models import Letter, LetterKind, LetterStatus
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import Delivery, Notification, NotificationKind
from parliament_tracker.scheduler import run_job

K = NotificationKind
SEED = "2021Z19241"


def post(client, url, headers, json=None):
    return client.post(url, headers=headers, json=json if json is not None else {})


def mine(user_id: int, kind: NotificationKind | None = None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(_db.session.scalars(query))


@pytest.fixture
def letter_id(app, seed_draft, users):
    """The demo reply to 2021Z19241, generated, with e-mail addresses for the test users."""
    with app.app_context():
        for user in users.values():
            _db.session.get(User, user.id).email = f"{user.username}@example.org"
        case = _db.session.scalar(sa.select(Case).where(Case.reference == SEED))
        _db.session.get(User, users["director"].id).directorate_id = case.lead_directorate_id
        letter = _db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.kamerbrief).order_by(Letter.id))
        letter_services.generate_version(letter, actor=_db.session.get(User, users["drafter"].id))
        _db.session.commit()
        return letter.id


def test_the_signal_notifies_the_next_approver_once_with_a_link(app, seed_draft, users, letter_id):
    with app.app_context():
        letter = _db.session.get(Letter, letter_id)
        director = _db.session.get(User, users["director"].id)
        drafter = _db.session.get(User, users["drafter"].id)
        for _ in range(2):  # heard twice: one message
            signals.letter_status_changed.send(
                letter, before=LetterStatus.draft, after=LetterStatus.in_review, actor=drafter, comment="", next_approvers=[director]
            )
        [n] = mine(director.id, K.approval_requested)
        assert n.kind == K.approval_requested and n.url.endswith(f"/letters/{letter_id}")
        assert n.subject == f"Brief voor {SEED} wacht op uw goedkeuring"
        assert "Test drafter heeft de brief" in n.body_text and f"/letters/{letter_id}" in n.body_text
        assert [(d.channel, d.address) for d in n.deliveries] == [("email", "director@example.org")]
        assert mine(drafter.id, K.approval_requested) == []  # the actor is not told about their own step


def test_changes_requested_reaches_the_drafter_with_the_comment(app, seed_draft, users, letter_id):
    with app.app_context():
        letter = _db.session.get(Letter, letter_id)
        director = _db.session.get(User, users["director"].id)
        signals.letter_status_changed.send(
            letter, before=LetterStatus.in_review, after=LetterStatus.draft, actor=director, comment="Vraag 2 is onvolledig.",
            next_approvers=[],
        )
        [n] = mine(users["drafter"].id, K.changes_requested)
        assert n.kind == K.changes_requested and "“Vraag 2 is onvolledig.”" in n.body_text
        assert "Vraag 2 is onvolledig." in n.body_html and n.url.endswith(f"/letters/{letter_id}")


def test_the_whole_chain_through_the_api(app, client, seed_draft, users, letter_id, api_token):
    url = f"/api/v1/letters/{letter_id}"
    assert post(client, url + "/submit", api_token("drafter"), {"approvers": ["director", "admin"]}).status_code == 200
    with app.app_context():
        assert [n.kind for n in mine(users["director"].id)] == [K.approval_requested]
        assert mine(users["admin"].id) == []  # not their turn yet
    assert post(client, url + "/approve", api_token("director")).status_code == 200
    with app.app_context():
        assert [n.kind for n in mine(users["admin"].id)] == [K.approval_requested]  # the next approver
        assert mine(users["signatory_office"].id) == []
    assert post(client, url + "/approve", api_token("admin")).status_code == 200
    with app.app_context():
        [to_sign] = mine(users["signatory_office"].id)
        assert to_sign.kind == K.letter_to_sign and to_sign.url.endswith(url.removeprefix("/api/v1"))
    assert post(client, url + "/sign", api_token("signatory_office")).status_code == 200
    with app.app_context():
        [to_send] = mine(users["registrar"].id)
        assert to_send.kind == K.letter_signed and to_send.subject.startswith("Ondertekende brief")
        assert [n.kind for n in mine(users["drafter"].id, K.letter_signed)] == [K.letter_signed]
    sent = post(client, url + "/send", api_token("registrar"), {"sent_on": today_local().isoformat()})
    assert sent.status_code == 200, sent.json
    with app.app_context():
        assert [n.kind for n in mine(users["drafter"].id, K.letter_sent)] == [K.letter_sent]
        assert K.letter_sent in [n.kind for n in mine(users["director"].id)]
        total = _db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    # Each hand-over once: the API calls do not repeat, and re-hearing changes nothing.
    with app.app_context():
        letter = _db.session.get(Letter, letter_id)
        signals.letter_status_changed.send(letter, before=LetterStatus.signed, after=LetterStatus.sent, actor=None, comment="", next_approvers=[])
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == total


def test_a_second_round_after_changes_is_a_new_hand_over(app, client, seed_draft, users, letter_id, api_token):
    url = f"/api/v1/letters/{letter_id}"
    post(client, url + "/submit", api_token("drafter"), {"approvers": ["director"]})
    post(client, url + "/request-changes", api_token("director"), {"comment": "Korter graag."})
    assert post(client, url + "/submit", api_token("drafter"), {"approvers": ["director"]}).status_code == 200
    with app.app_context():
        assert [n.kind for n in mine(users["director"].id)] == [K.approval_requested, K.approval_requested]
        assert [n.kind for n in mine(users["drafter"].id, K.changes_requested)] == [K.changes_requested]


def test_case_assigned_to_a_drafter_or_the_directorates_mailbox(app, seed_draft, users):
    with app.app_context():
        case = _db.session.scalar(sa.select(Case).where(Case.reference == SEED))
        registrar = _db.session.get(User, users["registrar"].id)
        drafter = _db.session.get(User, users["drafter"].id)
        before = mine(drafter.id, K.case_assigned)
        signals.case_assigned.send(case, drafter=drafter, directorate=case.lead_directorate, actor=registrar)
        signals.case_assigned.send(case, drafter=drafter, directorate=case.lead_directorate, actor=registrar)  # heard twice
        [n] = [n for n in mine(drafter.id, K.case_assigned) if n not in before]
        assert n.kind == K.case_assigned and n.url.endswith(f"/cases/{SEED}") and n.case_id == case.id
        boxed = sa.select(Notification).where(Notification.recipient == f"mail:{case.lead_directorate.email}")
        before = list(_db.session.scalars(boxed))
        signals.case_assigned.send(case, drafter=None, directorate=case.lead_directorate, actor=registrar)
        [box] = [n for n in _db.session.scalars(boxed) if n not in before]
        assert box.kind == K.case_assigned and not box.in_app
        assert [d.address for d in box.deliveries] == [case.lead_directorate.email]


def test_assigning_a_drafter_on_the_edit_page_notifies_them(app, seed_draft, users, login):
    with app.app_context():
        case = _db.session.scalar(sa.select(Case).where(Case.reference == "2021Z19601"))
        case.drafter = None
        _db.session.commit()
        before = len(mine(users["drafter"].id, K.case_assigned))
    from parliament_tracker.cases.services import CaseInput, update_case

    with app.app_context():
        case = _db.session.scalar(sa.select(Case).where(Case.reference == "2021Z19601"))
        update_case(case, CaseInput(drafter=_db.session.get(User, users["drafter"].id)), expected_version=case.version,
                    actor=_db.session.get(User, users["registrar"].id))
        _db.session.commit()
        assert len(mine(users["drafter"].id, K.case_assigned)) == before + 1


def test_daily_summary_users_get_one_email_a_day(app, seed_draft, users, letter_id, client, api_token):
    with app.app_context():
        director = _db.session.get(User, users["director"].id)
        services.set_preferences(director, [(k, c) for k in K for c in ("app", "email")], "daily")
        _db.session.commit()
    post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    with app.app_context():
        [n] = mine(users["director"].id, K.approval_requested)
        assert n.in_app and [(d.held, d.sent_at) for d in n.deliveries] == [(True, None)]  # in the app now, e-mail later
        assert services.outbox() == [] or all(d.notification_id != n.id for d in services.outbox())
        run = run_job("daily_summary", dt.date(2021, 12, 1))
        assert run.counts == {"users": 1, "messages": 1, "already_sent": 0}, run.counts
        [summary] = mine(users["director"].id, K.daily_summary)
        assert n.subject in summary.body_text and n.url in summary.body_text
        [d] = summary.deliveries
        assert d.held is False and d.sent_at is None  # the summary itself goes out with the next send
        carried = _db.session.scalars(sa.select(Delivery).where(Delivery.notification_id == n.id)).one()
        assert carried.summary_id == summary.id and carried.sent_at is not None
        assert run_job("daily_summary", dt.date(2021, 12, 1)).counts["users"] == 0  # nothing twice
