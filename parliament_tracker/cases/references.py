"""Tweede Kamer reference numbers: normalising, validating per kind and finding them in text.

Pure functions: no database, no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from parliament_tracker.errors import DomainError

#: Zaak numbers: year, "Z", five digits (DOMAIN §1.5), e.g. 2021Z19241
ZAAK_RE = re.compile(r"^(19|20)\d{2}Z\d{5}$")
#: Commitments (toezeggingen): TZ + yyyymm + "-" + 3 digits, e.g. TZ202412-116
TOEZEGGING_RE = re.compile(r"^TZ(19|20)\d{2}(0[1-9]|1[0-2])-\d{3}$")
#: Document numbers: year, "D", five digits
DOCUMENT_RE = re.compile(r"^(19|20)\d{2}D\d{5}$")
#: Motions are often cited by Kamerstuk: "35925-VI-12" (dossier, optional chapter, number)
KAMERSTUK_RE = re.compile(r"^\d{5}(-[A-Z0-9]{1,8})?-\d{1,4}$")

_FIND_RE = re.compile(r"\b((?:19|20)\d{2}Z\d{5}|TZ(?:19|20)\d{4}-\d{3})\b", re.IGNORECASE)

#: which formats each kind accepts, first the usual one
FORMATS_BY_KIND: dict[str, tuple[re.Pattern[str], ...]] = {
    "written_questions": (ZAAK_RE,),
    "committee_request": (ZAAK_RE,),
    "commitment": (TOEZEGGING_RE, ZAAK_RE),
    "motion": (ZAAK_RE, KAMERSTUK_RE),
    "plenary_request": (ZAAK_RE,),
    "other": (ZAAK_RE, TOEZEGGING_RE, DOCUMENT_RE, KAMERSTUK_RE),
}

_EXAMPLES = {
    "written_questions": "2021Z19601",
    "committee_request": "2021Z19241",
    "commitment": "TZ202412-116 of 2024Z01234",
    "motion": "2021Z20001 of 35925-VI-12",
    "plenary_request": "2021Z20002",
    "other": "2021Z19241",
}


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
    return any(p.match(value) for p in FORMATS_BY_KIND["other"])


def validate(raw: str, kind: str) -> str:
    """Return the normalised reference, or raise ``ReferenceError_`` with a clear message."""
    value = normalise(raw)
    if not value:
        raise ReferenceError_(str(_l("Enter the Tweede Kamer reference number.")))
    patterns = FORMATS_BY_KIND.get(kind, FORMATS_BY_KIND["other"])
    if any(p.match(value) for p in patterns):
        return value
    raise ReferenceError_(
        str(
            _l(
                "“%(value)s” is not a valid reference for this kind. Expected for example %(example)s.",
                value=value,
                example=_EXAMPLES.get(kind, "2021Z19241"),
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
