"""From figures to what the pages draw: chart bars with their axis labels, percentages."""
from __future__ import annotations

from flask_babel import format_date, format_decimal, format_number, format_percent
from flask_babel import gettext as _
from markupsafe import Markup

from festival.core.timeutil import to_paris
from festival.dashboard import charts
from festival.dashboard.queries.attendance import Bucket


def clock(moment) -> str:
    """Paris wall-clock time, 24-hour, as on the festival's programme."""
    return "" if moment is None else to_paris(moment).strftime("%H:%M")


def clock_seconds(moment) -> str:
    return "" if moment is None else to_paris(moment).strftime("%H:%M:%S")


def num(value: int | None) -> str:
    return "—" if value is None else format_number(value)


def percent(part: int | None, whole: int | None) -> str:
    if not whole or part is None:
        return "—"
    return format_percent(part / whole, "#,##0 %")


def mark(value: float | None) -> str:
    """An average mark out of 5, with one decimal in the reader's language ("4,2 / 5")."""
    return "—" if value is None else format_decimal(value, "0.0") + " / 5"


def ratio(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0 %")


def _every(buckets: list[Bucket], minutes: int, narrow: bool) -> int:
    """Minutes between two clock labels: fewer labels on a long day and on a phone."""
    span = (buckets[-1].start - buckets[0].start).total_seconds() / 3600 if buckets else 0
    every = minutes * (2 if span > 9 else 1)
    return every * (2 if narrow and span > 4 else 1)


def arrivals_chart(buckets: list[Bucket], label: str, *, every_minutes: int = 60,
                   busiest: Bucket | None = None, scale: int | None = None,
                   wide: int = 720) -> Markup:
    """Bars per bucket with a clock label every so often, for phones and larger screens."""
    if not buckets:
        return Markup("")

    def draw(narrow: bool) -> str:
        every = _every(buckets, every_minutes, narrow)
        bars = [charts.Bar(clock(b.start), b.count,
                           show_label=(to_paris(b.start).hour * 60 + to_paris(b.start).minute)
                           % every == 0,
                           highlight=busiest is not None and b.start == busiest.start)
                for b in buckets]
        return charts.bar_chart(bars, label, width=400 if narrow else wide, scale=scale,
                                fit_labels=narrow)
    return charts.responsive(draw(True), draw(False))


def day_scale(per_day) -> int:
    """One scale for every day's chart, so that the days compare at a glance."""
    return charts.nice_ceiling(max((b.count for d in per_day for b in d.buckets), default=1))


def sales_chart(days, label: str) -> Markup:
    if not days:
        return Markup("")

    def draw(narrow: bool) -> str:
        every = max(1, len(days) // (4 if narrow else 8))
        bars = [charts.Bar(format_date(d.day, "d MMM"), d.tickets,
                           show_label=(len(days) - 1 - i) % every == 0)
                for i, d in enumerate(days)]
        return charts.bar_chart(bars, label, line=[d.cumulative for d in days],
                                width=400 if narrow else 1000, fit_labels=narrow)
    return charts.responsive(draw(True), draw(False))


PACE_TICKS = (0, 7, 30, 60, 90, 120, 180, 270, 360, 540, 720)


def _pace_ticks(horizon: int, width: int) -> dict[int, str]:
    """Days-before labels that do not run into each other, from the festival backwards."""
    room = (width - charts.PAD_START - charts.PAD_END) / horizon  # pixels per day
    kept, last = {}, None
    for days in PACE_TICKS + (horizon,):
        if days > horizon or days in kept.values():
            continue
        if last is None or (days - last) * room >= 5 * charts.CHAR_WIDTH:
            kept[days] = days
            last = days
    return {horizon - days: str(days) for days in kept}


def pace_chart(pace) -> Markup:
    """One curve per edition: tickets sold by days before its first festival day."""
    if not pace.rows:
        return Markup("")
    series = [charts.Series(str(row.year), row.cumulative) for row in pace.rows]
    label = _("Tickets sold by days before the festival, one curve per edition")

    def draw(narrow: bool) -> str:
        width = 400 if narrow else 1000
        return charts.line_chart(series, label, x_labels=_pace_ticks(pace.horizon, width),
                                 width=width)
    return charts.responsive(draw(True), draw(False))


def pace_key(pace) -> list[tuple[str, str, str]]:
    """The legend of the pace chart: (year, colour, dashes) per curve, in drawing order."""
    return [(str(row.year), charts.SERIES_COLORS[n % len(charts.SERIES_COLORS)],
             charts.SERIES_DASHES[n % len(charts.SERIES_DASHES)])
            for n, row in enumerate(pace.rows)]


def gauge(sold: int, reserved: int, total: int | None) -> Markup:
    label = _("%(sold)s sold, %(reserved)s reserved", sold=sold, reserved=reserved)
    if total:
        label += " / " + str(total)
    return charts.meter([(sold, charts.COLORS["sold"]), (reserved, charts.COLORS["reserved"])],
                        total, label)


def jinja_globals() -> dict:
    return {"clock": clock, "clock_seconds": clock_seconds, "num": num, "percent": percent,
            "ratio": ratio, "mark": mark, "bar_cell": charts.bar_cell,
            "chart_colors": charts.COLORS, "arrivals_chart": arrivals_chart,
            "day_scale": day_scale, "pace_key": pace_key}
