"""Forms of the calls' pages. They shape input; the services check the rules. The proposal
form's speakers and slots are read from the request by the view (a fixed number of rows)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from festival.associations.labels import POLE_LABELS
from festival.core.forms import Form, choices
from festival.editions.labels import LANGUAGE, SESSION_KIND
from festival.proposals.calls import MAX_CRITERIA, MAX_FORMATS


class CsrfForm(Form):
    """A form whose fields the view reads itself: only the CSRF token."""


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _lang(lang: str, rows: int | None = None) -> dict:
    attrs = {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}
    if rows:
        attrs["rows"] = rows
    return attrs


class FormatRow(Form):
    class Meta:
        csrf = False

    id = HiddenField()
    kind = SelectField(_l("Kind"), validate_choice=False, choices=choices(
        [("", "—")] + [(k.value, label) for k, label in SESSION_KIND.items()]))
    name_fr = StringField(_l("Name (French)"), validators=[Length(max=120)],
                          render_kw=_lang("fr"))
    name_en = StringField(_l("Name (English)"), validators=[Length(max=120)],
                          render_kw=_lang("en"))
    name_ar = StringField(_l("Name (Arabic)"), validators=[Length(max=120)],
                          render_kw=_lang("ar"))
    duration_minutes = IntegerField(_l("Minutes"), validators=[Optional(),
                                                               NumberRange(5, 840)])


class CriterionRow(Form):
    class Meta:
        csrf = False

    id = HiddenField()
    name_fr = StringField(_l("Criterion (French)"), validators=[Length(max=120)],
                          render_kw=_lang("fr"))
    name_en = StringField(_l("Criterion (English)"), validators=[Length(max=120)],
                          render_kw=_lang("en"))
    name_ar = StringField(_l("Criterion (Arabic)"), validators=[Length(max=120)],
                          render_kw=_lang("ar"))
    description_fr = StringField(_l("What it looks at (French)"),
                                 validators=[Length(max=500)], render_kw=_lang("fr"))
    max_score = IntegerField(_l("Scale (0 to …)"), default=5,
                             validators=[Optional(), NumberRange(1, 10)])


class CallForm(Form):
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    opens_time = TimeField(_l("at"), validators=[InputRequired()])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired()])
    closes_time = TimeField(_l("at"), validators=[InputRequired()])
    guidelines_fr = TextAreaField(_l("Guidelines (French, required)"),
                                  render_kw=_lang("fr", 6))
    guidelines_en = TextAreaField(_l("Guidelines (English)"), render_kw=_lang("en", 4))
    guidelines_ar = TextAreaField(_l("Guidelines (Arabic)"), render_kw=_lang("ar", 4))
    languages = Checkboxes(_l("Languages a session may be given in"),
                           choices=choices((k.value, v) for k, v in LANGUAGE.items()))
    poles = Checkboxes(_l("Tracks (pôles) a proposal may choose"),
                       choices=choices((k.value, v) for k, v in POLE_LABELS.items()))
    is_open_to_accounts = BooleanField(_l("Anyone with an account may propose (not only "
                                          "member associations)"))
    is_anonymised = BooleanField(_l("Anonymised review: reviewers see neither the "
                                    "association nor the speakers"))
    formats = FieldList(FormField(FormatRow), min_entries=MAX_FORMATS,
                        max_entries=MAX_FORMATS)
    criteria = FieldList(FormField(CriterionRow), min_entries=MAX_CRITERIA,
                         max_entries=MAX_CRITERIA)


class ReviewerForm(Form):
    email = StringField(_l("E-mail address of their account"),
                        validators=[InputRequired(), Length(max=254)])


class NoteForm(Form):
    note = TextAreaField(_l("Note (sent to the proposer with the decision)"),
                         validators=[Length(max=2000)], render_kw={"rows": 2})


class AcceptForm(Form):
    room_id = SelectField(_l("Room"), coerce=int, validate_choice=False)
    day = DateField(_l("Day"), validators=[InputRequired()])
    start = TimeField(_l("Starts at"), validators=[InputRequired()])
    note = TextAreaField(_l("Note (sent to the proposer with the decision)"),
                         validators=[Length(max=2000)], render_kw={"rows": 2})
    confirm_clashes = BooleanField(_l("Save despite the clashes"))
