"""HTML → PDF/A-2b with WeasyPrint.

PDF/A-2 rather than 3: archives advise against A-3 because it may embed arbitrary
files. Conformance is *claimed* (XMP pdfaid, sRGB OutputIntent, embedded fonts,
no interpolation) but not validated here: there is no veraPDF in CI.

Resources: the HTML from ``docx2html`` carries images as data: URIs, and fonts
come from fontconfig, so the fetcher refuses everything except data: URLs. A
template can therefore never make the server read local files or call out.

Warm-up: importing WeasyPrint takes ~0.6 s and the first render ~0.2 s more, so
the module keeps one FontConfiguration for the process and ``warm_up()`` can be
called at worker start (gunicorn --preload or an app-factory hook).
"""

from __future__ import annotations

import threading

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

PDF_VARIANT = "pdf/a-2b"


class ExternalResourceRefused(ValueError):
    """The HTML referred to a file or network resource; letters may only embed data: URLs."""


class DataOnlyURLFetcher(URLFetcher):
    """Allow data: URLs only; any other URL stops the rendering."""

    def __init__(self) -> None:
        # fail_on_errors: a refused URL is fatal instead of a silently missing image.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True, timeout=1)

    def fetch(self, url: str, headers: dict[str, str] | None = None):
        if not url.lower().startswith("data:"):
            raise ValueError(f"external resources are not allowed in letters: {url[:60]}")
        return super().fetch(url, headers)


class TooManyPages(ValueError):
    """The laid-out document has more pages than a letter may have."""

    def __init__(self, pages: int, maximum: int) -> None:
        super().__init__(f"The document is too large to render: {pages} pages, maximum {maximum}.")
        self.message = str(self)
        self.pages, self.maximum = pages, maximum

    def __reduce__(self):  # crosses the render worker's pickle boundary
        return (TooManyPages, (self.pages, self.maximum))


# Shared across renders: a new FontConfiguration per letter costs ~30 ms (LETTERS.md §2.3).
_FONT_CONFIG: FontConfiguration | None = None
_FONT_LOCK = threading.Lock()


def font_config() -> FontConfiguration:
    global _FONT_CONFIG
    with _FONT_LOCK:
        if _FONT_CONFIG is None:
            _FONT_CONFIG = FontConfiguration()
        return _FONT_CONFIG


def render_pdf(html: str, *, title: str, lang: str = "nl", max_pages: int | None = None) -> bytes:
    """Render a complete HTML document to PDF/A-2b bytes with title and /Lang set.

    ``max_pages``: refuse (``TooManyPages``) after layout, before the PDF is written.
    """
    try:
        document = HTML(string=html, base_url=None, url_fetcher=DataOnlyURLFetcher()).render(
            font_config=font_config(), pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: make it an ordinary error
        raise ExternalResourceRefused(str(exc)) from None
    if max_pages is not None and len(document.pages) > max_pages:
        raise TooManyPages(len(document.pages), max_pages)
    # The HTML already has <title> and <html lang>; set both here too so the PDF
    # metadata never depends on what an uploaded DOCX happened to contain.
    document.metadata.title = title
    document.metadata.lang = lang
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def warm_up() -> None:
    """Load fonts and WeasyPrint's internals once, before the first real letter."""
    render_pdf('<!DOCTYPE html><html lang="nl"><head><title>warm</title></head>'
               '<body><p>Pagina <strong>1</strong></p></body></html>', title="warm")
