"""Forms of the shift pages. They shape input; volunteers.services checks the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange

from festival.core.forms import Form, choices
from festival.volunteers.labels import TASK
from festival.volunteers.services import LANGUAGES, MAX_NOTES, MAX_PEOPLE, MAX_TITLE


def optional_id(value) -> int | None:
    """A select's value as an id, or None for "none" (or anything that is not one)."""
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 10 else None


def _notes(lang: str) -> dict:
    return {"rows": 3, "maxlength": MAX_NOTES, "lang": lang,
            "dir": "rtl" if lang == "ar" else "ltr"}


class ShiftForm(Form):
    task = SelectField(_l("Task"), choices=choices((t.value, label) for t, label in TASK.items()))
    title = StringField(_l("Post (e.g. “Door 2”; the task's name if empty)"),
                        validators=[Length(max=MAX_TITLE)])
    checkin_list_id = SelectField(_l("Check-in list of the door"), coerce=optional_id,
                                  validate_choice=False)
    room_id = SelectField(_l("Room to steward"), coerce=optional_id, validate_choice=False)
    day = DateField(_l("Day"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at (earlier than the start: the next morning)"),
                         validators=[InputRequired()])
    people_needed = IntegerField(_l("People needed"), default=2,
                                 validators=[InputRequired(), NumberRange(1, MAX_PEOPLE)])
    notes_fr = TextAreaField(_l("Notes for the volunteers (French)"), render_kw=_notes("fr"))
    notes_en = TextAreaField(_l("Notes for the volunteers (English)"), render_kw=_notes("en"))
    notes_ar = TextAreaField(_l("Notes for the volunteers (Arabic)"), render_kw=_notes("ar"))
    lead_id = SelectField(_l("Lead"), coerce=optional_id, validate_choice=False)
    lead_phone = StringField(_l("Lead's phone"), validators=[Length(max=40)],
                             render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"})

    def fill_choices(self, edition, lists, people) -> None:
        none = [("", _l("— none —"))]
        self.checkin_list_id.choices = choices(none + [(str(item.id), item.name)
                                                       for item in lists])
        self.room_id.choices = choices(none + [(str(r.id), r.name) for r in edition.rooms])
        self.lead_id.choices = choices(none + [(str(u.id), u.display_name) for u in people])

    def notes(self) -> dict[str, str]:
        return {lang: getattr(self, f"notes_{lang}").data or "" for lang in LANGUAGES}


class AssignForm(Form):
    user_id = SelectField(_l("Volunteer"), coerce=optional_id, validate_choice=False)


class MoveForm(Form):
    to_shift_id = SelectField(_l("Move to"), coerce=optional_id, validate_choice=False)


class EmptyForm(Form):
    """A button: only the CSRF token."""
