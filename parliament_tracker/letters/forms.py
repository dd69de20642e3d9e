"""Letter forms, and the per-question answer fields of the edit page (their number varies, so
they are plain request fields: ``mode-<n>`` and ``answer-<n>``, read by ``answers_from_form``)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from parliament_tracker.forms import BaseForm, DutchDateField
from parliament_tracker.letters.models import Letter, LetterKind
from parliament_tracker.letters.rendering import questions_case


def _coerce_optional_int(value: str | int | None) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


MARKUP_HELP = _l(
    "A blank line starts a new paragraph. **bold**, *italic*, __underlined__. "
    "Lines starting with “- ” are bullets, “1. ” numbered items, “## ” a sub-heading."
)


class StartLetterForm(BaseForm):
    kind = SelectField(
        _l("Kind of letter"), choices=LetterKind.choices(), validators=[DataRequired()]
    )
    also_answers = StringField(
        _l("Also answers (reference numbers)"),
        validators=[Optional(), Length(max=500)],
        description=_l("Other cases this letter answers, separated by commas or spaces."),
    )
    mentions = StringField(
        _l("Mentions (reference numbers)"),
        validators=[Optional(), Length(max=500)],
        description=_l("Cases the letter refers to without answering them, e.g. 2021Z19601."),
    )


class LetterForm(BaseForm):
    subject = TextAreaField(_l("Subject"), validators=[DataRequired(message=_l("Enter a subject.")), Length(max=2000)])
    letter_date = DutchDateField(_l("Date"), validators=[Optional()])
    our_reference = StringField(_l("Our reference"), validators=[Optional(), Length(max=100)])
    your_reference = StringField(_l("Your reference"), validators=[Optional(), Length(max=200)])
    your_letter_date = DutchDateField(_l("Your letter of"), validators=[Optional()])
    addressee = TextAreaField(
        _l("Addressee"), validators=[DataRequired(message=_l("Enter the address block.")), Length(max=1000)]
    )
    signatory_id = SelectField(_l("Signatory"), coerce=_coerce_optional_int, validators=[Optional()])
    body = TextAreaField(_l("Text of the letter"), validators=[Optional(), Length(max=100000)], description=MARKUP_HELP)
    postponement_reason = TextAreaField(
        _l("Reason for the postponement"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Completes the sentence “… cannot be answered within the usual three weeks, because …”."),
    )
    version = HiddenField()


class PostponementForm(BaseForm):
    reason = TextAreaField(
        _l("Reason for the postponement"),
        validators=[DataRequired(message=_l("Give the reason for the postponement.")), Length(max=2000)],
        description=_l("Completes the sentence “… cannot be answered within the usual three weeks, because …”."),
    )


class UploadForm(BaseForm):
    file = FileField(_l("Edited letter (DOCX)"), validators=[FileRequired(message=_l("Choose a file."))])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class TemplateUploadForm(BaseForm):
    kind = SelectField(
        _l("Kind of letter"), choices=LetterKind.choices(), validators=[DataRequired()]
    )
    file = FileField(_l("Template (DOCX)"), validators=[FileRequired(message=_l("Choose a file."))])
    activate = BooleanField(_l("Use this version from now on"))


class LogoUploadForm(BaseForm):
    logo = FileField(_l("Logo (PNG or JPEG, at most 1 MB)"), validators=[FileRequired(message=_l("Choose a file."))])


def answer_rows(letter: Letter, posted: Any = None) -> list[dict[str, Any]]:
    """One row per question: its text, the answer text and how it is answered."""
    case = questions_case(letter)
    if case is None or letter.kind != LetterKind.answers:
        return []
    current: dict[int, tuple[str, str]] = {}
    for item in letter.answers or []:
        numbers = item.get("questions", [])
        for i, n in enumerate(numbers):
            if item.get("see"):
                current[n] = (f"see-{item['see']}", "")
            elif i == 0:
                current[n] = ("own", item.get("text", ""))
            else:
                current[n] = (f"with-{numbers[0]}", "")
    rows = []
    for q in case.questions:
        mode, text = current.get(q.number, ("own", ""))
        if posted is not None:
            mode, text = posted.get(f"mode-{q.number}", "own"), posted.get(f"answer-{q.number}", "")
        rows.append(
            {
                "number": q.number,
                "question": q.text,
                "mode": mode,
                "text": text,
                "others": [o.number for o in case.questions if o.number != q.number],
                "earlier": [o.number for o in case.questions if o.number < q.number],
            }
        )
    return rows


def answers_from_form(formdata: Any, numbers: list[int]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Per-question fields → stored answers. "with-m" joins the answer of question m."""
    items: list[dict[str, Any]] = []
    by_number: dict[int, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for n in numbers:
        mode = formdata.get(f"mode-{n}", "own") or "own"
        text = formdata.get(f"answer-{n}", "") or ""
        match = re.fullmatch(r"(with|see)-(\d+)", mode)
        if match and match.group(1) == "with":
            m = int(match.group(2))
            target = by_number.get(m)
            if target is None or "see" in target:
                errors[f"answer-{n}"] = _(
                    "Question %(n)d can only be answered together with an earlier question that has its own answer.",
                    n=n,
                )
                continue
            target["questions"].append(n)
            by_number[n] = target
            continue
        if match:
            m = int(match.group(2))
            if m == n or m not in numbers:
                errors[f"answer-{n}"] = _("“See the answer to question %(n)s” must point to another question.", n=m)
                continue
            item: dict[str, Any] = {"questions": [n], "see": m}
        else:
            item = {"questions": [n], "text": text.replace("\r\n", "\n")}
        items.append(item)
        by_number[n] = item
    return items, errors
