"""The index of sent answers and the standard lines (standaardteksten) with their versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.answers import fts
from parliament_tracker.auth.models import User
from parliament_tracker.db import Base, created_at_now, intpk, now_utc
from parliament_tracker.organisation.models import Directorate

#: PostgreSQL: the ``dutch`` tsvector (question weighted A, answer B); SQLite: unused (NULL),
#: its stems are in the FTS5 table ``answer_index_fts`` (see ``fts``)
SearchVector = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")


class IndexedAnswer(Base):
    """One question of a sent letter with the answer it got: what a drafter searches."""

    __tablename__ = "answer_index"
    __table_args__ = (
        sa.UniqueConstraint("letter_id", "case_id", "question_number", name="uq_answer_index_letter_case_question"),
        sa.Index("ix_answer_index_case_question", "case_id", "question_number"),
        sa.Index("ix_answer_index_dossier", "dossier"),
        sa.Index("ix_answer_index_search_vector", "search_vector", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id: Mapped[intpk]
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    question_number: Mapped[int]
    question_text: Mapped[str] = mapped_column(sa.Text)
    #: the answer as drafted (the letters' small markup)
    answer_text: Mapped[str] = mapped_column(sa.Text)
    sent_on: Mapped[dt.date]
    case_reference: Mapped[str] = mapped_column(sa.String(32))
    #: the asking members' ids, and their names as shown
    member_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    members_label: Mapped[str] = mapped_column(sa.Text, default="")
    directorate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directorates.id", ondelete="SET NULL"), index=True)
    directorate: Mapped[Directorate | None] = relationship(lazy="joined")
    dossier: Mapped[str | None] = mapped_column(sa.String(32))
    #: a later sent letter answered the same question again (a "nader antwoord"): not offered
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letters.id", ondelete="SET NULL"))
    search_vector: Mapped[Any] = mapped_column(SearchVector, nullable=True, deferred=True)
    created_at: Mapped[created_at_now]


sa.event.listen(IndexedAnswer.__table__, "after_create", fts.install)
sa.event.listen(IndexedAnswer.__table__, "before_drop", fts.uninstall)


class StandardLine(Base):
    """An approved standard line of a directorate on a topic; every change is a new version."""

    __tablename__ = "standard_lines"
    __table_args__ = (
        sa.CheckConstraint("version > 0", name="version_positive"),
        sa.Index("ix_standard_lines_directorate_topic", "directorate_id", "topic"),
        sa.Index("ix_standard_lines_valid_until", "valid_until"),
    )

    id: Mapped[intpk]
    directorate_id: Mapped[int] = mapped_column(sa.ForeignKey("directorates.id"))
    directorate: Mapped[Directorate] = relationship(lazy="joined")
    topic: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    owner: Mapped[User] = relationship(lazy="joined", foreign_keys=[owner_id])
    #: who approved this text (a name and office, as the directorate records it)
    approved_by: Mapped[str] = mapped_column(sa.String(200))
    valid_until: Mapped[dt.date]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[created_at_now]
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    versions: Mapped[list[StandardLineVersion]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="StandardLineVersion.number"
    )

    __mapper_args__ = {"version_id_col": version}

    def expired(self, today: dt.date) -> bool:
        return self.valid_until < today


class StandardLineVersion(Base):
    """What a standard line said from one change to the next. Never changed."""

    __tablename__ = "standard_line_versions"
    __table_args__ = (sa.UniqueConstraint("line_id", "number", name="uq_standard_line_versions_line_number"),)

    id: Mapped[intpk]
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("standard_lines.id", ondelete="CASCADE"))
    line: Mapped[StandardLine] = relationship(back_populates="versions")
    number: Mapped[int]
    topic: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    approved_by: Mapped[str] = mapped_column(sa.String(200))
    valid_until: Mapped[dt.date]
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])
    created_at: Mapped[created_at_now]
