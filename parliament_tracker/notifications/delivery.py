"""Sending queued deliveries on a channel, exactly once.

A row is claimed with a conditional UPDATE (``sent_at IS NULL`` and no live claim) that is
committed before the channel is contacted, so two senders never take the same row. A refused
or failed message keeps ``sent_at`` NULL, gets ``attempts + 1`` and the error, and is tried
again on the next run: queued, never lost. The commits here are the sender's claim loop's
own bookkeeping (one row at a time, so a crash loses no "sent" mark).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from flask import current_app

from parliament_tracker.db import now_utc, rowcount
from parliament_tracker.extensions import db
from parliament_tracker.notifications.channels.base import Channel, ChannelDown, Connection, DeliveryFailed
from parliament_tracker.notifications.models import Delivery, waiting

log = logging.getLogger(__name__)

#: a claim older than this is considered abandoned (the sender crashed mid-run)
CLAIM_SECONDS = 600


def _claim(delivery_id: int, until: dt.datetime, now: dt.datetime) -> bool:
    result = db.session.execute(
        sa.update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.sent_at.is_(None),
            sa.or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .values(claimed_until=until),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result) == 1


def _claim_batch(pending: Any, batch_size: int) -> list[int]:
    """Claim up to ``batch_size`` waiting deliveries (not claimed by another sender, attempts
    left) and commit the claims, so any other sender sees them before we send."""
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 20))
    now = now_utc()
    candidates = list(
        db.session.scalars(
            sa.select(Delivery.id)
            .where(pending, Delivery.attempts < max_attempts)
            .where(sa.or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now))
            .order_by(Delivery.id)
            .limit(batch_size)
        )
    )
    until = now + dt.timedelta(seconds=CLAIM_SECONDS)
    claimed = [i for i in candidates if _claim(i, until, now)]
    db.session.commit()  # the claims are visible to any other sender before we send
    return claimed


def _settle(d: Delivery, error: str | None, counts: dict[str, Any]) -> None:
    """Record one attempt (sent, or its error), release the claim and commit this row alone:
    a crash later loses no "sent" mark."""
    if error is None:
        d.sent_at = now_utc()
        d.last_error = None
        counts["sent"] += 1
    else:
        d.last_error = error[:2000]
        counts["failed"] += 1
    d.attempts += 1
    d.claimed_until = None
    db.session.commit()  # one row at a time: a crash later loses no "sent" mark


def send_pending(channel: Channel, batch_size: int = 200) -> dict[str, Any]:
    """Send what waits on this channel. Without the channel configured, only count it."""
    pending = waiting(channel.name)
    if not channel.configured():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery).where(pending)) or 0
        return {channel.setting: "not configured", "in_outbox": count}
    claimed = _claim_batch(pending, batch_size)
    counts: dict[str, Any] = {"claimed": len(claimed), "sent": 0, "failed": 0}
    if not claimed:
        return counts

    connection: Connection | None = None
    down: str | None = None
    try:
        connection = channel.connect()
    except ChannelDown as exc:
        down = str(exc)
        log.warning("%s connection failed: %s", channel.name, down)
    try:
        for delivery_id in claimed:
            d = db.session.get(Delivery, delivery_id)
            if d is None:
                continue
            error = down
            if connection is not None:
                try:
                    connection.send(d.notification, d)
                except ChannelDown as exc:
                    error = down = str(exc)
                    connection = None
                except DeliveryFailed as exc:
                    error = str(exc)
            _settle(d, error, counts)
    finally:
        if connection is not None:
            connection.close()
    if down:
        counts["error"] = down
    return counts
