"""The organisers' form of a question. It shapes input; questions.services checks the rules
(and says which field is wrong)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField

from festival.config import LANGUAGES
from festival.core.forms import Form, choices
from festival.messaging.forms import CheckboxListField
from festival.questions.models import QuestionKind, QuestionScope
from festival.questions.services import HELP_LENGTH, MAX_OPTIONS, OPTION_LENGTH, QUESTION_LENGTH


def _lang(lang: str, **extra) -> dict:
    return {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr", **extra}


MAX_LINES = 20 * MAX_OPTIONS  # of an options box: blank lines between options are skipped


class FreeRadioField(RadioField):
    """Radio buttons whose value the service checks (with its own message)."""

    def pre_validate(self, form) -> None:
        pass


class QuestionForm(Form):
    text_fr = StringField(_l("Question, in French"),
                          render_kw=_lang("fr", maxlength=QUESTION_LENGTH))
    text_en = StringField(_l("Question, in English"),
                          render_kw=_lang("en", maxlength=QUESTION_LENGTH))
    text_ar = StringField(_l("Question, in Arabic"),
                          render_kw=_lang("ar", maxlength=QUESTION_LENGTH))
    text_tzm = StringField(_l("Question, in Tamazight"),
                           render_kw=_lang("tzm", maxlength=QUESTION_LENGTH))
    help_fr = StringField(_l("Hint, in French"), render_kw=_lang("fr", maxlength=HELP_LENGTH))
    help_en = StringField(_l("Hint, in English"), render_kw=_lang("en", maxlength=HELP_LENGTH))
    help_ar = StringField(_l("Hint, in Arabic"), render_kw=_lang("ar", maxlength=HELP_LENGTH))
    help_tzm = StringField(_l("Hint, in Tamazight"),
                           render_kw=_lang("tzm", maxlength=HELP_LENGTH))
    kind = FreeRadioField(_l("Answer"), default=QuestionKind.TEXT.value, choices=choices([
        (QuestionKind.TEXT.value, _l("Text")),
        (QuestionKind.CHOICE.value, _l("One choice among options")),
        (QuestionKind.YES_NO.value, _l("Yes or no"))]))
    scope = FreeRadioField(_l("Asked"), default=QuestionScope.ORDER.value, choices=choices([
        (QuestionScope.ORDER.value, _l("Once per order, to the buyer")),
        (QuestionScope.TICKET.value, _l("For each ticket, about its holder"))]))
    options_fr = TextAreaField(_l("Options, in French (one per line)"),
                               render_kw=_lang("fr", rows=4))
    options_en = TextAreaField(_l("Options, in English (same lines, same order)"),
                               render_kw=_lang("en", rows=4))
    options_ar = TextAreaField(_l("Options, in Arabic (same lines, same order)"),
                               render_kw=_lang("ar", rows=4))
    options_tzm = TextAreaField(_l("Options, in Tamazight (same lines, same order)"),
                                render_kw=_lang("tzm", rows=4))
    ticket_type_ids = CheckboxListField(_l("Only for these ticket types (none ticked: all)"))
    is_required = BooleanField(_l("An answer is required"))
    is_sensitive = BooleanField(_l("About health or access (personal data: erased after the "
                                   "festival and with the person)"))
    is_active = BooleanField(_l("Asked in the shop"), default=True)

    def fill_choices(self, ticket_types) -> None:
        self.ticket_type_ids.choices = choices((str(t.id), t.name) for t in ticket_types)

    def fill_from(self, question) -> None:
        for lang in LANGUAGES:
            getattr(self, f"text_{lang}").data = question.texts.get(lang, "")
            getattr(self, f"help_{lang}").data = (question.help_texts or {}).get(lang, "")
            getattr(self, f"options_{lang}").data = "\n".join(
                o["label"].get(lang, "") for o in question.options or [])
        self.kind.data = question.kind.value
        self.scope.data = question.scope.value
        self.ticket_type_ids.data = [str(i) for i in question.ticket_type_ids or []]
        self.is_required.data = question.is_required
        self.is_sensitive.data = question.is_sensitive
        self.is_active.data = question.is_active

    def to_data(self) -> dict:
        """The service's input: texts per language, options line by line (the French lines
        give the options, blank ones skipped; the others translate them at the same place).
        One option more than allowed is passed on, for the service's message."""
        # Only the line breaks typed (splitlines would also break at U+2028, U+0085 or a form
        # feed pasted inside an option, shifting that language's options against French).
        lines = {lang: (getattr(self, f"options_{lang}").data or "").replace("\r\n", "\n")
                 .replace("\r", "\n").split("\n")[:MAX_LINES] for lang in LANGUAGES}
        options = []
        for n, line in enumerate(lines["fr"]):
            if line.strip() and len(options) <= MAX_OPTIONS:
                options.append({"label": {lang: (lines[lang][n] if n < len(lines[lang]) else "")
                                          [:OPTION_LENGTH + 1] for lang in LANGUAGES}})
        ids = []
        for raw in (str(r) for r in (self.ticket_type_ids.data or [])[:200]):
            ids.append(int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else -1)
        return {
            "texts": {lang: getattr(self, f"text_{lang}").data or "" for lang in LANGUAGES},
            "help_texts": {lang: getattr(self, f"help_{lang}").data or "" for lang in LANGUAGES},
            "kind": self.kind.data, "scope": self.scope.data, "options": options,
            "ticket_type_ids": ids, "is_required": bool(self.is_required.data),
            "is_sensitive": bool(self.is_sensitive.data), "is_active": bool(self.is_active.data),
        }
