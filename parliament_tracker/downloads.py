"""File names in downloads: the ``Content-Disposition`` header for any name (RFC 6266).

HTTP headers are Latin-1 on the wire: a name such as ``Beslissing-ş.pdf`` or ``報告.pdf`` put
in ``filename="…"`` as is made gunicorn fail the response (a 500). The name goes in
``filename*=UTF-8''…`` (RFC 5987 percent-encoding), which every current browser uses, with an
ASCII ``filename="…"`` beside it for the rest. Pure: used by every download route.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

#: characters kept in the ASCII fallback; the rest become "_"
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._\- ()]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def ascii_fallback(filename: str, default: str = "download") -> str:
    """The name in plain ASCII: accents dropped (ş → s), other letters replaced, extension kept."""
    decomposed = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE_ASCII.sub("_", decomposed).strip(" ._")
    stem, dot, extension = filename.rpartition(".")
    if not cleaned.strip("_") or (dot and cleaned.strip("_") == extension):
        # Nothing readable is left (報告.pdf): the default name with the original extension.
        ext = _UNSAFE_ASCII.sub("", extension) if dot and stem else ""
        return f"{default}.{ext}" if ext else default
    return cleaned[:150]


def content_disposition(filename: str, *, inline: bool = False, default: str = "download") -> str:
    """``attachment; filename="ASCII"; filename*=UTF-8''encoded`` (only the first when the name is ASCII)."""
    disposition = "inline" if inline else "attachment"
    name = _CONTROL.sub("", filename).replace("/", "_").replace("\\", "_").strip() or default
    fallback = ascii_fallback(name, default)
    if fallback == name:
        return f'{disposition}; filename="{fallback}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
