"""Content-Disposition for any file name (RFC 6266 / 5987)."""

from urllib.parse import unquote

import pytest

from parliament_tracker.downloads import ascii_fallback, content_disposition


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("brief.pdf", "brief.pdf"),
        ("Beslissing-ş.pdf", "Beslissing-s.pdf"),
        ("報告.pdf", "download.pdf"),
        ("Ответ на вопросы.docx", "download.docx"),
        ("تقرير.pdf", "download.pdf"),
        ('Quote"d;name.pdf', "Quote_d_name.pdf"),
        ("Café crème (concept).docx", "Cafe creme (concept).docx"),
    ],
)
def test_every_script_gets_a_latin1_header_with_the_real_name(name, fallback):
    header = content_disposition(name)
    header.encode("latin-1")  # what the WSGI server must be able to send
    assert ascii_fallback(name) == fallback
    assert f'filename="{fallback}"' in header
    if name.isascii() and fallback == name:
        assert "filename*" not in header
    else:
        encoded = header.split("filename*=UTF-8''", 1)[1]
        assert unquote(encoded) == name


def test_inline_and_line_breaks():
    header = content_disposition("a\r\nSet-Cookie: x.pdf", inline=True)
    assert header.startswith("inline;") and "\n" not in header and "\r" not in header
