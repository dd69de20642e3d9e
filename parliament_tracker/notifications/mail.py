"""Sending queued e-mails over SMTP.

A row is claimed with a conditional UPDATE (``sent_at IS NULL`` and no live claim) that is
committed before the mail server is contacted, so two senders never take the same row.
A refused or failed message keeps ``sent_at`` NULL, gets ``attempts + 1`` and the error,
and is tried again on the next run: queued, never lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app

from parliament_tracker.db import now_utc
from parliament_tracker.extensions import db
from parliament_tracker.notifications.models import Notification, in_outbox

log = logging.getLogger(__name__)

#: a claim older than this is considered abandoned (the sender crashed mid-run)
CLAIM_SECONDS = 600


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def build_message(n: Notification) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = n.subject
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = formataddr((n.user.display_name, n.email)) if n.user is not None else n.email
    msg["Message-ID"] = make_msgid(idstring=f"notification-{n.id}")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(n.body_text)
    msg.add_alternative(n.body_html, subtype="html")
    return msg


def connect() -> smtplib.SMTP:
    cfg = current_app.config
    host, port, timeout = cfg["SMTP_HOST"], int(cfg["SMTP_PORT"]), float(cfg.get("SMTP_TIMEOUT") or 30)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if cfg.get("SMTP_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if cfg.get("SMTP_STARTTLS"):
            smtp.starttls(context=context)
    if cfg.get("SMTP_USER"):
        smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD") or "")
    return smtp


def _claim(notification_id: int, until: dt.datetime, now: dt.datetime) -> bool:
    result = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.sent_at.is_(None),
            sa.or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
        )
        .values(claimed_until=until),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def send_outbox(batch_size: int = 200) -> dict[str, Any]:
    """Send what waits in the outbox. Without SMTP configured, only count it."""
    waiting = in_outbox()
    if not smtp_configured():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(waiting)) or 0
        return {"smtp": "not configured", "in_outbox": count}
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 20))
    now = now_utc()
    candidates = list(
        db.session.scalars(
            sa.select(Notification.id)
            .where(waiting, Notification.attempts < max_attempts)
            .where(sa.or_(Notification.claimed_until.is_(None), Notification.claimed_until < now))
            .order_by(Notification.id)
            .limit(batch_size)
        )
    )
    until = now + dt.timedelta(seconds=CLAIM_SECONDS)
    claimed = [i for i in candidates if _claim(i, until, now)]
    db.session.commit()  # the claims are visible to any other sender before we send
    counts = {"claimed": len(claimed), "sent": 0, "failed": 0}
    if not claimed:
        return counts

    smtp: smtplib.SMTP | None = None
    connect_error: str | None = None
    try:
        smtp = connect()
    except (OSError, smtplib.SMTPException) as exc:
        connect_error = f"{type(exc).__name__}: {exc}"
        log.warning("SMTP connection failed: %s", connect_error)
    try:
        for notification_id in claimed:
            n = db.session.get(Notification, notification_id)
            if n is None:
                continue
            error = connect_error
            if smtp is not None:
                try:
                    smtp.send_message(build_message(n))
                except smtplib.SMTPServerDisconnected as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    smtp = None
                    connect_error = error
                except (OSError, smtplib.SMTPException) as exc:
                    error = f"{type(exc).__name__}: {exc}"
            if error is None:
                n.sent_at = now_utc()
                n.last_error = None
                counts["sent"] += 1
            else:
                n.last_error = error[:2000]
                counts["failed"] += 1
            n.attempts += 1
            n.claimed_until = None
            db.session.commit()  # one row at a time: a crash later loses no "sent" mark
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    if connect_error:
        counts["error"] = connect_error
    return counts
