from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from festival.accounts.services import MIN_PASSWORD_LENGTH
from festival.core.forms import Form, choices


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("New password, again"),
                            validators=[DataRequired(), EqualTo("new_password",
                                                                _l("The two passwords differ."))])


class UserCreateForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=choices([("organiser", _l("Organiser")),
                                            ("volunteer", _l("Volunteer")),
                                            ("admin", _l("Administrator"))]))
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])


class TokenCreateForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices([("volunteer", _l("Volunteer")),
                                            ("organiser", _l("Organiser"))]))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email()])


class ResetPasswordForm(Form):
    new_password = PasswordField(_l("New password"),
                                 validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    confirm = PasswordField(_l("New password, again"),
                            validators=[DataRequired(), EqualTo("new_password",
                                                                _l("The two passwords differ."))])
