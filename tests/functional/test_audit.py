"""The audit log is append-only: entries can be added, never changed or removed."""

import pytest

from parliament_tracker.audit.models import AuditEntry


def test_entries_cannot_be_changed_or_deleted(app, seed_case, db):
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id))
        entry.summary = "rewritten history"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        entry = db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id))
        db.session.delete(entry)
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(db.select(AuditEntry).order_by(AuditEntry.id)).summary != "rewritten history"


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_refuses_bulk_changes(app, seed_case, db, statement):
    """Issue 20: bulk statements bypass the ORM's guard; the database's triggers refuse them."""
    import sqlalchemy as sa

    first = db.session.scalar(db.select(AuditEntry.id).order_by(AuditEntry.id))
    query = sa.update(AuditEntry).values(summary="rewritten history") if statement == "update" else sa.delete(AuditEntry)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.session.begin_nested():
        db.session.execute(query.where(AuditEntry.id == first), execution_options={"synchronize_session": False})
    assert db.session.scalar(db.select(AuditEntry.summary).where(AuditEntry.id == first)) != "rewritten history"
