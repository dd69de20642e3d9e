"""Is a deadline late or due soon, and is a case on the Kamer's Monday list (DOMAIN §2.1)?

Pure like ``rules``: plain values in, "today" always passed in, no database.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from parliament_tracker.cases.kinds import KINDS
from parliament_tracker.deadlines.rule_settings import DEFAULT_SETTINGS, DeadlineSettings
from parliament_tracker.deadlines.rules import CaseFacts
from parliament_tracker.deadlines.workdays import WorkingCalendar

Risk = Literal["overdue", "due_soon", "on_track", "done"]


def risk(
    practical_due_on: dt.date,
    today: dt.date,
    done: bool,
    calendar: WorkingCalendar,
    soon_working_days: int = DEFAULT_SETTINGS.due_soon_working_days,
) -> Risk:
    """Traffic light for one deadline.

    ``due_soon`` means at most ``soon_working_days`` working days left, counting the due
    day and not today: on Monday a Thursday deadline is due soon, a Friday one is not.
    """
    if done:
        return "done"
    if today > practical_due_on:
        return "overdue"
    if calendar.working_days_between(today, practical_due_on) <= soon_working_days:
        return "due_soon"
    return "on_track"


def next_monday(d: dt.date) -> dt.date:
    """The Monday on or after ``d`` (a Monday is its own next list day)."""
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


def monday_late_list(facts: CaseFacts, on: dt.date, settings: DeadlineSettings = DEFAULT_SETTINGS) -> bool:
    """Will this set of written questions be on the Kamer's Monday overview after ``on``?

    The Kamer lists every Monday the questions not answered within 3 weeks, or within 6
    weeks after an uitstelbericht (DOMAIN §2.1). A set is on it when, on that Monday, the
    applicable term has ended (the due day itself still counts as in time) and it has not
    been answered. A postponement sent after that Monday does not count yet.
    """
    if not KINDS[facts.kind].numbered_questions or facts.answered:
        return False
    monday = next_monday(on)
    postponed = facts.postponed_on is not None and facts.postponed_on <= monday
    term = settings.postponement_term_days if postponed else settings.written_questions_term_days
    return monday > facts.received_on + dt.timedelta(days=term)
