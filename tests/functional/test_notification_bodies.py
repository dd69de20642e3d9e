"""Message bodies stored once (``notification_bodies``), the recipient's name filled in when read;
migration 0018_bodies moves stored bodies over and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from parliament_tracker import create_app
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.extensions import db as _db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import NAME_MARK, Notification, NotificationBody
from parliament_tracker.notifications.models import NotificationKind as K
from tests.conftest import scratch_database


def test_recipients_of_one_message_share_one_body(app, db):
    """A shared rendering is stored once; each reader gets its own name (escaped in HTML); a rerun
    that queues one recipient more (rendered on its own) stores no second body."""
    context = {
        "reference": "2021Z19241", "case_subject": "Vragen over wachttijden", "step": K.reminder_due,
        "due_on": dt.date(2021, 11, 26), "working_days_late": 3, "status": CaseStatus.drafting,
        "drafter": "Fatima el Amrani", "url": "https://pt.example.org/cases/2021Z19241",
    }
    people = [
        services.Recipient(None, "a@example.org", "O'Brien & <Zn>", "nl"),
        services.Recipient(None, "b@example.org", "Jan de Vries", "nl"),
        services.Recipient(None, "c@example.org", "Ann Smith", "en"),
    ]
    with app.test_request_context():
        drafts = [services.Draft(p, K.escalation, None, context["due_on"], "escalation", context) for p in people]
        expected = services.render_many([services.Draft(p, K.escalation, None, context["due_on"], "escalation", dict(context)) for p in people])
        assert services.queue(drafts) == 3
        bodies_before = db.session.scalar(sa.select(sa.func.count()).select_from(NotificationBody))
        assert bodies_before == 2  # one per language
        stored = {n.recipient: n for n in db.session.scalars(sa.select(Notification))}
        for person, (subject, text, html) in zip(people, expected, strict=True):
            n = stored[person.key]
            assert (n.subject, n.body_text, n.body_html) == (subject, text, html)
            assert NAME_MARK in n.body.text and NAME_MARK not in n.body_text
        assert "O&#39;Brien &amp; &lt;Zn&gt;" in stored[people[0].key].body_html
        again = [services.Draft(services.Recipient(None, "d@example.org", "Piet", "nl"), K.escalation, None,
                                context["due_on"], "escalation", context), *drafts]
        assert services.queue(again) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationBody)) == bodies_before


def test_migration_0018_moves_bodies_over_and_back(tmp_path):
    with scratch_database(tmp_path, "bodies") as url:
        _round_trip(url)


def _round_trip(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    rows: list[dict[str, Any]] = [
        {"id": i, "key": f"k{i}", "text": text, "html": html}
        for i, (text, html) in enumerate([("Dear Ann", "<p>Ann</p>"), ("Same", "<p>same</p>"), ("Same", "<p>same</p>")], 1)
    ]
    with app.app_context():
        upgrade(revision="0017_dashidx2")
        with _db.engine.begin() as conn:
            for r in rows:
                conn.execute(
                    sa.text(
                        "INSERT INTO notifications (id, dedupe_key, recipient, kind, locale, subject, body_text, body_html, in_app,"
                        " created_at) VALUES (:id, :key, 'mail:x@example.org', 'escalation', 'nl', 'S', :text, :html, false,"
                        " '2021-11-01 00:00:00')"
                    ),
                    r,
                )
            conn.execute(
                sa.text("INSERT INTO notification_deliveries (notification_id, channel, address, held, created_at, attempts)"
                        " VALUES (1, 'email', 'x@example.org', false, '2021-11-01 00:00:00', 0)")
            )
        upgrade(revision="0018_bodies")
        with _db.engine.connect() as conn:
            moved = conn.execute(
                sa.text("SELECT n.id, b.text, b.html, n.recipient_name, n.body_id FROM notifications n"
                        " JOIN notification_bodies b ON b.id = n.body_id ORDER BY n.id")
            ).all()
            assert [(i, t, h, name) for i, t, h, name, _b in moved] == [(r["id"], r["text"], r["html"], "") for r in rows]
            assert moved[1].body_id == moved[2].body_id != moved[0].body_id
            assert conn.execute(sa.text("SELECT count(*) FROM notification_bodies")).scalar() == 2
            assert conn.execute(sa.text("SELECT notification_id FROM notification_deliveries")).scalars().all() == [1]
        with _db.engine.begin() as conn:
            # a shared rendering with its mark: the downgrade fills the name in
            conn.execute(sa.text("UPDATE notification_bodies SET text = :t, html = :h WHERE id = :b"),
                         {"t": f"Dear {NAME_MARK}", "h": f"<p>{NAME_MARK}</p>", "b": moved[0].body_id})
            conn.execute(sa.text("UPDATE notifications SET recipient_name = 'A & B' WHERE id = 1"))
        downgrade(revision="0017_dashidx2")
        with _db.engine.connect() as conn:
            back = conn.execute(sa.text("SELECT id, body_text, body_html FROM notifications ORDER BY id")).all()
            assert [tuple(r) for r in back] == [(1, "Dear A & B", "<p>A &amp; B</p>"), (2, "Same", "<p>same</p>"), (3, "Same", "<p>same</p>")]
            assert conn.execute(sa.text("SELECT notification_id FROM notification_deliveries")).scalars().all() == [1]
        upgrade()
        _db.engine.dispose()
