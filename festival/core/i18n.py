"""Language choice: the visitor's remembered choice, else the browser's, else French."""
from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, has_request_context, request
from flask_babel import get_locale

LANG_COOKIE = "lang"
RTL_LANGUAGES = {"ar"}
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


def select_locale() -> str:
    if not has_request_context():  # command line, sender loops: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "fr"


def text_direction() -> str:
    return "rtl" if str(get_locale()) in RTL_LANGUAGES else "ltr"


def in_language(texts: Mapping[str, str] | None, language: str) -> str:
    """Organiser-written text kept per language ({"fr": …, "en": …, "ar": …}) in
    `language`, else in French (the default), else in any language that has it; "" when
    none has."""
    texts = texts if isinstance(texts, Mapping) else {}
    for code in (language, "fr", *sorted(texts)):
        value = texts.get(code)
        if isinstance(value, str) and value.strip():
            return value
    return ""


ARABIC_COMMA = "\u060c"  # ، : Arabic writes its lists and dates with it, never ","


def list_separator(language: str | None = None) -> str:
    """Between the items of a list, in `language` (the current one by default)."""
    language = language or str(get_locale() or "fr")
    return ARABIC_COMMA + " " if language in RTL_LANGUAGES else ", "


def punctuated(text: str, language: str | None = None) -> str:
    """A date or time formatted by Babel, with the language's own comma."""
    language = language or str(get_locale() or "fr")
    return text.replace(",", ARABIC_COMMA) if language in RTL_LANGUAGES else text
