"""Records: Woo files of searches (built in steps by a job), the retention table (selectielijst),
legal holds, destruction lists and the minimal record kept of a destroyed case.

The audit log is append-only in the database, so destroying a case never deletes its audit
entries: they stay, naming the case's former id (``object_type`` "case"), and the
``destroyed_records`` row keeps that id (``former_case_id``) so the entries can still be read
as the accountability of what happened to it and of its destruction (see README, Retention).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.models import Case
from parliament_tracker.db import Base, created_at_now, enum_column, intpk
from parliament_tracker.enums import N_, TitledEnum

# -- Woo files of a search ----------------------------------------------------------------------


class WooExportStatus(TitledEnum):
    queued = "queued", N_("Waiting to start")
    running = "running", N_("Being put together")
    ready = "ready", N_("Ready")
    failed = "failed", N_("Failed")
    expired = "expired", N_("Expired")


class WooExport(Base):
    """A Woo file asked for a search: every matching case, its linked cases and their documents.

    Built by the ``woo_exports`` job in steps (one unit of work each): the cases are found,
    then their documents are gathered a few cases at a time (``WooExportPart`` rows, so the page
    shows the progress), then the ZIP is made, stored here until ``expires_at`` and announced to
    the requester with a signed, time-limited download link."""

    __tablename__ = "woo_exports"
    __table_args__ = (sa.Index("ix_woo_exports_status_id", "status", "id"),)

    id: Mapped[intpk]
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    requested_by: Mapped[User | None] = relationship(lazy="joined")
    created_at: Mapped[created_at_now]
    #: the case list's query arguments (q, kind, status, state, directorate, ...)
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: linked cases followed this many levels deep
    link_depth: Mapped[int] = mapped_column(default=1)
    status: Mapped[WooExportStatus] = enum_column(WooExportStatus, default=WooExportStatus.queued)
    #: the matching cases' ids, found in the first step
    case_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    #: cases of ``case_ids`` whose documents are gathered
    done: Mapped[int] = mapped_column(default=0)
    documents: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
    zip_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    zip_size: Mapped[int | None]
    zip_data: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    error: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def total(self) -> int:
        return len(self.case_ids or [])


class WooExportPart(Base):
    """One document of a Woo file being built, numbered as it will be in the inventory."""

    __tablename__ = "woo_export_parts"
    __table_args__ = (
        sa.UniqueConstraint("export_id", "key", name="uq_woo_export_parts_export_id_key"),
        sa.UniqueConstraint("export_id", "number", name="uq_woo_export_parts_export_id_number"),
    )

    id: Mapped[intpk]
    export_id: Mapped[int] = mapped_column(sa.ForeignKey("woo_exports.id", ondelete="CASCADE"))
    #: the document's identity ("attachment:7"): a document reached twice is listed once
    key: Mapped[str] = mapped_column(sa.String(200))
    number: Mapped[int]
    #: the inventory row: date, type, title, sender/recipient, case reference, file name
    row: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))


# -- retention (selectielijst) ------------------------------------------------------------------


class RetentionOutcome(TitledEnum):
    destroy = "destroy", N_("Destroy")
    transfer = "transfer", N_("Transfer to the national archive")


class RetentionRule(Base):
    """An administrator's retention period and outcome for one case kind (no row: the default)."""

    __tablename__ = "retention_rules"

    id: Mapped[intpk]
    kind: Mapped[CaseKind] = enum_column(CaseKind, unique=True)
    period_years: Mapped[int]
    outcome: Mapped[RetentionOutcome] = enum_column(RetentionOutcome)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[created_at_now]

    __table_args__ = (sa.CheckConstraint("period_years >= 0 AND period_years <= 200", name="period_years_range"),)


class HoldReason(TitledEnum):
    woo_request = "woo_request", N_("Pending Woo request")
    objection = "objection", N_("Objection procedure")
    other = "other", N_("Other legal reason")


class LegalHold(Base):
    """While not lifted, the case is never proposed for destruction nor destroyed."""

    __tablename__ = "legal_holds"
    __table_args__ = (sa.Index("ix_legal_holds_case_id_lifted_at", "case_id", "lifted_at"),)

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(lazy="joined")
    reason: Mapped[HoldReason] = enum_column(HoldReason)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    placed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    placed_by: Mapped[User | None] = relationship(foreign_keys=[placed_by_id], lazy="joined")
    placed_at: Mapped[created_at_now]
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id], lazy="joined")
    lifted_at: Mapped[dt.datetime | None]


class DestructionList(Base):
    """A proposal (vernietigingslijst) made by the ``retention_proposal`` job."""

    __tablename__ = "destruction_lists"

    id: Mapped[intpk]
    created_at: Mapped[created_at_now]
    #: the day the proposal was made as (periods are judged against it)
    as_of: Mapped[dt.date]
    items: Mapped[list[DestructionItem]] = relationship(
        back_populates="destruction_list", order_by="DestructionItem.id", cascade="all, delete-orphan"
    )


class ItemDecision(TitledEnum):
    proposed = "proposed", N_("Proposed")
    approved = "approved", N_("Approved")
    removed = "removed", N_("Removed from the list")
    destroyed = "destroyed", N_("Destroyed")
    transferred = "transferred", N_("Transferred")


class DestructionItem(Base):
    """One closed case past its period on a list, with the archivist's decision."""

    __tablename__ = "destruction_items"
    __table_args__ = (
        sa.UniqueConstraint("list_id", "reference", name="uq_destruction_items_list_id_reference"),
        sa.Index("ix_destruction_items_case_id_decision", "case_id", "decision"),
    )

    id: Mapped[intpk]
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("destruction_lists.id", ondelete="CASCADE"))
    destruction_list: Mapped[DestructionList] = relationship(back_populates="items")
    #: None once the case is destroyed (the reference and dates stay here and in the record)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"))
    case: Mapped[Case | None] = relationship(lazy="joined")
    reference: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[CaseKind] = enum_column(CaseKind)
    outcome: Mapped[RetentionOutcome] = enum_column(RetentionOutcome)
    closed_on: Mapped[dt.date]
    #: the day the retention period ended
    expired_on: Mapped[dt.date]
    decision: Mapped[ItemDecision] = enum_column(ItemDecision, default=ItemDecision.proposed)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_by: Mapped[User | None] = relationship(lazy="joined")
    decided_at: Mapped[dt.datetime | None]


class DestroyedRecord(Base):
    """What is kept of a destroyed case: reference, kind, dates, decision and who approved it.

    No foreign key to the case (it is gone) nor to users (names are copied: the record must
    outlive accounts)."""

    __tablename__ = "destroyed_records"

    id: Mapped[intpk]
    #: the case's id as the audit entries about it name it
    former_case_id: Mapped[int] = mapped_column(index=True)
    reference: Mapped[str] = mapped_column(sa.String(32), index=True)
    kind: Mapped[CaseKind] = enum_column(CaseKind)
    received_on: Mapped[dt.date]
    closed_on: Mapped[dt.date]
    retention_years: Mapped[int]
    #: e.g. "destroy after 5 years (selectielijst), list 3"
    decision: Mapped[str] = mapped_column(sa.Text)
    list_id: Mapped[int | None] = mapped_column(sa.ForeignKey("destruction_lists.id", ondelete="SET NULL"))
    approved_by: Mapped[str] = mapped_column(sa.String(200))
    approved_at: Mapped[dt.datetime]
    destroyed_by: Mapped[str] = mapped_column(sa.String(200))
    destroyed_at: Mapped[created_at_now]
