"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, request
from flask_babel import format_date, format_datetime, get_locale

from festival.core.i18n import LANGUAGE_NAMES, text_direction
from festival.core.money import format_cents
from festival.core.timeutil import to_paris


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    @app.template_filter("money")
    def money(cents: int | None) -> str:
        return "" if cents is None else format_cents(cents, str(get_locale()))

    @app.template_filter("when")
    def when(moment: datetime | None, fmt: str = "medium") -> str:
        return "" if moment is None else format_datetime(to_paris(moment), fmt)

    @app.template_filter("day")
    def day(value, fmt: str = "full") -> str:
        return "" if value is None else format_date(value, fmt)

    @app.context_processor
    def site_globals():
        return {
            "current_locale": str(get_locale()),
            "text_direction": text_direction(),
            "language_names": LANGUAGE_NAMES,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
