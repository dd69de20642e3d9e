"""A contribution asked for a case (or some of its questions) from a directorate or an outside address."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.db import Base, created_at_now, enum_column, intpk
from parliament_tracker.organisation.models import Directorate


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (
        # Asked of a directorate (optionally one of its users) or of an outside address, never both.
        sa.CheckConstraint(
            "(directorate_id IS NOT NULL AND external_email IS NULL) OR (directorate_id IS NULL AND external_email IS NOT NULL AND user_id IS NULL)",
            name="one_contributor",
        ),
        sa.Index("ix_contributions_state_due_on", "state", "due_on"),
    )

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(lazy="joined")
    #: the question numbers it is for; empty: the whole case
    question_numbers: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    directorate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directorates.id"), index=True)
    directorate: Mapped[Directorate | None] = relationship(lazy="joined")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    user: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[user_id])
    external_email: Mapped[str | None] = mapped_column(sa.String(254))
    asked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    asked_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[asked_by_id])
    due_on: Mapped[dt.date]
    request_text: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[ContributionState] = enum_column(ContributionState, default=ContributionState.asked)
    answer_text: Mapped[str] = mapped_column(sa.Text, default="")
    answer_filename: Mapped[str | None] = mapped_column(sa.String(255))
    answer_content_type: Mapped[str | None] = mapped_column(sa.String(100))
    answer_size: Mapped[int | None]
    answer_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    answer_content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    delivered_at: Mapped[dt.datetime | None]
    delivered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    delivered_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[delivered_by_id])
    #: the outside link's nonce: a new one (or None) revokes every link issued before
    link_nonce: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[created_at_now]

    @property
    def contributor_label(self) -> str:
        if self.external_email:
            return self.external_email
        label = self.directorate.code if self.directorate else ""
        return f"{label} ({self.user.display_name})" if self.user else label
