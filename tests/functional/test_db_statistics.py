"""The db_statistics job gives the query planner statistics on both databases."""

import datetime as dt

import sqlalchemy as sa

from parliament_tracker.notifications.models import JobStatus


def _has_statistics(db) -> bool:
    if db.session.get_bind().dialect.name == "sqlite":
        exists = db.session.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
        return bool(exists) and bool(db.session.scalar(sa.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'cases'")))
    # PostgreSQL: ANALYZE fills pg_statistic (visible in this transaction) for the cases table.
    return bool(db.session.scalar(sa.text("SELECT count(*) FROM pg_stats WHERE tablename = 'cases' AND schemaname = current_schema()")))


def test_job_analyses_the_database(app, seed_case, db):
    from parliament_tracker.scheduler import JOBS, run_job, schedules

    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("DROP TABLE IF EXISTS sqlite_stat1"))
        db.session.commit()
        assert not _has_statistics(db)
    with app.app_context():
        run = run_job("db_statistics", dt.date(2021, 12, 1))
        assert run.status == JobStatus.ok, run.error
        assert run.counts["database"] == db.session.get_bind().dialect.name and run.counts["tables"] > 10
    assert _has_statistics(db)
    assert "db_statistics" in JOBS and schedules(app)["db_statistics"] == "30 2 * * *"
