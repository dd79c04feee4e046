"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import datetime

from babel import Locale
from babel.dates import format_date
from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, g, request
from flask_babel import get_locale

from festival.core.i18n import (
    babel_locale,
    in_language,
    language_names,
    language_tag,
    list_separator,
    punctuated,
    text_direction,
)
from festival.core.money import format_cents
from festival.core.timeutil import PARIS

# Named formats ("short", "medium") take the locale's date and its order of date and time, but
# always a 24-hour clock: some locales (en, ar) would otherwise show "10:24 AM" / "10:24 ص"
# where the programme and the public pages say 10:24.
CLOCKS_24H = {"short": "HH:mm", "medium": "HH:mm:ss"}


def clock_24h(fmt: str, locale: Locale | None) -> str:
    """The date-time pattern for `fmt`: a named format with a 24-hour clock, or `fmt` itself."""
    if fmt not in CLOCKS_24H or locale is None:
        return fmt
    return (str(locale.datetime_formats[fmt])
            .replace("{1}", locale.date_formats[fmt].pattern)
            .replace("{0}", CLOCKS_24H[fmt]))


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    @app.template_filter("money")
    def money(cents: int | None) -> str:
        return "" if cents is None else format_cents(cents, babel_locale())

    @app.template_filter("when")
    def when(moment: datetime | None, fmt: str = "medium") -> str:
        if moment is None:
            return ""
        # Babel itself, with the zoneinfo zone: Flask-Babel's pytz zone knows no summer time
        # after 2037.
        locale = babel_locale()
        return punctuated(babel_format_datetime(moment, clock_24h(fmt, locale),
                                                tzinfo=PARIS, locale=locale))

    @app.template_filter("localised")
    def localised(texts) -> str:
        """Organiser-written text kept per language, in the reader's (core.i18n)."""
        return in_language(texts, str(get_locale()))

    @app.template_filter("day")
    def day(value, fmt: str = "full") -> str:
        return "" if value is None else punctuated(format_date(value, fmt, locale=babel_locale()))

    @app.template_filter("listed")
    def listed(items) -> str:
        """Items joined with the reader's list separator (Arabic: ، )."""
        return list_separator().join(str(item) for item in items)

    @app.context_processor
    def site_globals():
        return {
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
            "language_names": language_names(),
            "language_tag": language_tag,
            # Set once a string of the page was missing from the catalogue (core.i18n).
            "shown_in_french": lambda: g.get("untranslated", False),
            "list_sep": list_separator(),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
