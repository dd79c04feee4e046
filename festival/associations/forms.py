"""Forms of the registry. They check the shape of the input; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from festival.accounts.services import MIN_PASSWORD_LENGTH
from festival.associations.labels import POLE_LABELS, PROVINCE_LABELS, STATUS_LABELS, THEME_LABELS
from festival.associations.models import MembershipStatus
from festival.core.forms import Form, choices
from festival.core.language_fields import LanguageForm, in_languages


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (rendered by the checkbox_group macro)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def province_choices(empty_label):
    return choices([("", empty_label)] + [(p.value, label) for p, label in PROVINCE_LABELS.items()])


def theme_choices():
    return choices([(t.value, label) for t, label in THEME_LABELS.items()])


def pole_choices():
    return choices([(p.value, label) for p, label in POLE_LABELS.items()])


class DirectoryFilterForm(Form):
    """The directory's search (GET, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name"), validators=[Optional(), Length(max=100)])
    province = SelectField(_l("Province"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = province_choices(_l("All provinces"))
        self.theme.choices = choices([("", _l("All themes"))] + [
            (t.value, label) for t, label in THEME_LABELS.items()])


class ManageFilterForm(DirectoryFilterForm):
    status = SelectField(_l("Status"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = choices([("", _l("All statuses"))] + [
            (s.value, label) for s, label in STATUS_LABELS.items()])


@in_languages("short_description", "description")
class _ProfileFields(LanguageForm):
    """What an association says about itself on its public page (its two descriptions in
    every language, French first: core/language_fields.py)."""
    short_description = TextAreaField(
        _l("In one sentence"), validators=[DataRequired(), Length(max=300)],
        render_kw={"rows": 2, "maxlength": 300})
    description = TextAreaField(_l("Presentation"), validators=[Length(max=10_000)],
                                render_kw={"rows": 8})
    city = StringField(_l("City of the seat in France"),
                       validators=[DataRequired(), Length(max=120)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), Length(max=10)],
                           render_kw={"inputmode": "numeric", "maxlength": 5})
    province = SelectField(_l("Province where it acts"), validators=[DataRequired()], default="")
    commune = StringField(_l("Commune or village"), validators=[Length(max=160)])
    themes = MultiCheckboxField(_l("Themes"), validators=[DataRequired(_l("Choose at least one."))])
    email = EmailField(_l("Association's e-mail address"),
                       validators=[DataRequired(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    website = URLField(_l("Website"), validators=[Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = province_choices(_l("Choose a province"))
        self.themes.choices = theme_choices()

    def profile_data(self) -> dict:
        return {**{name: getattr(self, name).data for name in (
            "city", "postcode", "province", "commune", "themes", "email", "phone", "website")},
            "short_description": self.texts("short_description"),
            "description": self.texts("description")}


def _make_optional(form: Form, names) -> None:
    for name in names:
        field = getattr(form, name)
        field.validators = [v for v in field.validators if not isinstance(v, DataRequired)]
        field.flags.required = False


class ProfileForm(_ProfileFields):
    """A representative edits their association's public page; the seat, the place and the
    contacts may stay empty (the application asked for them, older records may lack them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _make_optional(self, ("city", "postcode", "province", "email"))
        self.province.choices = province_choices(_l("Not specified"))


class ApplicationForm(_ProfileFields):
    """Become a member: the association and the person who represents it."""
    name = StringField(_l("Name of the association"), validators=[DataRequired(), Length(max=200)])
    representative_name = StringField(_l("Your name"),
                                      validators=[DataRequired(), Length(max=200)])
    representative_email = EmailField(_l("Your e-mail address"),
                                      validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Choose a password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    password_confirm = PasswordField(_l("The password again"), validators=[
        DataRequired(), EqualTo("password", _l("The two passwords differ."))])
    consent = BooleanField(_l("I represent this association and I agree that CNSM keeps these "
                              "details to study the application."),
                           validators=[DataRequired(_l("Tick this box to send the "
                                                       "application."))])

    def association_data(self) -> dict:
        return dict(self.profile_data(), name=self.name.data)


class AssociationForm(_ProfileFields):
    """Organisers create or edit a record: everything but the name may wait."""
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address"), validators=[Length(max=80)])
    poles = MultiCheckboxField(_l("Working groups (pôles)"))
    initial_status = SelectField(_l("Status"))

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _make_optional(self, ("short_description", "city", "postcode", "province", "themes",
                              "email"))
        self.province.choices = province_choices(_l("Not specified"))
        self.poles.choices = pole_choices()
        self.initial_status.choices = choices([
            (MembershipStatus.APPLIED.value, _l("Application to review")),
            (MembershipStatus.MEMBER.value, _l("Already a member"))])
        if not creating:
            del self.initial_status

    def association_data(self) -> dict:
        return dict(self.profile_data(), name=self.name.data, slug=self.slug.data,
                    poles=self.poles.data)


class DecisionForm(Form):
    note = TextAreaField(_l("Note or reason"), validators=[Length(max=5000)],
                         render_kw={"rows": 3})


class LogoForm(Form):
    logo = FileField(_l("Image file"), validators=[FileRequired(_l("Choose an image file."))],
                     render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"})


class RepresentativeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Temporary password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])


class ImportForm(Form):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     render_kw={"accept": ".csv,text/csv"})


class ImportConfirmForm(Form):
    content = HiddenField()


class PoleMemberForm(Form):
    user_id = SelectField(_l("Person"), coerce=int)
    pole = SelectField(_l("Working group"))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = choices([(u.id, f"{u.display_name} ({u.email})") for u in people])
        self.pole.choices = pole_choices()
