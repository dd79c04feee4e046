"""Writing demo history fast: orders with their tickets and history rows, and scans, in bulk
INSERTs, keeping the counters the services keep (quota seats held, voucher uses).

Only for the demo data (festival/demo/dashboard.py): production rows are written by the
services, one decision at a time.
"""
from __future__ import annotations

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update

from festival.extensions import db
from festival.ticketing.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Quota,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
)
from festival.ticketing.orders import CODE_ALPHABET, CODE_LENGTH, HOLD
from festival.ticketing.quotas import edition_days

DEMO_DOMAIN = "demo.almoggar.example"  # the demo's buyers, found again on the next run
FIRST_NAMES = ["Amina", "Youssef", "Fatima", "Mohamed", "Khadija", "Saïd", "Nadia", "Brahim",
               "Leïla", "Hassan", "Sophie", "Julien", "Camille", "Karim", "Samira", "Omar",
               "Yasmine", "Rachid", "Aïcha", "Lucas", "Inès", "Mehdi", "Sara", "Hamid",
               "Malika", "Thomas", "Zineb", "Ayoub", "Hind", "Nicolas", "Ilyas", "Touda"]
LAST_NAMES = ["Amrani", "Benali", "Ouchen", "Aït Saïd", "Boutaleb", "El Idrissi", "Martin",
              "Bernard", "Lahcen", "Oubella", "Dubois", "Hajji", "Tazi", "Moreau", "Akhiat",
              "Bouzid", "Laurent", "Id Ahmed", "Ouali", "Fournier", "Agoumi", "Bakkali"]


@dataclass
class PlannedTicket:
    type_id: int
    price_cents: int
    attendee: str
    revoked: bool = False
    refunded_cents: int = 0


@dataclass
class PlannedOrder:
    status: OrderStatus
    created_at: datetime
    buyer: str
    tickets: list[PlannedTicket]
    method: str | None = None
    paid_at: datetime | None = None
    box_office: bool = False
    donation_cents: int = 0
    voucher_id: int | None = None
    refunded_cents: int = 0
    closed_at: datetime | None = None   # when it expired, was cancelled or refunded
    id: int | None = None
    ticket_ids: list[int] = field(default_factory=list)

    @property
    def tickets_cents(self) -> int:
        return sum(t.price_cents for t in self.tickets)

    @property
    def holds_seats(self) -> bool:
        return self.status in (OrderStatus.PAID, OrderStatus.PENDING)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _email(name: str, n: int) -> str:
    plain = "".join(c for c in name.lower().replace(" ", ".") if c.isascii() and
                    (c.isalnum() or c == "."))
    return f"{plain}.{n}@{DEMO_DOMAIN}"


def _codes(rng: random.Random, count: int) -> list[str]:
    taken = set(db.session.scalars(select(Order.code)))
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _events(order: PlannedOrder) -> list[dict]:
    events = [dict(order_id=order.id, kind="created", from_status=None, to_status=None,
                   note="", data={"tickets": len(order.tickets),
                                  "total_cents": order.tickets_cents},
                   created_at=order.created_at)]
    if order.paid_at is not None:
        events.append(dict(order_id=order.id, kind="paid", from_status=OrderStatus.PENDING,
                           to_status=OrderStatus.PAID, note="",
                           data={"method": order.method} if order.method else None,
                           created_at=order.paid_at))
    closing = {OrderStatus.EXPIRED: "expired", OrderStatus.CANCELLED: "cancelled",
               OrderStatus.REFUNDED: "refunded"}
    if order.status in closing:
        events.append(dict(order_id=order.id, kind=closing[order.status],
                           from_status=OrderStatus.PAID if order.paid_at else
                           OrderStatus.PENDING, to_status=order.status, note="",
                           data={"amount_cents": order.refunded_cents}
                           if order.status is OrderStatus.REFUNDED else None,
                           created_at=order.closed_at or order.created_at))
    elif order.refunded_cents:
        events.append(dict(order_id=order.id, kind="partial_refund", from_status=None,
                           to_status=None, note="", data={"amount_cents": order.refunded_cents},
                           created_at=order.closed_at or order.created_at))
    return events


def insert_orders(edition_id: int, planned: list[PlannedOrder], rng: random.Random) -> None:
    """Insert the orders, their tickets and history; take the seats valid tickets of paid
    and pending orders hold, and the voucher uses of those orders."""
    if not planned:
        return
    codes = _codes(rng, len(planned))
    rows = []
    for n, (order, code) in enumerate(zip(planned, codes)):
        total = order.tickets_cents + order.donation_cents
        rows.append(dict(
            edition_id=edition_id, code=code, secret=secrets.token_urlsafe(24),
            buyer_name=order.buyer, email=_email(order.buyer, n), language="fr",
            status=order.status, payment_method=order.method, tickets_cents=order.tickets_cents,
            donation_cents=order.donation_cents, total_cents=total,
            refunded_cents=order.refunded_cents, paid_at=order.paid_at,
            expires_at=order.created_at + HOLD, voucher_id=order.voucher_id,
            is_box_office=order.box_office,
            created_at=order.created_at, updated_at=order.closed_at or order.paid_at
            or order.created_at))
    ids = db.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True),
                             rows).all()
    ticket_rows = []
    for order, order_id in zip(planned, ids):
        order.id = order_id
        for t in order.tickets:
            ticket_rows.append(dict(order_id=order_id, ticket_type_id=t.type_id,
                                    attendee_name=t.attendee, price_cents=t.price_cents,
                                    status=TicketStatus.REVOKED if t.revoked
                                    else TicketStatus.VALID,
                                    refunded_cents=t.refunded_cents,
                                    created_at=order.created_at))
    ticket_ids = iter(db.session.scalars(
        insert(Ticket).returning(Ticket.id, sort_by_parameter_order=True), ticket_rows).all())
    for order in planned:
        order.ticket_ids = [next(ticket_ids) for _ in order.tickets]
    db.session.execute(insert(OrderEvent), [e for o in planned for e in _events(o)])

    held = Counter(t.type_id for o in planned if o.holds_seats for t in o.tickets
                   if not t.revoked)
    for type_id, seats in held.items():
        db.session.execute(update(Quota).where(Quota.edition_id == edition_id,
                                               Quota.ticket_type_id == type_id)
                           .values(used=Quota.used + seats))
    days = edition_days(edition_id)
    per_day: Counter = Counter()
    for ticket_type in db.session.scalars(select(TicketType).where(TicketType.id.in_(held))):
        for day in ticket_type.admission_days(days):
            per_day[day] += held[ticket_type.id]
    for day, seats in per_day.items():
        db.session.execute(update(Quota).where(Quota.edition_id == edition_id, Quota.day == day)
                           .values(used=Quota.used + seats))
    uses = Counter(o.voucher_id for o in planned if o.voucher_id and o.holds_seats)
    for voucher_id, n in uses.items():
        db.session.execute(update(Voucher).where(Voucher.id == voucher_id)
                           .values(used_count=Voucher.used_count + n))
    db.session.flush()
