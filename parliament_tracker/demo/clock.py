"""The demo's clock: each step is taken at the moment it happened.

Every service reads the process clock (``db.now_utc``, ``db.today_local``, and pyHanko the
signing time it writes into a signature), so the demo sets that clock to the step's moment
(time-machine, running on from there) instead of writing dates into rows afterwards: the
timeline, the approvals, the signature and the audit log all say the same moment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from parliament_tracker.extensions import db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at hour:minute in The Hague."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


def days_before(today: dt.date, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """Office hours ``days`` days before ``today`` (``days`` >= 1: always before the load)."""
    if days < 1:
        raise ValueError("a demo step happens on a day before the day the demo is loaded")
    return local(today - dt.timedelta(days=days), hour, minute)


@contextlib.contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run the block as if it were ``moment`` (the clock runs on from there).

    The block's rows are flushed before the clock is set back: a row's ``created_at`` is
    stamped when it is inserted, not when the object is made."""
    import time_machine


    with time_machine.travel(moment, tick=True):
        yield
        db.session.flush()
