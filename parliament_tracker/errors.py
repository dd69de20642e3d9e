"""The one domain error: a refused change, worded for the user, with per-field messages.

Services raise it (or a subclass that carries what a caller needs, e.g. the existing case of a
duplicate); they never catch it to roll back. The edge (``edge.py``) rolls the unit of work back
and turns it into a flash plus the re-rendered form on pages and into the documented JSON error
(``{"error": {"status", "message"}, "errors": {field: message}}``) on the API, with the HTTP
status its ``kind`` names. Pure: no Flask, no database.
"""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    """What went wrong, as far as the caller needs to know."""

    invalid = "invalid"  # the input breaks a rule: fix the fields named
    not_found = "not_found"  # something the input names does not exist
    conflict = "conflict"  # the state changed or does not allow this (duplicate, stale, wrong step)
    refused = "refused"  # this user may not do this
    unavailable = "unavailable"  # a resource the step needs is missing (e.g. the signing certificate)


#: the HTTP status of each kind (pages and API alike)
STATUS: dict[Kind, int] = {
    Kind.invalid: 422,
    Kind.not_found: 404,
    Kind.conflict: 409,
    Kind.refused: 403,
    Kind.unavailable: 503,
}


class DomainError(Exception):
    """A refused change; ``message`` and ``errors`` (field -> message) are in the user's language.

    Subclasses set a default ``kind``; ``kind=`` overrides it for one raise.
    """

    kind: Kind = Kind.invalid

    def __init__(self, message: str, errors: dict[str, str] | None = None, *, kind: Kind | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, str] = dict(errors or {})
        if kind is not None:
            self.kind = kind

    @property
    def status(self) -> int:
        return STATUS[self.kind]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.kind.value}: {self.message!r}, {self.errors!r})"
