"""Refusals of the drafting verbs, and the rule that a signed or sent letter is final.

``LetterError`` carries a message in the user's language and ``errors`` per field; the views
flash it and the API returns it as the JSON error with its ``status``.
"""

from __future__ import annotations

from flask_babel import gettext as _

from parliament_tracker.letters.models import Letter, LetterStatus


class LetterError(Exception):
    """A refused change; ``errors`` maps field names to user-facing messages."""

    status = 422

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class StaleLetter(LetterError):
    status = 409

    def __init__(self, letter: Letter) -> None:
        super().__init__(
            _(
                "Someone else changed this letter in the meantime (now version %(v)d). Your changes were not saved.",
                v=letter.version,
            )
        )
        self.letter = letter


class LetterLocked(LetterError):
    """A signed or sent letter is immutable: its DOCX and PDF cannot be replaced or regenerated."""

    status = 409

    def __init__(self, letter: Letter) -> None:
        super().__init__(
            _(
                "This letter is %(status)s and can no longer be changed: a signed letter is final. "
                "Start a new letter if something must change.",
                status=letter.status.title.lower(),
            )
        )
        self.letter = letter


#: a signed or sent letter is immutable
LOCKED_STATUSES = frozenset({LetterStatus.signed, LetterStatus.sent})


def ensure_unlocked(letter: Letter) -> None:
    if letter.status in LOCKED_STATUSES:
        raise LetterLocked(letter)


class UploadRefused(LetterError):
    """An uploaded DOCX (letter or template) is refused; nothing was stored."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message, {"file": message})
        self.problems = problems or [message]
