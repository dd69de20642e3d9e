"""The contributions job: reminders before a contribution's due date (as milestones have them),
and an overdue contribution escalated to the director(s) of the directorate asked, once; to its
mailbox, else the administrators, without a director; an outside one to the case's lead
directorate. The seed case's written questions, December 2021."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions import services
from parliament_tracker.extensions import db
from parliament_tracker.notifications import contribution_notices
from parliament_tracker.notifications.models import JobStatus, Notification
from parliament_tracker.notifications.models import NotificationKind as K
from parliament_tracker.scheduler import run_job
from tests import factories

FRIDAY_10_DEC = dt.date(2021, 12, 10)


def _written() -> Case:
    return db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN))


def _sent(kind: K) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.kind == kind).order_by(Notification.id)))


def _setup(users: dict[str, User], *, director: bool = True, mailbox: bool = True) -> dict[str, Any]:
    dgsenb = factories.directorate("DGSenB")
    if not mailbox:
        dgsenb.email = None
    dgmi = factories.directorate("DGMI")
    drafter2 = factories.user(Role.drafter, "drafter2", directorate=dgsenb, display_name="Drafter DGSenB")
    director2 = factories.user(Role.director, "director2", directorate=dgsenb, display_name="Director DGSenB") if director else None
    # the conftest director leads DGMI (the case's lead directorate)
    dgmi_director = db.session.get(User, users["director"].id)
    dgmi_director.directorate_id = dgmi.id
    asker = db.session.get(User, users["drafter"].id)
    c = services.ask(_written(), request_text="Cijfers", directorate=dgsenb, user=drafter2, due_on=FRIDAY_10_DEC, actor=asker)
    db.session.flush()
    return {"c": c, "drafter2": drafter2, "director2": director2, "dgmi_director": dgmi_director, "asker": asker, "dgsenb": dgsenb}


def test_reminded_before_the_due_date_once_and_escalated_to_the_director_asked_once(app, seed_case, users):
    with app.app_context():
        s = _setup(users)
        # Tuesday: the due date is three working days off, outside the two-day horizon
        assert contribution_notices.overdue(dt.date(2021, 12, 7))["reminded"] == 0
        # Wednesday and Thursday: within it, the contributor is reminded once
        wed = contribution_notices.overdue(dt.date(2021, 12, 8))
        thu = contribution_notices.overdue(dt.date(2021, 12, 9))
        assert (wed["reminded"], wed["queued"], thu["queued"]) == (1, 1, 0)
        assert [n.user_id for n in _sent(K.contribution_reminder)] == [s["drafter2"].id]
        assert f"/contributions/{s['c'].id}" in _sent(K.contribution_reminder)[0].url
        # a Saturday: no reminders on a day off
        assert "reminded" not in contribution_notices.overdue(dt.date(2021, 12, 4))
        assert _sent(K.contribution_escalation) == []
        # Monday: overdue. The asker and the contributor are told, the director of DGSenB
        # (not the director of the case's DGMI) gets the escalation; a second run adds nothing.
        mon = contribution_notices.overdue(dt.date(2021, 12, 13))
        assert (mon["overdue"], mon["escalations"], mon["queued"]) == (1, 1, 3)
        escalated = _sent(K.contribution_escalation)
        assert [n.user_id for n in escalated] == [s["director2"].id]
        assert "DGSenB" in escalated[0].subject and "10-12-2021" in escalated[0].body_text
        assert contribution_notices.overdue(dt.date(2021, 12, 14))["queued"] == 0
        # Escalations cannot be switched off.
        assert not K.contribution_escalation.optional and K.contribution_reminder.optional
        # Delivered: nothing more.
        services.deliver(s["c"], text="klaar", max_bytes=1000, actor=s["drafter2"])
        assert contribution_notices.overdue(dt.date(2021, 12, 15))["overdue"] == 0
        db.session.rollback()


def test_without_a_director_to_the_mailbox_else_the_admins(app, seed_case, users):
    with app.app_context():
        _setup(users, director=False)
        counts = contribution_notices.overdue(dt.date(2021, 12, 13))
        assert counts["escalated_to_mailbox"] == 1
        assert [n.recipient for n in _sent(K.contribution_escalation)] == ["mail:dgsenb-kamerstukken@example.org"]
        db.session.rollback()
    with app.app_context():
        _setup(users, director=False, mailbox=False)
        counts = contribution_notices.overdue(dt.date(2021, 12, 13))
        assert counts["escalated_to_admins"] == 1
        assert [n.user_id for n in _sent(K.contribution_escalation)] == [users["admin"].id]
        db.session.rollback()


def test_an_outside_contribution_escalates_to_the_lead_directorate(app, seed_case, users):
    with app.app_context():
        s = _setup(users)
        services.withdraw(s["c"], actor=s["asker"])
        outside = services.ask(_written(), request_text="Uw visie", external_email="expert@example.org", due_on=FRIDAY_10_DEC, actor=s["asker"])
        counts = contribution_notices.overdue(dt.date(2021, 12, 9))
        assert counts["reminded"] == 1
        [reminder] = _sent(K.contribution_reminder)
        assert reminder.recipient == "mail:expert@example.org" and "/bijdrage/" in reminder.url
        contribution_notices.overdue(dt.date(2021, 12, 13))
        assert [n.user_id for n in _sent(K.contribution_escalation)] == [s["dgmi_director"].id]
        assert contribution_notices.escalation_directorate_id(outside) == s["dgmi_director"].directorate_id
        db.session.rollback()


def test_the_scheduler_job_records_its_counts(app, seed_case, users):
    with app.app_context():
        _setup(users)
        db.session.commit()
    with app.app_context():
        first = run_job("contributions_overdue", dt.date(2021, 12, 13))
        again = run_job("contributions_overdue", dt.date(2021, 12, 13))
        assert first.status == again.status == JobStatus.ok
        assert first.counts["escalations"] == 1 and first.counts["queued"] == 3
        assert again.counts["queued"] == 0 and again.counts["already_sent"] == 3
