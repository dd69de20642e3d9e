"""Mijn meldingen, preferences, and the admin outbox and job pages, for every role."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.notifications.models import (
    HANDOVER_KINDS,
    Delivery,
    Notification,
    NotificationKind,
    NotificationOptOut,
)
from parliament_tracker.scheduler import run_job


@pytest.fixture
def reminded(app, seed_case, users):
    with app.app_context():
        run_job("reminders", dt.date(2021, 11, 9))
        run_job("escalation", dt.date(2021, 11, 12))
    return seed_case


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_has_my_notifications_in_the_menu(login, db, role):
    browser = login(role)
    page = browser.get("/notifications")
    assert page.status_code == 200
    assert 'href="/notifications"' in page.text and "Mijn meldingen" in page.text
    assert browser.get("/notifications/preferences").status_code == 200
    admin_only = browser.get("/admin/outbox").status_code, browser.get("/admin/jobs").status_code
    assert admin_only == ((200, 200) if role == "admin" else (403, 403))


def test_unread_count_list_and_mark_read(app, login, reminded, users):
    browser = login("drafter")
    with app.app_context():
        mine = reminded.session.scalars(sa.select(Notification).where(Notification.user_id == users["drafter"].id)).all()
    assert len(mine) >= 2
    page = browser.get("/notifications")
    assert '<span class="badge"' in page.text and f">{len(mine)}</span>" in page.text
    assert "2021Z19241" in page.text and "2021Z19601" in page.text
    first = mine[0]
    assert browser.post(f"/notifications/{first.id}/read", token_from="/notifications").status_code == 302
    with app.app_context():
        assert reminded.session.get(Notification, first.id).read_at is not None
    page = browser.get("/notifications")
    assert f">{len(mine) - 1}</span>" in page.text
    # Someone else's notification cannot be marked read by me.
    with app.app_context():
        other = reminded.session.scalars(sa.select(Notification).where(Notification.user_id != users["drafter"].id)).first()
    browser.post(f"/notifications/{other.id}/read", token_from="/notifications")
    with app.app_context():
        assert reminded.session.get(Notification, other.id).read_at is None
    browser.post("/notifications/read-all", token_from="/notifications")
    page = browser.get("/notifications")
    assert '<span class="badge"' not in page.text


def test_preferences_form_switches_reminders_but_not_escalations(app, login, db, users):
    browser = login("director")
    page = browser.get("/notifications/preferences")
    assert 'value="reminder_draft"' in page.text and 'value="escalation"' not in page.text
    assert "disabled" in page.text
    handovers = sorted(k.value for k in HANDOVER_KINDS)
    response = browser.post(
        "/notifications/preferences",
        {"app": ["reminder_due", "escalation", *handovers], "email": ["reminder_due", "reminder_draft", *handovers]},
        token_from="/notifications/preferences",
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(sa.select(NotificationOptOut).where(NotificationOptOut.user_id == users["director"].id))
        off = {(o.kind, o.channel) for o in rows}
    K = NotificationKind
    assert off == {
        (K.reminder_draft, "app"),
        *((k, c) for k in (K.reminder_approval, K.reminder_signature, K.weekly_digest) for c in ("app", "email")),
    }
    page = browser.get("/notifications/preferences")
    assert 'name="app" value="reminder_due" checked' in page.text and 'name="app" value="reminder_draft" >' in page.text
    assert 'name="email" value="reminder_draft" checked' in page.text


def test_admin_outbox_and_job_runs(app, login, reminded, users):
    with app.app_context():
        registrar = reminded.session.get(User, users["registrar"].id)
        registrar.email = "registrar@example.org"
        reminded.session.commit()
        run_job("escalation", dt.date(2021, 11, 17))
        message = reminded.session.scalars(
            sa.select(Notification).join(Delivery, Delivery.notification_id == Notification.id).where(Delivery.address == "registrar@example.org")
        ).first()
        assert message is not None and message.case is not None
    browser = login("admin")
    outbox = browser.get("/admin/outbox")
    assert "registrar@example.org" in outbox.text and "SMTP_HOST" in outbox.text
    shown = browser.get(f"/admin/outbox/{message.id}")
    assert shown.status_code == 200 and f"/cases/{message.case.reference}" in shown.text
    assert browser.get("/admin/outbox/999999").status_code == 404
    jobs = browser.get("/admin/jobs")
    assert jobs.status_code == 200
    for name in ("reminders", "escalation", "weekly_digest", "send_outbox", "db_statistics", "tk_watch", "tk_reconcile", "tk_events"):
        assert f"<code>{name}</code>" in jobs.text
    assert "queued=" in jobs.text
    assert 'href="/admin/outbox"' in browser.get("/admin").text


def test_the_page_counts_every_unread_notification_not_only_those_listed(app, login, reminded, users, monkeypatch):
    from parliament_tracker.notifications import services

    with app.app_context():
        mine = reminded.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == users["drafter"].id))
    assert mine >= 2
    real_for_user = services.for_user
    monkeypatch.setattr(services, "for_user", lambda user, limit=1: real_for_user(user, limit=1))  # the list shows one
    page = login("drafter").get("/notifications").text
    assert page.count('<tr class="unread">') == 1
    assert f"{mine} ongelezen meldingen." in page and f">{mine}</span>" in page  # the text and the menu badge agree
