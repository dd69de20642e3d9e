"""Notifications apart from their deliveries: opt-outs per kind and channel, a second channel
as one module, the migration that moved the stored e-mails, and the daily e-mail summary."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
import sqlalchemy as sa

from parliament_tracker.auth.models import User
from parliament_tracker.notifications import services
from parliament_tracker.notifications.channels.base import Channel, Connection
from parliament_tracker.notifications.delivery import send_pending
from parliament_tracker.notifications.models import Delivery, Notification, NotificationKind

K = NotificationKind


def reminder(user: User, ref: str = "1") -> services.Draft:
    return services.Draft(
        services.user_recipient(user),
        K.reminder_draft,
        None,
        dt.date(2021, 11, 11),
        "reminder",
        {"reference": "2021Z00001", "case_subject": "Vragen", "due_on": dt.date(2021, 11, 11), "working_days_left": 2,
         "url": "https://tracker.example.org/cases/2021Z00001"},
        ref=f"test:{ref}",
    )


@pytest.fixture
def drafter(app, db, make_user):
    return make_user("drafter", email="drafter@example.org")


def test_a_notification_gets_one_email_delivery_and_is_listed_in_the_app(app, db, drafter):
    with app.app_context():
        user = db.session.get(User, drafter.id)
        assert services.queue([reminder(user)]) == 1
        assert services.queue([reminder(user)]) == 0  # the same message again: nothing new
        [n] = db.session.scalars(sa.select(Notification)).all()
        assert [(d.channel, d.address, d.sent_at, d.held) for d in n.deliveries] == [("email", "drafter@example.org", None, False)]
        assert n.in_app and n.url == "https://tracker.example.org/cases/2021Z00001"
        assert services.for_user(user) == [n] and services.unread_count(user) == 1


def test_opt_out_per_channel(app, db, drafter):
    with app.app_context():
        user = db.session.get(User, drafter.id)
        everything_but = [(k, c) for k in K for c in ("app", "email") if (k, c) != (K.reminder_draft, "email")]
        services.set_preferences(user, everything_but)
        services.queue([reminder(user, "a")])
        n = db.session.scalars(sa.select(Notification)).one()
        assert n.in_app and n.deliveries == []  # in the app only

        everything_but = [(k, c) for k in K for c in ("app", "email") if (k, c) != (K.reminder_draft, "app")]
        services.set_preferences(user, everything_but)
        services.queue([reminder(user, "b")])
        n = db.session.scalars(sa.select(Notification).where(Notification.dedupe_key.like("%test:b"))).one()
        assert not n.in_app and [d.channel for d in n.deliveries] == ["email"]  # by e-mail only
        assert services.unread_count(user) == 1  # the e-mail-only one is not in the list

        services.set_preferences(user, [(k, c) for k in K for c in ("app", "email") if k != K.reminder_draft])
        assert services.queue([reminder(user, "c")]) == 0  # off everywhere: nothing at all
        assert (user.id, K.reminder_draft) in services.opted_out([user.id])


class FakeChannel(Channel):
    name = "chat"
    setting = "webhook"
    title = "Chat"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def address(self, recipient):
        return f"@{recipient.name.split()[-1]}" if recipient.user_id else None

    def configured(self) -> bool:
        return True

    def connect(self) -> Connection:
        channel = self

        class Conn(Connection):
            def send(self, notification, delivery):
                channel.sent.append((delivery.address, notification.subject))

        return Conn()


def test_a_second_channel_is_one_module(app, db, drafter, monkeypatch):
    fake = FakeChannel()
    module = types.ModuleType("parliament_tracker.notifications.channels.chat")
    module.channel = fake
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(app.config, "NOTIFICATION_CHANNELS", ["email", "chat"])
    with app.app_context():
        user = db.session.get(User, drafter.id)
        services.queue([reminder(user)])
        n = db.session.scalars(sa.select(Notification)).one()
        assert sorted((d.channel, d.address) for d in n.deliveries) == [("chat", "@drafter"), ("email", "drafter@example.org")]
        counts = send_pending(fake)
        assert counts == {"claimed": 1, "sent": 1, "failed": 0}
        assert send_pending(fake)["claimed"] == 0  # once
        assert fake.sent == [("@drafter", n.subject)]
        chat = db.session.scalars(sa.select(Delivery).where(Delivery.channel == "chat")).one()
        assert chat.sent_at is not None and chat.attempts == 1
        # the e-mail is still waiting: channels are independent
        assert db.session.scalars(sa.select(Delivery).where(Delivery.channel == "email")).one().sent_at is None
        assert services.channel_names() == ["app", "email", "chat"]  # the preferences page offers each


def test_the_migration_moves_stored_emails_into_deliveries(tmp_path):
    from flask_migrate import upgrade

    from parliament_tracker import create_app
    from parliament_tracker.extensions import db as _db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}", "TESTING": True})
    with app.app_context():
        upgrade(revision="0008")
        with _db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO users (id, username, display_name, email, password_hash, role, is_enabled, locale, failed_logins, created_at)"
                " VALUES (1, 'ann', 'Ann', 'ann@example.org', 'x', 'drafter', 1, 'nl', 0, '2021-11-01 00:00:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO notifications (id, dedupe_key, recipient, user_id, email, kind, locale, subject, body_text,"
                " body_html, created_at, sent_at, attempts, last_error) VALUES"
                " (1, 'k1', 'user:1', 1, 'ann@example.org', 'reminder_due', 'nl', 'S', 'T', 'H', '2021-11-01 00:00:00',"
                " '2021-11-02 00:00:00', 1, NULL),"
                " (2, 'k2', 'mail:box@example.org', NULL, 'box@example.org', 'reminder_due', 'nl', 'S', 'T', 'H',"
                " '2021-11-01 00:00:00', NULL, 3, '550 no'),"
                " (3, 'k3', 'user:1', 1, NULL, 'escalation', 'nl', 'S', 'T', 'H', '2021-11-01 00:00:00', NULL, 0, NULL)"
            )
            conn.exec_driver_sql(
                "INSERT INTO notification_opt_outs (user_id, kind, created_at) VALUES (1, 'weekly_digest', '2021-11-01 00:00:00')"
            )
        upgrade()
        with _db.engine.connect() as conn:
            deliveries = conn.exec_driver_sql(
                "SELECT notification_id, channel, address, sent_at IS NOT NULL, attempts, last_error FROM notification_deliveries"
                " ORDER BY notification_id"
            ).all()
            in_app = conn.exec_driver_sql("SELECT id, in_app FROM notifications ORDER BY id").all()
            opt_outs = conn.exec_driver_sql("SELECT kind, channel FROM notification_opt_outs ORDER BY channel").all()
        _db.engine.dispose()
    assert deliveries == [(1, "email", "ann@example.org", 1, 1, None), (2, "email", "box@example.org", 0, 3, "550 no")]
    assert in_app == [(1, 1), (2, 0), (3, 1)]
    assert opt_outs == [("weekly_digest", "app"), ("weekly_digest", "email")]
