"""Fixtures: one app per session, a database that rolls back after every test, users per role.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from parliament_tracker import create_app
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.extensions import db as _db
from tests.contract import ContractClient

PASSWORD = "correct-horse-battery"


def _database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return "sqlite:///" + os.path.join(tmp_dir, "test.sqlite")


@pytest.fixture(autouse=True)
def contract_exemption(request: pytest.FixtureRequest) -> Iterator[None]:
    """``@pytest.mark.contract_exempt(reason)``: this test's API answers are not checked against
    the OpenAPI document (it forces errors an operation cannot otherwise give)."""
    from tests import contract

    contract.EXEMPT["active"] = request.node.get_closest_marker("contract_exempt") is not None
    yield
    contract.EXEMPT["active"] = False


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 at production cost takes ~100 ms a hash; tests use the same code at minimal cost."""
    from argon2 import PasswordHasher

    from parliament_tracker.auth import services

    original = services._hasher
    services._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    services._hasher = original


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = str(tmp_path_factory.mktemp("instance"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = _database_url(instance)
    if worker and "postgresql" in url:
        url = _per_worker_database(url, worker)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": True,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "SERVER_NAME": "tracker.test",
            "LOGIN_MAX_FAILURES": 3,
        }
    )
    # every /api/v1 response any test receives is checked against the OpenAPI document
    app.test_client_class = ContractClient
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            # Start from an empty schema: tables of other versions of the app may be left behind.
            with _db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        else:
            _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _per_worker_database(url: str, worker: str) -> str:
    """xdist workers each get their own PostgreSQL database next to the given one."""
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def scratch_postgres_database(suffix: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database next to TEST_DATABASE_URL's, dropped afterwards.

    For tests that need committed data or their own engines (the per-test rollback of the
    ``db`` fixture cannot be shared between connections). Yields its psycopg URL.
    """
    base = sa.engine.make_url(_database_url(""))
    name = f"{base.database}_{suffix}_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def scratch_database(tmp_path: Any, name: str) -> Iterator[str]:
    """A fresh, empty database of the kind the suite runs on: a scratch PostgreSQL database
    (``scratch_postgres_database``) under TEST_DATABASE_URL, else a SQLite file in ``tmp_path``."""
    if os.environ.get("TEST_DATABASE_URL"):
        with scratch_postgres_database(name) as url:
            yield url
    else:
        yield "sqlite:///" + str(tmp_path / f"{name}.sqlite")


def _session_scope() -> Any:
    """One session per app context (so per request), and one for the test body itself."""
    from flask.globals import _cv_app

    ctx = _cv_app.get(None)
    return id(ctx) if ctx is not None else "test-body"


def _refresh_loaded_objects(state: sa.orm.ORMExecuteState) -> None:
    if state.is_select:
        state.update_execution_options(populate_existing=True)


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """Every test runs inside a transaction that is rolled back; commits become savepoints.

    No app context stays pushed during the test: each test-client request then gets its own
    app context, session, ``g`` and current_user, exactly as in production.
    """
    with app.app_context():
        connection = _db.engine.connect()
    outer = connection.begin()
    # expire_on_commit=False: fixtures hand out objects whose app context (and session) is gone.
    factory = sa.orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    # The test body's session outlives the requests it makes: let every query refresh the objects
    # it returns, so a test reads what the requests committed rather than its identity map.
    sa.event.listen(factory, "do_orm_execute", _refresh_loaded_objects)
    session = sa.orm.scoped_session(factory, scopefunc=_session_scope)
    original = _db.session
    _db.session = session
    try:
        yield _db
    finally:
        session.remove()
        _db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask, db: Any):
    from parliament_tracker.auth.services import create_user

    def make(role: Role | str, username: str | None = None, **kwargs: Any) -> User:
        role = Role(role)
        with app.app_context():
            user = create_user(username or role.value, PASSWORD, role, display_name=kwargs.pop("display_name", None) or f"Test {role.value}", **kwargs)
            db.session.commit()
        return user

    return make


@pytest.fixture
def users(make_user) -> dict[str, User]:
    return {role.value: make_user(role) for role in Role}


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or re.search(
        r'name="csrf_token" value="([^"]+)"', page.text
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class Browser:
    """A logged-in test client that fills in the CSRF token for form posts."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD) -> Any:
        token = csrf_token(self.client)
        return self.client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, *, token_from: str | None = None, **kwargs: Any) -> Any:
        data = dict(data or {})
        data.setdefault("csrf_token", csrf_token(self.client, token_from or "/account"))
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def login(client: FlaskClient, users: dict[str, User]):
    def do(role: str) -> Browser:
        browser = Browser(client)
        response = browser.login(users[role].username)
        assert response.status_code == 302, response.text
        return browser

    return do


@pytest.fixture
def api_token(app: Flask, db: Any, users: dict[str, User]):
    from parliament_tracker.auth.services import issue_token

    def make(role: str) -> dict[str, str]:
        with app.app_context():
            token = issue_token(users[role])
            db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def seed(app: Flask, db: Any, users: dict[str, User]):
    """The whole demo data set, loaded as of 1 Dec 2021: only for tests of the demo itself.

    Other tests build what they need with ``tests/factories.py`` (``seed_case``, ``seed_draft``).
    """
    import datetime as dt

    from parliament_tracker.demo import load_demo

    with app.app_context():
        load_demo(today=dt.date(2021, 12, 1))
        db.session.commit()
    return db


def quiet_signals() -> Any:
    """Test data is history, not news (as the demo): no hand-over notifications while it is built."""
    import contextlib

    from parliament_tracker import signals

    stack = contextlib.ExitStack()
    for signal in (signals.case_status_changed, signals.case_assigned, signals.letter_status_changed,
                   signals.postponement_sent, signals.event_moved):
        stack.enter_context(signal.muted())
    return stack


@pytest.fixture
def seed_case(app: Flask, db: Any, users: dict[str, User]):
    """Only the seed case (2021Z19241 with 2021Z19601) and what it hangs on (tests/factories.py)."""
    from tests import factories

    with app.app_context(), quiet_signals():
        factories.seed_pair(users)
        db.session.commit()
    return db


@pytest.fixture
def seed_draft(app: Flask, db: Any, users: dict[str, User], seed_case: Any):
    """The seed case plus the shipped templates and the seed reply letter as a draft."""
    from tests import factories

    with app.app_context():
        request = db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED))
        written = db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN))
        with quiet_signals():
            factories.seed_letter(request, written, db.session.get(User, users["drafter"].id))
        db.session.commit()
    return db


@pytest.fixture(scope="session", autouse=True)
def signing_cert(app: Flask, tmp_path_factory: pytest.TempPathFactory):
    """A development signing certificate for the whole session (never the real instance folder)."""
    from parliament_tracker.letters.engine.signing import make_dev_certificate

    path = tmp_path_factory.mktemp("signing") / "dev.p12"
    cert = make_dev_certificate(path, "test-signing", "Parliament Tracker test signatory")
    app.config.update(SIGNING_PKCS12_PATH=str(cert.p12_path), SIGNING_PKCS12_PASSPHRASE="test-signing", SIGNING_TRUST_ROOTS=[])
    return cert
