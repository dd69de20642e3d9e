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
