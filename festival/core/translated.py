"""Texts organisers write for the public, in every language: French in the row's own column
(required: the fallback), the other languages in the row's `translations`
({field: {language: text}}).

`translated(column, field)` makes the field read in the reader's language: the attribute
(`ticket_type.name`) gives the text in the current locale (a request's, or the one forced
for an e-mail or a PDF), else French; in SQL (`TicketType.name`) it is the French column, so
queries, orderings and exports of raw data keep working. Writing the attribute writes French.
`set_texts` takes a field's texts from a form or the API: a string (French only, the other
languages kept) or an object {"fr": …, "en": …, "ar": …} (every language replaced).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from festival.config import LANGUAGES
from festival.core.guards import flaw
from festival.core.i18n import in_language, visible

DEFAULT_LANGUAGE = "fr"
# Never in a public text: control characters (but line breaks and tabs; the C1 ones too,
# U+0080 to U+009F, which Python also takes for line breaks) and the direction overrides that
# make a text read otherwise than it is written (marks and isolates are fine).
HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202d\u202e]")


# What a public text holding them is refused with (clean_texts, the e-mails' texts).
UNSHOWN = _l("This text holds characters that cannot be shown.")


def unshowable(text: str) -> bool:
    """Whether `text` holds characters no public text may (HIDDEN; core.guards.flaw)."""
    return bool(flaw(text) or HIDDEN.search(text))


def current_language() -> str:
    locale = get_locale()
    return str(locale) if locale is not None else DEFAULT_LANGUAGE


class Translated:
    """Mixin of a model with translated fields (see the module)."""

    TRANSLATED: ClassVar[dict[str, str]] = {}  # field → the attribute of its French column

    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    def texts_of(self, field: str) -> dict[str, str]:
        """Every language's text of `field`, French first."""
        french = getattr(self, self.TRANSLATED[field]) or ""
        others = (self.translations or {}).get(field) or {}
        return {"fr": french, **{lang: text for lang, text in others.items()
                                 if lang != "fr" and lang in LANGUAGES and text}}

    def all_texts(self) -> dict[str, dict[str, str]]:
        """Every field's texts in every language written: the API's and exports' `texts`
        ({field: {language: text}}, French always there)."""
        return {field: self.texts_of(field) for field in self.TRANSLATED}

    def text_in(self, field: str, language: str) -> str:
        return in_language(self.texts_of(field), language)

    def missing_languages(self, field: str) -> list[str]:
        """The languages `field` is not written in, when its French text exists."""
        texts = self.texts_of(field)
        return [lang for lang in LANGUAGES if texts["fr"] and not texts.get(lang)]

    def set_texts(self, field: str, value: Any, errors: dict[str, list], *, max_length: int,
                  required: bool = False) -> None:
        """Set `field` from a string (French) or {language: text}; problems go to `errors`
        under `field` (French) or `field_<language>`."""
        if isinstance(value, Mapping):
            given = dict(value)
            replace = True
        else:
            given = {"fr": "" if value is None else value}
            replace = False
        clean = clean_texts(given, errors,
                            key=lambda lang: field if lang == "fr" else f"{field}_{lang}",
                            max_length=max_length, required=required)
        if "fr" in given or replace:
            setattr(self, self.TRANSLATED[field], clean.get("fr", ""))
        others = {} if replace else dict(((self.translations or {}).get(field)) or {})
        others.update({lang: text for lang, text in clean.items() if lang != "fr"})
        all_texts = dict(self.translations or {})
        all_texts[field] = {lang: text for lang, text in others.items() if text}
        self.translations = all_texts  # a new dict: the JSON column sees the change


def clean_texts(given: Mapping[str, Any], errors: dict[str, list], *, key: Callable[[str], str],
                max_length: int, required: bool = False,
                one_line: bool = False) -> dict[str, str]:
    """Check one public text given per language ({language: text}) and return its non-empty
    texts, stripped (`one_line`: every run of spaces and line breaks made one space).
    Problems go to `errors` under `key(language)`: an unknown language, a value that is not
    a text, too long, characters that cannot be shown (core.guards.flaw, HIDDEN); French
    missing when `required`, or when another language is written."""
    clean: dict[str, str] = {}
    for language, text in given.items():
        if language not in LANGUAGES:
            errors.setdefault(key("fr"), []).append(
                _l("Unknown language: %(value)s.", value=str(language)[:10]))
            continue
        if text is None:
            text = ""
        if not isinstance(text, str):
            errors.setdefault(key(language), []).append(_l("Give a text."))
            continue
        text = " ".join(text.split()) if one_line else text.strip()
        if not visible(text):  # marks, joiners, spaces only: it would show nothing
            text = ""
        if len(text) > max_length:
            errors.setdefault(key(language), []).append(
                _l("%(n)s characters at most.", n=max_length))
        elif text and unshowable(text):
            errors.setdefault(key(language), []).append(UNSHOWN)
        elif text:
            clean[language] = text
    if (required or clean) and "fr" not in clean and key("fr") not in errors:
        # French is the fallback: a text in another language only would leave French
        # readers another language, and no missing translation an organiser could see.
        errors.setdefault(key("fr"), []).append(_l("Write it at least in French."))
    return clean


def translated(column: str, field: str) -> hybrid_property:
    """The field `field`, read in the reader's language (see the module); `column` is the
    attribute of its French column."""

    def read(self) -> str:
        french = getattr(self, column)
        others = (self.translations or {}).get(field) or {}
        if not others:
            return french
        return in_language({"fr": french or "", **others}, current_language()) or french

    def write(self, value) -> None:
        setattr(self, column, value)

    def in_sql(cls):
        return getattr(cls, column).label(field)  # rows read back as `row.<field>`

    return hybrid_property(read, write, expr=in_sql)


def gaps(rows) -> dict[str, int]:
    """How many texts of `rows` (Translated models) are not yet written in each language
    other than French: {language: count}, the languages with none missing left out."""
    found: dict[str, int] = {}
    for row in rows:
        for field in row.TRANSLATED:
            for language in row.missing_languages(field):
                found[language] = found.get(language, 0) + 1
    return found


class InFrench:
    """A row whose translated fields read as their French columns, for the forms that edit
    them (`RoomForm(obj=InFrench(room))`): what an organiser saves back is the French text
    whatever the language of their pages."""

    def __init__(self, row) -> None:
        self._row = row

    def __getattr__(self, name: str):
        column = getattr(type(self._row), "TRANSLATED", {}).get(name)
        return getattr(self._row, column or name)
