"""The same figures for every edition side by side: sold, attended, no-show rate, the busiest
quarter of an hour, revenue. One aggregate per figure, grouped by edition."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from festival.core.timeutil import utcnow
from festival.dashboard.queries import counted
from festival.dashboard.queries.attendance import arrivals
from festival.dashboard.queries.sales import type_counts, venue_capacity
from festival.editions.days import festival_days
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db
from festival.ticketing.models import Order, OrderStatus


@dataclass
class EditionRow:
    year: int
    title: str
    status: str
    capacity: int | None
    sold: int
    attended: int                 # distinct tickets checked in
    attended_sold: int            # of which sold (per type, at most what is sold)
    peak_start: datetime | None
    peak_count: int
    net_cents: int
    has_begun: bool               # no one can be a no-show before the first day

    @property
    def no_shows(self) -> int | None:
        return self.sold - self.attended_sold if self.has_begun else None

    @property
    def no_show_rate(self) -> float | None:
        return self.no_shows / self.sold if self.sold and self.has_begun else None


def comparison(now: datetime | None = None) -> list[EditionRow]:
    """Every edition but drafts, the most recent first; each figure as its own dashboard
    counts it (a few editions, a few aggregates each)."""
    now = now or utcnow()
    editions = db.session.scalars(select(Edition).where(Edition.status != EditionStatus.DRAFT)
                                  .order_by(Edition.year.desc())).all()
    net = dict(db.session.execute(
        select(Order.edition_id, func.sum(Order.total_cents - Order.refunded_cents))
        .where(Order.status.in_((OrderStatus.PAID, OrderStatus.REFUNDED)))
        .group_by(Order.edition_id)).all())
    rows = []
    for edition in editions:
        split = counted.split(edition)
        types = type_counts(edition)
        checked = {t: n for (t, _day), n in counted.checked_in_by_type(split).items()}
        peak = max(arrivals(edition, split), key=lambda b: (b.count, -b.start.timestamp()),
                   default=None)
        days = festival_days(edition)
        rows.append(EditionRow(
            edition.year, edition.title, edition.status.value, venue_capacity(edition),
            sum(t.sold for t in types), sum(checked.values()),
            sum(min(checked.get(t.id, 0), t.sold) for t in types),
            peak.start if peak else None, peak.count if peak else 0,
            net.get(edition.id) or 0, bool(days) and days[0].starts_at <= now))
    return rows
