"""Cases (incoming items), their numbered questions, typed links and attachments."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.cases import search_index
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import Base, created_at_now, enum_column, intpk, now_utc
from parliament_tracker.enums import N_, TitledEnum
from parliament_tracker.organisation.models import Committee, Directorate, Member, Signatory

if TYPE_CHECKING:  # mapped by name: deadlines sits above cases
    from parliament_tracker.deadlines.models import Deadline, Event


class LinkType(TitledEnum):
    related = "related", N_("Related to")
    follow_up_of = "follow_up_of", N_("Follow-up of")
    same_subject = "same_subject", N_("Same subject as")
    duplicate_of = "duplicate_of", N_("Duplicate of")
    answered_together = "answered_together", N_("Answered together with")

    @property
    def reverse_label(self) -> str:
        """How a directed link reads from the other end; a symmetric link reads the same."""
        msgid = _REVERSE_MSGIDS.get(self)
        return gettext(msgid) if msgid else self.label


_REVERSE_MSGIDS = {
    LinkType.follow_up_of: N_("Followed up by"),
    LinkType.duplicate_of: N_("Has duplicate"),
}

case_members = sa.Table(
    "case_members",
    Base.metadata,
    sa.Column("case_id", sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("member_id", sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
    # the case page's related cases: the cases of the same members
    sa.Index("ix_case_members_member_id_case_id", "member_id", "case_id"),
)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        sa.Index("ix_cases_received_on_id", "received_on", "id"),
        # the case page's related cases: the newest of the same dossier
        sa.Index("ix_cases_dossier_received_on", "dossier", "received_on"),
        sa.Index("ix_cases_status_received_on", "status", "received_on"),
        sa.Index("ix_cases_kind_received_on", "kind", "received_on"),
        # The list's filter combination (directorate, kind, status) counts from the index alone.
        sa.Index("ix_cases_directorate_kind_status", "lead_directorate_id", "kind", "status", "received_on", "id"),
        # Substring search on PostgreSQL: LIKE '%word%' uses a trigram index (pg_trgm).
        sa.Index(
            "ix_cases_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        sa.CheckConstraint("version > 0", name="version_positive"),
        sa.Index("ix_cases_practical_due_on", "practical_due_on"),
        # The calendar month's first cases of each date by reference (row_number() over the
        # date, ordered by reference), from the index alone: PostgreSQL read and sorted every
        # case of the month from the table (3.7 ms CPU at 100,000 cases, now 0.3).
        sa.Index("ix_cases_practical_due_on_reference", "practical_due_on", "reference", "id", "lead_directorate_id"),
        # Open cases by binding date (overdue, due this week): "status IN (open)" seeks per status.
        sa.Index("ix_cases_status_practical_due_on", "status", "practical_due_on"),
        # The same within one directorate (a director's dashboard counts from the index alone).
        sa.Index("ix_cases_directorate_status_practical_due_on", "lead_directorate_id", "status", "practical_due_on"),
        sa.Index("ix_cases_due_on", "due_on"),
        # The Monday late list counts open written questions by received date and postponement
        # from this index alone (without it, every open written question's row is read).
        sa.Index("ix_cases_kind_status_received_on", "kind", "status", "received_on", "postponed_on"),
        # The same within one directorate (the director's dashboard shows the own directorate).
        sa.Index("ix_cases_directorate_kind_status_postponed", "lead_directorate_id", "kind", "status", "received_on", "postponed_on"),
    )

    id: Mapped[intpk]
    #: normalised Tweede Kamer number, e.g. 2021Z19241
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[CaseKind] = enum_column(CaseKind)
    subject: Mapped[str] = mapped_column(sa.Text)
    #: for written questions: the date submitted ("ingezonden")
    received_on: Mapped[dt.date]
    status: Mapped[CaseStatus] = enum_column(CaseStatus, default=CaseStatus.registered)
    lead_directorate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directorates.id"), index=True)
    lead_directorate: Mapped[Directorate | None] = relationship()
    drafter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    drafter: Mapped[User | None] = relationship(foreign_keys=[drafter_id])
    #: the signatory office the item is addressed to
    addressed_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signatories.id"))
    addressed_to: Mapped[Signatory | None] = relationship()
    #: requesting committee (committee requests)
    committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"), index=True)
    committee: Mapped[Committee | None] = relationship()
    #: requesting members (written questions), in order: first is the Indiener
    members: Mapped[list[Member]] = relationship(secondary=case_members, order_by=case_members.c.position, lazy="selectin")
    #: Kamerstukdossier, e.g. "35925-VI"
    dossier: Mapped[str | None] = mapped_column(sa.String(32))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    #: committee requests: the date the committee asked for
    committee_due_on: Mapped[dt.date | None]
    #: commitments, motions, plenary requests, other: the date given
    given_due_on: Mapped[dt.date | None]
    #: answer before this event (e.g. the budget debate)
    due_before_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    due_before_event: Mapped[Event | None] = relationship()
    #: written questions: the date the uitstelbericht was sent, and why
    postponed_on: Mapped[dt.date | None]
    postponement_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: the binding deadline, denormalised from the deadlines table for fast lists and sorting
    #: (written by deadlines.services without touching ``version``)
    due_on: Mapped[dt.date | None]
    practical_due_on: Mapped[dt.date | None]
    #: the day the case went to "answered" (timeliness statistics)
    answered_on: Mapped[dt.date | None]
    #: what the Tweede Kamer lists for this zaak (written by tk.sync without touching ``version``)
    tk_answered_on: Mapped[dt.date | None]
    tk_postponed_on: Mapped[dt.date | None]
    tk_withdrawn_on: Mapped[dt.date | None]
    tk_checked_at: Mapped[dt.datetime | None]
    #: lower-cased text of reference, subject, notes and questions, for search
    search_text: Mapped[str] = deferred(mapped_column(sa.Text, default=""))
    #: optimistic locking: a stale form or PATCH is refused
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[created_at_now]
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    questions: Mapped[list[Question]] = relationship(
        back_populates="case", order_by="Question.number", cascade="all, delete-orphan", lazy="selectin"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    deadlines: Mapped[list[Deadline]] = relationship(
        back_populates="case", order_by="Deadline.practical_due_on", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def requested_by_label(self) -> str:
        if self.committee:
            return self.committee.name
        return ", ".join(m.label for m in self.members)


sa.event.listen(Case.__table__, "after_create", search_index.install)
sa.event.listen(Case.__table__, "before_drop", search_index.uninstall)


class Question(Base):
    """A numbered sub-question of a set of written questions."""

    __tablename__ = "questions"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "number", name="uq_questions_case_number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(back_populates="questions")
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    #: the question's own directorate and drafter (per-question assignment); None: the case's
    directorate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directorates.id"))
    directorate: Mapped[Directorate | None] = relationship()
    drafter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    drafter: Mapped[User | None] = relationship()
    #: "see the answer to question n"
    see_answer_to: Mapped[int | None]


class CaseLink(Base):
    """A typed link, stored once (source -> target) and shown from both ends."""

    __tablename__ = "case_links"
    __table_args__ = (
        sa.UniqueConstraint("source_id", "target_id", name="uq_case_links_source_target"),
        sa.CheckConstraint("source_id <> target_id", name="not_self"),
        sa.Index("ix_case_links_target_id", "target_id"),
    )

    id: Mapped[intpk]
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    source: Mapped[Case] = relationship(foreign_keys=[source_id])
    target: Mapped[Case] = relationship(foreign_keys=[target_id])
    link_type: Mapped[LinkType] = enum_column(LinkType)
    created_at: Mapped[created_at_now]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class Attachment(Base):
    """An incoming document (PDF or DOCX) kept with the case, stored in the database."""

    __tablename__ = "attachments"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(back_populates="attachments")
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_by: Mapped[User | None] = relationship()
    created_at: Mapped[created_at_now]
