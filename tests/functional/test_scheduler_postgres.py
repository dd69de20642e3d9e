"""Two scheduler "processes" at once against PostgreSQL: each message exactly once.

Each worker is its own app with its own engine and connection pool, on a database of its
own with committed data (the per-test rollback of the ``db`` fixture cannot be shared
between connections). Skipped unless TEST_DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from parliament_tracker import create_app
from parliament_tracker.extensions import db
from parliament_tracker.notifications.models import Delivery, JobRun, JobStatus, Notification
from tests.conftest import quiet_signals, scratch_postgres_database

URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not URL.startswith(("postgresql://", "postgresql+psycopg://")), reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]

DAYS = [dt.date(2021, 11, d) for d in (8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 22, 23)]


@pytest.fixture
def pg_url() -> Iterator[str]:
    with scratch_postgres_database("scheduler") as url:
        app = make_app(url)
        with app.app_context(), quiet_signals():
            from tests import factories

            db.create_all()
            factories.seed_pair()
            factories.varied_cases(24, dt.date(2021, 12, 1))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        yield url


def make_app(url: str) -> Any:
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})


def race(url: str, work: Callable[[Any], Any], workers: int = 2) -> list[Any]:
    """Run ``work(app)`` in ``workers`` threads, each with its own app and engine, started together."""
    apps = [make_app(url) for _ in range(workers)]
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            with apps[i].app_context():
                barrier.wait(timeout=30)
                results[i] = work(apps[i])
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for app in apps:
        with app.app_context():
            db.engine.dispose()
    assert not errors, errors
    return results


def stored(url: str) -> list[tuple[str, str]]:
    app = make_app(url)
    with app.app_context():
        rows = db.session.execute(sa.select(Notification.dedupe_key, Notification.kind)).all()
        db.engine.dispose()
    return [(k, kind.value) for k, kind in rows]


def test_two_processes_running_the_job_bodies_at_once_store_each_message_once(pg_url):
    """Without the lock (the job bodies called directly): the unique rows alone decide."""
    from parliament_tracker.notifications import jobs

    for day in DAYS:

        def body(app: Any, day: dt.date = day) -> dict[str, Any]:
            counts = jobs.reminders(day)
            escalated = jobs.escalation(day)
            db.session.commit()
            return {"reminders": counts["queued"], "escalation": escalated["queued"]}

        before = len(stored(pg_url))
        results = race(pg_url, body)
        # Together the two "processes" queued each message once: what they report as new
        # is exactly what was added, and no key is stored twice.
        keys = stored(pg_url)
        assert len(keys) == len(set(keys))
        assert sum(r["reminders"] + r["escalation"] for r in results) == len(keys) - before
    total = Counter(kind for _key, kind in stored(pg_url))
    assert total["reminder_draft"] > 0 and total["escalation"] > 0


def test_two_schedulers_running_the_jobs_at_once_store_each_message_once(pg_url):
    """Through run_job: the advisory lock lets one run the body, the other is skipped or finds nothing new."""
    from parliament_tracker.scheduler import run_job

    queued_per_day = []
    for day in DAYS:
        runs = race(pg_url, lambda app, day=day: (lambda r: (r.status, dict(r.counts)))(run_job("reminders", day)))
        assert all(status in (JobStatus.ok, JobStatus.skipped) for status, _ in runs)
        queued_per_day.append(sum(c.get("queued", 0) for _s, c in runs))
    keys = stored(pg_url)
    assert len(keys) == len(set(keys)) == sum(queued_per_day)
    # A sequential re-run of every day adds nothing.
    app = make_app(pg_url)
    with app.app_context():
        for day in DAYS:
            assert run_job("reminders", day).counts.get("queued", 0) == 0
        statuses = Counter(r.status for r in db.session.scalars(sa.select(JobRun)))
        db.engine.dispose()
    assert statuses[JobStatus.failed] == 0


def test_two_senders_at_once_send_each_message_once(pg_url):
    """Two send_outbox runs against one SMTP server: the conditional-UPDATE claim splits the work."""
    from aiosmtpd.controller import Controller

    from parliament_tracker.notifications import jobs
    from tests.functional.test_mail import Inbox, free_port

    app = make_app(pg_url)
    with app.app_context():
        db.session.execute(sa.text("UPDATE users SET email = username || '@example.org'"))
        jobs.reminders(dt.date(2021, 11, 9))
        jobs.escalation(dt.date(2021, 11, 30))
        db.session.commit()
        waiting = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery).where(Delivery.channel == "email"))
        db.engine.dispose()
    assert waiting > 10
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:

        def send(app: Any) -> dict[str, Any]:
            app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, SMTP_TIMEOUT=5)
            return jobs.send_outbox(dt.date(2021, 11, 30))

        results = race(pg_url, send)
    finally:
        controller.stop()
    assert sum(r["sent"] for r in results) == waiting
    ids = Counter(m["Message-ID"] for m in inbox.messages)
    assert len(inbox.messages) == waiting and max(ids.values()) == 1


def test_advisory_lock_held_elsewhere_skips_the_run(pg_url):
    from parliament_tracker.scheduler import _lock_key, run_job

    holder = sa.create_engine(pg_url)
    try:
        with holder.connect() as conn, conn.begin():
            assert conn.execute(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key("reminders")))).scalar()
            app = make_app(pg_url)
            with app.app_context():
                assert run_job("reminders", dt.date(2021, 11, 9)).status == JobStatus.skipped
                assert run_job("escalation", dt.date(2021, 11, 9)).status == JobStatus.ok  # other jobs are not blocked
                db.session.remove()
        with app.app_context():  # the lock went with the holder's transaction
            assert run_job("reminders", dt.date(2021, 11, 9)).status == JobStatus.ok
            db.engine.dispose()
    finally:
        holder.dispose()


def test_two_daily_summaries_at_once_carry_each_held_message_once(pg_url):
    """Users who chose one daily summary: two processes building the summary at the same time
    (no job lock) produce one summary per user, and each held e-mail is carried by exactly one."""
    from parliament_tracker.notifications import jobs
    from parliament_tracker.notifications.models import EmailMode, NotificationKind, NotificationSettings

    app = make_app(pg_url)
    with app.app_context():
        db.session.execute(sa.text("UPDATE users SET email = username || '@example.org'"))
        for user_id in db.session.scalars(sa.text("SELECT id FROM users")):
            db.session.add(NotificationSettings(user_id=user_id, email_mode=EmailMode.daily))
        db.session.flush()
        for day in DAYS[:6]:
            jobs.reminders(day)
        db.session.commit()
        held = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery).where(Delivery.held.is_(True)))
        db.engine.dispose()
    assert held > 3

    def summarise(app: Any) -> dict[str, Any]:
        counts = jobs.daily_summary(dt.date(2021, 11, 16))
        db.session.commit()
        return counts

    results = race(pg_url, summarise)
    app = make_app(pg_url)
    with app.app_context():
        summaries = db.session.execute(
            sa.select(Notification.user_id, sa.func.count()).where(Notification.kind == NotificationKind.daily_summary).group_by(Notification.user_id)
        ).all()
        carried = db.session.execute(
            sa.select(Delivery.summary_id, sa.func.count()).where(Delivery.held.is_(True)).group_by(Delivery.summary_id)
        ).all()
        db.engine.dispose()
    assert summaries and all(n == 1 for _uid, n in summaries)
    assert None not in {s for s, _n in carried} and sum(n for _s, n in carried) == held
    assert sum(r["messages"] for r in results) == held and sum(r["users"] for r in results) == len(summaries)


def test_two_processes_running_the_contributions_job_at_once_store_each_message_once(pg_url):
    """Reminders, overdue notices and escalations of contributions: the unique rows alone decide."""
    from parliament_tracker.auth.models import User
    from parliament_tracker.auth.roles import Role
    from parliament_tracker.cases.models import Case
    from parliament_tracker.contributions import services as contribution_services
    from parliament_tracker.notifications import contribution_notices
    from tests import factories

    app = make_app(pg_url)
    with app.app_context(), quiet_signals():
        dgsenb = factories.directorate("DGSenB")
        factories.user(Role.director, "director-dgsenb", directorate=dgsenb)
        drafter2 = factories.user(Role.drafter, "drafter-dgsenb", directorate=dgsenb)
        asker = db.session.scalar(sa.select(User).where(User.username == "drafter"))
        written = db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN))
        for i, due in enumerate((dt.date(2021, 11, 17), dt.date(2021, 11, 19), dt.date(2021, 11, 23))):
            contribution_services.ask(written, request_text=f"Bijdrage {i}", directorate=dgsenb, user=drafter2 if i else None, due_on=due, actor=asker)
        contribution_services.ask(written, request_text="Buiten", external_email="expert@example.org", due_on=dt.date(2021, 11, 18), actor=asker)
        db.session.commit()
        db.engine.dispose()
    before = len(stored(pg_url))
    queued = 0
    for day in DAYS:

        def body(app: Any, day: dt.date = day) -> int:
            counts = contribution_notices.overdue(day)
            db.session.commit()
            return int(counts["queued"])

        queued += sum(race(pg_url, body))
    keys = stored(pg_url)
    assert len(keys) == len(set(keys)) and queued == len(keys) - before
    total = Counter(kind for _key, kind in keys)
    # four contributions, each reminded once; the three due before the last day escalated once
    assert total["contribution_reminder"] == 4 and total["contribution_escalation"] == 3
