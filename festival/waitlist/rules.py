"""When the waiting list has a say: the moments offers may be made, and the ticket types whose
freed seats belong to the people in line rather than to the shop.

Read by the shop (ticketing.shop.offers, ticketing.orders.create_order) as well as by the
waiting list's services, so it depends on neither: only on the models and the edition's days.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from festival.editions.days import festival_days
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db
from festival.ticketing.models import Quota, TicketType
from festival.waitlist.models import EntryStatus, WaitlistEntry


def festival_start(edition: Edition) -> datetime | None:
    days = festival_days(edition)
    return days[0].starts_at if days else None


def offers_allowed(edition: Edition, ticket_type: TicketType, now: datetime) -> bool:
    """Sales open (the edition on sale, the type active and inside its sales window) and the
    festival not begun."""
    if edition.status is not EditionStatus.ON_SALE or not ticket_type.is_active:
        return False
    if ticket_type.sales_open_at and now < ticket_type.sales_open_at:
        return False
    if ticket_type.sales_close_at and now >= ticket_type.sales_close_at:
        return False
    start = festival_start(edition)
    return start is None or now < start


@dataclass
class WaitingLine:
    """What the people waiting hold back from the shop: the types they wait for (none of
    their freed seats is sold) and, per festival day, the seats kept for them there."""

    waited: set[int] = field(default_factory=set)
    kept: Counter[date] = field(default_factory=Counter)  # seats kept per day
    free: dict[date, int] = field(default_factory=dict)   # free seats per day
    days: list[date] = field(default_factory=list)        # the days with a capacity

    def seats_for_sale(self, ticket_type: TicketType, available: int | None) -> int | None:
        """`available` (what the type's quotas leave) less what the line keeps on its days."""
        if ticket_type.id in self.waited:
            return 0
        for day in ticket_type.admission_days(self.days):
            if self.kept[day]:
                surplus = max(self.free[day] - self.kept[day], 0)
                available = surplus if available is None else min(available, surplus)
        return available


def the_line(edition: Edition, now: datetime) -> WaitingLine:
    """The people waiting while offers may be made: the types they wait for, and the seats
    each festival day keeps for them. People wait for a Saturday ticket because Saturday is
    full; a Saturday seat comes back: a two-day pass nobody waits for must not take it
    first. A day keeps what the people waiting for its types want, as far as those types'
    other quotas (their own, their other days) leave room; its own free seats are not
    counted, so that a seat coming back counts at once."""
    wanted = dict(db.session.execute(
        select(WaitlistEntry.ticket_type_id, func.sum(WaitlistEntry.quantity)).where(
            WaitlistEntry.edition_id == edition.id,
            WaitlistEntry.status == EntryStatus.WAITING)
        .group_by(WaitlistEntry.ticket_type_id)).all())
    if not wanted:
        return WaitingLine()
    waited = [t for t in db.session.scalars(select(TicketType).where(
        TicketType.id.in_(wanted))) if offers_allowed(edition, t, now)]
    quotas = db.session.scalars(select(Quota).where(Quota.edition_id == edition.id)
                                .execution_options(populate_existing=True)).all()
    by_type = {q.ticket_type_id: q.available for q in quotas if q.day is None}
    line = WaitingLine(waited={t.id for t in waited},
                free={q.day: q.available for q in quotas if q.day is not None})
    line.days = [d for d in edition.dates if d in line.free]
    for ticket_type in waited:
        its_days = ticket_type.admission_days(line.days)
        own = [by_type[ticket_type.id]] if ticket_type.id in by_type else []
        for day in its_days:
            line.kept[day] += min([wanted[ticket_type.id], *own]
                                  + [line.free[other] for other in its_days if other != day])
    return line


def kept_for_the_line(edition: Edition, counts: Mapping[TicketType, int],
                      now: datetime) -> set[int]:
    """The ids of the types of an order (`counts`: tickets per type) that take seats the line
    keeps (see the_line): a type people wait for, or one whose tickets, with the order's
    other tickets of the same days, need more seats than a day has beyond what it keeps. At
    the box office the line has no say."""
    line = the_line(edition, now)
    if not line.waited:
        return set()
    taken: Counter[date] = Counter()
    for ticket_type, n in counts.items():
        for day in ticket_type.admission_days(line.days):
            taken[day] += n
    return {t.id for t in counts if t.id in line.waited or any(
        line.kept[day] and taken[day] > line.free[day] - line.kept[day]
        for day in t.admission_days(line.days))}
