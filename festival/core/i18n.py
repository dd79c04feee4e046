"""Language choice: the visitor's remembered choice, else the browser's, else French.

Tamazight (`tzm`) is written in Tifinagh, or in its Latin transcription when the setting
TAMAZIGHT_SCRIPT says `latn`: its catalogue is written in Tifinagh and transcribed letter by
letter when loaded (`transcribe`); its dates and numbers follow Babel's `zgh` data
(Standard Moroccan Tamazight, Tifinagh) or `tzm` (Latin)."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cached_property

from babel import Locale, support
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, get_locale

LANG_COOKIE = "lang"
RTL_LANGUAGES = {"ar"}
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية", "tzm": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}
# Browsers that ask for Standard Moroccan Tamazight or Tashelhit (the Souss's own) get `tzm`.
TAMAZIGHT_ALIASES = ("zgh", "shi")

# Tifinagh (IRCAM) letter by letter into the Latin transcription (IRCAM's as well).
TIFINAGH_TO_LATIN = {
    "ⴰ": "a", "ⴱ": "b", "ⴳ": "g", "ⴷ": "d", "ⴹ": "ḍ", "ⴻ": "e", "ⴼ": "f", "ⴽ": "k",
    "ⵀ": "h", "ⵃ": "ḥ", "ⵄ": "ɛ", "ⵅ": "x", "ⵇ": "q", "ⵉ": "i", "ⵊ": "j", "ⵍ": "l",
    "ⵎ": "m", "ⵏ": "n", "ⵓ": "u", "ⵔ": "r", "ⵕ": "ṛ", "ⵖ": "ɣ", "ⵙ": "s", "ⵚ": "ṣ",
    "ⵛ": "c", "ⵜ": "t", "ⵟ": "ṭ", "ⵡ": "w", "ⵢ": "y", "ⵣ": "z", "ⵥ": "ẓ", "ⵯ": "ʷ",
}
_TO_LATIN = str.maketrans(TIFINAGH_TO_LATIN)


def transcribe(text: str, capital: bool = True) -> str:
    """A Tifinagh text in Latin letters (anything else kept); its first letter a capital
    when `capital` (Tifinagh has no capitals: a message takes its English msgid's)."""
    latin = text.translate(_TO_LATIN)
    if capital and latin != text and latin[:1].islower():
        latin = latin[:1].upper() + latin[1:]
    return latin


def tamazight_script() -> str:
    return current_app.config.get("TAMAZIGHT_SCRIPT", "tfng") if has_app_context() else "tfng"


def language_names() -> dict[str, str]:
    """Each interface language in its own name (Tamazight in the chosen script)."""
    if tamazight_script() == "latn":
        return {**LANGUAGE_NAMES, "tzm": transcribe(LANGUAGE_NAMES["tzm"])}
    return dict(LANGUAGE_NAMES)


def language_tag(language: str | None = None) -> str:
    """The BCP 47 tag of an interface language, for `lang` attributes."""
    language = language or str(get_locale() or "fr")
    if language == "tzm":
        return "tzm-Latn" if tamazight_script() == "latn" else "tzm-Tfng"
    return language


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale that formats dates and numbers for an interface language."""
    language = language or str(get_locale() or "fr")
    if language == "tzm":
        return Locale.parse("tzm" if tamazight_script() == "latn" else "zgh")
    return Locale.parse(language)


def select_locale() -> str:
    if not has_request_context():  # command line, sender loops: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    for value, quality in request.accept_languages:  # the preferred first
        if quality <= 0:  # "q=0": refused (RFC 9110), never chosen
            continue
        primary = value.replace("_", "-").split("-")[0].lower()  # "shi-Tfng-MA" → "shi"
        primary = "tzm" if primary in TAMAZIGHT_ALIASES else primary
        if primary in languages:
            return primary
    return "fr"


def text_direction() -> str:
    return "rtl" if str(get_locale()) in RTL_LANGUAGES else "ltr"


def visible(text: str) -> bool:
    """Whether `text` shows anything: a character that is neither a space nor a format or
    control character (a direction mark, a zero-width space or joiner alone show nothing)."""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


def in_language(texts: Mapping[str, str] | None, language: str) -> str:
    """Organiser-written text kept per language ({"fr": …, "en": …, "ar": …}) in
    `language`, else in French (the default), else in any language that has it; "" when
    none has (a text that shows nothing counts as none)."""
    texts = texts if isinstance(texts, Mapping) else {}
    for code in (language, "fr", *sorted(texts)):
        value = texts.get(code)
        if isinstance(value, str) and visible(value):
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


class _FrenchFallback(support.NullTranslations):
    """French, for the strings a catalogue does not have yet (Tamazight's): each use is noted
    on the request (`g.untranslated`), so the page can say some texts are still in French."""

    def __init__(self, french: support.NullTranslations) -> None:
        super().__init__()
        self.french = french

    def _noted(self):
        if has_app_context():
            g.untranslated = True
        return self.french

    def gettext(self, message):
        return self._noted().gettext(message)

    def ngettext(self, singular, plural, n):
        return self._noted().ngettext(singular, plural, n)

    def pgettext(self, context, message):
        return self._noted().pgettext(context, message)

    def npgettext(self, context, singular, plural, n):
        return self._noted().npgettext(context, singular, plural, n)


class FestivalDomain(Domain):
    """Flask-Babel's catalogues, with Tamazight's gaps filled in French (not English, the
    msgids) and its catalogue transcribed to Latin letters when TAMAZIGHT_SCRIPT=latn."""

    def get_translations(self):
        locale = get_locale()
        if locale is None or str(locale) != "tzm":
            return super().get_translations()
        script = tamazight_script()
        cache = self.get_translations_cache(None)
        key = ("tzm", script, tuple(self.translation_directories), self.domain[0])
        if key not in cache:
            tamazight = self._load("tzm")
            if script == "latn":
                tamazight._catalog = {key: _transcribed(key, text)
                                      for key, text in tamazight._catalog.items()}
            tamazight.add_fallback(_FrenchFallback(self._load("fr")))
            cache[key] = tamazight
        return cache[key]

    def _load(self, language: str) -> support.Translations:
        translations = support.Translations()
        for directory in self.translation_directories:
            catalog = support.Translations.load(directory, [Locale.parse(language)],
                                                self.domain[0])
            translations.merge(catalog)
            # merge() drops the plural rule
            translations.plural = getattr(catalog, "plural", translations.plural)
        return translations


def _transcribed(key, text):
    """A catalogue entry (key: msgid, or (msgid, plural form)) in Latin letters."""
    msgid = key[0] if isinstance(key, tuple) else key
    msgid = msgid.split("\x04")[-1]  # without its context
    return transcribe(text, capital=msgid[:1].isupper()) if isinstance(text, str) else text


class FestivalBabel(Babel):
    @cached_property
    def domain_instance(self):
        return FestivalDomain(domain=self.domain)
