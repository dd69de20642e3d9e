"""The Woo file of a search in a real browser: asked for from the case list, built by the
background job while the export page shows its progress (the page refreshes itself), then
announced in Mijn meldingen and downloaded by its link."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.browser.conftest import outside_event_loop, require_browser

require_browser()

pytestmark = pytest.mark.browser


def test_woo_file_of_a_search_with_progress_and_a_download_link(log_in, live_server):
    from parliament_tracker.db import today_local
    from parliament_tracker.edge import run_job as unit_of_work
    from parliament_tracker.extensions import db
    from parliament_tracker.records import exports, woo
    from parliament_tracker.scheduler import run_job

    page = log_in("registrar")
    page.goto("/cases?q=angstcultuur")
    found = int(re.search(r"(\d+) (zaak|zaken)", page.locator(".result-count").inner_text()).group(1))
    assert found >= 1
    with page.expect_navigation():
        page.get_by_role("button", name="Woo-dossier van deze zaken").click()
    assert re.search(r"/woo/exports/\d+$", page.url)
    assert "Wachten" in page.locator("main").inner_text()

    app = live_server.app
    # The job runs outside this thread: Playwright's event loop runs here, and checking the
    # signed letters' signatures (pyHanko) calls asyncio.run(), as a scheduler thread may.
    counts: dict = {}

    def first_step() -> None:
        with app.app_context():
            try:
                counts.update(unit_of_work(lambda: exports.step(today_local())))  # the job's first step: the cases
            finally:
                db.session.remove()

    outside_event_loop(first_step)
    assert counts["cases"] == found
    # the page refreshes itself and shows how far the job is
    page.locator("#export-progress").wait_for(timeout=15_000)
    assert re.search(rf"0 van {found} zaken", page.locator("#export-progress").inner_text())
    assert page.locator("progress").get_attribute("max") == str(found)

    runs: list = []

    def the_rest() -> None:
        with app.app_context():
            try:
                run = run_job("woo_exports")  # the rest, step by step, as the scheduler does
                runs.append((run.status.value, run.error, dict(run.counts or {})))
            finally:
                db.session.remove()

    outside_event_loop(the_rest)
    status, error, run_counts = runs[0]
    assert status == "ok", error
    assert run_counts["ready"] is True
    link = page.locator("#woo-download")
    link.wait_for(timeout=15_000)
    assert re.search(rf"{found} van {found} zaken", page.locator("#export-progress").inner_text())
    with page.expect_download() as info:
        link.click()
    data = info.value.path().read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert woo.INVENTORY_XLSX in names and woo.INVENTORY_PDF in names
    assert any(n.startswith(woo.DOCUMENTS_FOLDER + "/") and n.endswith("-zaakoverzicht.pdf") for n in names)

    # the notification carries the same (signed, expiring) link
    page.goto("/notifications")
    assert "Woo-dossier" in page.locator("table.notifications").inner_text()
