"""Reads for the dashboards, their API and exports. Nothing here changes a row.

Every figure is a SQL aggregate (see the modules for the definitions); the API summary below
runs only the aggregates its keys need, each costing about as much as the last minutes of
scans and the pending orders (see dashboard.rollups and queries.sales.type_counts), plus one
sum over the paid orders.
"""
from __future__ import annotations

from datetime import datetime

from festival.core.timeutil import to_paris, utcnow
from festival.dashboard.queries import counted
from festival.dashboard.queries.attendance import (
    Attendance,
    Bucket,
    arrivals,
    edition_attendance,
    inside_now,
)
from festival.dashboard.queries.comparison import (
    PACE_HORIZON,
    EditionRow,
    Pace,
    comparison,
    sales_pace,
)
from festival.dashboard.queries.programme import (
    association_figures,
    room_fill,
    rooms_per_day,
    speakers_per_association,
)
from festival.dashboard.queries.sales import (
    Sales,
    capacity_per_day,
    edition_sales,
    revenue,
    type_counts,
    venue_capacity,
)
from festival.editions.days import festival_days
from festival.editions.models import Edition

__all__ = ["PACE_HORIZON", "Attendance", "Bucket", "EditionRow", "Pace", "Sales", "api_summary", "association_figures",
           "comparison", "edition_attendance", "edition_sales", "iso", "room_fill",
           "rooms_per_day", "sales_pace", "speakers_per_association"]


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in Paris time, with its offset."""
    return None if moment is None else to_paris(moment).isoformat()


def api_summary(edition: Edition, now: datetime | None = None) -> dict:
    """The dashboard API's answer: GET /api/v1/editions/<year>/dashboard."""
    now = now or utcnow()
    today = next((d for d in festival_days(edition) if d.holds(now)), None)
    split = counted.split(edition)
    types = type_counts(edition)
    checked = {t: n for (t, _day), n in counted.checked_in_by_type(split).items()}
    entries, exits = inside_now(edition, today, split)
    money = revenue(edition)
    return {
        "tickets_sold": sum(t.sold for t in types),
        "tickets_reserved": sum(t.reserved for t in types),
        "checked_in": sum(checked.values()),
        "inside": max(entries - exits, 0),
        "capacity": venue_capacity(edition),
        "capacity_per_day": [{"day": c.day.isoformat(), "capacity": c.size, "sold": c.sold,
                              "reserved": c.reserved} for c in capacity_per_day(edition)],
        "revenue_cents": {"gross": money.gross, "refunded": money.refunded, "net": money.net},
        "by_ticket_type": [{"id": t.id, "name": t.name, "sold": t.sold, "quota": t.quota,
                            "checked_in": checked.get(t.id, 0)} for t in types],
        "arrivals": [{"start": iso(b.start), "count": b.count}
                     for b in arrivals(edition, split)],
        "refusals": counted.refusals_by_result(split),
    }
