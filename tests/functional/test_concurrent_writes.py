"""Concurrent writes do not fail (issue 20): sixteen people logging in and editing cases at the
same moment against the app under gunicorn with 2 workers get no 500. On SQLite a transaction
that read before writing used to get "database is locked" at once; writes now begin IMMEDIATE.
Runs on the configured database (SQLite file, or a scratch PostgreSQL database)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time

import requests

from parliament_tracker import PROJECT_ROOT, create_app
from parliament_tracker.extensions import db
from tests.conftest import scratch_postgres_database

PEOPLE = 16
ROUNDS = 1
PASSWORD = "gelijktijdig-inloggen"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _database(tmp_path):
    if os.environ.get("TEST_DATABASE_URL"):
        with scratch_postgres_database("concurrent") as url:
            yield url
    else:
        yield "sqlite:///" + str(tmp_path / "concurrent.sqlite")


def _prepare(url: str, instance: str) -> list[tuple[str, str, str]]:
    """Tables, the demo data and PEOPLE registrars, each with an API token."""
    from parliament_tracker.auth.models import User
    from parliament_tracker.auth.roles import Role
    from parliament_tracker.auth.services import create_user, issue_token
    from parliament_tracker.cases.models import Case
    from parliament_tracker.demo import load_demo

    # The demo signs its letters: its signing key in the test's instance folder, not the checkout's.
    signing_key = os.path.join(instance, "signing", "dev.p12")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "concurrent-test-key",
                      "SIGNING_PKCS12_PATH": signing_key})
    people = []
    with app.app_context():
        db.create_all()
        load_demo()
        cases = [c.reference for c in db.session.scalars(db.select(Case).order_by(Case.id))]
        for i in range(PEOPLE):
            user = create_user(f"persoon{i}", PASSWORD, Role.registrar)
            token = issue_token(user)
            people.append((user.username, token, cases[i % len(cases)]))
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(User.id))) >= PEOPLE
        db.session.remove()
        db.engine.dispose()
    return people


def _serve(url: str, instance: str, port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=url.replace("postgresql+psycopg://", "postgresql://"),
        SECRET_KEY="concurrent-test-key",
        PARLIAMENT_TRACKER_INSTANCE_PATH=instance,
        PARLIAMENT_TRACKER_SESSION_COOKIE_SECURE="false",
        PARLIAMENT_TRACKER_REMEMBER_COOKIE_SECURE="false",
        # wsgi.py skips warming the PDF renderer then (seconds per worker; no letters here)
        FLASK_RUN_FROM_CLI="true",
    )
    env.pop("TEST_DATABASE_URL", None)
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--preload", "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stdout.read().decode(errors="replace"))
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        time.sleep(0.2)
    server.kill()
    raise AssertionError("gunicorn did not start")


def _person(base: str, username: str, token: str, reference: str, start: threading.Barrier, statuses: list) -> None:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30)
    csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text).group(1)
    start.wait()
    response = session.post(
        f"{base}/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf}, allow_redirects=False, timeout=60
    )
    statuses.append(("login", response.status_code))
    headers = {"Authorization": f"Bearer {token}"}
    for round_ in range(ROUNDS):
        for target in (reference, "2021Z19601"):  # their own case, and one everybody edits
            case = requests.get(f"{base}/api/v1/cases/{target}", headers=headers, timeout=60)
            statuses.append(("read", case.status_code))
            if case.status_code != 200:
                continue
            patch = requests.patch(
                f"{base}/api/v1/cases/{target}",
                json={"version": case.json()["version"], "notes": f"{username} ronde {round_}"},
                headers=headers,
                timeout=60,
            )
            statuses.append(("edit", patch.status_code))


def test_concurrent_logins_and_case_edits_under_gunicorn_get_no_500(tmp_path):
    instance = str(tmp_path / "instance")
    os.makedirs(instance)
    with _database(tmp_path) as url:
        people = _prepare(url, instance)
        port = _free_port()
        server = _serve(url, instance, port)
        try:
            statuses: list[tuple[str, int]] = []
            start = threading.Barrier(len(people))
            threads = [
                threading.Thread(target=_person, args=(f"http://127.0.0.1:{port}", u, t, r, start, statuses))
                for u, t, r in people
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            try:
                output = server.communicate(timeout=120)[0].decode(errors="replace")
            except subprocess.TimeoutExpired:  # a loaded machine: stop waiting for a graceful exit
                server.kill()
                output = server.communicate()[0].decode(errors="replace")
    failures = [s for s in statuses if s[1] >= 500]
    assert not failures, (failures, output[-3000:])
    assert [s for s in statuses if s[0] == "login"] == [("login", 302)] * PEOPLE
    edits = [code for kind, code in statuses if kind == "edit"]
    assert len(edits) == PEOPLE * ROUNDS * 2 and set(edits) <= {200, 409}
    assert edits.count(200) >= PEOPLE  # a stale version is a 409; most edits save
