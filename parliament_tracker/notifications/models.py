"""Notification rows (one per message, unique per recipient, kind, case and date), opt-outs,
job runs and job locks.

Exactly-once delivery comes from ``Notification.dedupe_key``: a job inserts the rows it
wants with "ON CONFLICT DO NOTHING", so a second run, or a second scheduler process started
by mistake, adds nothing. Sending claims a row with a conditional UPDATE before it talks to
the mail server.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
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

    @property
    def optional(self) -> bool:
        """Users may switch this kind off (escalations cannot be)."""
        return self in OPTIONAL_KINDS


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
    }
)


def recipient_key(user_id: int | None, email: str | None) -> str:
    """``user:12`` for a user, ``mail:address`` for a functional mailbox."""
    if user_id is not None:
        return f"user:{user_id}"
    if not email:
        raise ValueError("a notification needs a user or an address")
    return f"mail:{email.strip().lower()}"


def dedupe_key(recipient: str, kind: str, case_id: int | None, due_on: dt.date | None) -> str:
    """The identity of a message. NULL case or date become '-' so uniqueness still holds."""
    return f"{recipient}|{kind}|{case_id if case_id is not None else '-'}|{due_on.isoformat() if due_on else '-'}"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
        sa.Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
        sa.Index("ix_notifications_sent_at_id", "sent_at", "id"),
        sa.Index("ix_notifications_kind_due_on", "kind", "due_on"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[intpk]
    #: recipient_key | kind | case id or '-' | due date or '-'
    dedupe_key: Mapped[str] = mapped_column(sa.String(400))
    #: ``user:<id>`` or ``mail:<address>``
    recipient: Mapped[str] = mapped_column(sa.String(300))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    user: Mapped[User | None] = relationship(lazy="joined")
    #: where the e-mail goes; None: in-app only (a user without an address)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case | None] = relationship()
    #: the milestone or due date the message is about (the Monday of the week for a digest)
    due_on: Mapped[dt.date | None]
    locale: Mapped[str] = mapped_column(sa.String(8), default="nl")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at_now]
    #: the e-mail went out (None: waiting in the outbox, or in-app only)
    sent_at: Mapped[dt.datetime | None]
    read_at: Mapped[dt.datetime | None]
    #: a sender has it until then (conditional UPDATE); None when nobody does
    claimed_until: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def recipient_label(self) -> str:
        if self.user is not None:
            return f"{self.user.display_name} <{self.email or '-'}>"
        return self.email or self.recipient


def in_outbox() -> sa.ColumnElement[bool]:
    """SQL for "an e-mail not sent (yet)": the outbox page lists these, the sender sends them."""
    return sa.and_(Notification.email.is_not(None), Notification.sent_at.is_(None))


class NotificationOptOut(Base):
    """A kind of optional notification a user does not want (absence means: wanted)."""

    __tablename__ = "notification_opt_outs"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notification_opt_outs_user_id_kind"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    created_at: Mapped[created_at_now]


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
