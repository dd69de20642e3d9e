"""Letters: templates (versioned DOCX), drafts, the cases they belong to, and every version."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.db import Base, created_at_now, enum_column, intpk, now_utc
from parliament_tracker.enums import N_, TitledEnum
from parliament_tracker.organisation.models import Signatory


class LetterKind(TitledEnum):
    kamerbrief = "kamerbrief", N_("Letter to the Tweede Kamer")
    answers = "answers", N_("Answers to written questions")
    cover_letter = "cover_letter", N_("Cover letter")
    postponement_notice = "postponement_notice", N_("Postponement notice")

    @property
    def shipped_file(self) -> str:
        return SHIPPED_FILES[self]


#: the shipped default template (in the top-level letter_templates/) for each kind
SHIPPED_FILES = {
    LetterKind.kamerbrief: "kamerbrief.docx",
    LetterKind.answers: "antwoorden.docx",
    LetterKind.cover_letter: "aanbiedingsbrief.docx",
    LetterKind.postponement_notice: "uitstelbericht.docx",
}


class LetterStatus(TitledEnum):
    draft = "draft", N_("Draft")
    in_review = "in_review", N_("In review")
    approved = "approved", N_("Approved")
    signed = "signed", N_("Signed")
    sent = "sent", N_("Sent")
    withdrawn = "withdrawn", N_("Withdrawn")



class LetterCaseRole(TitledEnum):
    answers = "answers", N_("Answers")
    postpones = "postpones", N_("Postpones")
    mentions = "mentions", N_("Mentions")



class VersionSource(TitledEnum):
    generated = "generated", N_("Generated")
    uploaded = "uploaded", N_("Uploaded")



class LetterTemplate(Base):
    """One uploaded (or loaded) version of a DOCX template; one active version per kind."""

    __tablename__ = "letter_templates"
    __table_args__ = (sa.UniqueConstraint("kind", "version", name="uq_letter_templates_kind_version"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[LetterKind] = enum_column(LetterKind)
    version: Mapped[int]
    docx: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    is_active: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_by: Mapped[User | None] = relationship()
    created_at: Mapped[created_at_now]


class Letter(Base):
    __tablename__ = "letters"
    __table_args__ = (sa.CheckConstraint("version > 0", name="version_positive"),)

    id: Mapped[intpk]
    kind: Mapped[LetterKind] = enum_column(LetterKind)
    status: Mapped[LetterStatus] = enum_column(LetterStatus, default=LetterStatus.draft)
    subject: Mapped[str] = mapped_column(sa.Text)
    letter_date: Mapped[dt.date | None]
    our_reference: Mapped[str] = mapped_column(sa.String(100), default="")
    your_reference: Mapped[str] = mapped_column(sa.String(200), default="")
    your_letter_date: Mapped[dt.date | None]
    #: address block, one line per line
    addressee: Mapped[str] = mapped_column(sa.Text, default="")
    signatory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signatories.id"))
    signatory: Mapped[Signatory | None] = relationship(lazy="joined")
    #: the body as blocks: [{"type": "p"|"li"|"ol"|"h", "runs": [{"text", "bold", "italic", "underline"}]}]
    #: (letters.engine.context); the browser edits it as the small markup of letters.engine.markup
    body: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: [{"questions": [2, 3], "text": "…"} | {"questions": [4], "see": 2}]
    answers: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    postponement_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: the date the signed letter was sent to the Kamer
    sent_on: Mapped[dt.date | None]
    #: the template version used for the last generation (None: the active one)
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter_templates.id"))
    template: Mapped[LetterTemplate | None] = relationship()
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by: Mapped[User | None] = relationship()
    created_at: Mapped[created_at_now]
    updated_at: Mapped[dt.datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    case_links: Mapped[list[LetterCase]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterCase.id", lazy="selectin"
    )
    versions: Mapped[list[LetterVersion]] = relationship(
        back_populates="letter", cascade="all, delete-orphan", order_by="LetterVersion.number"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def cases(self) -> list[Case]:
        return [link.case for link in self.case_links]

    @property
    def main_case(self) -> Case | None:
        for link in self.case_links:
            if link.role != LetterCaseRole.mentions:
                return link.case
        return self.case_links[0].case if self.case_links else None

    @property
    def latest_version(self) -> LetterVersion | None:
        return self.versions[-1] if self.versions else None


class LetterCase(Base):
    __tablename__ = "letter_cases"
    __table_args__ = (sa.UniqueConstraint("letter_id", "case_id", name="uq_letter_cases_letter_case"),)

    id: Mapped[intpk]
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    letter: Mapped[Letter] = relationship(back_populates="case_links")
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case: Mapped[Case] = relationship(lazy="joined")
    role: Mapped[LetterCaseRole] = enum_column(LetterCaseRole)


class LetterVersion(Base):
    """A DOCX and its PDF/A, generated from the draft or uploaded by the drafter. Never changed."""

    __tablename__ = "letter_versions"
    __table_args__ = (
        sa.UniqueConstraint("letter_id", "number", name="uq_letter_versions_letter_number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[intpk]
    letter_id: Mapped[int] = mapped_column(sa.ForeignKey("letters.id", ondelete="CASCADE"))
    letter: Mapped[Letter] = relationship(back_populates="versions")
    number: Mapped[int]
    source: Mapped[VersionSource] = enum_column(VersionSource)
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    docx: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    pdf: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    docx_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter_templates.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by: Mapped[User | None] = relationship()
    created_at: Mapped[created_at_now]
    note: Mapped[str] = mapped_column(sa.Text, default="")


class LetterLogo(Base):
    """A ministry's own logo for the logo slot of the letter templates (PNG, normalised on upload).

    The newest active row is used; none active: the templates' own neutral logo.
    """

    __tablename__ = "letter_logos"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(200))
    png: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    is_active: Mapped[bool] = mapped_column(default=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_by: Mapped[User | None] = relationship()
    created_at: Mapped[created_at_now]
