"""Money is integer cents in euros."""
from __future__ import annotations

from babel import Locale
from babel.numbers import format_currency

from festival.core.i18n import babel_locale


def format_cents(cents: int, locale: str | Locale = "fr") -> str:
    """`cents` in euros, written as `locale` (an interface language or a Babel locale)."""
    return format_currency(cents / 100, "EUR",
                           locale=babel_locale(locale) if isinstance(locale, str) else locale)
