"""Stored deadlines, events (debates, recesses), days off and the admin-editable rule data.

``Deadline`` rows are the output of ``rules.compute_deadlines`` for one case, kept so the
calendar, the dashboard and the ICS feed can query dates with an index instead of
recomputing. A director's override is kept next to the computed dates and survives a
recompute.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.db import Base, created_at_now, enum_column, intpk, now_utc
from parliament_tracker.deadlines.rules import INTERNAL_KINDS, DeadlineKind
from parliament_tracker.enums import N_, TitledEnum
from parliament_tracker.i18n import format_day

if TYPE_CHECKING:
    from parliament_tracker.cases.models import Case


class EventKind(TitledEnum):
    budget_debate = "budget_debate", N_("Budget debate")
    committee_debate = "committee_debate", N_("Committee debate")
    plenary_debate = "plenary_debate", N_("Plenary debate")
    recess = "recess", N_("Recess")
    other = "other", N_("Other event")


class Event(Base):
    """A dated parliamentary event: a debate a case can be anchored to, or a recess."""

    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_kind_starts_on", "kind", "starts_on"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[intpk]
    kind: Mapped[EventKind] = enum_column(EventKind)
    name: Mapped[str] = mapped_column(sa.String(300))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None]
    #: Kamerstukdossier, e.g. "35925-VI"
    dossier: Mapped[str | None] = mapped_column(sa.String(32))
    #: the Tweede Kamer's number for the activity, when known
    tk_number: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[created_at_now]
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    @property
    def label(self) -> str:
        """The event as a choice shows it: its name and date in the reader's language."""
        return f"{self.name} ({format_day(self.starts_on)})"


class NonWorkingDay(Base):
    """A day off that is not a public holiday, e.g. a bridge day set by Royal Decree."""

    __tablename__ = "non_working_days"

    id: Mapped[intpk]
    date: Mapped[dt.date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class DeadlineSetting(Base):
    """One admin-editable rule value (see ``settings.SETTING_DEFAULTS``); JSON so offsets fit."""

    __tablename__ = "deadline_settings"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    value: Mapped[Any] = mapped_column(sa.JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class Deadline(Base):
    """One computed deadline of one case (the binding answer date, milestones, …)."""

    __tablename__ = "deadlines"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "kind", name="uq_deadlines_case_kind"),
        sa.Index("ix_deadlines_practical_due_on", "practical_due_on"),
        sa.Index("ix_deadlines_is_binding_practical_due_on", "is_binding", "practical_due_on"),
        # Serves both halves of queries.effective_between: "overridden_due_on IS NULL AND
        # practical_due_on BETWEEN" is one range of this index (an index on overridden_due_on
        # alone matches every row that has no override), and the case id makes it covering.
        sa.Index("ix_deadlines_overridden_practical_case", "overridden_due_on", "practical_due_on", "case_id"),
        # The binding deadline of given cases (the dashboard's lists): one entry per case, where
        # (case_id, kind) reads every answer kind's row of each case from the table to filter.
        sa.Index(
            "ix_deadlines_binding_case_id",
            "case_id",
            postgresql_where=sa.text("is_binding"),
            sqlite_where=sa.text("is_binding = 1"),
        ),
        # The calendar's ranges of every kind on PostgreSQL (queries._effective_range): the
        # effective date in order with what the month, week and agenda filter and rank on, from
        # the index alone (PostgreSQL reads an expression index only when the columns of the
        # expression are in it too, hence the INCLUDE). SQLite 3.40 cannot use it as covering.
        sa.Index(
            "ix_deadlines_effective",
            sa.func.coalesce(sa.column("overridden_due_on"), sa.column("practical_due_on")),
            "kind",
            "case_id",
            "is_binding",
            "id",
            postgresql_include=["overridden_due_on", "practical_due_on"],
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(back_populates="deadlines")
    kind: Mapped[DeadlineKind] = enum_column(DeadlineKind)
    due_on: Mapped[dt.date]
    #: the last working day on or before due_on
    practical_due_on: Mapped[dt.date]
    rule: Mapped[str] = mapped_column(sa.String(64))
    #: Dutch, from the rules engine
    explanation: Mapped[str] = mapped_column(sa.Text)
    is_binding: Mapped[bool] = mapped_column(default=False)
    warnings: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: a director's date that replaces the computed one (kept across recomputes)
    overridden_due_on: Mapped[dt.date | None]
    override_reason: Mapped[str | None] = mapped_column(sa.Text)
    overridden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    overridden_by: Mapped[User | None] = relationship(lazy="joined")
    overridden_at: Mapped[dt.datetime | None]
    #: when the computed values of this row last changed
    computed_at: Mapped[dt.datetime] = mapped_column(default=now_utc)

    @property
    def effective_due_on(self) -> dt.date:
        """The date that counts: the override if there is one, else the practical date."""
        return self.overridden_due_on or self.practical_due_on

    @property
    def is_internal(self) -> bool:
        return self.kind in INTERNAL_KINDS

    @property
    def title(self) -> str:
        return self.kind.label


class CalendarFeed(Base):
    """A personal ICS feed: the secret token is shown once and stored only as a hash."""

    __tablename__ = "calendar_feeds"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user: Mapped[User] = relationship(lazy="joined")
    #: mine | directorate | all
    scope: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[created_at_now]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
