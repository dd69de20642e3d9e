"""The scheduler as the admin pages see it (the jobs page, the Tweede Kamer page).

The scheduler sits above notifications and tk (it runs their jobs), so those pages never
import it: it registers a :class:`JobBoard` at app creation (``scheduler.init_app``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app

from parliament_tracker.notifications.models import JobRun

_KEY = "job_board"


@dataclasses.dataclass(frozen=True)
class JobBoard:
    #: name -> the job (with ``name`` and ``description``)
    jobs: Mapping[str, Any]
    #: crontab expression per job (unknown names in JOB_SCHEDULES tolerated, see ``unknown``)
    schedules: Callable[[Flask], dict[str, str | None]]
    #: names in JOB_SCHEDULES that are not jobs
    unknown: Callable[[Flask], list[str]]
    #: the latest run per job
    last_runs: Callable[[], dict[str, JobRun]]
    #: the latest runs, newest first
    recent_runs: Callable[[], list[JobRun]]
    #: run one job now and record it (never raises for a failing job body)
    run_now: Callable[[str, dt.date | None], JobRun]


def register(app: Flask, board: JobBoard) -> None:
    """The hook the scheduler registers with at app creation."""
    app.extensions[_KEY] = board


def board() -> JobBoard:
    return current_app.extensions[_KEY]
