"""Browser tests: a live server with the demo data and Debian's Chromium driven by Playwright.

Run them on their own (the main suite ignores this folder):

    PYTHONPATH=. /tmp/venv/bin/pytest tests/browser -q -p no:cacheprovider

They are skipped when Playwright or a Chromium binary is missing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Iterator

import pytest

CHROMIUM_CANDIDATES = (os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium", "/usr/bin/chromium-browser")


def _chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and (os.path.exists(candidate) or shutil.which(candidate)):
            return candidate
    return None


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on 127.0.0.1 with its own SQLite file and the demo data (as of 1 Dec 2021)."""
    from werkzeug.serving import make_server

    from parliament_tracker import create_app
    from parliament_tracker.demo import load_demo
    from parliament_tracker.extensions import db

    instance = tmp_path_factory.mktemp("live-instance")
    app = create_app(
        {
            "TESTING": False,
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(instance / "live.sqlite"),
            "SECRET_KEY": "browser-test",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        db.create_all()
        load_demo(today=dt.date(2021, 12, 1))
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    playwright_sync = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium binary found (set CHROMIUM_PATH)")
    pw = playwright_sync.sync_playwright().start()
    chromium = pw.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox", "--disable-gpu"])
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def login_as(page):  # type: ignore[no-untyped-def]
    from parliament_tracker.demo import DEMO_PASSWORD

    def do(username: str):  # type: ignore[no-untyped-def]
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("main form button[type=submit].primary")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return do
