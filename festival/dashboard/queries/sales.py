"""Sales figures of an edition: per quota and festival day, revenue, per day, orders by status,
vouchers, box office against online. Each is one SQL aggregate; Python only arranges the few
rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from festival.core.timeutil import to_paris
from festival.dashboard.queries.common import reserved, sold, tickets_of
from festival.dashboard.sqltime import HOUR, bucket, from_epoch
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing import quotas
from festival.ticketing.models import (
    Order,
    OrderStatus,
    Quota,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
)


@dataclass
class TypeSales:
    id: int
    name: str
    price_cents: int
    sold: int = 0
    reserved: int = 0
    revenue_cents: int = 0          # tickets sold, at the price each was sold for
    quota: int | None = None        # the quota's size
    used: int | None = None         # seats the quota counts as taken (sold + reserved)

    @property
    def free(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.sold - self.reserved, 0)


@dataclass
class Capacity:
    """The venue capacity of one festival day, and the tickets that admit on that day."""

    day: date
    size: int
    sold: int
    reserved: int

    @property
    def free(self) -> int | None:
        return None if self.size is None else max(self.size - self.sold - self.reserved, 0)


@dataclass
class Revenue:
    gross: int = 0       # paid orders (including those refunded since), donations included
    refunded: int = 0
    donations: int = 0
    orders: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunded


@dataclass
class SalesDay:
    day: date
    tickets: int
    revenue_cents: int
    cumulative: int = 0


@dataclass
class Channel:
    is_box_office: bool
    method: str             # payment method code
    orders: int = 0
    tickets: int = 0
    amount_cents: int = 0   # paid, before refunds


@dataclass
class Sales:
    types: list[TypeSales]
    capacity: list[Capacity]        # per festival day
    revenue: Revenue
    per_day: list[SalesDay]
    by_status: dict[str, tuple[int, int]]   # status → (orders, total cents)
    vouchers: list[dict] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)

    @property
    def tickets_sold(self) -> int:
        return sum(t.sold for t in self.types)

    @property
    def tickets_reserved(self) -> int:
        return sum(t.reserved for t in self.types)


def type_sales(edition: Edition) -> list[TypeSales]:
    """Every ticket type with what is sold and reserved of it, and its quota."""
    types = {row.id: TypeSales(row.id, row.name, row.price_cents) for row in db.session.execute(
        select(TicketType.id, TicketType.name, TicketType.price_cents)
        .where(TicketType.edition_id == edition.id)
        .order_by(TicketType.position, TicketType.id))}
    counts = db.session.execute(tickets_of(edition).add_columns(
        Ticket.ticket_type_id,
        func.count(case((sold(), 1))),
        func.count(case((reserved(), 1))),
        func.coalesce(func.sum(case((sold(), Ticket.price_cents))), 0))
        .where(Order.status.in_((OrderStatus.PAID, OrderStatus.PENDING)))
        .group_by(Ticket.ticket_type_id))
    for type_id, n_sold, n_reserved, revenue in counts:
        entry = types.get(type_id)
        if entry is not None:
            entry.sold, entry.reserved, entry.revenue_cents = n_sold, n_reserved, revenue
    for type_id, size, used in db.session.execute(
            select(Quota.ticket_type_id, Quota.size, Quota.used)
            .where(Quota.edition_id == edition.id, Quota.ticket_type_id.is_not(None))):
        if type_id in types:
            types[type_id].quota, types[type_id].used = size, used
    return list(types.values())


def _of_pending_orders(edition: Edition):
    """Tickets of the edition's pending orders. On PostgreSQL as `= ANY(ARRAY(…))`: the
    pending orders are found first (an index has them), then their tickets by order, where a
    join or IN would have the planner read every ticket of the edition."""
    pending = select(Order.id).where(Order.edition_id == edition.id,
                                     Order.status == OrderStatus.PENDING)
    if db.session.get_bind().dialect.name == "postgresql":
        return Ticket.order_id == func.any(func.array(pending.scalar_subquery()))
    return Ticket.order_id.in_(pending)


def type_counts(edition: Edition) -> list[TypeSales]:
    """Sold and reserved per ticket type, without counting every ticket: a quota's `used`
    is exactly the seats of valid tickets in paid and pending orders (ticketing.quotas keeps
    it so), so sold = used − reserved, and only the pending orders' tickets are counted. A
    type without a quota is counted in full (type_sales). No revenue here."""
    rows = db.session.execute(
        select(TicketType.id, TicketType.name, TicketType.price_cents, Quota.size, Quota.used)
        .outerjoin(Quota, Quota.ticket_type_id == TicketType.id)
        .where(TicketType.edition_id == edition.id)
        .order_by(TicketType.position, TicketType.id)).all()
    if any(size is None for *_, size, _used in rows):
        return type_sales(edition)
    held = dict(db.session.execute(
        select(Ticket.ticket_type_id, func.count(Ticket.id))
        .where(_of_pending_orders(edition), Ticket.status == TicketStatus.VALID)
        .group_by(Ticket.ticket_type_id)).all())
    return [TypeSales(type_id, name, price, sold=used - held.get(type_id, 0),
                      reserved=held.get(type_id, 0),
                      quota=size, used=used)
            for type_id, name, price, size, used in rows]


def venue_capacity(edition: Edition) -> int | None:
    """People admitted per festival day (None: no venue capacity)."""
    return edition.day_capacity


def capacity_per_day(edition: Edition) -> list[Capacity]:
    """Each festival day's venue capacity with the tickets sold and reserved that admit on it
    (a pass for every day counts on every day): one count per ticket type, spread over its
    days."""
    sold_seats = quotas.held_seats(edition.id, (OrderStatus.PAID,)).per_day
    reserved_seats = quotas.held_seats(edition.id, (OrderStatus.PENDING,)).per_day
    return [Capacity(q.day, q.size, sold_seats[q.day], reserved_seats[q.day])
            for q in sorted(quotas.edition_quotas(edition.id).by_day.values(),
                            key=lambda q: q.day)]


def revenue(edition: Edition) -> Revenue:
    row = db.session.execute(
        select(func.coalesce(func.sum(Order.total_cents), 0),
               func.coalesce(func.sum(Order.refunded_cents), 0),
               func.coalesce(func.sum(Order.donation_cents), 0), func.count(Order.id))
        .where(Order.edition_id == edition.id,
               Order.status.in_((OrderStatus.PAID, OrderStatus.REFUNDED)))).one()
    return Revenue(gross=row[0], refunded=row[1], donations=row[2], orders=row[3])


def sales_per_day(edition: Edition) -> list[SalesDay]:
    """Tickets sold per Paris day of payment, every day from the first sale to the last,
    with the running total. Hours are grouped in SQL and added up into days here."""
    hour = bucket(Order.paid_at, HOUR).label("paid_hour")
    rows = db.session.execute(tickets_of(edition).add_columns(
        hour, func.count(Ticket.id), func.coalesce(func.sum(Ticket.price_cents), 0))
        .where(sold(), Order.paid_at.is_not(None)).group_by("paid_hour"))
    by_day: dict[date, list[int]] = {}
    for start, count, cents in rows:
        day = to_paris(from_epoch(start)).date()
        entry = by_day.setdefault(day, [0, 0])
        entry[0] += count
        entry[1] += cents
    if not by_day:
        return []
    days, total, day = [], 0, min(by_day)
    while day <= max(by_day):
        count, cents = by_day.get(day, (0, 0))
        total += count
        days.append(SalesDay(day, count, cents, total))
        day += timedelta(days=1)
    return days


def orders_by_status(edition: Edition) -> dict[str, tuple[int, int]]:
    rows = db.session.execute(
        select(Order.status, func.count(Order.id), func.coalesce(func.sum(Order.total_cents), 0))
        .where(Order.edition_id == edition.id).group_by(Order.status))
    found = {status.value: (count, cents) for status, count, cents in rows}
    return {status.value: found.get(status.value, (0, 0)) for status in OrderStatus}


def voucher_use(edition: Edition) -> list[dict]:
    """Each voucher: uses counted against it (pending and paid orders hold a use), and the
    paid orders and tickets sold with it."""
    paid = case((Order.status == OrderStatus.PAID, 1))
    orders = (select(Order.voucher_id, func.count(paid).label("paid_orders"))
              .where(Order.edition_id == edition.id, Order.voucher_id.is_not(None))
              .group_by(Order.voucher_id).subquery())
    tickets = (tickets_of(edition).add_columns(Order.voucher_id,
                                               func.count(Ticket.id).label("tickets"))
               .where(sold(), Order.voucher_id.is_not(None)).group_by(Order.voucher_id)
               .subquery())
    rows = db.session.execute(
        select(Voucher.id, Voucher.code, TicketType.name, Voucher.used_count, Voucher.max_uses,
               Voucher.price_override_cents, func.coalesce(orders.c.paid_orders, 0),
               func.coalesce(tickets.c.tickets, 0))
        .join(TicketType, TicketType.id == Voucher.ticket_type_id)
        .outerjoin(orders, orders.c.voucher_id == Voucher.id)
        .outerjoin(tickets, tickets.c.voucher_id == Voucher.id)
        .where(Voucher.edition_id == edition.id).order_by(Voucher.code))
    return [dict(id=r[0], code=r[1], ticket_type=r[2], used=r[3], max_uses=r[4],
                 price_override_cents=r[5], paid_orders=r[6], tickets_sold=r[7])
            for r in rows]


def channels(edition: Edition) -> list[Channel]:
    """Paid orders by where they were sold (box office or online) and how they were paid."""
    key = (Order.is_box_office, Order.payment_method)
    found: dict[tuple, Channel] = {}
    for box, method, orders, amount in db.session.execute(
            select(*key, func.count(Order.id), func.coalesce(func.sum(Order.total_cents), 0))
            .where(Order.edition_id == edition.id, Order.status == OrderStatus.PAID)
            .group_by(*key)):
        found[(box, method)] = Channel(bool(box), method.value if method else "", orders, 0,
                                       amount)
    for box, method, count in db.session.execute(
            tickets_of(edition).add_columns(*key, func.count(Ticket.id)).where(sold())
            .group_by(*key)):
        if (box, method) in found:
            found[(box, method)].tickets = count
    return sorted(found.values(), key=lambda c: (c.is_box_office, c.method))


def edition_sales(edition: Edition) -> Sales:
    types = type_sales(edition)
    return Sales(types=types, capacity=capacity_per_day(edition), revenue=revenue(edition),
                 per_day=sales_per_day(edition), by_status=orders_by_status(edition),
                 vouchers=voucher_use(edition), channels=channels(edition))


def last_sale_at(edition: Edition) -> datetime | None:
    return db.session.scalar(select(func.max(Order.paid_at)).where(
        Order.edition_id == edition.id, Order.status == OrderStatus.PAID))
