"""Forms of the check-in back office and of the door desk. They only shape input; the
services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from festival.core.forms import Form, choices
from festival.core.language_fields import LanguageForm, in_languages


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (keyboard- and screen-reader-friendly)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@in_languages("name")
class ListForm(LanguageForm):
    name = StringField(_l("Name shown on the scanner"),
                       validators=[DataRequired(), Length(max=120)])
    days = CheckboxListField(_l("Days (none ticked: every day of the festival)"))
    ticket_type_ids = CheckboxListField(_l("Ticket types admitted (none ticked: all)"),
                                        coerce=int)
    room_id = SelectField(_l("Door of a room (its occupancy is counted from this list)"),
                          coerce=int, default=0)
    allow_reentry = BooleanField(_l("Re-entry allowed (exits are scanned too)"))
    admit_unpaid = BooleanField(_l("Admit orders awaiting a bank transfer"))
    is_active = BooleanField(_l("Open (doors on this list can scan)"), default=True)
    allow_self_pairing = BooleanField(
        _l("Volunteers may pair themselves here (logged in, from the door's start page)"),
        default=True)

    def fill_choices(self, edition, ticket_types) -> None:
        from flask_babel import format_date
        self.days.choices = choices((d.isoformat(), format_date(d, "EEEE d MMMM"))
                                    for d in edition.dates)
        self.ticket_type_ids.choices = choices((t.id, t.name) for t in ticket_types)
        self.room_id.choices = choices([(0, _l("— a door of the venue —"))] +
                                       [(r.id, r.name) for r in edition.rooms])

    def service_data(self) -> dict:
        return {"name": self.texts("name"), "days": self.days.data or [],
                "ticket_type_ids": self.ticket_type_ids.data or [],
                "room_id": self.room_id.data or None,
                "allow_reentry": self.allow_reentry.data, "admit_unpaid": self.admit_unpaid.data,
                "is_active": self.is_active.data,
                "allow_self_pairing": self.allow_self_pairing.data}


class DeviceForm(Form):
    gate = StringField(_l("Gate"), validators=[DataRequired(), Length(max=120)],
                       description=_l("Where the phone scans, e.g. “Main entrance, left”."))
    name = StringField(_l("Name of the phone"), validators=[Length(max=120)],
                       description=_l("Optional, e.g. “Youssef’s phone”."))
    list_id = SelectField(_l("Check-in list"), coerce=int, validators=[DataRequired()])

    def fill_choices(self, lists) -> None:
        self.list_id.choices = choices((item.id, item.name) for item in lists)


class DeskSearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    list_id = SelectField(_l("Check-in list"), coerce=int)
    q = StringField(_l("Name, e-mail or order code"), validators=[Length(max=100)])


class DeskCheckInForm(Form):
    list_id = HiddenField()
    ticket_id = IntegerField(validators=[DataRequired()])
    q = HiddenField()


class StartForm(Form):
    """A logged-in volunteer pairs the phone in their hand: the list, the gate, go."""
    list_id = SelectField(_l("Check-in list"), coerce=int, validators=[DataRequired()])
    gate = StringField(_l("Gate"), validators=[DataRequired(), Length(max=120)],
                       description=_l("Where this phone scans, e.g. “Main entrance, left”."),
                       render_kw={"list": "start-gates", "autocomplete": "off"})
