"""Benchmark (not a test): compute deadlines for 100,000 synthetic cases.

The reminder job recomputes every open case (DESIGN §11: reminder job over 100,000 cases
<= 2 s), so the pure rules must leave most of that budget to the database.

    /tmp/venv/bin/python bench/bench_rules.py [n_cases]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

# Run from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parliament_tracker.deadlines.lateness import risk
from parliament_tracker.deadlines.rules import (
    CaseFacts,
    DeadlineSettings,
    Event,
    MilestoneOffsets,
    Period,
    RecessTable,
    compute_deadlines,
)
from parliament_tracker.deadlines.workdays import WorkingCalendar

KINDS = ["written_questions"] * 6 + ["committee_request"] * 2 + ["commitment", "motion", "plenary_request", "other"]


def synthetic_cases(n: int, seed: int = 1) -> list[CaseFacts]:
    rnd = random.Random(seed)
    start = dt.date(2019, 1, 1)
    events = [Event(f"Commissiedebat {i}", start + dt.timedelta(days=rnd.randrange(0, 365 * 7))) for i in range(400)]
    out = []
    for _ in range(n):
        kind = rnd.choice(KINDS)
        received = start + dt.timedelta(days=rnd.randrange(0, 365 * 7))

        def later(lo: int, hi: int, received: dt.date = received) -> dt.date:
            return received + dt.timedelta(days=rnd.randrange(lo, hi))

        out.append(
            CaseFacts(
                kind=kind,
                received_on=received,
                committee_due_on=later(5, 60) if kind == "committee_request" and rnd.random() < 0.4 else None,
                given_due_on=later(10, 200)
                if kind not in ("written_questions", "committee_request") and rnd.random() < 0.7
                else None,
                postponed_on=later(10, 22) if kind == "written_questions" and rnd.random() < 0.3 else None,
                event=rnd.choice(events) if rnd.random() < 0.2 else None,
                signatory_id=rnd.choice([None, 1, 2, 3]),
                answered=rnd.random() < 0.5,
            )
        )
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    cases = synthetic_cases(n)
    bridges = frozenset({dt.date(2022, 5, 27), dt.date(2023, 5, 19), dt.date(2024, 5, 10)})
    recesses = RecessTable(
        [Period("Kerstreces", dt.date(y, 12, 20), dt.date(y + 1, 1, 12)) for y in range(2018, 2027)]
        + [Period("Zomerreces", dt.date(y, 7, 5), dt.date(y, 9, 2)) for y in range(2019, 2027)]
    )
    settings = DeadlineSettings(
        milestones_by_kind={"committee_request": MilestoneOffsets(6, 4, 2)},
        milestones_by_signatory={1: MilestoneOffsets(10, 6, 3)},
    )
    today = dt.date(2023, 6, 1)

    for label, warm in (("cold calendar", False), ("warm calendar", True)):
        # A fresh calendar per run, as the job creates one from the NonWorkingDay rows;
        # "warm" pre-fills its year cache, "cold" pays for building it inside the timing.
        calendar = WorkingCalendar(bridges)
        if warm:
            calendar.working_days_between(dt.date(2018, 1, 1), dt.date(2027, 12, 31))
        t0, c0 = time.perf_counter(), time.process_time()
        rows = 0
        for facts in cases:
            deadlines = compute_deadlines(facts, calendar=calendar, settings=settings, recesses=recesses)
            rows += len(deadlines)
            for d in deadlines:
                if d.is_binding:
                    risk(d.practical_due_on, today, facts.answered, calendar)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(
            f"{label}: {n} cases, {rows} deadlines in {elapsed:.3f} s wall, "
            f"{cpu:.3f} s CPU ({cpu / n * 1e6:.1f} µs/case)"
        )


if __name__ == "__main__":
    main()
