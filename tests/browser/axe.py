"""axe-core in the page under test, with the page's CSP left on.

tests/browser/vendor/axe.min.js is axe-core 4.14.1 (MPL-2.0, vendor/axe-core-LICENSE.txt), from
npm. It is not loaded with a <script> tag (the CSP allows only the app's own scripts): its source
is evaluated through Playwright's page.evaluate, which runs over the DevTools protocol and is not
subject to the page's CSP. bypass_csp stays off, so the app's own scripts run as in production.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.0/2.1 A and AA violations axe finds in the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)})); }",
        AXE_TAGS,
    )
    return list(result)
