"""Tweede Kamer reference numbers: normalising, validating per kind and finding them in text.

The formats each kind accepts come from the kind table (``cases.kinds``).

Pure functions: no database, no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from parliament_tracker.cases.kinds import FALLBACK, KINDS, ZAAK_RE, all_reference_formats
from parliament_tracker.errors import DomainError

__all__ = ["FORMATS_BY_KIND", "ZAAK_RE", "ReferenceError_", "find_references", "looks_like_reference", "normalise", "validate"]

_FIND_RE = re.compile(r"\b((?:19|20)\d{2}Z\d{5}|TZ(?:19|20)\d{4}-\d{3})\b", re.IGNORECASE)

#: which formats each kind accepts, first the usual one (from the kind table)
FORMATS_BY_KIND: dict[str, tuple[re.Pattern[str], ...]] = {k: s.reference_formats for k, s in KINDS.items()}

_EXAMPLES = {k: s.reference_example for k, s in KINDS.items()}
#: any format of any kind: what "looks like a reference" in a search box
_ANY_FORMAT = all_reference_formats()


class ReferenceError_(DomainError):
    """A reference that does not fit its kind; ``message`` is ready for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message, {"reference": message})


def normalise(raw: str) -> str:
    """`` 2021z19241 `` -> ``2021Z19241``; inner spaces and dots removed, dashes kept."""
    cleaned = re.sub(r"[\s.]+", "", raw or "")
    return cleaned.upper()


def looks_like_reference(raw: str) -> bool:
    value = normalise(raw)
    return any(p.match(value) for p in _ANY_FORMAT)


def validate(raw: str, kind: str) -> str:
    """Return the normalised reference, or raise ``ReferenceError_`` with a clear message."""
    value = normalise(raw)
    if not value:
        raise ReferenceError_(str(_l("Enter the Tweede Kamer reference number.")))
    patterns = FORMATS_BY_KIND.get(kind, FORMATS_BY_KIND[FALLBACK])
    if any(p.match(value) for p in patterns):
        return value
    raise ReferenceError_(
        str(
            _l(
                "“%(value)s” is not a valid reference for this kind. Expected for example %(example)s.",
                value=value,
                example=_EXAMPLES.get(kind, _EXAMPLES[FALLBACK]),
            )
        )
    )


def find_references(texts: Iterable[str | None]) -> list[str]:
    """Reference numbers mentioned in free text, normalised, in order of first mention."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in _FIND_RE.finditer(text or ""):
            seen.setdefault(match.group(1).upper(), None)
    return list(seen)
