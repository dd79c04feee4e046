"""Forms of the messages' back office. They only shape input: the audience (audience.py)
and the services check the rules."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from festival.config import LANGUAGES
from festival.core.forms import Form, choices
from festival.core.i18n import LANGUAGE_NAMES
from festival.core.language_fields import language_attributes
from festival.messaging.models import MAX_BODY, MAX_SUBJECT
from festival.messaging.services import Texts
from festival.ticketing.labels import ORDER_STATUS


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (keyboard- and screen-reader-friendly). Its
    values are checked by messaging.audience.parse_audience, with clear messages."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        pass


def _subject(lang: str) -> dict:
    return language_attributes(lang, maxlength=MAX_SUBJECT)


def _body(lang: str) -> dict:
    return language_attributes(lang, rows=8, maxlength=MAX_BODY)


class ChoiceField(RadioField):
    """Radio buttons whose value parse_audience checks."""

    def pre_validate(self, form) -> None:
        pass


class ComposeForm(Form):
    # `subject_<language>` and `body_<language>` for every content language, made below:
    # each text field is in its language and direction; labels stay in the page's.
    ticket_type_ids = CheckboxListField(_l("Ticket types"))
    days = CheckboxListField(_l("Festival days (tickets valid that day)"))
    checked_in = ChoiceField(_l("Checked in at the door"), default="")
    statuses = CheckboxListField(_l("Order status"), default=["paid"])
    languages = CheckboxListField(_l("Language of the order"))

    def fill_choices(self, edition, ticket_types) -> None:
        self.ticket_type_ids.choices = choices((str(t.id), t.name) for t in ticket_types)
        self.days.choices = choices((d.isoformat(), format_date(d, "EEEE d MMMM"))
                                    for d in edition.dates)
        self.checked_in.choices = choices([("", _l("Either")), ("yes", _l("Checked in")),
                                           ("no", _l("Not checked in"))])
        self.statuses.choices = choices((s.value, label) for s, label in ORDER_STATUS.items())
        self.languages.choices = choices((lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES)

    def texts(self) -> Texts:
        return Texts(subjects={lang: getattr(self, f"subject_{lang}").data or ""
                               for lang in LANGUAGES},
                     bodies={lang: getattr(self, f"body_{lang}").data or ""
                             for lang in LANGUAGES})


class SendForm(Form):
    # The number of people the organiser saw on the confirmation page.
    recipient_count = IntegerField(widget=HiddenInput(),
                                   validators=[InputRequired(), NumberRange(min=0)])


for _lang in LANGUAGES:
    setattr(ComposeForm, f"subject_{_lang}", StringField(_l("Subject"),
                                                         render_kw=_subject(_lang)))
    setattr(ComposeForm, f"body_{_lang}", TextAreaField(_l("Message"), render_kw=_body(_lang)))
