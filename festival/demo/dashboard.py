"""Demo history for the dashboards: the archived 2026 edition gets six weeks of sales, about
900 people at its doors over its two days (with exits, refusals and no-shows) and people in
its big room's sessions; the coming 2027 edition gets its first weeks of sales.

Idempotent: the demo's orders are recognised by their buyers' e-mail domain, and an edition
that has them is left alone. Rows are written in bulk (dashboard_rows, dashboard_scans), with the
counters the services keep (quota seats, voucher uses), so a run takes seconds.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.checkin.models import CheckinList, Device
from festival.core.access import Role
from festival.core.timeutil import paris_to_utc, utcnow
from festival.demo.dashboard_rows import (
    DEMO_DOMAIN,
    PlannedOrder,
    PlannedTicket,
    insert_orders,
    person,
)
from festival.demo.dashboard_scans import Doors, TicketInfo, plan_scans
from festival.editions.models import Edition, ProgrammeSession, Room, SessionStatus
from festival.editions.services.editions import edition_by_year
from festival.extensions import db
from festival.ticketing import catalog
from festival.ticketing.models import Order, OrderStatus, TicketType, Voucher

PAST, COMING = 2026, 2027
DOOR_LIST, BIG_ROOM = "Entrée principale", "Grande salle"
DEVICES = [("Téléphone porte A-1", "Porte A", 0.38), ("Téléphone porte A-2", "Porte A", 0.37),
           ("Téléphone porte B", "Porte B", 0.25)]
BOX_OFFICE_DEVICE = ("Tablette billetterie", "Billetterie")
ROOM_DEVICE = ("Téléphone Grande salle", BIG_ROOM)
SOLIDARITY_CODE = "SOLIDAIRE26"


def _types_2026(saturday: str, sunday: str) -> list[dict]:
    return [
        dict(name="Pass deux jours", price_cents=1800, quota=520, position=1),
        dict(name="Journée du samedi", price_cents=1200, quota=300, position=2,
             valid_days=[saturday]),
        dict(name="Journée du dimanche", price_cents=1200, quota=260, position=3,
             valid_days=[sunday]),
        dict(name="Tarif solidaire", price_cents=900, quota=100, position=4, is_hidden=True),
        dict(name="Entrée enfant (moins de 12 ans)", price_cents=0, quota=160, position=5,
             requires_attendee_name=False),
    ]


@dataclass
class Kind:
    type: TicketType
    kind: str                  # pass, day, reduced, support, child
    day: int | None = None     # a day ticket's festival day
    voucher_id: int | None = None


def _kinds(edition: Edition) -> dict[str, list[Kind]]:
    """The edition's ticket types by what they are, read from their rules, not their names."""
    vouchers = {v.ticket_type_id: v.id for v in db.session.scalars(
        select(Voucher).where(Voucher.edition_id == edition.id))}
    found: dict[str, list[Kind]] = {}
    for t in db.session.scalars(select(TicketType).where(TicketType.edition_id == edition.id,
                                                         TicketType.is_active.is_(True))
                                .order_by(TicketType.position)):
        if t.price_cents == 0 and not t.is_pay_what_you_want:
            kind = Kind(t, "child")
        elif t.is_hidden:
            kind = Kind(t, "reduced", voucher_id=vouchers.get(t.id))
        elif t.is_pay_what_you_want:
            kind = Kind(t, "support")
        elif len(t.valid_days or []) == 1:
            kind = Kind(t, "day", edition.dates.index(t.valid_dates[0]))
        else:
            kind = Kind(t, "pass")
        found.setdefault(kind.kind, []).append(kind)
    return found


def _already_there(edition: Edition) -> bool:
    return bool(db.session.scalar(select(func.count(Order.id)).where(
        Order.edition_id == edition.id, Order.email.like(f"%@{DEMO_DOMAIN}"))))


# Orders --------------------------------------------------------------------------------------

def _basket(rng: random.Random, kinds: dict[str, list[Kind]], left: dict[int, int]):
    """A plausible basket (families, couples, one person, a day out), within what is left."""
    def pick(kind: str, day: int | None = None) -> Kind | None:
        options = [k for k in kinds.get(kind, []) if day is None or k.day == day]
        options = [k for k in options if left.get(k.type.id, 0) > 0]
        return rng.choice(options) if options else None

    pattern = rng.choices(["family", "couple", "solo", "day", "reduced", "support"],
                          [18, 17, 22, 30, 7, 6])[0]
    if pattern in ("family", "couple", "solo"):
        adult = pick("pass")
        items = [(adult, {"family": 2, "couple": 2, "solo": 1}[pattern])]
        if pattern == "family":
            items.append((pick("child"), rng.randint(1, 2)))
    elif pattern == "day":
        adult = pick("day", rng.choices([0, 1], [55, 45])[0])
        items = [(adult, rng.choices([1, 2, 3], [45, 45, 10])[0])]
        if rng.random() < 0.25:
            items.append((pick("child"), rng.randint(1, 2)))
    else:
        items = [(pick(pattern), 1)]
    basket = []
    for kind, count in items:
        if kind is None:
            continue
        count = min(count, left[kind.type.id])
        left[kind.type.id] -= count
        basket += [kind] * count
    return basket


def _price(rng: random.Random, kind: Kind) -> int:
    if kind.kind == "support":
        return rng.choice([2500, 3000, 4000, 5000])
    return kind.type.price_cents


def _sales_moment(rng: random.Random, first: date, last: date, ramp: float) -> datetime:
    """A moment of online sales: a wave at the opening, then more and more towards the end."""
    days = (last - first).days + 1
    weights = [1 + ramp * d / days + (3 if d < 3 else 0) + (2 if days - d <= 4 else 0)
               for d in range(days)]
    day = first + timedelta(days=rng.choices(range(days), weights)[0])
    minute = rng.choices([rng.uniform(420, 720), rng.uniform(720, 1080),
                          rng.uniform(1080, 1410)], [25, 35, 40])[0]
    return paris_to_utc(day, time(0)) + timedelta(minutes=minute)


def plan_orders(rng: random.Random, edition: Edition, targets: dict[int, int],
                first: date, last: date, *, box_office_days: list[int],
                extras: dict[str, int], ramp: float, latest: datetime) -> list[PlannedOrder]:
    kinds = _kinds(edition)
    left = dict(targets)
    planned: list[PlannedOrder] = []
    for _ in range(20_000):
        if sum(left.values()) <= 0:
            break
        basket = _basket(rng, kinds, left)
        if not basket:
            continue
        buyer = person(rng)
        tickets = [PlannedTicket(k.type.id, _price(rng, k),
                                 person(rng) if k.type.requires_attendee_name else "")
                   for k in basket]
        day_kind = next((k for k in basket if k.kind == "day"), None)
        at_door = box_office_days and rng.random() < (0.28 if day_kind else 0.04)
        if at_door:
            day = day_kind.day if day_kind else box_office_days[0]
            paid = paris_to_utc(edition.dates[day], time(10)) + timedelta(
                minutes=rng.uniform(0, 600 if day == 0 else 420))
            planned.append(PlannedOrder(OrderStatus.PAID, paid - timedelta(minutes=2), buyer,
                                        tickets, rng.choice(["cash", "card_terminal"]), paid,
                                        box_office=True))
            continue
        created = min(_sales_moment(rng, first, last, ramp), latest)
        method = "free" if not sum(t.price_cents for t in tickets) else rng.choices(
            ["stripe", "bank_transfer"], [93, 7])[0]
        paid = created + (timedelta(days=rng.uniform(1, 3)) if method == "bank_transfer"
                          else timedelta(minutes=rng.uniform(1, 6)))
        planned.append(PlannedOrder(
            OrderStatus.PAID, created, buyer, tickets, method, min(paid, latest),
            donation_cents=rng.choice([500, 1000, 2000]) if rng.random() < 0.15 else 0,
            voucher_id=next((k.voucher_id for k in basket if k.kind == "reduced"), None)))
    passes = kinds.get("pass", []) + kinds.get("day", [])
    for status, count in extras.items():
        for _ in range(count):
            kind = rng.choice(passes)
            tickets = [PlannedTicket(kind.type.id, kind.type.price_cents, person(rng))
                       for _ in range(rng.randint(1, 2))]
            created = min(_sales_moment(rng, first, last, ramp), latest - timedelta(days=2))
            order = PlannedOrder(OrderStatus(status), created, person(rng), tickets)
            if status == "expired":
                order.closed_at = created + timedelta(minutes=30)
            elif status == "cancelled":
                order.method, order.closed_at = "bank_transfer", created + timedelta(days=5)
            elif status in ("refunded", "paid"):   # paid: a partial refund
                order.method, order.paid_at = "stripe", created + timedelta(minutes=3)
                order.closed_at = order.paid_at + timedelta(days=rng.uniform(1, 10))
                refund = tickets if status == "refunded" else tickets[:1]
                if status == "paid" and len(tickets) == 1:
                    tickets.append(PlannedTicket(kind.type.id, kind.type.price_cents,
                                                 person(rng)))
                for ticket in refund:
                    ticket.revoked, ticket.refunded_cents = True, ticket.price_cents
                order.refunded_cents = sum(t.refunded_cents for t in refund)
            if status == "cancelled":
                for ticket in tickets:
                    ticket.revoked = True
            planned.append(order)
    return planned


# The archived edition ------------------------------------------------------------------------

def _catalogue_2026(edition: Edition) -> None:
    if edition.day_capacity is None:
        catalog.set_venue_capacity(edition, 1100)
    saturday, sunday = (d.isoformat() for d in edition.dates[:2])
    names = set(db.session.scalars(select(TicketType.name).where(
        TicketType.edition_id == edition.id)))
    for data in _types_2026(saturday, sunday):
        if data["name"] not in names:
            catalog.create_ticket_type(edition, {"requires_attendee_name": True, **data})
    if db.session.scalar(select(Voucher.id).where(Voucher.edition_id == edition.id)) is None:
        reduced = next(k for k in _kinds(edition)["reduced"])
        catalog.create_voucher(edition, {"code": SOLIDARITY_CODE, "max_uses": 80,
                                         "ticket_type_id": reduced.type.id,
                                         "note": "Étudiants, demandeurs d'emploi, bénévoles"})


def _doors_2026(edition: Edition, volunteer_id: int | None) -> Doors:
    lists = {cl.name: cl for cl in db.session.scalars(
        select(CheckinList).where(CheckinList.edition_id == edition.id))}
    closed = paris_to_utc(edition.last_day + timedelta(days=1), time(12))
    if DOOR_LIST not in lists:
        lists[DOOR_LIST] = CheckinList(edition_id=edition.id, name=DOOR_LIST, days=[],
                                       allow_reentry=True, is_active=False)
    big_room = next((r.id for r in edition.rooms if r.name == BIG_ROOM), None)
    if BIG_ROOM not in lists:   # the room's door: its scans fill the room's sessions
        adults = [k.type for kind, ks in _kinds(edition).items() if kind != "child" for k in ks]
        lists[BIG_ROOM] = CheckinList(edition_id=edition.id, name=BIG_ROOM, days=[],
                                      allow_reentry=True, is_active=False, ticket_types=adults,
                                      room_id=big_room)
    elif lists[BIG_ROOM].room_id is None:   # a demo database made before rooms had lists
        lists[BIG_ROOM].room_id = big_room
    db.session.add_all(lists.values())
    db.session.flush()
    devices = {d.name: d for d in db.session.scalars(
        select(Device).where(Device.edition_id == edition.id))}
    for name, gate, _ in DEVICES + [(*BOX_OFFICE_DEVICE, 0), (*ROOM_DEVICE, 0)]:
        if name not in devices:
            on = lists[BIG_ROOM if gate == BIG_ROOM else DOOR_LIST]
            devices[name] = Device(edition_id=edition.id, list_id=on.id,
                                   name=name, gate=gate, paired_at=closed - timedelta(days=3),
                                   revoked_at=closed)
            db.session.add(devices[name])
    db.session.flush()
    return Doors(edition.id, lists[DOOR_LIST].id, lists[BIG_ROOM].id,
                 [(devices[n].id, g, share) for n, g, share in DEVICES],
                 (devices[BOX_OFFICE_DEVICE[0]].id, BOX_OFFICE_DEVICE[1]),
                 (devices[ROOM_DEVICE[0]].id, ROOM_DEVICE[1]), volunteer_id)


def _past_edition(edition: Edition, volunteer_id: int | None) -> list[str]:
    if _already_there(edition):
        return [f"  {edition.year}: sales and door history already there"]
    rng = random.Random(PAST)
    _catalogue_2026(edition)
    kinds = _kinds(edition)
    targets = {kinds["pass"][0].type.id: 380, kinds["reduced"][0].type.id: 55,
               kinds["child"][0].type.id: 125}
    for k in kinds["day"]:
        targets[k.type.id] = 215 if k.day == 0 else 175
    first = edition.first_day - timedelta(days=42)
    orders = plan_orders(rng, edition, targets, first, edition.first_day - timedelta(days=1),
                         box_office_days=[0, 1], ramp=3.0,
                         extras={"expired": 28, "cancelled": 5, "refunded": 6, "paid": 4},
                         latest=paris_to_utc(edition.last_day, time(20)))
    insert_orders(edition.id, orders, rng)
    info = {}
    for kind, ks in kinds.items():
        for k in ks:
            days = {k.day} if k.kind == "day" else set(range(len(edition.dates)))
            info[k.type.id] = TicketInfo("child" if kind == "child" else
                                         "day" if kind == "day" else "pass", days)
    refused = {"revoked": [tid for o in orders for tid, t in zip(o.ticket_ids, o.tickets)
                           if t.revoked],
               "unpaid": [tid for o in orders if o.status is OrderStatus.EXPIRED
                          for tid in o.ticket_ids],
               "saturday": [tid for o in orders for tid, t in zip(o.ticket_ids, o.tickets)
                            if info[t.type_id].days == {0}],
               "children": [tid for o in orders if o.status is OrderStatus.PAID
                            for tid, t in zip(o.ticket_ids, o.tickets)
                            if info[t.type_id].kind == "child"]}
    sessions = [(start, capacity or 300) for start, capacity in db.session.execute(
        select(ProgrammeSession.starts_at, Room.capacity).join(Room)
        .where(ProgrammeSession.edition_id == edition.id, Room.name == BIG_ROOM,
               ProgrammeSession.status == SessionStatus.PUBLISHED)
        .order_by(ProgrammeSession.starts_at))]
    counts = plan_scans(rng, orders, info, edition.dates, _doors_2026(edition, volunteer_id),
                        sessions, refused)
    sold = sum(1 for o in orders if o.status is OrderStatus.PAID for t in o.tickets
               if not t.revoked)
    return [f"  {edition.year}: {len(orders)} orders, {sold} tickets sold over six weeks, "
            f"{counts['people']} people at the doors ({counts['scans']} scans)"]


# The coming edition --------------------------------------------------------------------------

def _coming_sales(edition: Edition) -> list[str]:
    if _already_there(edition):
        return [f"  {edition.year}: first sales already there"]
    kinds = _kinds(edition)
    if "pass" not in kinds:
        return [f"  {edition.year}: no ticket types, so no sales yet"]
    rng = random.Random(COMING)
    now = utcnow()
    wanted = {"pass": 60, "day": 18, "reduced": 6, "child": 14, "support": 6}
    targets = {k.type.id: n if kind != "day" else n // 2
               for kind, n in wanted.items() for k in kinds.get(kind, [])[:2]}
    last = min(now.date(), edition.first_day - timedelta(days=1))
    orders = plan_orders(rng, edition, targets, last - timedelta(days=35), last,
                         box_office_days=[], extras={"expired": 3}, ramp=1.5,
                         latest=now - timedelta(minutes=5))
    insert_orders(edition.id, orders, rng)
    sold = sum(len(o.tickets) for o in orders if o.status is OrderStatus.PAID)
    return [f"  {edition.year}: {sold} tickets sold so far ({len(orders)} orders)"]


def load_history() -> list[str]:
    """The dashboards' demo history; returns the lines of the demo report."""
    volunteer_id = db.session.scalar(select(User.id).where(User.role == Role.VOLUNTEER)
                                     .order_by(User.id))
    lines = []
    past, coming = edition_by_year(PAST), edition_by_year(COMING)
    if past is not None and len(past.dates) >= 2:
        lines += _past_edition(past, volunteer_id)
    if coming is not None:
        lines += _coming_sales(coming)
    db.session.flush()
    return lines
