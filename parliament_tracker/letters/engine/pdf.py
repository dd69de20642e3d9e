"""HTML → tagged PDF/A-2a + PDF/UA-1 (or untagged PDF/A-2b) with WeasyPrint.

PDF/A-2 rather than 3: archives advise against A-3 because it may embed arbitrary
files. Conformance is *claimed* (XMP pdfaid, sRGB OutputIntent, embedded fonts,
no interpolation) but not validated here: there is no veraPDF in CI.

Tagged letters (the default) use WeasyPrint's ``pdf/a-2a`` (structure tree from the HTML
semantics, ``/MarkInfo``, ``/ViewerPreferences /DisplayDocTitle``, ``/Lang``) and add the
PDF/UA-1 identification to the same XMP packet: ``pdfuaid:part 1`` with the PDF/A extension
schema that declares it (PDF/A-2 allows only declared schemas in XMP). WeasyPrint has no
combined variant, so ``TAGGED_VARIANT`` is registered in its variant table when WeasyPrint is
loaded (``load()``): the
work happens while the PDF is written, with no second parse. Margin boxes (running headers,
footers, "Pagina x van y" repeated on each page) stay out of the structure tree; backgrounds
and borders are drawn as ``/Artifact``.

Resources: the HTML from ``docx2html`` carries images as data: URIs, and fonts
come from fontconfig, so the fetcher refuses everything except data: URLs. A
template can therefore never make the server read local files or call out.

Warm-up: importing WeasyPrint takes ~0.6 s and the first render ~0.2 s more. Importing this
module does neither (the app must answer its first request fast, issue #19): WeasyPrint is
imported on the first render, the module keeps one FontConfiguration for the process, and
``warm_up()`` does both ahead of time (``serving.prepare_worker``, in gunicorn's master with
--preload, so every worker shares it).
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

PDF_VARIANT = "pdf/a-2b"  # untagged
TAGGED_VARIANT = "pdf/a-2a+ua-1"

#: The PDF/A extension schema that declares pdfuaid (ISO 14289-1 §5, ISO 19005-2 §6.6.2.3.1) and
#: the PDF/UA-1 identification itself, inserted into WeasyPrint's XMP packet.
_PDFUA_XMP = (
    b'<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
    b' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
    b' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b"<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
    b"<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    b"<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
    b"<pdfaProperty:name>part</pdfaProperty:name>"
    b"<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    b"<pdfaProperty:category>internal</pdfaProperty:category>"
    b"<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>"
    b"</rdf:li></rdf:Seq></pdfaSchema:property>"
    b"</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
    b"<pdfuaid:part>1</pdfuaid:part></rdf:Description>"
)


def _pdfa2a_ua1(pdf: Any, document: Any, page_streams: Any, attachments: Any, compress: bool) -> None:
    """WeasyPrint's PDF/A-2a step, then the PDF/UA-1 identification in the same XMP packet."""
    import weasyprint.pdf

    pdfa_2a, _properties = weasyprint.pdf.VARIANTS["pdf/a-2a"]
    pdfa_2a(pdf, document, page_streams, attachments, compress)
    reference = pdf.catalog["Metadata"]  # pydyf: b"12 0 R"
    number = int((reference.decode() if isinstance(reference, bytes) else str(reference)).split()[0])
    stream = pdf.objects[number]
    packet = b"".join(stream.stream)
    if b"</rdf:RDF>" not in packet:  # WeasyPrint changed its XMP writer: fail loudly, not silently untagged
        raise RuntimeError("unexpected XMP packet from WeasyPrint; cannot add the PDF/UA identification")
    stream.stream = [packet.replace(b"</rdf:RDF>", _PDFUA_XMP + b"</rdf:RDF>", 1)]


@functools.cache
def load() -> Any:
    """Import WeasyPrint (about 0.7 s, most of a fresh process's start-up) and register the tagged
    variant, once per process: on the first render, not when the app is built. ``prepare_worker``
    and the render pool's workers call it ahead of the first letter. Returns the URL fetcher class."""
    import weasyprint.pdf
    from weasyprint.urls import URLFetcher

    if TAGGED_VARIANT not in weasyprint.pdf.VARIANTS:
        _fn, properties = weasyprint.pdf.VARIANTS["pdf/a-2a"]  # 1.7, identifier, sRGB intent, tags
        weasyprint.pdf.VARIANTS[TAGGED_VARIANT] = (_pdfa2a_ua1, {**properties, "pdf_tags": True})

    class DataOnlyURLFetcher(URLFetcher):
        """Allow data: URLs only; any other URL stops the rendering."""

        def __init__(self) -> None:
            # fail_on_errors: a refused URL is fatal instead of a silently missing image.
            super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True, timeout=1)

        def fetch(self, url: str, headers: dict[str, str] | None = None):
            if not url.lower().startswith("data:"):
                raise ValueError(f"external resources are not allowed in letters: {url[:60]}")
            return super().fetch(url, headers)

    return DataOnlyURLFetcher


def is_loaded() -> bool:
    """Whether ``load`` ran in this process or in the one it was forked from (``prepare_worker`` in
    gunicorn's --preload master): whether a render needs no imports first."""
    return load.cache_info().currsize > 0


def variant(tagged: bool) -> str:
    return TAGGED_VARIANT if tagged else PDF_VARIANT


class ExternalResourceRefused(ValueError):
    """The HTML referred to a file or network resource; letters may only embed data: URLs."""


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
            from weasyprint.text.fonts import FontConfiguration

            _FONT_CONFIG = FontConfiguration()
        return _FONT_CONFIG


# The letter's stylesheet (docx2html's one <style>) comes from the template's styles, sections and
# headers, so it is the same for every letter of a template version: parsed once per process
# instead of per render (tinycss2 and WeasyPrint's preprocessing, ~5 ms of ~90). Keyed by its text,
# so a changed template or header is a new entry, never a stale one.
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# What a kept sheet may not hold: rules that register into the render's own font or counter-style
# configuration, or fetch a file (a sheet with them stays in the document, parsed per render).
_PER_RENDER_RULES = re.compile(r"@(font-face|counter-style|import|color-profile)", re.IGNORECASE)
_SHEETS: dict[str, CSS] = {}
_MAX_SHEETS = 16


class _ImageCache(dict[str, Any]):
    """WeasyPrint's image cache, kept across renders for raster images from data: URLs (the logo,
    a template's pictures: the same bytes in every letter), so they are decoded and re-encoded for
    the PDF once per process (~3 ms of a letter). The key is the whole data: URL, so a new logo is a
    new entry, never a stale one. Failed loads (None) and SVG (which holds its render's context)
    are not kept; WeasyPrint's own entries for a kept image (its bytes by image id) are."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0  # of the data: URLs kept

    def __setitem__(self, key: str, value: Any) -> None:
        if key.startswith("data:"):
            from weasyprint.images import RasterImage

            if not isinstance(value, RasterImage):
                return
            self.chars += len(key)
        super().__setitem__(key, value)


_IMAGES = _ImageCache()
_IMAGES_MAX_CHARS = 8 * 1024 * 1024  # then a fresh cache (renders under way keep the one they have)
_IMAGES_PER_LETTER_CHARS = 2 * 1024 * 1024  # a letter with more images than this renders uncached
_DATA_URL = re.compile(r"data:[^\s\"')]+")


def _image_cache(html: str) -> _ImageCache | None:
    global _IMAGES
    if sum(len(url) for url in _DATA_URL.findall(html)) > _IMAGES_PER_LETTER_CHARS:
        return None
    with _FONT_LOCK:
        if _IMAGES.chars > _IMAGES_MAX_CHARS:
            _IMAGES = _ImageCache()
        return _IMAGES


def _split_stylesheet(html: str) -> tuple[str, CSS | None]:
    """The document without its one <style>, and that style as a parsed (cached) stylesheet; the
    document as it is and None when it has no single plain <style> element.

    The sheet is then given to WeasyPrint as a user stylesheet: with the user agent's sheet and the
    inline ``style`` attributes (which win either way) the only others, the cascade is the same."""
    lower = html.lower()
    if lower.count("<style") != 1 or lower.count("</style") != 1:
        return html, None
    match = _STYLE.search(html)
    if match is None or _PER_RENDER_RULES.search(match.group(1)):
        return html, None
    text = match.group(1)
    sheet = _SHEETS.get(text)
    if sheet is None:
        from weasyprint import CSS

        sheet = CSS(string=text, base_url=None, url_fetcher=load()(), font_config=font_config())
        if len(_SHEETS) >= _MAX_SHEETS:
            _SHEETS.pop(next(iter(_SHEETS)), None)
        _SHEETS[text] = sheet
    return html[: match.start()] + html[match.end() :], sheet


def render_pdf(html: str, *, title: str, lang: str = "nl-NL", max_pages: int | None = None,
               tagged: bool = True) -> bytes:
    """Render a complete HTML document to PDF/A bytes with title and /Lang set: tagged
    PDF/A-2a + PDF/UA-1 by default, untagged PDF/A-2b with ``tagged=False``.

    ``max_pages``: refuse (``TooManyPages``) after layout, before the PDF is written.
    """
    fetcher = load()
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    pdf_variant = variant(tagged)
    try:
        html, sheet = _split_stylesheet(html)
        document = HTML(string=html, base_url=None, url_fetcher=fetcher()).render(
            font_config=font_config(), pdf_variant=pdf_variant, stylesheets=[sheet] if sheet is not None else None,
            cache=_image_cache(html))
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: make it an ordinary error
        raise ExternalResourceRefused(str(exc)) from None
    if max_pages is not None and len(document.pages) > max_pages:
        raise TooManyPages(len(document.pages), max_pages)
    # The HTML already has <title> and <html lang>; set both here too so the PDF
    # metadata never depends on what an uploaded DOCX happened to contain.
    document.metadata.title = title
    document.metadata.lang = lang
    return document.write_pdf(pdf_variant=pdf_variant)


def warm_up() -> None:
    """Load fonts and WeasyPrint's internals once, before the first real letter."""
    render_pdf('<!DOCTYPE html><html lang="nl"><head><title>warm</title></head>'
               '<body><p>Pagina <strong>1</strong></p></body></html>', title="warm")
