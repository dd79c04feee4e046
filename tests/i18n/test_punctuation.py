"""Arabic pages write dates and lists with the Arabic comma (،), never a Latin one."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask import render_template_string
from flask_babel import force_locale

MOMENT = datetime(2027, 5, 15, 14, 30, tzinfo=UTC)
TEMPLATE = ("{{ moment|when('medium') }}|{{ moment|when('EEEE d MMMM, HH:mm') }}|"
            "{{ day|day('EEE d MMM, y') }}|{{ names|listed }}|"
            "{% for d in days %}{{ d }}{% if not loop.last %}{{ list_sep }}{% endif %}{% endfor %}")


def _render(app, language: str) -> str:
    with app.test_request_context("/"), force_locale(language):
        return render_template_string(TEMPLATE, moment=MOMENT, day=date(2027, 5, 16),
                                      names=["Amina", "Brahim"], days=["A", "B"])


def test_arabic_dates_and_lists_use_the_arabic_comma(app):
    arabic = _render(app, "ar")
    assert "," not in arabic and arabic.count("\u060c") >= 4
    french = _render(app, "fr")
    assert "\u060c" not in french and "Amina, Brahim" in french and "A, B" in french
