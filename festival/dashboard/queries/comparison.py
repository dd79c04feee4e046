"""The same figures for every edition side by side: sold, attended, no-show rate, the busiest
quarter of an hour, revenue. One aggregate per figure, grouped by edition."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from festival.core.timeutil import to_paris, utcnow
from festival.dashboard.queries import counted
from festival.dashboard.queries.attendance import arrivals
from festival.dashboard.queries.sales import sales_per_day, type_counts, venue_capacity
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


# How far before the festival the curves of the sales pace start (days), at least; further
# when the coming edition is further away than that (by whole months).
PACE_HORIZON = 120
MAX_PACE_HORIZON = 720


@dataclass
class PaceRow:
    year: int
    first_day: date
    # Tickets sold by each day before the first festival day, from `horizon` days before
    # (index 0: every sale until then) to the day itself (the last index); None for the days
    # this edition has not reached yet.
    cumulative: list[int | None]
    final: int                    # sold by the first day (or so far)

    @property
    def horizon(self) -> int:
        return len(self.cumulative) - 1

    def at(self, days_before: int) -> int | None:
        return self.cumulative[self.horizon - min(max(days_before, 0), self.horizon)]


@dataclass
class Pace:
    rows: list[PaceRow]           # the most recent edition first
    point: int | None             # days before the coming edition's first day, today
    current_year: int | None      # that coming edition
    horizon: int = PACE_HORIZON   # days before the first day where the curves start


def sales_pace(now: datetime | None = None) -> Pace:
    """Each edition's tickets sold (valid tickets of paid orders, by the Paris day of their
    payment) counted by days before its first festival day, so that this year is compared with
    past years at the same distance from the festival, not with their final figures."""
    now = now or utcnow()
    today = to_paris(now).date()
    editions = db.session.scalars(select(Edition).where(Edition.status != EditionStatus.DRAFT)
                                  .order_by(Edition.year.desc())).all()
    editions = [e for e in editions if e.first_day is not None]
    coming = [e for e in editions if today < e.first_day]
    point = (coming[-1].first_day - today).days if coming else None
    horizon = PACE_HORIZON if point is None else min(
        max(PACE_HORIZON, -(-point // 30) * 30), MAX_PACE_HORIZON)
    rows = []
    for edition in editions:
        first = edition.first_day
        reached = horizon - (first - today).days if today < first else horizon
        cumulative: list[int | None] = []
        total, days = 0, iter(sales_per_day(edition))
        pending = next(days, None)
        for index in range(horizon + 1):
            day = first - timedelta(days=horizon - index)
            while pending is not None and pending.day <= day:
                total += pending.tickets
                pending = next(days, None)
            cumulative.append(total if index <= reached else None)
        rows.append(PaceRow(edition.year, first, cumulative,
                            max((v for v in cumulative if v is not None), default=0)))
    return Pace(rows, point, coming[-1].year if coming else None, horizon)
