"""Where each Tweede Kamer sync job got to: its watermark, last run and last error."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from parliament_tracker.db import Base


class TKSyncState(Base):
    """One row per sync job (``watch``, ``reconcile``, ``events``).

    ``watermark`` is the ``ApiGewijzigdOp`` of the last record processed; the next run asks only
    for records changed after it. ``last_error`` is empty after a successful run.
    """

    __tablename__ = "tk_sync_state"

    key: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    watermark: Mapped[dt.datetime | None]
    last_run: Mapped[dt.datetime | None]
    last_success: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_counts: Mapped[dict | None] = mapped_column(sa.JSON)
