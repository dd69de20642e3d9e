"""Browser fixtures: a real HTTP server with committed demo data, and Debian's Chromium via Playwright.

The server is ``werkzeug.serving.make_server`` in a background thread on 127.0.0.1 with a free
port. It serves its own app built by ``create_app`` against a fresh SQLite file in a temporary
folder: the browser needs committed data, so the rolled-back ``db`` fixture of ``tests/conftest.py``
is not used here. With pytest-xdist each worker builds its own server and browser.

Playwright drives the Chromium of Debian's ``chromium`` package (``/usr/bin/chromium``, or
``$BROWSER_TEST_CHROMIUM``); Playwright's own browser download does not work on these machines.
Playwright itself is imported lazily so that this file loads where it is not installed; the test
modules skip themselves then (see ``require_browser``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("BROWSER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying to reach Google's hosts, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo-wachtwoord"


def missing_browser_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the Python package 'playwright' is not installed (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def require_browser() -> None:
    """Call at the top of a browser test module: skips the whole module with a clear reason."""
    reason = missing_browser_reason()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


def outside_event_loop(work: Callable[[], None]) -> None:
    """Run ``work`` in a thread of its own and re-raise what it raised.

    Loading the demo signs letters with pyHanko, which calls ``asyncio.run()``; that refuses to
    run in a thread whose event loop is already running, as the main thread's is while a
    Playwright sync API (a module-scoped browser) is open. A fresh thread has no loop, so the data
    setup works whichever fixture pytest happens to set up first."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name="browser-test-setup")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@dataclass
class LiveServer:
    url: str
    app: Any
    #: exceptions the app raised while serving (a 500 in the browser), with their request
    errors: list[str] = field(default_factory=list)

    def __call__(self, path: str = "/") -> str:
        return self.url + path


class AppServer:
    """A threaded HTTP server on a free port of 127.0.0.1, its address known before the app it
    serves is built (the OpenID provider is told the app's callback first)."""

    def __init__(self) -> None:
        from werkzeug.serving import make_server

        self.app: Any = None
        self.server = make_server("127.0.0.1", 0, lambda environ, start: self.app(environ, start), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@contextlib.contextmanager
def serving_demo(folder: Path, server: AppServer, **config: Any) -> Iterator[LiveServer]:
    """The app built by ``create_app`` (with ``config``) on a fresh SQLite file in ``folder`` with
    the demo data committed, served by ``server`` in a background thread until the block ends."""
    from flask import got_request_exception

    from parliament_tracker import create_app
    from parliament_tracker.demo import load_demo
    from parliament_tracker.extensions import db

    # An empty instance folder: a developer's instance/config.py must not leak into the test.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(folder))
        app = create_app(
            {
                "TESTING": False,
                "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "browser.sqlite"),
                "SESSION_COOKIE_SECURE": False,
                "REMEMBER_COOKIE_SECURE": False,
                # Render in the serving thread: this app runs inside the process that drives
                # Playwright, and forking render workers from it hung a browser test with no
                # browser left (CI, 7 Dec). The worker pool has its own tests.
                "LETTER_RENDER_PROCESSES": 0,
                **config,
            }
        )
    app.config["SERVER_NAME"] = None  # the browser uses 127.0.0.1:<port>; no host matching

    def fill() -> None:
        with app.app_context():
            db.create_all()
            load_demo()
            db.session.commit()
            db.session.remove()

    # the demo signs letters (pyHanko: asyncio.run), which fails in this thread once a
    # module's Playwright loop runs
    outside_event_loop(fill)

    live = LiveServer(url=server.url, app=app)

    def record_error(sender: Any, exception: BaseException, **extra: Any) -> None:
        from flask import request

        text = "".join(traceback.format_exception(exception))
        live.errors.append(f"{request.method} {request.full_path}\n{text}")

    got_request_exception.connect(record_error, app, weak=False)
    server.app = app
    thread = threading.Thread(target=server.server.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.server.shutdown()
        thread.join(timeout=10)
        server.server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving_demo(tmp_path_factory.mktemp("browser-server"), AppServer(), SECRET_KEY="browser-test") as live:
        yield live


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API keeps an asyncio loop running while it is open, and
    code under test elsewhere (pyHanko) calls asyncio.run(), which refuses to nest in one."""
    reason = missing_browser_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page; default timeouts short enough to fail fast."""
    live_server.errors.clear()
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    if live_server.errors:
        pytest.fail("the server raised while the browser used it:\n\n" + "\n\n".join(live_server.errors), pytrace=False)


@pytest.fixture
def log_in(page: Any, live_server: LiveServer):
    """Log in through the login form as a demo user; returns the page."""

    def do(username: str = "registrar", password: str = DEMO_PASSWORD) -> Any:
        page.goto("/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("form button[type=submit].primary")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return do
