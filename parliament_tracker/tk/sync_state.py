"""The Tweede Kamer jobs' state (``TKSyncState``: watermark, last run, success, error and counts
per job) and the frame each job body runs in: a client, the default language, and on a
Tweede Kamer error the error stored after the job's rollback."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from parliament_tracker import edge
from parliament_tracker.db import now_utc
from parliament_tracker.extensions import db
from parliament_tracker.tk.client import TKClient
from parliament_tracker.tk.errors import TKError
from parliament_tracker.tk.models import TKSyncState
from parliament_tracker.tk.services import make_client

log = logging.getLogger(__name__)

WATCH, RECONCILE, EVENTS = "watch", "reconcile", "events"
KEYS = (WATCH, RECONCILE, EVENTS)
#: job name in the scheduler -> sync state key
JOB_KEYS = {"tk_watch": WATCH, "tk_reconcile": RECONCILE, "tk_events": EVENTS}


class TKSyncFailed(Exception):
    """A sync job stopped on a Tweede Kamer error; nothing was changed."""

    def __init__(self, key: str, error: TKError) -> None:
        self.key = key
        self.error = error
        super().__init__(f"tk {key}: {describe_error(error)}")


# -- sync state ---------------------------------------------------------------------------------


def state(key: str) -> TKSyncState:
    row = db.session.get(TKSyncState, key)
    if row is None:
        row = TKSyncState(key=key)
        db.session.add(row)
    return row


def states() -> dict[str, TKSyncState | None]:
    found = {s.key: s for s in db.session.scalars(sa.select(TKSyncState))}
    return {key: found.get(key) for key in KEYS}


def describe_error(error: TKError) -> str:
    """``Kind: detail`` as stored in ``last_error``; ``error_message`` turns it into words."""
    return f"{type(error).__name__}: {error.detail or error.message}"[:2000]


def succeeded(key: str, counts: dict[str, Any], watermark: dt.datetime | None = None) -> None:
    row = state(key)
    now = now_utc()
    if watermark is not None and (row.watermark is None or watermark > row.watermark):
        row.watermark = watermark
    row.last_run = row.last_success = now
    row.last_error = None
    row.last_counts = counts
    db.session.flush()


def failed(key: str, error: TKError) -> None:
    """Store the error once everything the job did is rolled back (the edge runs this in a
    transaction of its own after the job's rollback)."""

    def store() -> None:
        row = state(key)
        row.last_run = now_utc()
        row.last_error = describe_error(error)

    edge.after_rollback(store)


def run(key: str, body: Callable[[dt.date, TKClient], dict[str, Any]], today: dt.date, client: TKClient | None) -> dict[str, Any]:
    own = client is None
    client = client or make_client()
    try:
        # Services translate their messages; a job has no request to choose the language from.
        with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")):
            return body(today, client)
    except TKError as exc:
        log.warning("tk %s failed: %s", key, exc)
        failed(key, exc)
        raise TKSyncFailed(key, exc) from exc
    finally:
        if own:
            client.close()
