"""When the waiting list has a say: the moments offers may be made, and the ticket types whose
freed seats belong to the people in line rather than to the shop.

Read by the shop (ticketing.shop.offers, ticketing.orders.create_order) as well as by the
waiting list's services, so it depends on neither: only on the models and the edition's days.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from festival.editions.days import festival_days
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db
from festival.ticketing.models import TicketType
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
    """The ids of `ticket_types` that people are waiting for while offers may be made: their
    freed seats go to the line (the sweep offers them within a minute), so the shop shows
    them sold out and does not sell them meanwhile. At the box office the line has no say."""
    ids = {t.id for t in ticket_types}
    if not ids:
        return set()
    waiting = set(db.session.scalars(
        select(WaitlistEntry.ticket_type_id).where(
            WaitlistEntry.edition_id == edition.id, WaitlistEntry.ticket_type_id.in_(ids),
            WaitlistEntry.status == EntryStatus.WAITING).distinct()))
    return {t.id for t in ticket_types
            if t.id in waiting and offers_allowed(edition, t, now)}
