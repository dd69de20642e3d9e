"""WordprocessingML element and attribute names in Clark notation (``{namespace}local``), as
python-docx's ``qn`` makes them, without importing python-docx: the engine's modules build their
name constants at import, and the app must not load python-docx (~0.1 s) before the first
letter (issue #19: start-up)."""

from __future__ import annotations

import functools

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


# The walker asks for the same few dozen names ~4,500 times per letter: a dict lookup instead of a
# split and a format each time (a fifth of docx_to_html's CPU).
@functools.cache
def qn(tag: str) -> str:
    """``"w:p"`` → ``"{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"``."""
    prefix, local = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"
