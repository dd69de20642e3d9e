"""E-mail over a real SMTP server (aiosmtpd on a free localhost port): Dutch subject and a
link to the case; a refusing or absent server leaves the messages queued until a later run."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.notifications.models import Delivery, JobStatus
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.scheduler import run_job


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """Accepts everything, or refuses every recipient with 550 while ``refuse`` is set."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp_config(app, monkeypatch):
    def configure(port: int) -> None:
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", port)
        monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
        monkeypatch.setitem(app.config, "SMTP_SSL", False)
        monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)
        monkeypatch.setitem(app.config, "MAIL_SENDER", "Parliament Tracker <tracker@example.org>")

    return configure


@pytest.fixture
def queued(app, seed_case, users, monkeypatch):
    """Reminders for 9 Nov 2021 with addresses: the drafter's and a directorate mailbox."""
    monkeypatch.setitem(app.config, "BASE_URL", "https://tracker.example.org")  # links are made when queued
    with app.app_context():
        drafter = seed_case.session.get(User, users["drafter"].id)
        drafter.email = "drafter@example.org"
        seed_case.session.commit()
        run = run_job("reminders", dt.date(2021, 11, 9))
        assert run.status == JobStatus.ok
        rows = seed_case.session.scalars(sa.select(Delivery).where(Delivery.channel == "email")).all()
        assert rows
        return len(rows)


def unsent(db) -> list[Delivery]:
    return list(db.session.scalars(sa.select(Delivery).where(Delivery.channel == "email", Delivery.sent_at.is_(None))))


def test_without_smtp_messages_stay_in_the_outbox(app, seed_case, queued, login):
    with app.app_context():
        run = run_job("send_outbox")
        assert run.counts == {"smtp": "not configured", "in_outbox": queued}
        assert len(unsent(seed_case)) == queued
    page = login("admin").get("/admin/outbox")
    assert page.status_code == 200
    assert "2021Z19241" in page.text and "drafter@example.org" in page.text


def test_real_smtp_receives_dutch_mail_with_a_link_to_the_case(app, seed_case, queued, smtp_server, smtp_config):
    inbox, port = smtp_server
    smtp_config(port)
    with app.app_context():
        run = run_job("send_outbox")
        assert run.status == JobStatus.ok and run.counts["sent"] == queued, run.counts
        assert unsent(seed_case) == []
        assert run_job("send_outbox").counts["claimed"] == 0  # nothing is sent twice
    assert len(inbox.messages) == queued
    mail = next(m for m in inbox.messages if "2021Z19241" in m["Subject"])
    assert mail["To"] == "Test drafter <drafter@example.org>"
    assert mail["From"] == "Parliament Tracker <tracker@example.org>"
    assert mail["Subject"] == "Herinnering 2021Z19241: conceptantwoord gereed uiterlijk donderdag 11 november 2021"  # not this year: with the year
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "https://tracker.example.org/cases/2021Z19241" in text
    assert 'href="https://tracker.example.org/cases/2021Z19241"' in html
    assert "Zaak 2021Z19241 heeft over 2 werkdagen een uiterste datum" in text
    assert "conceptantwoord gereed: donderdag 11 november 2021" in text
    assert "Open de zaak: https://tracker.example.org/cases/2021Z19241" in text


def test_refusing_server_leaves_messages_queued_and_a_later_run_delivers(app, seed_case, queued, smtp_server, smtp_config):
    inbox, port = smtp_server
    smtp_config(port)
    inbox.refuse = True
    with app.app_context():
        run = run_job("send_outbox")
        assert run.status == JobStatus.ok and run.counts["failed"] == queued and run.counts["sent"] == 0
        waiting = unsent(seed_case)
        assert len(waiting) == queued
        assert all(n.attempts == 1 and "550" in n.last_error and n.claimed_until is None for n in waiting)
    assert inbox.messages == []
    inbox.refuse = False
    with app.app_context():
        assert run_job("send_outbox").counts["sent"] == queued
        assert unsent(seed_case) == []
        sent = seed_case.session.scalars(sa.select(Delivery).where(Delivery.channel == "email")).all()
        assert all(n.attempts == 2 and n.last_error is None for n in sent)
    assert len(inbox.messages) == queued


def test_closed_port_leaves_messages_queued_until_the_server_is_back(app, seed_case, queued, smtp_config):
    port = free_port()  # nobody listens here yet
    smtp_config(port)
    with app.app_context():
        run = run_job("send_outbox")
        assert run.counts["failed"] == queued and "error" in run.counts
        assert all(n.attempts == 1 and n.last_error for n in unsent(seed_case))
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with app.app_context():
            assert run_job("send_outbox").counts["sent"] == queued
            assert unsent(seed_case) == []
    finally:
        controller.stop()
    assert len(inbox.messages) == queued


def test_a_message_claimed_by_another_sender_is_left_alone(app, seed_case, queued, smtp_server, smtp_config):
    from parliament_tracker.db import now_utc

    inbox, port = smtp_server
    smtp_config(port)
    with app.app_context():
        first = seed_case.session.scalars(sa.select(Delivery).where(Delivery.channel == "email").order_by(Delivery.id)).first()
        first.claimed_until = now_utc() + dt.timedelta(minutes=5)
        seed_case.session.commit()
        assert run_job("send_outbox").counts["sent"] == queued - 1
        assert [n.id for n in unsent(seed_case)] == [first.id]
    assert len(inbox.messages) == queued - 1


def test_mailbox_recipient_gets_the_mail_too(app, seed_case, queued, smtp_server, smtp_config):
    inbox, port = smtp_server
    smtp_config(port)
    with app.app_context():
        # A case without a drafter: its reminders go to the directorate's mailbox.
        seed_case.session.execute(sa.update(Case).where(Case.reference == "2021Z19601").values(drafter_id=None))
        seed_case.session.commit()
        run_job("reminders", dt.date(2021, 11, 10))
        mailboxes = {d.email for d in seed_case.session.scalars(sa.select(Directorate))}
        run_job("send_outbox")
    to = {m["To"] for m in inbox.messages}
    assert to & mailboxes or any(addr.endswith("kamerstukken@example.org") for addr in to)


def test_smtp_login_with_user_and_password(app, seed_case, queued, smtp_config, monkeypatch):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"geheim-wachtwoord"
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=ok)

    inbox = Inbox()
    port = free_port()
    # Plain-text AUTH is allowed here only because the test server has no TLS.
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False)
    controller.start()
    try:
        smtp_config(port)
        monkeypatch.setitem(app.config, "SMTP_USER", "tracker")
        monkeypatch.setitem(app.config, "SMTP_PASSWORD", "verkeerd")
        monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 2)
        with app.app_context():
            refused = run_job("send_outbox")
            assert refused.counts["sent"] == 0 and refused.counts["error"]  # refused login: nothing sent
            assert len(unsent(seed_case)) == queued
        monkeypatch.setitem(app.config, "SMTP_PASSWORD", "geheim-wachtwoord")
        with app.app_context():
            assert run_job("send_outbox").counts["sent"] == queued
    finally:
        controller.stop()
    assert logins[-1] == (b"tracker", b"geheim-wachtwoord")
    assert len(inbox.messages) == queued
