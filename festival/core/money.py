"""Money is integer cents in euros."""
from __future__ import annotations

from babel.numbers import format_currency


def format_cents(cents: int, locale: str = "fr") -> str:
    return format_currency(cents / 100, "EUR", locale=locale)
