"""Reads for the ticketing pages: the buyer's order, the organisers' searches and gauges.
Nothing here changes a row."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from festival.core.errors import NotFound
from festival.extensions import db
from festival.ticketing import quotas
from festival.ticketing.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
)
from festival.ticketing.orders import normalise_code

PAGE_SIZE = 50


def order_in_edition(edition, code: str) -> Order:
    order = db.session.scalar(
        select(Order).where(Order.edition_id == edition.id, Order.code == normalise_code(code))
        .options(selectinload(Order.tickets).selectinload(Ticket.ticket_type),
                 selectinload(Order.events).selectinload(OrderEvent.actor)))
    if order is None:
        raise NotFound("order_not_found", _l("No such order."))
    return order


def search_orders(edition, text: str = "", status: OrderStatus | None = None,
                  page: int = 1) -> tuple[list[Order], int]:
    """Orders of the edition whose code, buyer, e-mail or attendee matches `text`, newest
    first; returns one page and the number of matches."""
    query = select(Order).where(Order.edition_id == edition.id)
    text = (text or "").strip()
    if text:
        like = f"%{text.lower()}%"
        code = normalise_code(text)
        conditions = [func.lower(Order.buyer_name).like(like), func.lower(Order.email).like(like),
                      exists().where(Ticket.order_id == Order.id,
                                     func.lower(Ticket.attendee_name).like(like))]
        if code:
            conditions.append(Order.code.like(f"{code}%"))
        query = query.where(or_(*conditions))
    if status is not None:
        query = query.where(Order.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(Order.created_at.desc(), Order.id.desc())
                              .options(selectinload(Order.tickets))
                              .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return list(rows), total


@dataclass
class Gauge:
    """How a ticket type (or a festival day of the venue) is filling: sold (paid), reserved
    (pending), left."""

    ticket_type: TicketType | None
    size: int
    sold: int
    reserved: int
    day: date | None = None

    @property
    def left(self) -> int:
        return max(self.size - self.sold - self.reserved, 0)

    def percent(self, value: int) -> float:
        return round(100 * value / self.size, 1) if self.size else 0.0


def gauges(edition) -> tuple[list[Gauge], list[Gauge]]:
    """One gauge per ticket type (in shop order) and one per festival day of the venue
    capacity, from the tickets held."""
    paid = quotas.held_seats(edition.id, (OrderStatus.PAID,))
    pending = quotas.held_seats(edition.id, (OrderStatus.PENDING,))
    types = db.session.scalars(select(TicketType).where(TicketType.edition_id == edition.id)
                               .order_by(TicketType.position, TicketType.id)).all()
    result = []
    for ticket_type in types:
        sold, reserved = paid.per_type[ticket_type.id], pending.per_type[ticket_type.id]
        size = ticket_type.quota.size if ticket_type.quota else sold + reserved
        result.append(Gauge(ticket_type, size, sold, reserved))
    days = [Gauge(None, q.size, paid.per_day[q.day], pending.per_day[q.day], day=q.day)
            for q in quotas.edition_quotas(edition.id).by_day.values()]
    return result, sorted(days, key=lambda g: g.day)


def sales_summary(edition) -> dict:
    """Figures for the top of the orders page."""
    paid = select(Order).where(Order.edition_id == edition.id,
                               Order.status == OrderStatus.PAID).subquery()
    return {
        "paid_orders": db.session.scalar(select(func.count()).select_from(paid)) or 0,
        "revenue_cents": db.session.scalar(select(func.coalesce(
            func.sum(paid.c.total_cents - paid.c.refunded_cents), 0))) or 0,
        "donations_cents": db.session.scalar(select(func.coalesce(
            func.sum(paid.c.donation_cents), 0))) or 0,
        "pending_orders": db.session.scalar(select(func.count(Order.id)).where(
            Order.edition_id == edition.id, Order.status == OrderStatus.PENDING)) or 0,
    }


def vouchers(edition) -> list[Voucher]:
    return list(db.session.scalars(select(Voucher).where(Voucher.edition_id == edition.id)
                                   .options(selectinload(Voucher.ticket_type))
                                   .order_by(Voucher.code)))


def ticket_types(edition) -> list[TicketType]:
    return list(db.session.scalars(select(TicketType).where(TicketType.edition_id == edition.id)
                                   .order_by(TicketType.position, TicketType.id)))


def valid_tickets(order: Order) -> list[Ticket]:
    return [t for t in order.tickets if t.status is TicketStatus.VALID]


def order_days(order: Order) -> list[date]:
    """The festival days the order's valid tickets admit on."""
    return order.admission_days


def order_lines(order: Order) -> list[tuple[str, int, int]]:
    """(ticket type, quantity, unit price) of every ticket bought in the order, grouped (a
    ticket issued when one was handed over replaces it: it is not counted again)."""
    groups: dict[tuple[str, int], int] = {}
    for ticket in order.tickets:
        if ticket.transferred_from_id is not None:
            continue
        key = (ticket.ticket_type.name, ticket.price_cents)
        groups[key] = groups.get(key, 0) + 1
    return [(name, n, price) for (name, price), n in groups.items()]
