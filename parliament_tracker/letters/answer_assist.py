"""The hook the letter editor offers for help with an answer field (the answers package, higher
up, registers at app creation): what to show under each question's field, and what to do with
the edit form's extra fields when the letter is saved (the sources of answers taken over).

Letters never imports the helper: with nothing registered the editor is the plain editor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app
from markupsafe import Markup

from parliament_tracker.letters.models import Letter

_KEY = "letter_answer_assist"


@dataclasses.dataclass(frozen=True)
class AnswerAssist:
    #: (letter, the editor's rows) -> per question number, the HTML shown under its field
    render: Callable[[Letter, list[dict[str, Any]]], Mapping[int, Markup]]
    #: (letter, the posted form, actor) after the letter's answers were saved, in the same unit
    saved: Callable[[Letter, Any, Any], None]
    #: (letter, the editor's rows) -> HTML after the edit form (forms that cannot nest in it)
    after_form: Callable[[Letter, list[dict[str, Any]]], Markup] = lambda _letter, _rows: Markup("")


def register_answer_assist(app: Flask, assist: AnswerAssist) -> None:
    app.extensions[_KEY] = assist


def assist() -> AnswerAssist | None:
    return current_app.extensions.get(_KEY)


def render(letter: Letter, rows: list[dict[str, Any]]) -> tuple[Mapping[int, Markup], Markup]:
    helper = assist()
    if helper is None or not rows:
        return {}, Markup("")
    return helper.render(letter, rows), helper.after_form(letter, rows)


def saved(letter: Letter, form: Any, actor: Any) -> None:
    helper = assist()
    if helper is not None:
        helper.saved(letter, form, actor)
