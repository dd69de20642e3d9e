"""Approval chain, signatures and the per-year "Ons kenmerk" counter of letters."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.db import Base, created_at_now, enum_column, intpk
from parliament_tracker.enums import N_, TitledEnum
from parliament_tracker.letters.models import Letter, LetterVersion
from parliament_tracker.organisation.models import Signatory


class ApprovalDecision(TitledEnum):
    pending = "pending", N_("Waiting")
    approved = "approved", N_("Approved")
    changes_requested = "changes_requested", N_("Changes requested")



class Approval(Base):
    """One approver's place in a review round of a letter. A new submission starts a new round."""

    __tablename__ = "letter_approvals"
    __table_args__ = (
        sa.UniqueConstraint("letter_id", "round", "position", name="uq_letter_approvals_round_position"),
        sa.CheckConstraint("position > 0", name="position_positive"),
    )

    id: Mapped[intpk]
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    letter: Mapped[Letter] = relationship()
    #: 1 for the first submission, 2 after changes were requested and it was submitted again, …
    round: Mapped[int] = mapped_column(default=1)
    position: Mapped[int]
    approver_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    approver: Mapped[User] = relationship(foreign_keys=[approver_id], lazy="joined")
    decision: Mapped[ApprovalDecision] = enum_column(ApprovalDecision, default=ApprovalDecision.pending)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at_now]


class Signature(Base):
    """The signature of a letter: who signed (the office, on behalf of the signatory) and the final PDF's hash."""

    __tablename__ = "letter_signatures"

    id: Mapped[intpk]
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), unique=True)
    letter: Mapped[Letter] = relationship()
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("letter_versions.id"))
    version: Mapped[LetterVersion] = relationship()
    signatory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signatories.id"))
    signatory: Mapped[Signatory | None] = relationship(lazy="joined")
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    signed_by: Mapped[User | None] = relationship(lazy="joined")
    signed_at: Mapped[created_at_now]
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    certificate_subject: Mapped[str] = mapped_column(sa.String(500), default="")
    our_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    letter_date: Mapped[dt.date]
    visible: Mapped[bool] = mapped_column(default=False)
    timestamped: Mapped[bool] = mapped_column(default=False)


class OurReferenceCounter(Base):
    """The last "Ons kenmerk" sequence number handed out per year (claimed with a row lock/atomic update)."""

    __tablename__ = "our_reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
