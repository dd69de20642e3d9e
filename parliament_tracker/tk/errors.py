"""Exceptions of the Tweede Kamer client.

Each carries ``message``: a short English sentence for end users (the caller translates it), and
keeps technical detail (URL, status, cause) in ``detail`` for logs.
"""

from __future__ import annotations


class TKError(Exception):
    """Base class: anything that went wrong talking to the Tweede Kamer data service."""

    default_message = "The Tweede Kamer data service could not be used."

    def __init__(self, message: str | None = None, *, detail: str = "", status: int | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        self.status = status
        super().__init__(f"{self.message} ({detail})" if detail else self.message)


class TKUnavailable(TKError):
    """Network error, timeout or server error (5xx/429) that persisted after the retries."""

    default_message = "The Tweede Kamer data service is not reachable at the moment. Please try again later."


class TKBadResponse(TKError):
    """The service answered, but not with the JSON shape we expect (malformed or changed API)."""

    default_message = "The Tweede Kamer data service sent an answer that could not be read."


class TKNotFound(TKError):
    """HTTP 404: the entity set or record does not exist (often a wrong base URL)."""

    default_message = "The requested Tweede Kamer data was not found."
