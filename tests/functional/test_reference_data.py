"""The reference data a worker keeps (the deadline rule context) is used only while the
database's stamp is the one it was loaded under: a change, from any worker, changes the stamp
in its own transaction, and the next request reloads."""

from __future__ import annotations

import datetime as dt

from parliament_tracker import reference_data
from parliament_tracker.deadlines import events as deadline_events
from parliament_tracker.deadlines import services as deadline_services
from parliament_tracker.deadlines.models import Event
from parliament_tracker.extensions import db as _db
from tests import factories
from tests.functional.test_statement_budget import statements

DAY_OFF = dt.date(2031, 5, 2)


def _reads(seen: list[str], table: str) -> int:
    return sum(f"FROM {table}" in s for s in seen)


def test_the_case_page_reuses_the_rule_context_until_a_day_off_changes_it(app, seed_case, login):
    browser = login("drafter")
    browser.get(f"/cases/{factories.SEED}")
    with statements(app) as seen:
        assert browser.get(f"/cases/{factories.SEED}").status_code == 200
    assert _reads(seen, "non_working_days") == 0 and _reads(seen, "deadline_settings") == 0

    with app.app_context():
        before = reference_data.read_stamp()
        deadline_events.add_non_working_day(DAY_OFF, "Brugdag")
        _db.session.commit()
        assert reference_data.read_stamp() != before

    with statements(app) as seen:
        assert browser.get(f"/cases/{factories.SEED}").status_code == 200
    assert _reads(seen, "non_working_days") == 1  # the stamp changed: loaded again, once
    with app.app_context():
        assert not deadline_services.unit_rule_context().calendar.is_working_day(DAY_OFF)
    with statements(app) as seen:
        assert browser.get(f"/cases/{factories.SEED}").status_code == 200
    assert _reads(seen, "non_working_days") == 0


def test_a_session_that_changed_reference_data_reads_it_afresh(app, seed_case):
    with app.app_context():
        deadline_services.unit_rule_context()  # kept
        deadline_events.add_non_working_day(DAY_OFF, "Brugdag")  # not committed
        assert not deadline_services.unit_rule_context().calendar.is_working_day(DAY_OFF)
        _db.session.rollback()


def test_touching_an_event_without_changing_it_keeps_the_stamp(app, seed_case):
    with app.app_context():
        before = reference_data.read_stamp()
        event = _db.session.scalars(_db.select(Event)).first()
        assert event is not None
        event.name = event.name  # set to what it was: dirty, not modified
        _db.session.commit()
        assert reference_data.read_stamp() == before
        event.name = event.name + " (verplaatst)"
        _db.session.flush()
        assert reference_data.read_stamp() == before  # changed at the commit, as its last write
        _db.session.commit()
        assert reference_data.read_stamp() != before


def test_a_kept_copy_is_served_for_its_own_stamp_only(app):
    loads: list[str] = []
    stamp = "a"

    def load() -> str:
        loads.append(stamp)
        return f"data {stamp}"

    with app.app_context():
        assert reference_data.kept("test.copy", load, lambda: stamp) == "data a"
        assert reference_data.kept("test.copy", load, lambda: stamp) == "data a"
        stamp = "b"  # another worker changed it (or a restored backup brought its own token)
        assert reference_data.kept("test.copy", load, lambda: stamp) == "data b"
        stamp = "a"
        assert reference_data.kept("test.copy", load, lambda: stamp) == "data a"
    assert loads == ["a", "b", "a"]
