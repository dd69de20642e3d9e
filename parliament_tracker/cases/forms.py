"""Case forms. Choices for the select fields are filled in by the view from the database."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from parliament_tracker.cases.date_checks import check_case_dates
from parliament_tracker.cases.models import CaseKind, LinkType
from parliament_tracker.db import today_local
from parliament_tracker.forms import BaseForm, DutchDateField


def _coerce_optional_int(value: str | int | None) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


#: the longest text each case field takes: the form and the API enforce the same limits
TEXT_LIMITS = {"reference": 40, "subject": 2000, "dossier": 32, "notes": 20000, "questions_text": 100000}
#: members named on one case (a written question has a handful; a committee request none)
MAX_MEMBERS = 50


_NAME_AND_PARTY = re.compile(r"^(?P<name>.+?)\s*\((?P<party>[^()]+)\)$")


def parse_new_members(text: str) -> list[tuple[str, str | None]]:
    """Members typed one per line as "Name (PARTY)" (the party may be left out); blank lines and
    repeats are dropped."""
    found: list[tuple[str, str | None]] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        match = _NAME_AND_PARTY.match(line)
        entry = (match.group("name").strip(), match.group("party").strip()) if match else (line, None)
        if entry not in found:
            found.append(entry)
    return found


class CaseForm(BaseForm):
    reference = StringField(
        _l("Reference number"),
        validators=[DataRequired(message=_l("Enter the Tweede Kamer reference number.")), Length(max=TEXT_LIMITS["reference"])],
        description=_l("For example 2021Z19601"),
    )
    kind = SelectField(_l("Kind"), choices=CaseKind.choices(), validators=[DataRequired()])
    subject = TextAreaField(_l("Subject"), validators=[DataRequired(message=_l("Enter a subject.")), Length(max=TEXT_LIMITS["subject"])])
    received_on = DutchDateField(
        _l("Received (for written questions: date submitted)"),
        validators=[InputRequired(message=_l("Enter the date received as a valid date."))],
        description=_l("As dd-mm-yyyy, for example 7-12-2026"),
    )
    committee_id = SelectField(_l("Requested by committee"), coerce=_coerce_optional_int, validators=[Optional()])
    member_ids = SelectMultipleField(
        _l("Requested by members"),
        coerce=int,
        validators=[Optional(), Length(max=MAX_MEMBERS, message=_l("Name at most %(max)d members."))],
    )
    new_members = TextAreaField(
        _l("Members not in the list"),
        validators=[Optional(), Length(max=MAX_MEMBERS * 240)],
        description=_l("One per line, as name (party), for example: Jansen (VVD)"),
    )
    addressed_to_id = SelectField(_l("Addressed to"), coerce=_coerce_optional_int, validators=[Optional()])
    lead_directorate_id = SelectField(_l("Lead directorate"), coerce=_coerce_optional_int, validators=[Optional()])
    drafter_id = SelectField(_l("Drafter"), coerce=_coerce_optional_int, validators=[Optional()])
    dossier = StringField(_l("Dossier"), validators=[Optional(), Length(max=TEXT_LIMITS["dossier"])], description=_l("For example 35925-VI"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=TEXT_LIMITS["notes"])])
    questions_text = TextAreaField(
        _l("Questions (paste the text; it is split into numbered questions)"),
        validators=[Optional(), Length(max=TEXT_LIMITS["questions_text"])],
    )
    committee_due_on = DutchDateField(
        _l("Date asked by the committee"), validators=[Optional()], description=_l("Committee requests: the date in the letter, if any")
    )
    given_due_on = DutchDateField(
        _l("Date given"), validators=[Optional()], description=_l("Commitments, motions, plenary requests: the date promised or asked")
    )
    due_before_event_id = SelectField(
        _l("Answer before"), coerce=_coerce_optional_int, validators=[Optional()], description=_l("A debate the answer must be in before")
    )
    version = HiddenField()
    #: the date received the user confirmed when warned it is over a year ago (ISO)
    confirmed_received_on = HiddenField()

    def validate_new_members(self, field: TextAreaField) -> None:
        names = parse_new_members(field.data or "")
        if any(len(name) > 200 or len(party or "") > 32 for name, party in names):
            raise ValidationError(_l("A name is at most 200 characters, a party at most 32."))
        if len(names) + len(self.member_ids.data or []) > MAX_MEMBERS:
            raise ValidationError(_l("Name at most %(max)d members.", max=MAX_MEMBERS))

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' own checks, then the date rules the API keeps too (``date_checks``)."""
        valid = super().validate(extra_validators)
        found = check_case_dates(
            self.received_on.data, self.committee_due_on.data, given_due_on=self.given_due_on.data, today=today_local()
        )
        for name, message in found.errors.items():
            field = getattr(self, name)
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid


class LinkForm(BaseForm):
    reference = StringField(_l("Reference of the other case"), validators=[DataRequired(message=_l("Enter a reference."))])
    link_type = SelectField(_l("Link type"), choices=LinkType.choices(), validators=[DataRequired()])


class TransitionForm(BaseForm):
    target = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[InputRequired()])
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    #: "yes" once the user confirmed a move that closes the case (withdrawn, answered, ...)
    confirmed = HiddenField()


class AttachmentForm(BaseForm):
    file = FileField(_l("File (PDF or DOCX)"), validators=[FileRequired(message=_l("Choose a file."))])
