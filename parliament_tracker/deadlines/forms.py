"""Forms for events and days off (the settings page reads its integer fields by hand)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from parliament_tracker.deadlines.models import EventKind
from parliament_tracker.forms import BaseForm, DutchDateField


class EventForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=EventKind.choices(), validators=[DataRequired()])
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=300)],
        description=_l("For example: Begrotingsbehandeling JenV 2022"),
    )
    starts_on = DutchDateField(_l("First day"), validators=[InputRequired(message=_l("Enter the first day as a valid date."))])
    ends_on = DutchDateField(_l("Last day"), validators=[Optional()])
    dossier = StringField(_l("Dossier"), validators=[Optional(), Length(max=32)], description=_l("For example 35925-VI"))
    tk_number = StringField(_l("Tweede Kamer number"), validators=[Optional(), Length(max=64)])


class NonWorkingDayForm(BaseForm):
    date = DutchDateField(_l("Date"), validators=[InputRequired(message=_l("Enter a valid date."))])
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
        description=_l("For example: brugdag na Hemelvaartsdag"),
    )
