"""The rules' texts: what the organisers wrote per language (plain text, shown escaped, never
a template), else French, else any language they wrote, else the default text below in the
reader's language."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from festival.outreach.models import MessageRule, RuleKind

SUBJECT_LENGTH = 200
BODY_LENGTH = 5000

DEFAULT_SUBJECTS = {
    RuleKind.REMINDER: _l("Tomorrow at the festival: your tickets"),
    RuleKind.THANK_YOU: _l("Thank you for coming! One minute to tell us?"),
    RuleKind.ANNOUNCEMENT: _l("The next Almoggar festival is announced"),
}
DEFAULT_BODIES = {
    RuleKind.REMINDER: _l(
        "We look forward to seeing you tomorrow! Your tickets for this day are attached to "
        "this e-mail: show their QR code at the door, on your phone or printed."),
    RuleKind.THANK_YOU: _l(
        "Thank you for being with us at the festival. Tell us in one minute how it went: "
        "your answers help us prepare the next edition."),
    RuleKind.ANNOUNCEMENT: _l(
        "The next edition of the festival is announced. Discover its dates and programme, "
        "and book your tickets as soon as sales open. We hope to see you there!"),
}


def _written(texts: dict | None, language: str) -> str:
    texts = texts or {}
    for choice in (language, "fr", *current_app.config["LANGUAGES"]):
        value = (texts.get(choice) or "").strip()
        if value:
            return value
    return ""


def subject(rule: MessageRule, language: str) -> str:
    written = _written(rule.subjects, language)
    if written:
        return written
    with force_locale(language):
        return str(DEFAULT_SUBJECTS[rule.kind])


def body(rule: MessageRule, language: str) -> str:
    written = _written(rule.bodies, language)
    if written:
        return written
    with force_locale(language):
        return str(DEFAULT_BODIES[rule.kind])


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split on blank lines) of lines, for the templates to
    escape and join with <br>."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [[line.strip() for line in block.split("\n")] for block in blocks if block]


def sent_when_empty(rule: MessageRule) -> tuple[dict[str, str], dict[str, str]]:
    """The subject and text each language gets from the saved rule (its own, the French or
    the default one): the edit form shows them greyed in the fields left empty."""
    languages = current_app.config["LANGUAGES"]
    return ({lang: subject(rule, lang) for lang in languages},
            {lang: body(rule, lang) for lang in languages})
