"""Letter forms. The per-question answer fields are read by the view (their number varies)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from parliament_tracker.forms import BaseForm
from parliament_tracker.letters.models import LetterKind


def _coerce_optional_int(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]


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
    letter_date = DateField(_l("Date"), validators=[Optional()])
    our_reference = StringField(_l("Our reference"), validators=[Optional(), Length(max=100)])
    your_reference = StringField(_l("Your reference"), validators=[Optional(), Length(max=200)])
    your_letter_date = DateField(_l("Your letter of"), validators=[Optional()])
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
