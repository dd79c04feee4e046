"""Template filters: times in Paris on a 24-hour clock in every language."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import render_template_string


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_times_are_shown_in_paris_on_a_24_hour_clock(app, language):
    evening = datetime(2027, 5, 15, 20, 5, tzinfo=UTC)  # 22:05 in Paris (summer time)
    with app.test_request_context("/", headers={"Cookie": f"lang={language}"}):
        short = render_template_string("{{ moment|when('short') }}", moment=evening)
        medium = render_template_string("{{ moment|when }}", moment=evening)
    assert "22:05" in short and "22:05:00" in medium
    for twelve_hour in ("10:05", "PM", "AM"):
        assert twelve_hour not in short + medium
    assert "2027" in medium or "27" in short


@pytest.mark.parametrize("year", [2027, 2038, 2045, 2099])
def test_summer_time_holds_in_every_year(app, year):
    """Paris keeps summer time after 2037 too (a pytz zone would stop at 2037)."""
    noon = datetime(year, 7, 14, 10, 0, tzinfo=UTC)
    winter = datetime(year, 1, 14, 10, 0, tzinfo=UTC)
    with app.test_request_context("/"):
        shown = render_template_string("{{ a|when('HH:mm') }} {{ b|when('HH:mm') }}",
                                       a=noon, b=winter)
    assert shown == "12:00 11:00"
