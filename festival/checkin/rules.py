"""The rules of a door, as plain data and pure functions (the scanner's offline code in
static/js/scanner/verdict.js applies the same rules to the offline bundle). The day a scan
belongs to is the edition's festival day (editions.days): a Saturday pass still admits on
Sunday at 04:59 when the edition's days end at 05:00."""
from __future__ import annotations

import base64
import struct
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from festival.checkin.models import Direction, ScanResult
from festival.editions.days import DEFAULT_CUTOFF, day_of
from festival.ticketing.models import OrderStatus, PaymentMethod, TicketStatus
from festival.ticketing.tokens import PAYLOAD, InvalidToken, verify_ticket

# What a scan's reason says when the server refuses a scan that a device accepted offline:
# two doors admitted the same person, or a door admitted someone it should not have.
OFFLINE_CONFLICT = "offline_conflict"
NOT_INSIDE = "not_inside"
# An offline refusal the server would have accepted: the door's verdict is what happened.
REFUSED_OFFLINE = "refused_offline"


@dataclass(frozen=True)
class Door:
    """Where a scan happens: a list's rules, its edition's key, and the device or the
    logged-in volunteer who scans."""

    edition_id: int
    year: int
    public_key: bytes | None
    edition_days: frozenset[str]
    list_id: int
    list_name: str
    list_days: frozenset[str]
    type_ids: frozenset[int]   # empty: every ticket type
    allow_reentry: bool
    admit_unpaid: bool
    is_active: bool
    gate: str
    is_edition_archived: bool = False
    device_id: int | None = None
    device_name: str = ""
    user_id: int | None = None
    last_seen_at: datetime | None = None
    day_cutoff: time = DEFAULT_CUTOFF  # the edition's: its festival days end then
    # The list's name in the other languages ({language: text}; French is list_name).
    list_names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TicketFacts:
    """What the rules need to know about a ticket (one row of a joined query)."""

    id: int
    edition_id: int
    attendee: str
    type_id: int
    type_name: str
    valid_days: tuple[str, ...]
    status: TicketStatus
    order_status: OrderStatus
    payment_method: PaymentMethod | None
    order_code: str


@dataclass(frozen=True)
class FirstScan:
    """Where and when a ticket was admitted (shown with already_checked_in)."""

    id: int
    scanned_at: datetime
    gate: str
    device_name: str
    is_offline: bool


@dataclass(frozen=True)
class ScanAnswer:
    """What a door is told about one scan."""

    result: ScanResult
    reason: str
    scan_id: int | None
    client_scan_id: str | None
    scanned_at: datetime
    direction: Direction
    ticket: TicketFacts | None = None
    first_scan: FirstScan | None = None
    is_replay: bool = False  # the stored answer to a scan already received

    def __post_init__(self):
        # Whichever way the answer was made (the Python rules, PostgreSQL's one statement,
        # a stored answer given again), it names no one the door has no business knowing.
        object.__setattr__(self, "ticket", told(self.result, self.ticket))


# Refusals about a ticket whose holder the door has no business knowing: another edition's
# ticket, a forged or unknown one (invalid: the door is told nothing of it); a void ticket
# (revoked, its order cancelled, refunded or expired: no longer expected at the festival)
# or one of a ticket type this list does not admit (told without its holder's name and
# order code; the offline bundle names none of them either). A holder whom the door may
# admit (already in, another day, payment pending) is named, to be recognised.
UNTOLD = frozenset({ScanResult.INVALID})
ANONYMOUS = frozenset({ScanResult.REVOKED, ScanResult.NOT_ON_THIS_LIST})


def told(result: ScanResult, ticket: TicketFacts | None) -> TicketFacts | None:
    """What a door is told of `ticket` in an answer with this `result`."""
    result = ScanResult(result)
    if ticket is None or result in UNTOLD:
        return None
    if result in ANONYMOUS:
        return replace(ticket, attendee="", order_code="")
    return ticket


def ticket_id_from_token(door: Door, token: str) -> int:
    """The ticket id a token names, if its signature holds for the door's edition.
    Raises InvalidToken(reason)."""
    if door.public_key is None:
        raise InvalidToken("no_key")
    try:
        return verify_ticket(door.public_key, token, expected_year=door.year).ticket_id
    except InvalidToken as error:
        if error.reason == "bad_signature" and _claimed_year(token) not in (None, door.year):
            raise InvalidToken("other_edition") from None  # signed with another year's key
        raise


def _claimed_year(token: str) -> int | None:
    """The year a well-formed token claims, unverified (only to explain a refusal)."""
    try:
        return PAYLOAD.unpack(base64.urlsafe_b64decode(token)[:PAYLOAD.size])[1]
    except (ValueError, struct.error):
        return None


def scan_day(door: Door, scanned_at: datetime) -> date:
    """The festival day a scan at this door belongs to (editions.days.day_of)."""
    return day_of(scanned_at, door.day_cutoff)


def refusal(door: Door, ticket: TicketFacts, direction: Direction,
            scanned_at: datetime) -> tuple[ScanResult | None, str]:
    """Why this door refuses this ticket at this instant, as (result, reason), or (None, "")
    when only the ticket's presence remains to be decided (ok or already_checked_in). The
    day is the festival day the instant belongs to (scan_day).

    Order of the checks: the ticket's edition, cancelled or refunded, the list's ticket
    types, the day (exits are not checked for the day nor payment), payment."""
    if ticket.edition_id != door.edition_id:
        return ScanResult.INVALID, "other_edition"
    revoked = _revocation(ticket)
    if revoked:
        return ScanResult.REVOKED, revoked
    if door.type_ids and ticket.type_id not in door.type_ids:
        return ScanResult.NOT_ON_THIS_LIST, "ticket_type"
    if direction is Direction.OUT:
        return None, ""
    iso = scan_day(door, scanned_at).isoformat()
    if door.list_days and iso not in door.list_days:
        return ScanResult.NOT_VALID_TODAY, "list_day"
    if ticket.valid_days and iso not in ticket.valid_days:
        return ScanResult.NOT_VALID_TODAY, "ticket_day"
    if not door.list_days and not ticket.valid_days and iso not in door.edition_days:
        return ScanResult.NOT_VALID_TODAY, "festival_day"
    if ticket.order_status is OrderStatus.PENDING:
        if ticket.payment_method is PaymentMethod.BANK_TRANSFER:
            if not door.admit_unpaid:
                return ScanResult.UNPAID, "pending_bank_transfer"
        else:
            return ScanResult.UNPAID, "pending_payment"
    return None, ""


# The orders whose tickets no door may admit any more (their tickets are void).
VOID_ORDERS = {OrderStatus.CANCELLED: "order_cancelled", OrderStatus.REFUNDED: "order_refunded",
               OrderStatus.EXPIRED: "order_expired"}


def _revocation(ticket: TicketFacts) -> str:
    if ticket.status is TicketStatus.REVOKED:
        return "ticket_revoked"
    return VOID_ORDERS.get(ticket.order_status, "")


# refusal() of an entry scan, written a second time in SQL for the one-statement scan on
# PostgreSQL (checkin.services): each reason with its result, in the order refusal() checks
# them. tests/checkin/test_entry_statement.py checks that both say the same of every case.
ENTRY_REFUSALS: dict[str, ScanResult] = {
    "other_edition": ScanResult.INVALID,
    "ticket_revoked": ScanResult.REVOKED,
    "order_cancelled": ScanResult.REVOKED,
    "order_refunded": ScanResult.REVOKED,
    "order_expired": ScanResult.REVOKED,
    "ticket_type": ScanResult.NOT_ON_THIS_LIST,
    "list_day": ScanResult.NOT_VALID_TODAY,
    "ticket_day": ScanResult.NOT_VALID_TODAY,
    "festival_day": ScanResult.NOT_VALID_TODAY,
    "pending_bank_transfer": ScanResult.UNPAID,
    "pending_payment": ScanResult.UNPAID,
}


def sql_constant(value):
    """A constant of ours (a code, or an enum's value), written into a statement rather than
    sent with it at each execution."""
    from sqlalchemy import String, literal_column
    return literal_column(f"'{getattr(value, 'value', value)}'", String)


def entry_refusal_sql(tickets, orders, types):
    """What refusal() says of an entry scan, as "<result>/<reason>" (NULL: only the
    ticket's presence decides), in a PostgreSQL expression over a ticket's row (`tickets`
    joined with its order and its type). What it needs of the door and the scan's festival
    day are parameters: entry_parameters() gives them, the day computed by scan_day (the
    one definition, editions.days; computing it here too would add a copy of the rule, and
    would take the statement past psycopg's 4 kB). Its constants are written into the
    statement, not sent with each scan."""
    from sqlalchemy import Boolean, Integer, String, any_, bindparam, case, literal_column
    from sqlalchemy.dialects.postgresql import ARRAY, JSONB

    def flag(name: str):
        return bindparam(name, type_=Boolean)

    const = sql_constant

    def refused(reason: str):
        return const(f"{ENTRY_REFUSALS[reason].value}/{reason}")

    days = types.c.valid_days.cast(JSONB)
    has_days = days != literal_column("'[]'", JSONB)
    pending = orders.c.status == const(OrderStatus.PENDING)
    by_transfer = orders.c.payment_method == const(PaymentMethod.BANK_TRANSFER)
    on_list = flag("all_types") | (tickets.c.ticket_type_id
                                   == any_(bindparam("type_ids", type_=ARRAY(Integer))))
    return case(
        (orders.c.edition_id != bindparam("edition_id", type_=Integer),
         refused("other_edition")),
        (tickets.c.status == const(TicketStatus.REVOKED), refused("ticket_revoked")),
        (orders.c.status == const(OrderStatus.CANCELLED), refused("order_cancelled")),
        (orders.c.status == const(OrderStatus.REFUNDED), refused("order_refunded")),
        (orders.c.status == const(OrderStatus.EXPIRED), refused("order_expired")),
        (~on_list, refused("ticket_type")),
        (~flag("list_day_ok"), refused("list_day")),
        (has_days & ~days.has_key(bindparam("today", type_=String)), refused("ticket_day")),
        (~flag("has_list_days") & ~has_days & ~flag("festival_day_ok"),
         refused("festival_day")),
        (pending & by_transfer & ~flag("admit_unpaid"), refused("pending_bank_transfer")),
        (pending & (orders.c.payment_method.is_(None) | ~by_transfer),
         refused("pending_payment")))


def entry_parameters(door: Door, scanned_at: datetime) -> dict:
    """The parameters of entry_refusal_sql() for a scan at this door at this instant."""
    iso = scan_day(door, scanned_at).isoformat()
    return {"edition_id": door.edition_id, "all_types": not door.type_ids,
            "type_ids": sorted(door.type_ids), "today": iso,
            "list_day_ok": not door.list_days or iso in door.list_days,
            "has_list_days": bool(door.list_days), "festival_day_ok": iso in door.edition_days,
            "admit_unpaid": door.admit_unpaid}
