"""Directorates, signatories (ministers' offices), committees, parties and members."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.db import Base, intpk


class Directorate(Base):
    __tablename__ = "directorates"

    id: Mapped[intpk]
    #: short code, e.g. "DGMI"
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: functional mailbox for reminders when a case has no drafter
    email: Mapped[str | None] = mapped_column(sa.String(254))


class Signatory(Base):
    """An office that signs letters: the title and the person holding it."""

    __tablename__ = "signatories"

    id: Mapped[intpk]
    #: e.g. "De Staatssecretaris van Justitie en Veiligheid"
    office_title: Mapped[str] = mapped_column(sa.String(200), unique=True)
    #: e.g. "Ankie Broekers-Knol"
    name: Mapped[str] = mapped_column(sa.String(200))
    is_active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return f"{self.office_title} ({self.name})"


class Committee(Base):
    __tablename__ = "committees"

    id: Mapped[intpk]
    #: e.g. "vaste commissie voor Justitie en Veiligheid"
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    abbreviation: Mapped[str | None] = mapped_column(sa.String(32))


class Party(Base):
    __tablename__ = "parties"

    id: Mapped[intpk]
    #: e.g. "D66"
    abbreviation: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class Member(Base):
    """A member of the Tweede Kamer."""

    __tablename__ = "members"
    __table_args__ = (sa.UniqueConstraint("name", "party_id", name="uq_members_name_party"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(200))
    party_id: Mapped[int | None] = mapped_column(sa.ForeignKey("parties.id"))
    party: Mapped[Party | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.party.abbreviation})" if self.party else self.name
