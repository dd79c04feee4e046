"""What every dashboard counts the same way: which tickets are sold or reserved, which scans
admit someone, which check-in lists stand for rooms rather than for the venue's doors."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, case, cast, literal, select
from sqlalchemy.sql.expression import ColumnElement

from festival.checkin.models import CheckinList, Direction, Scan, ScanKind, ScanResult
from festival.checkin.rules import OFFLINE_CONFLICT
from festival.dashboard.models import LiveScan
from festival.editions.models import Edition
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus

REFUSALS = [r for r in ScanResult if r is not ScanResult.OK]


def sold() -> ColumnElement[bool]:
    """A ticket sold: its order is paid and it was not revoked (cancelled or refunded)."""
    return and_(Order.status == OrderStatus.PAID, Ticket.status == TicketStatus.VALID)


def reserved() -> ColumnElement[bool]:
    """A ticket reserved: its order waits for payment and holds its seat."""
    return and_(Order.status == OrderStatus.PENDING, Ticket.status == TicketStatus.VALID)


def admission() -> ColumnElement[bool]:
    """A scan that let someone in and was not undone: "checked in" counts distinct tickets
    with one of these."""
    return and_(Scan.kind == ScanKind.SCAN, Scan.direction == Direction.IN,
                Scan.result == ScanResult.OK, Scan.is_undone.is_(False))


def departure() -> ColumnElement[bool]:
    """An exit that took someone out (an exit of a ticket that was not inside changes
    nothing and is marked so)."""
    return and_(Scan.kind == ScanKind.SCAN, Scan.direction == Direction.OUT,
                Scan.result == ScanResult.OK, Scan.is_undone.is_(False),
                Scan.reason != "not_inside")


def refusal() -> ColumnElement[bool]:
    return and_(Scan.kind == ScanKind.SCAN, Scan.result != ScanResult.OK)


def outcome() -> ColumnElement[str]:
    """What a scan did: in, out, none (changed nothing) or its refusal's result."""
    return case((admission(), literal("in")), (departure(), literal("out")),
                (Scan.result == ScanResult.OK, literal("none")),
                else_=cast(Scan.result, String))


def conflict() -> ColumnElement[bool]:
    """A scan an offline scan took over (see dashboard.rollups)."""
    return Scan.reason == OFFLINE_CONFLICT


def changed_after_counting(edition_id: int, settled_until: datetime) -> ColumnElement[bool]:
    """Settled scans that became offline conflicts after they were counted as entries."""
    return and_(Scan.edition_id == edition_id, conflict(), Scan.received_at < settled_until,
                Scan.id.not_in(select(LiveScan.scan_id).where(
                    LiveScan.edition_id == edition_id)))


def room_lists():
    """Check-in lists that keep a room's door (CheckinList.room_id), as (list id, room id)
    rows; the other lists are the venue's doors."""
    return (select(CheckinList.id.label("list_id"), CheckinList.room_id.label("room_id"))
            .where(CheckinList.room_id.is_not(None)))


def at_the_doors(list_id=Scan.list_id) -> ColumnElement[bool]:
    """Scans (or counts) at the venue's doors, not at a room's list."""
    return list_id.not_in(select(room_lists().subquery().c.list_id))


def tickets_of(edition: Edition):
    """tickets JOIN orders, limited to the edition (tickets reach it through their order)."""
    return (select().select_from(Ticket).join(Order, Order.id == Ticket.order_id)
            .where(Order.edition_id == edition.id))
