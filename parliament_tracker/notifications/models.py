"""Notifications (what, about what, for whom, read or not), their deliveries (channel,
address, attempts, claim, sent), opt-outs per kind and channel, job runs and job locks.

Exactly-once comes from ``Notification.dedupe_key``: a job or a hand-over inserts the rows it
wants with "ON CONFLICT DO NOTHING", so a second run, or a second scheduler process started
by mistake, adds nothing; a delivery row is added only with a new notification and is unique
per notification and channel. Sending claims a delivery with a conditional UPDATE before it
talks to the outside world (``notifications.delivery``).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.db import Base, created_at_now, enum_column, intpk
from parliament_tracker.enums import N_, TitledEnum

if TYPE_CHECKING:
    from parliament_tracker.cases.models import Case


class NotificationKind(TitledEnum):
    reminder_draft = "reminder_draft", N_("Reminder: draft ready")
    reminder_approval = "reminder_approval", N_("Reminder: approval ready")
    reminder_signature = "reminder_signature", N_("Reminder: signature")
    reminder_due = "reminder_due", N_("Reminder: answer due")
    escalation = "escalation", N_("Escalation: deadline missed")
    weekly_digest = "weekly_digest", N_("Weekly overview")
    tk_new_case = "tk_new_case", N_("New questions from the Tweede Kamer")
    tk_update = "tk_update", N_("News from the Tweede Kamer about a case")
    # hand-overs: the next person has something to do
    case_assigned = "case_assigned", N_("Case assigned")
    approval_requested = "approval_requested", N_("Letter waiting for your approval")
    changes_requested = "changes_requested", N_("Changes requested in a letter")
    letter_to_sign = "letter_to_sign", N_("Letter to sign")
    letter_withdrawn = "letter_withdrawn", N_("Letter withdrawn")
    letter_signed = "letter_signed", N_("Letter signed")
    letter_sent = "letter_sent", N_("Letter sent")
    postponement_sent = "postponement_sent", N_("Postponement notice sent")
    daily_summary = "daily_summary", N_("Daily summary")
    contribution_asked = "contribution_asked", N_("Contribution asked")
    contribution_delivered = "contribution_delivered", N_("Contribution delivered")
    contribution_overdue = "contribution_overdue", N_("Contribution overdue")
    contribution_reminder = "contribution_reminder", N_("Reminder: contribution due")
    contribution_escalation = "contribution_escalation", N_("Escalation: contribution overdue")
    standard_line_expiring = "standard_line_expiring", N_("Standard line about to expire")
    woo_export_ready = "woo_export_ready", N_("Woo file ready")

    @property
    def optional(self) -> bool:
        """Users may switch this kind off (escalations cannot be)."""
        return self in OPTIONAL_KINDS


#: the kinds a hand-over sends (the next person has something to do)
HANDOVER_KINDS = frozenset(
    {
        NotificationKind.case_assigned,
        NotificationKind.approval_requested,
        NotificationKind.changes_requested,
        NotificationKind.letter_to_sign,
        NotificationKind.letter_withdrawn,
        NotificationKind.letter_signed,
        NotificationKind.letter_sent,
        NotificationKind.postponement_sent,
        NotificationKind.contribution_asked,
        NotificationKind.contribution_delivered,
        # the contribution's reminder, optional like the hand-overs it follows up
        NotificationKind.contribution_overdue,
        NotificationKind.contribution_reminder,
        # the owner's reminder before a standard line expires
        NotificationKind.standard_line_expiring,
    }
)

#: the step a reminder or escalation is about, as a phrase ("… by Thursday 11 November")
STEP_TITLES = {
    NotificationKind.reminder_draft: _l("draft answer ready"),
    NotificationKind.reminder_approval: _l("answer approved"),
    NotificationKind.reminder_signature: _l("answer signed"),
    NotificationKind.reminder_due: _l("answer sent to the Tweede Kamer"),
}

OPTIONAL_KINDS = frozenset(
    {
        NotificationKind.reminder_draft,
        NotificationKind.reminder_approval,
        NotificationKind.reminder_signature,
        NotificationKind.reminder_due,
        NotificationKind.weekly_digest,
        *HANDOVER_KINDS,
    }
)

#: kinds a user in "one daily summary" mode gets bundled by e-mail (in the app at once)
SUMMARISED_KINDS = OPTIONAL_KINDS - {NotificationKind.weekly_digest}

#: the in-app list is a channel of its own for opt-outs (it has no delivery rows)
APP_CHANNEL = "app"


class EmailMode(TitledEnum):
    immediate = "immediate", N_("At once")
    daily = "daily", N_("One daily summary")


def recipient_key(user_id: int | None, email: str | None) -> str:
    """``user:12`` for a user, ``mail:address`` for a functional mailbox."""
    if user_id is not None:
        return f"user:{user_id}"
    if not email:
        raise ValueError("a notification needs a user or an address")
    return f"mail:{email.strip().lower()}"


def dedupe_key(recipient: str, kind: str, case_id: int | None, due_on: dt.date | None, ref: str | None = None) -> str:
    """The identity of a message. NULL case or date become '-' so uniqueness still holds.
    A hand-over names itself with ``ref`` (e.g. ``letter:7:round:2``) instead of case and date."""
    if ref is not None:
        return f"{recipient}|{kind}|{ref}"
    return f"{recipient}|{kind}|{case_id if case_id is not None else '-'}|{due_on.isoformat() if due_on else '-'}"


#: stands for the recipient's name in a rendering several recipients share (letters and digits
#: only: no escaping changes it); ``Notification.body_text``/``body_html`` fill it in
NAME_MARK = "Xq7RecipientNameMark7qX"


class NotificationBody(Base):
    """A rendered message body (text and HTML), stored once however many recipients get it: a
    weekly digest is ~48 kB and goes to every director of a directorate. Found again by the hash
    of its text and HTML (insert-if-absent, ``services.queue``); never updated."""

    __tablename__ = "notification_bodies"
    __table_args__ = (sa.UniqueConstraint("sha256", name="uq_notification_bodies_sha256"),)

    id: Mapped[intpk]
    #: hex SHA-256 of text, NUL, HTML (``body_digest``)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str] = mapped_column(sa.Text)


def body_digest(text: str, html: str) -> str:
    return hashlib.sha256(text.encode() + b"\0" + html.encode()).hexdigest()


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
        sa.Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        sa.Index("ix_notifications_kind_due_on", "kind", "due_on"),
    )

    id: Mapped[intpk]
    #: recipient_key | kind | case id or '-' | due date or '-'
    dedupe_key: Mapped[str] = mapped_column(sa.String(400))
    #: ``user:<id>`` or ``mail:<address>``
    recipient: Mapped[str] = mapped_column(sa.String(300))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    user: Mapped[User | None] = relationship(lazy="joined")
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case | None] = relationship()
    #: the milestone or due date the message is about (the Monday of the week for a digest)
    due_on: Mapped[dt.date | None]
    locale: Mapped[str] = mapped_column(sa.String(8), default="nl")
    subject: Mapped[str] = mapped_column(sa.String(300))
    #: the rendered body, shared by every recipient of the same message (``body_text``/``body_html``)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("notification_bodies.id"), index=True)
    body: Mapped[NotificationBody] = relationship(lazy="joined", innerjoin=True)
    #: fills in the body's ``NAME_MARK`` (the recipient's name) when read
    recipient_name: Mapped[str] = mapped_column(sa.String(300), default="")
    #: the page where the thing to do is (absolute), None for older rows: the case page
    url: Mapped[str | None] = mapped_column(sa.String(500))
    #: listed under "Mijn meldingen" (False: the user wants this kind by e-mail only)
    in_app: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at_now]
    read_at: Mapped[dt.datetime | None]
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="notification",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Delivery.id",
        foreign_keys="Delivery.notification_id",
    )

    # The one way to read a message's body (e-mail, in-app list, API, outbox): the shared
    # rendering with this recipient's name filled in (escaped in the HTML).
    @property
    def body_text(self) -> str:
        return self.body.text.replace(NAME_MARK, self.recipient_name)

    @property
    def body_html(self) -> str:
        return self.body.html.replace(NAME_MARK, str(escape(self.recipient_name)))

    def delivery(self, channel: str) -> Delivery | None:
        return next((d for d in self.deliveries if d.channel == channel), None)

    @property
    def recipient_label(self) -> str:
        email = self.delivery("email")
        address = email.address if email is not None else None
        if self.user is not None:
            return f"{self.user.display_name} <{address or '-'}>"
        return address or self.recipient


#: the message bodies TOAST-compressed with lz4 instead of PostgreSQL's default pglz (pglz took
#: ~3x the server's CPU on a digest's bodies, bench_linear). Migrations 0016_lz4bodies, 0018_bodies.
LZ4_BODIES = (
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
    "ALTER TABLE notification_bodies ALTER COLUMN text SET COMPRESSION lz4, ALTER COLUMN html SET COMPRESSION lz4",
)


def _compress_bodies_lz4(_table: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    # PostgreSQL 14+ built with lz4 only (the setting lists it); elsewhere pglz stays.
    if connection.dialect.name == "postgresql" and connection.execute(sa.text(LZ4_BODIES[0])).first():
        connection.execute(sa.text(LZ4_BODIES[1]))


sa.event.listen(NotificationBody.__table__, "after_create", _compress_bodies_lz4)


class Delivery(Base):
    """One notification on one channel (e-mail today): where to, and how sending went."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("notification_id", "channel", name="uq_notification_deliveries_notification_id_channel"),
        sa.Index("ix_notification_deliveries_channel_sent_at_id", "channel", "sent_at", "id"),
        # The "ON DELETE SET NULL" of a deleted notification finds the deliveries it carried by
        # this (without it, every deleted notification read all deliveries); partial: only a
        # daily summary's carried deliveries have one, so queueing writes no entry.
        sa.Index(
            "ix_notification_deliveries_summary_id", "summary_id",
            postgresql_where=sa.text("summary_id IS NOT NULL"), sqlite_where=sa.text("summary_id IS NOT NULL"),
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[intpk]
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"))
    notification: Mapped[Notification] = relationship(back_populates="deliveries", lazy="joined", foreign_keys=[notification_id])
    channel: Mapped[str] = mapped_column(sa.String(32))
    #: e-mail address (or the channel's own kind of address)
    address: Mapped[str] = mapped_column(sa.String(254))
    #: waits for the recipient's daily summary instead of going out on its own
    held: Mapped[bool] = mapped_column(default=False)
    #: the daily summary that carried it
    summary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notifications.id", ondelete="SET NULL"))
    created_at: Mapped[created_at_now]
    #: it went out (None: waiting, or held for a summary)
    sent_at: Mapped[dt.datetime | None]
    #: a sender has it until then (conditional UPDATE); None when nobody does
    claimed_until: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


def waiting(channel: str) -> sa.ColumnElement[bool]:
    """SQL for "a delivery on this channel not sent (yet), not held for a summary"."""
    return sa.and_(Delivery.channel == channel, Delivery.sent_at.is_(None), Delivery.held.is_(False))


def in_outbox() -> sa.ColumnElement[bool]:
    """SQL for "an e-mail not sent (yet)": the outbox page lists these, the sender sends them."""
    return waiting("email")


class NotificationOptOut(Base):
    """A kind of optional notification a user does not want on a channel (absence: wanted)."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "channel", name="uq_notification_opt_outs_user_id_kind_channel"),
    )

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    #: ``app`` (the in-app list) or a delivery channel's name (``email``)
    channel: Mapped[str] = mapped_column(sa.String(32), default="email")
    created_at: Mapped[created_at_now]


class NotificationSettings(Base):
    """A user's choice of e-mail rhythm (absence: at once)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email_mode: Mapped[EmailMode] = enum_column(EmailMode, default=EmailMode.immediate)


class JobStatus(enum.StrEnum):
    running = "running"
    ok = "ok"
    failed = "failed"
    skipped = "skipped"


class JobRun(Base):
    """One run of a scheduled job: when, how it went, what it did."""

    __tablename__ = "job_runs"
    __table_args__ = (sa.Index("ix_job_runs_job_started_at", "job", "started_at"),)

    id: Mapped[intpk]
    job: Mapped[str] = mapped_column(sa.String(64))
    #: the day the job ran as (``--today``), normally today in The Hague
    as_of: Mapped[dt.date]
    status: Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.running)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)


class JobLock(Base):
    """Per-job lock row for databases without advisory locks (SQLite): taken by a
    conditional UPDATE, released at the end, and expired after ``locked_until``."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str | None] = mapped_column(sa.String(120))
    locked_until: Mapped[dt.datetime | None]


class SchedulerHeartbeat(Base):
    """The scheduler process says it is alive: one row per process (host:pid), written at its
    start and every ``SCHEDULER_HEARTBEAT_SECONDS``; ``GET /health`` reads the newest."""

    __tablename__ = "scheduler_heartbeats"

    holder: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    started_at: Mapped[dt.datetime]
    beat_at: Mapped[dt.datetime]
