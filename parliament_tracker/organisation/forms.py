"""Admin forms for reference data and users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from parliament_tracker.auth.roles import Role
from parliament_tracker.auth.services import MIN_PASSWORD_LENGTH
from parliament_tracker.forms import BaseForm


def _opt_int(value: str | int | None) -> int | None:
    return None if value in (None, "", "None") else int(value)


_REQUIRED = DataRequired(message=_l("This field is required."))


class DirectorateForm(BaseForm):
    code = StringField(_l("Code"), validators=[_REQUIRED, Length(max=32)])
    name = StringField(_l("Name"), validators=[_REQUIRED, Length(max=200)])
    email = EmailField(_l("Functional mailbox"), validators=[Optional(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)])


class SignatoryForm(BaseForm):
    office_title = StringField(
        _l("Office title"), validators=[_REQUIRED, Length(max=200)], description=_l("For example: De Staatssecretaris van Justitie en Veiligheid")
    )
    name = StringField(_l("Name"), validators=[_REQUIRED, Length(max=200)], description=_l("For example: Ankie Broekers-Knol"))
    is_active = BooleanField(_l("Active"), default=True)


class CommitteeForm(BaseForm):
    name = StringField(_l("Name"), validators=[_REQUIRED, Length(max=200)])
    abbreviation = StringField(_l("Abbreviation"), validators=[Optional(), Length(max=32)])


class PartyForm(BaseForm):
    abbreviation = StringField(_l("Abbreviation"), validators=[_REQUIRED, Length(max=32)])
    name = StringField(_l("Name"), validators=[_REQUIRED, Length(max=200)])


class MemberForm(BaseForm):
    name = StringField(_l("Name"), validators=[_REQUIRED, Length(max=200)])
    party_id = SelectField(_l("Party"), coerce=_opt_int, validators=[Optional()])


class UserForm(BaseForm):
    username = StringField(_l("User name"), validators=[_REQUIRED, Length(max=64)])
    display_name = StringField(_l("Full name"), validators=[_REQUIRED, Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=Role.choices(), validators=[_REQUIRED])
    directorate_id = SelectField(_l("Directorate"), coerce=_opt_int, validators=[Optional()])
    is_enabled = BooleanField(_l("Account enabled"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, message=_l("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))],
        description=_l("Leave empty to keep the current password."),
        render_kw={"autocomplete": "new-password"},
    )
