"""When the waiting list has a say: the moments offers may be made, and the ticket types whose
freed seats belong to the people in line rather than to the shop.

Read by the shop (ticketing.shop.offers, ticketing.orders.create_order) as well as by the
waiting list's services, so it depends on neither: only on the models and the edition's days.
"""
from __future__ import annotations

from collections import Counter
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


def kept_for_the_line(edition: Edition, ticket_types: list[TicketType],
                      now: datetime) -> set[int]:
    """The ids of `ticket_types` whose freed seats go to the people in line while offers may
    be made (the sweep offers them within a minute), so the shop shows them sold out and does
    not sell them meanwhile. At the box office the line has no say.

    That is a type people are waiting for, and also a type that admits on a festival day
    whose free seats the line needs: people wait for a Saturday ticket because Saturday is
    full, a Saturday seat comes back, and a two-day pass nobody waits for must not take it
    first. A day's free seats are the line's up to what the people waiting for its types
    want, as far as those types' other quotas (their own, their other days) leave room."""
    ids = {t.id for t in ticket_types}
    if not ids:
        return set()
    wanted = dict(db.session.execute(
        select(WaitlistEntry.ticket_type_id, func.sum(WaitlistEntry.quantity)).where(
            WaitlistEntry.edition_id == edition.id,
            WaitlistEntry.status == EntryStatus.WAITING)
        .group_by(WaitlistEntry.ticket_type_id)).all())
    if not wanted:
        return set()
    waited = [t for t in db.session.scalars(select(TicketType).where(
        TicketType.id.in_(wanted))) if offers_allowed(edition, t, now)]
    kept = {t.id for t in waited if t.id in ids}
    quotas = db.session.scalars(select(Quota).where(Quota.edition_id == edition.id)
                                .execution_options(populate_existing=True)).all()
    by_type = {q.ticket_type_id: q for q in quotas if q.day is None}
    by_day = {q.day: q for q in quotas if q.day is not None}
    days = [d for d in edition.dates if d in by_day]
    needed: Counter[date] = Counter()
    for ticket_type in waited:
        its_days = ticket_type.admission_days(days)
        own = [by_type[ticket_type.id].available] if ticket_type.id in by_type else []
        for day in its_days:  # (not the day's own seats: a seat coming back now counts)
            needed[day] += min([wanted[ticket_type.id], *own]
                               + [by_day[other].available for other in its_days
                                  if other != day])
    for ticket_type in ticket_types:
        if any(needed[day] and by_day[day].available <= needed[day]
               for day in ticket_type.admission_days(days)):
            kept.add(ticket_type.id)
    return kept
