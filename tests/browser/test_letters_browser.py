"""Start a letter from 2021Z19241 in a real browser, generate it and see the PDF preview.

Elements are found by ``id``/``name``/class, never by visible text (the UI is Dutch by default).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import require_browser

require_browser()

pytestmark = pytest.mark.browser


def test_start_generate_and_preview_a_letter(log_in: Any, live_server: Any) -> None:
    page = log_in("drafter")
    page.goto("/cases/2021Z19241")
    page.click("#letters a[href$='/letters/new']")
    page.wait_for_url(re.compile(r"/cases/2021Z19241/letters/new$"))
    assert page.input_value("select[name=kind]") == "kamerbrief"
    page.fill("input[name=mentions]", "2021Z19601")
    page.click("form.letter-start button[type=submit]")
    page.wait_for_url(re.compile(r"/letters/\d+/edit$"))
    assert page.input_value("input[name=your_reference]") == "2021Z19241"
    page.fill(
        "textarea[name=body]",
        "Bij brief van 2 november 2021 heeft de commissie mij **verzocht** te reageren.\n\n- punt een\n- punt twee",
    )
    page.click("button[name=generate]")
    page.wait_for_url(re.compile(r"/letters/\d+#preview$"))
    preview = page.locator("object#pdf-preview")
    assert preview.count() == 1
    data = preview.get_attribute("data")
    assert re.search(r"/letters/\d+/versions/1/pdf\?inline=1$", data)
    assert preview.get_attribute("type") == "application/pdf"
    response = page.request.get(live_server(data))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    # the versions table shows the version with its SHA-256
    assert page.locator("table.versions tbody tr").count() == 1
    assert re.search(r"[0-9a-f]{64}", page.locator("table.versions").inner_text())
