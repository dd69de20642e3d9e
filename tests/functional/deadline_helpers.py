"""Shared by the deadline tests."""


def find_case(reference):
    """The case as stored now (the test body's session keeps objects across requests)."""
    from parliament_tracker.cases.services import find_case as find
    from parliament_tracker.extensions import db

    db.session.expire_all()
    return find(reference)
