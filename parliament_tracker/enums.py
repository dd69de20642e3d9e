"""``TitledEnum``: the one way an enum carries the title the UI shows for each member.

Each member declares its value and its English title, marked with ``N_`` for extraction::

    class CaseStatus(TitledEnum):
        registered = "registered", N_("Registered")

``member.label`` is the title translated into the current locale (Dutch by default),
``member.lazy_label`` a lazy string for class-level form choices, ``Enum.choices()`` the
``(value, title)`` pairs of a select field and ``Enum.labels()`` a value -> title dict for
templates. The property is ``label``, not ``title``: a ``str`` enum already has
``str.title()``, and shadowing it with a property is a type error.

Pure: importing this module imports neither Flask nor the database, so the deadline rules
and the case kind table can declare titled enums. Flask-Babel is only imported when a title
is read.
"""

from __future__ import annotations

import enum
from typing import Any, Self


def N_(message: str) -> str:
    """Mark ``message`` for extraction (babel's default keywords include ``N_``); returns it as is."""
    return message


class TitledEnum(enum.StrEnum):
    """A ``StrEnum`` whose members are declared ``name = "value", N_("Title")``."""

    _msgid: str

    def __new__(cls, value: str, msgid: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        if msgid is None:
            raise TypeError(f"{cls.__name__}.{value}: declare a title, e.g. {value!r}, N_(\"...\")")
        member._msgid = msgid
        return member

    @property
    def msgid(self) -> str:
        """The untranslated (English) title: the catalogue's message id."""
        return self._msgid

    @property
    def label(self) -> str:
        """The title in the current locale (the message id outside a request)."""
        from parliament_tracker.i18n import translations

        return str(translations().ugettext(self._msgid))

    @property
    def lazy_label(self) -> Any:
        """The title as a lazy string, translated when rendered (for class-level form choices)."""
        from flask_babel import lazy_gettext

        return lazy_gettext(self._msgid)

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """``(value, lazy title)`` for every member, in declaration order: a select field's choices."""
        return [(m.value, m.lazy_label) for m in cls]

    @classmethod
    def labels(cls) -> dict[str, Any]:
        """``value -> lazy title`` for every member: the title lookup a template gets."""
        return {m.value: m.lazy_label for m in cls}
