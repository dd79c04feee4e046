"""Forms of the editions' pages. They only shape input; the services check the rules."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from festival.config import LANGUAGES
from festival.core.forms import Form, choices
from festival.core.language_fields import (
    LanguageForm,
    in_language_label,
    in_languages,
    language_attributes,
)
from festival.editions.labels import (
    LANGUAGE,
    ORGANISER_ROLE,
    POLE,
    SESSION_KIND,
    SESSION_STATUS,
    STAND_SIZE,
)


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (keyboard- and screen-reader-friendly)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EditionForm(LanguageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    tagline = StringField(_l("Tagline"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)])
    days = FieldList(DateField(_l("Day"), validators=[Optional()]), min_entries=4,
                     max_entries=14, label=_l("Days of the festival"))

    def day_values(self):
        return sorted({entry.data for entry in self.days if entry.data})


@in_languages("title", "tagline", "description")
class EditionDetailsForm(EditionForm):
    # The public texts in every language (French is required; core/translated.py).
    day_cutoff = TimeField(_l("A festival day ends the next morning at"),
                           validators=[DataRequired()],
                           description=_l("Paris time. The door, the programme and the dashboards "
                                          "count what happens before it as part of the "
                                          "day before."))


class EditionCreateForm(EditionForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])


class StatusForm(Form):
    status = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Why (kept in the history)"), validators=[Length(max=2000)])
    confirm = BooleanField(_l("I confirm: this is not easily undone"))


class VenueForm(Form):
    name = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    postcode = StringField(_l("Postcode"), validators=[Length(max=10)])
    city = StringField(_l("City"), validators=[Length(max=120)])
    capacity = IntegerField(_l("Capacity (people)"),
                            validators=[Optional(), NumberRange(1, 100_000)])


class VenueDetailsForm(VenueForm):
    """A venue's page: its address and how to get there, written per language (optional in
    each, French included): `transport_<language>` and `access_<language>` for every
    content language, made below."""
    map_url = StringField(_l("Map link"),
                          render_kw={"dir": "ltr", "inputmode": "url", "maxlength": 500},
                          description=_l("An https:// address of a map of the venue. Left "
                                         "empty, a link to OpenStreetMap is made from the "
                                         "address."))
    NOTES = {"transport": _l("Public transport"), "access": _l("Step-free access")}

    def texts(self, name: str) -> dict[str, str]:
        return {language: self[f"{name}_{language}"].data or "" for language in LANGUAGES}

    def notes_fields(self, name: str) -> list:
        return [self[f"{name}_{language}"] for language in LANGUAGES]


for _name, _label in VenueDetailsForm.NOTES.items():
    for _language in LANGUAGES:
        setattr(VenueDetailsForm, f"{_name}_{_language}", TextAreaField(
            in_language_label(_label, _language),
            render_kw=language_attributes(_language, rows=3, maxlength=1000)))


class DayPracticalEntry(SubForm):
    """One festival day's venue and door hours (a row of DaysPracticalForm)."""
    day = HiddenField()
    venue_id = SelectField(_l("Venue"), coerce=int)
    doors_open = TimeField(_l("Doors open at"), validators=[Optional()])
    doors_close = TimeField(_l("Doors close at"), validators=[Optional()])


class DaysPracticalForm(Form):
    days = FieldList(FormField(DayPracticalEntry), max_entries=14)

    @staticmethod
    def date_of(entry) -> date | None:
        try:
            return date.fromisoformat(entry.day.data or "")
        except (TypeError, ValueError):
            return None


class OrganiserForm(Form):
    association_id = SelectField(_l("Member association"), coerce=int)
    role = SelectField(_l("Role"), default="co_organiser", choices=choices(
        (role.value, label) for role, label in ORGANISER_ROLE.items()))


@in_languages("name", "description")
class RoomForm(LanguageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = StringField(_l("Description"), validators=[Length(max=300)])
    capacity = IntegerField(_l("Capacity (people)"),
                            validators=[Optional(), NumberRange(1, 100_000)])
    opens_at = TimeField(_l("Opens at"), validators=[Optional()])
    closes_at = TimeField(_l("Closes at"), validators=[Optional()])
    venue_id = SelectField(_l("Venue"), coerce=int)
    position = IntegerField(_l("Order in the programme"), default=0,
                            validators=[Optional(), NumberRange(0, 1000)])
    overflow_room_id = SelectField(_l("When it is full, send people to"), coerce=int,
                                   default=0)
    stream_url = StringField(_l("Live stream (address)"), validators=[Length(max=500)])


@in_languages("bio")
class SpeakerForm(LanguageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    bio = TextAreaField(_l("Short biography"), validators=[Length(max=3000)])
    association_id = SelectField(_l("Association (optional)"), coerce=int)
    photo = FileField(_l("Photo"), validators=[FileAllowed(
        ["jpg", "jpeg", "png", "webp", "gif"], _l("Send a JPEG, PNG, WebP or GIF image."))])
    remove_photo = BooleanField(_l("Remove the current photo"))


@in_languages("title", "abstract")
class SessionForm(LanguageForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=250)])
    kind = SelectField(_l("Kind"), choices=choices(
        (kind.value, label) for kind, label in SESSION_KIND.items()))
    abstract = TextAreaField(_l("Abstract"), validators=[Length(max=10_000)],
                             render_kw={"rows": 4})
    languages = CheckboxListField(_l("Languages"), choices=choices(
        (lang.value, label) for lang, label in LANGUAGE.items()))
    pole = SelectField(_l("Track: a pôle of the CNSM"), choices=choices(
        [("", _l("— none —"))] + [(pole.value, label) for pole, label in POLE.items()]))
    theme = SelectField(_l("…or a theme"), default="")
    new_theme = StringField(_l("…or a new theme, named in French"),
                            validators=[Length(max=80)],
                            description=_l("Name it in the other languages on the "
                                           "edition's themes page."))
    day = SelectField(_l("Day"))
    start_time = TimeField(_l("Starts at"), validators=[DataRequired()])
    end_time = TimeField(_l("Ends at"), validators=[DataRequired()])
    room_id = SelectField(_l("Room"), coerce=int)
    speaker_ids = CheckboxListField(_l("Speakers"), coerce=int)
    status = SelectField(_l("Status"), choices=choices(
        (status.value, label) for status, label in SESSION_STATUS.items()))
    is_highlight = BooleanField(_l("Highlight on the home page"))
    capacity = IntegerField(_l("Seats for this session (if fewer than the room's)"),
                            validators=[Optional(), NumberRange(1, 100_000)])
    registration_required = BooleanField(_l("Free pre-registration: attendees reserve a seat "
                                            "with their ticket"))
    confirm_clashes = BooleanField(_l("Save despite the clashes listed above"))


@in_languages("label")
class ThemeForm(LanguageForm):
    label = StringField(_l("Theme"), validators=[DataRequired(), Length(max=80)])


class StandRequestForm(Form):
    size = SelectField(_l("Stand size"), choices=choices(
        (size.value, label) for size, label in STAND_SIZE.items()))
    needs_electricity = BooleanField(_l("We need electricity"))
    tables = IntegerField(_l("Tables"), default=1, validators=[NumberRange(0, 10)])
    chairs = IntegerField(_l("Chairs"), default=2, validators=[NumberRange(0, 20)])
    showcase = TextAreaField(_l("What will your stand show?"),
                             validators=[DataRequired(), Length(max=2000)])
    other_needs = TextAreaField(_l("Other needs"), validators=[Length(max=2000)])


class StandDecisionForm(Form):
    stand_number = StringField(_l("Stand number"), validators=[Length(max=20)])
    zone = StringField(_l("Zone"), validators=[Length(max=80)])
    note = StringField(_l("Note"), validators=[Length(max=2000)])
    approve = SubmitField(_l("Approve"))
    decline = SubmitField(_l("Decline"))
