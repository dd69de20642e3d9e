"""The plausibility of a case's dates, in one place for the case form and the API (pure: no
database, no request; the caller passes today).

- refused: a date received in the future or before 1990, a committee date before the date
  received, a deadline date outside 1990–2199;
- warned (saved once the user confirms; the API saves and answers with ``warnings``): a date
  received more than a year ago.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask_babel import lazy_gettext as _l

#: the earliest date received the register takes
EARLIEST = dt.date(1990, 1, 1)
#: the range of the deadline facts (committee date, date given)
DEADLINE_RANGE = (dt.date(1990, 1, 1), dt.date(2199, 12, 31))
#: older than this (in days) is plausible but unusual: the user confirms it
OLD_AFTER_DAYS = 365


@dataclasses.dataclass(frozen=True)
class DateFindings:
    """Per field: the refusals (``errors``) and what asks for a confirmation (``warnings``);
    the messages are lazy strings, rendered in the reader's language when shown."""

    errors: dict[str, object]
    warnings: dict[str, object]


def check_case_dates(
    received_on: dt.date | None,
    committee_due_on: dt.date | None,
    *,
    today: dt.date,
    given_due_on: dt.date | None = None,
    stored_received_on: dt.date | None = None,
) -> DateFindings:
    """Check a case's dates as they will be stored. ``stored_received_on``: the date received
    the case has now (an edit that keeps it is not warned about again)."""
    errors: dict[str, object] = {}
    warnings: dict[str, object] = {}
    if received_on is not None:
        if received_on > today:
            errors["received_on"] = _l("The date received cannot be in the future.")
        elif received_on < EARLIEST:
            errors["received_on"] = _l("The date received is too far in the past.")
        elif received_on < today - dt.timedelta(days=OLD_AFTER_DAYS) and received_on != stored_received_on:
            warnings["received_on"] = _l(
                "The date received is more than a year ago. Check it: if it is right, save anyway."
            )
    for name, value in (("committee_due_on", committee_due_on), ("given_due_on", given_due_on)):
        if value is not None and not DEADLINE_RANGE[0] <= value <= DEADLINE_RANGE[1]:
            errors[name] = _l("Enter a date between 1990 and 2199.")
    if committee_due_on is not None and received_on is not None and committee_due_on < received_on and "committee_due_on" not in errors:
        errors["committee_due_on"] = _l("The committee's date cannot be before the date received.")
    return DateFindings(errors, warnings)
