"""Forms of the shift pages. They shape input; volunteers.services checks the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from festival.core.forms import Form, choices
from festival.volunteers.labels import TASK
from festival.volunteers.services import LANGUAGES, MAX_NOTES, MAX_PEOPLE, MAX_TITLE

LARGEST_ID = 2**31 - 1  # PostgreSQL INTEGER (core.routing)


def optional_id(value) -> int | None:
    """A select's value as an id, or None for "none" (or anything that is not one)."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST_ID else None


class IdSelectField(SelectField):
    """A select of ids with a "none" choice: an id the list does not offer (a stale page,
    a forged form) is an error on the field, never taken for "none"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=optional_id, **kwargs)

    def pre_validate(self, form) -> None:
        raw = (self.raw_data or [""])[0]
        offered = {str(value) for value, *_rest in (self.choices or [])}
        if raw not in ("", None) and (self.data is None or str(self.data) not in offered):
            raise ValidationError(_l("Choose one of the list."))


def _notes(lang: str) -> dict:
    return {"rows": 3, "maxlength": MAX_NOTES, "lang": lang,
            "dir": "rtl" if lang == "ar" else "ltr"}


class ShiftForm(Form):
    task = SelectField(_l("Task"), choices=choices((t.value, label) for t, label in TASK.items()))
    title = StringField(_l("Post (e.g. “Door 2”; the task's name if empty)"),
                        validators=[Length(max=MAX_TITLE)])
    checkin_list_id = IdSelectField(_l("Check-in list of the door"))
    room_id = IdSelectField(_l("Room to steward"))
    day = DateField(_l("Day"), validators=[InputRequired()])

    def validate_day(self, field) -> None:
        if field.data is not None and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Choose a day around the edition."))
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at (earlier than the start: the next morning)"),
                         validators=[InputRequired()])
    people_needed = IntegerField(_l("People needed"), default=2,
                                 validators=[InputRequired(), NumberRange(1, MAX_PEOPLE)])
    notes_fr = TextAreaField(_l("Notes for the volunteers (French)"), render_kw=_notes("fr"))
    notes_en = TextAreaField(_l("Notes for the volunteers (English)"), render_kw=_notes("en"))
    notes_ar = TextAreaField(_l("Notes for the volunteers (Arabic)"), render_kw=_notes("ar"))
    notes_tzm = TextAreaField(_l("Notes for the volunteers (Tamazight)"),
                              render_kw=_notes("tzm"))
    lead_id = IdSelectField(_l("Lead"))
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
