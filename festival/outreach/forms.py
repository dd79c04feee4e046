"""The rules' edit form (a subject and a text per language) and the feedback form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from festival.config import LANGUAGES
from festival.core.forms import Form, choices
from festival.core.language_fields import LANGUAGE_LABELS as LABELS
from festival.outreach.feedback import COMMENT_LENGTH
from festival.outreach.texts import BODY_LENGTH, SUBJECT_LENGTH

LANGUAGE_LABELS = {lang: LABELS.get(lang, lang) for lang in LANGUAGES}


class RuleForm(Form):
    """The rule's switch and, for every content language, `subject_<language>` and
    `body_<language>` (made below)."""
    is_enabled = BooleanField(_l("Send this message automatically"))

    def show_defaults(self, subjects: dict[str, str], bodies: dict[str, str]) -> None:
        """Each text field in its language's direction, the default text as placeholder."""
        for lang in LANGUAGES:
            for prefix, defaults in (("subject", subjects), ("body", bodies)):
                getattr(self, f"{prefix}_{lang}").render_kw = {
                    "lang": lang, "dir": "auto",
                    "placeholder": defaults.get(lang) or defaults.get("fr", "")}

    def texts(self, prefix: str) -> dict[str, str]:
        return {lang: getattr(self, f"{prefix}_{lang}").data or "" for lang in LANGUAGES}


for _lang in LANGUAGES:
    setattr(RuleForm, f"subject_{_lang}",
            StringField(_l("Subject"), [Optional(), Length(max=SUBJECT_LENGTH)]))
    setattr(RuleForm, f"body_{_lang}",
            TextAreaField(_l("Text"), [Optional(), Length(max=BODY_LENGTH)]))


class FeedbackForm(Form):
    mark = RadioField(_l("Overall, how was the festival?"),
                      choices=choices((str(n), str(n)) for n in range(1, 6)),
                      validators=[InputRequired(_l("Choose a mark from 1 to 5."))])
    best_session_id = SelectField(_l("Your favourite moment (optional)"), choices=[],
                                  validate_choice=False, render_kw={"dir": "auto"})
    comment = TextAreaField(_l("Anything to tell us? (optional)"),
                            [Optional(), Length(max=COMMENT_LENGTH)],
                            render_kw={"dir": "auto", "maxlength": COMMENT_LENGTH})
