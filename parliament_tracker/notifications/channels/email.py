"""E-mail over SMTP: the first delivery channel."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from parliament_tracker.notifications.channels.base import Channel, ChannelDown, Connection, DeliveryFailed

if TYPE_CHECKING:
    from parliament_tracker.notifications.models import Delivery, Notification
    from parliament_tracker.notifications.services import Recipient


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def build_message(n: Notification, address: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = n.subject
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = formataddr((n.user.display_name, address)) if n.user is not None else address
    msg["Message-ID"] = make_msgid(idstring=f"notification-{n.id}")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(n.body_text)
    msg.add_alternative(n.body_html, subtype="html")
    return msg


def connect_smtp() -> smtplib.SMTP:
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


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class SMTPConnection(Connection):
    def __init__(self, smtp: smtplib.SMTP) -> None:
        self.smtp = smtp

    def send(self, notification: Notification, delivery: Delivery) -> None:
        try:
            self.smtp.send_message(build_message(notification, delivery.address))
        except smtplib.SMTPServerDisconnected as exc:
            raise ChannelDown(_error(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(_error(exc)) from exc

    def close(self) -> None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.smtp.quit()


class EmailChannel(Channel):
    name = "email"
    setting = "smtp"
    title = _l("E-mail")

    def address(self, recipient: Recipient) -> str | None:
        return recipient.email or None

    def configured(self) -> bool:
        return smtp_configured()

    def connect(self) -> Connection:
        try:
            return SMTPConnection(connect_smtp())
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelDown(_error(exc)) from exc


channel = EmailChannel()
