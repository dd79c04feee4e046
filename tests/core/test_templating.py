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
