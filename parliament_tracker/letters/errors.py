"""The drafting verbs' refusals (``DomainError`` subclasses), and the rule that a signed or sent
letter is final.
"""

from __future__ import annotations

from flask_babel import gettext as _

from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.letters.models import Letter, LetterStatus


class StaleLetter(DomainError):
    kind = Kind.conflict

    def __init__(self, letter: Letter) -> None:
        super().__init__(
            _(
                "Someone else changed this letter in the meantime (now version %(v)d). Your changes were not saved.",
                v=letter.version,
            )
        )
        self.letter = letter


class LetterLocked(DomainError):
    """A signed or sent letter is immutable: its DOCX and PDF cannot be replaced or regenerated."""

    kind = Kind.conflict

    def __init__(self, letter: Letter) -> None:
        super().__init__(
            _(
                "This letter is %(status)s and can no longer be changed: a signed letter is final. "
                "Start a new letter if something must change.",
                status=letter.status.label.lower(),
            )
        )
        self.letter = letter


#: a signed or sent letter is immutable
LOCKED_STATUSES = frozenset({LetterStatus.signed, LetterStatus.sent})


def ensure_unlocked(letter: Letter) -> None:
    if letter.status in LOCKED_STATUSES:
        raise LetterLocked(letter)


class UploadRefused(DomainError):
    """An uploaded DOCX (letter or template) is refused; nothing was stored."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message, {"file": message})
        self.problems = problems or [message]
