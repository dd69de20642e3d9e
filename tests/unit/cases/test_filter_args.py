"""Reading the case-list filters from query arguments (the list page and the API share it)."""

import datetime as dt

from parliament_tracker.cases.models import CaseKind
from parliament_tracker.cases.queries import DEFAULT_SORT, filter_from_args
from parliament_tracker.cases.workflow import CaseStatus


def test_valid_arguments_become_the_filter():
    f = filter_from_args(
        {
            "q": "  angstcultuur  ",
            "kind": "written_questions",
            "status": "assigned",
            "state": "open",
            "directorate": "3",
            "drafter": "4",
            "committee": "5",
            "party": "6",
            "received_from": "2021-11-01",
            "received_to": "2021-11-30",
            "sort": "due",
            "page": "2",
        },
        per_page=25,
    )
    assert (f.q, f.kind, f.status, f.state) == ("angstcultuur", CaseKind.written_questions, CaseStatus.assigned, "open")
    assert (f.directorate_id, f.drafter_id, f.committee_id, f.party_id) == (3, 4, 5, 6)
    assert (f.received_from, f.received_to) == (dt.date(2021, 11, 1), dt.date(2021, 11, 30))
    assert (f.sort, f.page, f.per_page) == ("due", 2, 25)


def test_values_that_do_not_parse_are_ignored():
    f = filter_from_args(
        {
            "q": "x" * 300,
            "kind": "nope",
            "status": "nope",
            "state": "half",
            "directorate": "-1",
            "drafter": "abc",
            "received_from": "2021-13-01",
            "received_to": "gisteren",
            "sort": "nope",
            "page": "0",
        },
        per_page=50,
    )
    assert len(f.q) == 200
    assert f.kind is None and f.status is None and f.state is None
    assert f.directorate_id is None and f.drafter_id is None
    assert f.received_from is None and f.received_to is None
    assert f.sort == DEFAULT_SORT and f.page == 1
