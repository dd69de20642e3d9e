"""The escalation and weekly digest jobs queue in batches, one commit per step: the batch
boundary, a failure midway and the next run going on without duplicates or losses, and the
message rendered once for several recipients being the same as rendered for each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import Delivery, JobStatus, Notification, NotificationKind
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.scheduler import run_job
from tests import factories
from tests.conftest import quiet_signals

K = NotificationKind
ESCALATION_DAY = dt.date(2022, 1, 17)  # a Monday: every varied case has missed a date by then
DIGEST_FRIDAY = dt.date(2021, 11, 26)


@pytest.fixture
def late_cases(app, db, users):
    """Sixteen open cases in two directorates, two directors of DGMI, one of DGSenB and a
    registrar, all with addresses: every case escalates to two or three people."""
    with app.app_context(), quiet_signals():
        factories.varied_cases(16)
        dgmi = db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
        dgsenb = db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGSenB"))
        director = db.session.get(User, users["director"].id)
        director.directorate, director.email = dgmi, "director@example.org"
        registrar = db.session.get(User, users["registrar"].id)
        registrar.email = "registrar@example.org"
        factories.user(Role.director, "director2", email="d2@example.org", directorate=dgmi, display_name="O'Brien & <Zn>")
        factories.user(Role.director, "director3", email="d3@example.org", directorate=dgsenb)
        db.session.commit()
    return db


class Recorder:
    """Wraps services.queue: the size of every batch handed to it; optionally fails once at call
    ``fail_at`` (after the earlier steps were committed)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail_at: int | None = None) -> None:
        self.sizes: list[int] = []
        self.fail_at = fail_at
        self._queue = services.queue
        monkeypatch.setattr(services, "queue", self)

    def __call__(self, drafts: Any, *args: Any, **kwargs: Any) -> int:
        self.sizes.append(len(drafts))
        if self.fail_at is not None and len(self.sizes) == self.fail_at:
            self.fail_at = None
            raise RuntimeError("SMTP relay gone mid-run")
        return self._queue(drafts, *args, **kwargs)


def stored(db: Any, kind: NotificationKind) -> list[tuple[Any, ...]]:
    return sorted(
        (n.dedupe_key, n.subject, n.body_text, n.body_html)
        for n in db.session.scalars(sa.select(Notification).where(Notification.kind == kind))
    )


def forget(db: Any, kind: NotificationKind) -> None:
    ids = sa.select(Notification.id).where(Notification.kind == kind).scalar_subquery()
    db.session.execute(sa.delete(Delivery).where(Delivery.notification_id.in_(ids)))
    db.session.execute(sa.delete(Notification).where(Notification.kind == kind))
    db.session.commit()


def test_escalation_in_batches_is_the_same_as_at_once(app, late_cases, monkeypatch):
    db = late_cases
    with app.app_context():
        monkeypatch.setitem(app.config, "NOTIFICATION_BATCH", 10_000)
        whole = run_job("escalation", ESCALATION_DAY)
        assert whole.status == JobStatus.ok, whole.error
        assert whole.counts["steps"] == 1 and whole.counts["cases"] >= 10
        expected = stored(db, K.escalation)
        assert len(expected) == whole.counts["queued"] > 20
        forget(db, K.escalation)

        monkeypatch.setitem(app.config, "NOTIFICATION_BATCH", 5)
        recorder = Recorder(monkeypatch)
        from parliament_tracker.notifications import jobs

        staff_reads: list[int] = []
        load_staff = jobs._EscalationStaff.load
        monkeypatch.setattr(jobs._EscalationStaff, "load", classmethod(lambda cls: staff_reads.append(1) or load_staff()))
        batched = run_job("escalation", ESCALATION_DAY)
        assert batched.status == JobStatus.ok, batched.error
        assert stored(db, K.escalation) == expected  # same rows, same rendered text
        assert batched.counts["queued"] == len(expected) and batched.counts["cases"] == whole.counts["cases"]
        assert batched.counts["steps"] == len(recorder.sizes) > 4 and "after" not in batched.counts
        # the staff (and the rule context) read once for the run, not once per step
        assert staff_reads == [1] and "run" not in batched.counts and "escalation" not in jobs._RUN_STATES
        # A step stops at the first case boundary at or past 5 messages (a case has at most 3).
        assert all(5 <= size <= 7 for size in recorder.sizes[:-1]) and 0 < recorder.sizes[-1] <= 7
        assert sum(recorder.sizes) == len(expected)


def test_escalation_failing_midway_goes_on_next_run_without_duplicates(app, late_cases, monkeypatch):
    db = late_cases
    with app.app_context():
        monkeypatch.setitem(app.config, "NOTIFICATION_BATCH", 5)
        recorder = Recorder(monkeypatch, fail_at=3)
        failed = run_job("escalation", ESCALATION_DAY)
        assert failed.status == JobStatus.failed and "SMTP relay gone" in failed.error
        committed = sum(recorder.sizes[:2])  # the two steps before the failure stay queued
        assert len(stored(db, K.escalation)) == committed

        again = run_job("escalation", ESCALATION_DAY)
        assert again.status == JobStatus.ok, again.error
        rows = stored(db, K.escalation)
        assert again.counts["already_sent"] == committed and again.counts["queued"] == len(rows) - committed
        keys = [r[0] for r in rows]
        assert len(keys) == len(set(keys))
        deliveries = db.session.execute(
            sa.select(Delivery.notification_id, sa.func.count()).group_by(Delivery.notification_id)
        ).all()
        assert len(deliveries) == len(rows) and all(n == 1 for _id, n in deliveries)  # one e-mail each
        assert run_job("escalation", ESCALATION_DAY).counts["queued"] == 0


def _five_more_dgmi_directors(db: Any) -> None:
    """Five directors of DGMI besides the seed's, with e-mail addresses (committed)."""
    dgmi = db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
    for i in range(5):
        factories.user(Role.director, f"dgmi-director-{i}", email=f"dd{i}@example.org", directorate=dgmi)
    db.session.commit()


def test_weekly_digest_in_batches_once_per_director_after_a_failure(app, late_cases, monkeypatch):
    db = late_cases
    with app.app_context(), quiet_signals():
        _five_more_dgmi_directors(db)
        directors = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.role == Role.director, User.directorate_id.is_not(None))
        )
        monkeypatch.setitem(app.config, "NOTIFICATION_BATCH", 2)
        recorder = Recorder(monkeypatch, fail_at=2)
        failed = run_job("weekly_digest", DIGEST_FRIDAY)
        assert failed.status == JobStatus.failed
        assert len(stored(db, K.weekly_digest)) == recorder.sizes[0]

        run = run_job("weekly_digest", DIGEST_FRIDAY)
        assert run.status == JobStatus.ok, run.error
        assert run.counts["directors"] == directors == 8 and run.counts["steps"] == 4
        assert all(size <= 2 for size in recorder.sizes)
        digests = [
            (n.user_id, n.body_text) for n in db.session.scalars(sa.select(Notification).where(Notification.kind == K.weekly_digest))
        ]
        assert len(digests) == len({uid for uid, _t in digests}) == directors - run.counts["empty"]
        assert run.counts["queued"] + recorder.sizes[0] == len(digests)


def test_one_rendering_for_several_recipients_is_the_same_as_one_each(app, db):
    """The shared-context path fills in the name (escaped in HTML) exactly where a rendering per
    recipient puts it, in each recipient's language."""
    context = {
        "reference": "2021Z19241", "case_subject": "Vragen over <IND> & \"wachttijden\"", "step": K.reminder_due,
        "due_on": dt.date(2021, 11, 26), "working_days_late": 3, "status": CaseStatus.drafting,
        "drafter": "Fatima el Amrani", "url": "https://pt.example.org/cases/2021Z19241",
    }
    people = [
        services.Recipient(1, "a@example.org", "O'Brien & <Zn>", "nl"),
        services.Recipient(2, "b@example.org", "Ann  Smith", "en"),
        services.Recipient(3, "c@example.org", "Jan de Vries", "nl"),
        services.Recipient(None, "box@example.org", "Directoraat-Generaal \"Migratie\"", "nl"),
    ]
    with app.test_request_context():
        shared = [services.Draft(p, K.escalation, 7, context["due_on"], "escalation", context) for p in people]
        alone = [services.Draft(p, K.escalation, 7, context["due_on"], "escalation", dict(context)) for p in people]
        together, each = services.render_many(shared), services.render_many(alone)
    assert together == each
    assert "O&#39;Brien &amp; &lt;Zn&gt;" in together[0][2] and "O'Brien & <Zn>" in together[0][1]
    assert together[0][0] != together[1][0]  # Dutch and English subjects


def test_weekly_digest_gathers_each_directorate_once_per_run(app, late_cases, monkeypatch):
    """Steps of two directors each over three directorates' directors: each directorate's sections
    are gathered and its message rendered once per run, not once per step; a second run of the day
    gathers nothing (every director has the digest)."""
    from parliament_tracker.notifications import digest, jobs

    db = late_cases
    with app.app_context(), quiet_signals():
        _five_more_dgmi_directors(db)
        gathered: list[int] = []
        sections = digest._digest_sections
        monkeypatch.setattr(digest, "_digest_sections", lambda d, *a: gathered.append(d) or sections(d, *a))
        renders: list[str] = []
        render = services._render
        monkeypatch.setattr(services, "_render", lambda t, b, d, r, **kw: renders.append(r.name) or render(t, b, d, r, **kw))
        monkeypatch.setitem(app.config, "NOTIFICATION_BATCH", 2)
        run = run_job("weekly_digest", DIGEST_FRIDAY)
        assert run.status == JobStatus.ok, run.error
        assert run.counts["steps"] == 4 and "run" not in run.counts
        directorates = db.session.scalars(
            sa.select(User.directorate_id).where(User.role == Role.director, User.directorate_id.is_not(None)).distinct()
        ).all()
        assert sorted(gathered) == sorted(directorates)  # once each, though DGMI's 7 directors span 4 steps
        assert renders.count(services._NAME_MARK) <= len(directorates)
        assert len(stored(db, K.weekly_digest)) == run.counts["queued"] > 0
        gathered.clear()
        again = run_job("weekly_digest", DIGEST_FRIDAY)
        assert again.counts["queued"] == 0 and gathered == [] and "weekly_digest" not in jobs._RUN_STATES


def test_message_bodies_are_compressed_with_lz4_on_postgresql(app, db):
    """A digest writes ~1 GB of bodies: lz4 where the server has it (models.LZ4_BODIES), not pglz."""
    from parliament_tracker.notifications.models import LZ4_BODIES

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("TOAST compression is PostgreSQL's")
        if not db.session.execute(sa.text(LZ4_BODIES[0])).first():
            pytest.skip("this PostgreSQL has no lz4")
        rows = db.session.execute(
            sa.text("SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'notification_bodies'::regclass "
                    "AND attname IN ('text', 'html', 'sha256')")
        ).all()
        methods = {name: str(method) for name, method in rows}
        assert methods == {"text": "l", "html": "l", "sha256": ""}


def test_prune_bodies_deletes_in_batches_only_the_bodies_nobody_refers_to(app, late_cases, monkeypatch):
    """Escalations and digests stored, then the escalations deleted (as a destroyed case's
    notifications go, by cascade): the prune_bodies job deletes in steps of NOTIFICATION_BATCH
    bodies exactly the escalations' bodies and keeps every digest's, then the digests' once they
    go too. A delivery carried by a deleted notification (as by a daily summary) loses it
    (ON DELETE SET NULL, by the index of migration 0019)."""
    from parliament_tracker.notifications.models import NotificationBody

    db = late_cases
    with app.app_context(), quiet_signals():
        assert run_job("escalation", ESCALATION_DAY).status == JobStatus.ok
        assert run_job("weekly_digest", DIGEST_FRIDAY).status == JobStatus.ok
        body_of = sa.select(Notification.body_id)
        escalation_bodies = set(db.session.scalars(body_of.where(Notification.kind == K.escalation)))
        digest_bodies = set(db.session.scalars(body_of.where(Notification.kind == K.weekly_digest)))
        assert escalation_bodies and digest_bodies and not escalation_bodies & digest_bodies
        summary = db.session.scalar(sa.select(Notification.id).where(Notification.kind == K.escalation).limit(1))
        carried = db.session.scalar(
            sa.select(Delivery.id).join(Notification, Notification.id == Delivery.notification_id)
            .where(Notification.kind == K.weekly_digest).limit(1)
        )
        db.session.execute(sa.update(Delivery).where(Delivery.id == carried).values(summary_id=summary))
        db.session.commit()
        forget(db, K.escalation)
        assert db.session.get(Delivery, carried).summary_id is None

        monkeypatch.setitem(app.config, "NOTIFICATION_BATCH", 2)
        all_bodies = len(escalation_bodies) + len(digest_bodies)
        run = run_job("prune_bodies", ESCALATION_DAY)
        assert run.status == JobStatus.ok, run.error
        assert run.counts["deleted"] == len(escalation_bodies) and run.counts["looked_at"] == all_bodies
        assert run.counts["steps"] == all_bodies // 2 + 1
        assert set(db.session.scalars(sa.select(NotificationBody.id))) == digest_bodies
        assert run_job("prune_bodies", ESCALATION_DAY).counts["deleted"] == 0

        forget(db, K.weekly_digest)
        assert run_job("prune_bodies", DIGEST_FRIDAY).counts["deleted"] == len(digest_bodies)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationBody)) == 0
