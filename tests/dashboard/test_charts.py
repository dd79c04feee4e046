"""The SVG charts: labels that fit a phone's narrow chart."""
from __future__ import annotations

import re

from festival.dashboard.charts import Bar, bar_chart


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_labels_that_would_run_into_each_other_are_left_out_on_a_phone():
    bars = [Bar(label=f"{day:02d}/05", value=day, show_label=True) for day in range(1, 41)]
    wide = _labels(bar_chart(bars, "Sales per day"))
    narrow = _labels(bar_chart(bars, "Sales per day", width=340, fit_labels=True))
    days = [label for label in wide if "/05" in label]
    shown = [label for label in narrow if "/05" in label]
    assert len(days) == 40          # without fit_labels every label asked for is drawn
    assert 1 < len(shown) < 10      # a phone has room for a few
    assert shown[-1] == "40/05"     # the latest day is always named
    # Those drawn are far enough apart not to touch: at most one in four of the days.
    positions = [days.index(label) for label in shown]
    assert all(b - a >= 4 for a, b in zip(positions, positions[1:]))


def test_labels_that_fit_are_all_kept():
    bars = [Bar(label=f"{hour}h", value=hour, show_label=True) for hour in range(8, 12)]
    narrow = _labels(bar_chart(bars, "Arrivals per hour", width=340, fit_labels=True))
    assert [label for label in narrow if label.endswith("h")] == [
        "8h", "9h", "10h", "11h"]
