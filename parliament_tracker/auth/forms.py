from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from parliament_tracker.auth.services import MIN_PASSWORD_LENGTH
from parliament_tracker.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField(
        _l("User name"),
        validators=[DataRequired(message=_l("Enter your user name."))],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password."))], render_kw={"autocomplete": "current-password"}
    )


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, message=_l("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"},
    )
