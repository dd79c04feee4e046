"""Reads for the doors: where a scan happens, the facts of a ticket, stored answers, the
search at the door. Core statements on the hot path (one round trip each); nothing here
changes a row."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, cast, func, literal, null, or_, select, union_all

from festival.checkin.models import (
    CheckinList,
    Device,
    Direction,
    Scan,
    ScanKind,
    ScanResult,
    TicketPresence,
    checkin_list_types,
)
from festival.checkin.rules import (
    OFFLINE_CONFLICT,
    VOID_ORDERS,
    Door,
    FirstScan,
    ScanAnswer,
    TicketFacts,
)
from festival.core.errors import NotFound
from festival.core.kept import Kept
from festival.editions.days import cutoff_of
from festival.editions.models import Edition, EditionDay, EditionStatus
from festival.extensions import db
from festival.ticketing.models import (
    Order,
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketStatus,
    TicketType,
)
from festival.ticketing.orders import normalise_code

LISTS = CheckinList.__table__
DEVICES = Device.__table__
SCANS = Scan.__table__
PRESENCES = TicketPresence.__table__
LIST_TYPES = checkin_list_types
EDITIONS = Edition.__table__
DAYS = EditionDay.__table__
TICKETS = Ticket.__table__
ORDERS = Order.__table__
TYPES = TicketType.__table__
SEARCH_LIMIT = 20

_LIST_COLUMNS = (LISTS.c.id.label("list_id"), LISTS.c.name.label("list_name"),
                 LISTS.c.translations.label("list_translations"), LISTS.c.days,
                 LISTS.c.allow_reentry, LISTS.c.admit_unpaid, LISTS.c.is_active,
                 EDITIONS.c.id.label("edition_id"), EDITIONS.c.year,
                 EDITIONS.c.signing_public_key, EDITIONS.c.day_cutoff,
                 (EDITIONS.c.status == EditionStatus.ARCHIVED).label("is_edition_archived"))


_DEVICE_DOOR = (
    select(DEVICES.c.id.label("device_id"), DEVICES.c.name.label("device_name"),
           DEVICES.c.gate, DEVICES.c.last_seen_at, *_LIST_COLUMNS)
    .select_from(DEVICES.join(LISTS, LISTS.c.id == DEVICES.c.list_id)
                 .join(EDITIONS, EDITIONS.c.id == LISTS.c.edition_id))
    .where(DEVICES.c.api_token_id == bindparam("token_id"), DEVICES.c.revoked_at.is_(None)))
# The list's ticket types and the edition's days, in one round trip.
_TYPES_AND_DAYS = union_all(
    select(literal("d").label("kind"), cast(null(), Integer).label("type_id"), DAYS.c.day)
    .where(DAYS.c.edition_id == bindparam("edition_id")),
    select(literal("t"), LIST_TYPES.c.ticket_type_id, null())
    .where(LIST_TYPES.c.list_id == bindparam("list_id")))
# Doors by token, kept a few seconds per process: a door's rules are read once, not at each
# scan. A revoked device is still refused at once (its token is checked again at each scan,
# by the scan's statement or accounts.require_live_token); a change of a list's rules
# reaches the other processes within DOOR_TTL.
DOOR_TTL = 5.0
_doors: Kept[Door | None] = Kept(DOOR_TTL)


def _run(statement, params: dict | None = None):
    return db.session.connection().execute(statement, params)


def door_for_token(api_token_id: int) -> Door | None:
    """The door of the device that this API token belongs to (None: not a live device)."""
    row = _run(_DEVICE_DOOR, {"token_id": api_token_id}).first()
    if row is None:
        return None
    return _door(row, device_id=row.device_id, device_name=row.device_name, gate=row.gate,
                 last_seen_at=row.last_seen_at)


def door_for_principal(principal) -> Door | None:
    """door_for_token for the API token of a request, kept DOOR_TTL seconds."""
    return _doors.get(principal.token_hash, lambda: door_for_token(principal.id))


def forget_doors() -> None:
    """Drop the kept doors (after a list or a device changed, in this process)."""
    _doors.clear()


def door_for_list(list_id: int, *, user_id: int | None = None, gate: str = "") -> Door:
    """A list's door for a scan made without a device (a logged-in volunteer, or an API
    token that is not a device's). Error: list_not_found (404)."""
    row = db.session.execute(
        select(*_LIST_COLUMNS)
        .select_from(LISTS.join(EDITIONS, EDITIONS.c.id == LISTS.c.edition_id))
        .where(LISTS.c.id == list_id)).first()
    if row is None:
        raise NotFound("list_not_found", _l("There is no such check-in list."))
    return _door(row, user_id=user_id, gate=gate or row.list_name)


def _door(row, **who) -> Door:
    parts = _run(_TYPES_AND_DAYS, {"edition_id": row.edition_id, "list_id": row.list_id}).all()
    days = frozenset(_iso(p.day) for p in parts if p.kind == "d")
    type_ids = frozenset(p.type_id for p in parts if p.kind == "t")
    key = row.signing_public_key
    return Door(edition_id=row.edition_id, year=row.year,
                public_key=bytes(key) if key is not None else None, edition_days=days,
                list_id=row.list_id, list_name=row.list_name,
                list_days=frozenset(row.days or []), type_ids=type_ids,
                allow_reentry=row.allow_reentry, admit_unpaid=row.admit_unpaid,
                is_active=row.is_active, is_edition_archived=bool(row.is_edition_archived),
                day_cutoff=cutoff_of(row),
                list_names=tuple(sorted(((row.list_translations or {}).get("name")
                                         or {}).items())), **who)


def _iso(day) -> str:
    return day.isoformat() if isinstance(day, date) else str(day)


def fact_columns(tickets=TICKETS, orders=ORDERS, types=TYPES) -> tuple:
    """A ticket's facts (facts_of reads them), from these tables or aliases of them."""
    return (tickets.c.id, orders.c.edition_id, tickets.c.attendee_name, orders.c.buyer_name,
            tickets.c.ticket_type_id, types.c.name.label("type_name"), types.c.valid_days,
            tickets.c.status, orders.c.status.label("order_status"), orders.c.payment_method,
            orders.c.code)


def fact_from(tickets=TICKETS, orders=ORDERS, types=TYPES):
    return tickets.join(orders, orders.c.id == tickets.c.order_id).join(
        types, types.c.id == tickets.c.ticket_type_id)


FACT_COLUMNS = fact_columns()
FACT_FROM = fact_from()


def facts_of(row) -> TicketFacts:
    """The facts of a row of fact_columns(), read through SQLAlchemy or straight from the
    driver (plain strings for the enums)."""
    method = row.payment_method
    return TicketFacts(id=row.id, edition_id=row.edition_id,
                       attendee=row.attendee_name or row.buyer_name,
                       type_id=row.ticket_type_id, type_name=row.type_name,
                       valid_days=tuple(row.valid_days or ()), status=TicketStatus(row.status),
                       order_status=OrderStatus(row.order_status),
                       payment_method=PaymentMethod(method) if method is not None else None,
                       order_code=row.code)


_TICKET_FACTS = select(*FACT_COLUMNS).select_from(FACT_FROM).where(
    TICKETS.c.id == bindparam("ticket_id"))


def ticket_facts(ticket_id: int) -> TicketFacts | None:
    row = _run(_TICKET_FACTS, {"ticket_id": ticket_id}).first()
    return facts_of(row) if row is not None else None


def first_scan(scan_id: int) -> FirstScan | None:
    row = db.session.execute(
        select(SCANS.c.id, SCANS.c.scanned_at, SCANS.c.gate, SCANS.c.is_offline,
               DEVICES.c.name)
        .select_from(SCANS.outerjoin(DEVICES, DEVICES.c.id == SCANS.c.device_id))
        .where(SCANS.c.id == scan_id)).first()
    if row is None:
        return None
    return FirstScan(id=row.id, scanned_at=row.scanned_at, gate=row.gate,
                     device_name=row.name or "", is_offline=row.is_offline)


def stored_answer(device_id: int, client_scan_id: str) -> ScanAnswer:
    """The answer already given to this device's scan."""
    row = db.session.execute(
        select(SCANS.c.id, SCANS.c.result, SCANS.c.reason, SCANS.c.ticket_id,
               SCANS.c.first_scan_id, SCANS.c.scanned_at, SCANS.c.direction)
        .where(SCANS.c.device_id == device_id, SCANS.c.client_scan_id == client_scan_id)
    ).one()
    return ScanAnswer(result=row.result, reason=row.reason, scan_id=row.id,
                      client_scan_id=client_scan_id, scanned_at=row.scanned_at,
                      direction=row.direction,
                      ticket=ticket_facts(row.ticket_id) if row.ticket_id else None,
                      first_scan=first_scan(row.first_scan_id) if row.first_scan_id else None)


def last_admission(door: Door):
    """The door's (device's or volunteer's) latest admission on its list not undone yet:
    a row with id, ticket_id and received_at, or None."""
    if door.device_id is None and door.user_id is None:
        return None
    who = (SCANS.c.device_id == door.device_id if door.device_id is not None
           else SCANS.c.user_id == door.user_id)
    return db.session.execute(
        select(SCANS.c.id, SCANS.c.ticket_id, SCANS.c.received_at)
        .where(who, SCANS.c.list_id == door.list_id, SCANS.c.kind == ScanKind.SCAN,
               ~SCANS.c.is_undone,
               SCANS.c.direction == Direction.IN, SCANS.c.result == ScanResult.OK)
        .order_by(SCANS.c.id.desc()).limit(1)).first()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_tickets(door: Door, text: str, *, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Tickets this door may admit (rules.told: not revoked, their order not void, of a
    ticket type on the list) whose attendee or buyer name contains `text` (at least 2
    characters), or whose order code or buyer's e-mail address is `text`, whole, with
    whether they are already in on this list. Each hit: {"ticket": TicketFacts,
    "checked_in": bool, "inside": bool}. Whether the door is open is the caller's to check
    (services.search_tickets).

    An e-mail address matches only whole (case aside): a piece of one would let a door
    learn, letter by letter, the addresses it is never shown (the bundle carries none)."""
    text = " ".join((text or "").split())[:100]
    if len(text) < 2:
        return []
    pattern = _like(text.lower())
    matches = [func.lower(TICKETS.c.attendee_name).like(pattern, escape="\\"),
               func.lower(ORDERS.c.buyer_name).like(pattern, escape="\\")]
    if "@" in text:
        matches.append(func.lower(ORDERS.c.email) == text.lower())
    code = normalise_code(text)
    if len(code) >= 4:
        matches.append(ORDERS.c.code == code)
    admissible = [ORDERS.c.edition_id == door.edition_id,
                  TICKETS.c.status != TicketStatus.REVOKED,
                  ORDERS.c.status.not_in(list(VOID_ORDERS))]
    if door.type_ids:
        admissible.append(TICKETS.c.ticket_type_id.in_(sorted(door.type_ids)))
    rows = db.session.execute(
        select(*FACT_COLUMNS, PRESENCES.c.inside, PRESENCES.c.ticket_id.label("present"))
        .select_from(FACT_FROM.outerjoin(PRESENCES, and_(
            PRESENCES.c.ticket_id == TICKETS.c.id, PRESENCES.c.list_id == door.list_id)))
        .where(*admissible, or_(*matches))
        .order_by(func.lower(func.coalesce(func.nullif(TICKETS.c.attendee_name, ""),
                                           ORDERS.c.buyer_name)), TICKETS.c.id)
        .limit(limit)).all()
    return [{"ticket": facts_of(row), "checked_in": row.present is not None,
             "inside": bool(row.inside)} for row in rows]


# Back office --------------------------------------------------------------------------------

def admissions_of(ticket_ids: list[int]) -> list:
    """Where and when each of these tickets was let in, on every list that admitted it:
    rows of ticket_id, list_name, scanned_at, gate and inside (still in, on a list with
    re-entry), earliest first."""
    if not ticket_ids:
        return []
    return db.session.execute(
        select(PRESENCES.c.ticket_id, LISTS.c.name.label("list_name"), SCANS.c.scanned_at,
               SCANS.c.gate, PRESENCES.c.inside)
        .select_from(PRESENCES.join(LISTS, LISTS.c.id == PRESENCES.c.list_id)
                     .join(SCANS, SCANS.c.id == PRESENCES.c.first_scan_id))
        .where(PRESENCES.c.ticket_id.in_(ticket_ids))
        .order_by(SCANS.c.scanned_at, PRESENCES.c.ticket_id)).all()


def lists_of(edition_id: int) -> list[CheckinList]:
    return list(db.session.scalars(select(CheckinList).where(
        CheckinList.edition_id == edition_id).order_by(CheckinList.id)))


def lists_with_gates(edition_id: int) -> list[tuple[CheckinList, list[str]]]:
    """The edition's lists, each with the gates of its devices that are not revoked."""
    gates: dict[int, set[str]] = {}
    for list_id, gate in db.session.execute(
            select(Device.list_id, Device.gate).where(Device.edition_id == edition_id,
                                                      Device.revoked_at.is_(None))):
        gates.setdefault(list_id, set()).add(gate)
    return [(found, sorted(gates.get(found.id, ()))) for found in lists_of(edition_id)]


def self_pairing_lists(edition_id: int) -> list[tuple[CheckinList, list[str]]]:
    """The edition's open lists that volunteers may pair their own phones to, each with
    the gates already in use there (lists_with_gates)."""
    return [(found, gates) for found, gates in lists_with_gates(edition_id)
            if found.is_active and found.allow_self_pairing]


def open_lists() -> list[CheckinList]:
    """The active lists of editions that are not archived, for the door desk."""
    return list(db.session.scalars(
        select(CheckinList).join(Edition, Edition.id == CheckinList.edition_id)
        .where(CheckinList.is_active, Edition.status != EditionStatus.ARCHIVED,
               Edition.status != EditionStatus.DRAFT)
        .order_by(Edition.year.desc(), CheckinList.id)))


def list_counts(edition_id: int) -> dict[int, dict[str, int]]:
    """Per list: tickets admitted (presences) and inside now."""
    rows = db.session.execute(
        select(PRESENCES.c.list_id, func.count(),
               func.count().filter(PRESENCES.c.inside))
        .join(LISTS, LISTS.c.id == PRESENCES.c.list_id)
        .where(LISTS.c.edition_id == edition_id).group_by(PRESENCES.c.list_id))
    return {list_id: {"admitted": admitted, "inside": inside}
            for list_id, admitted, inside in rows}


def devices_of(edition_id: int) -> list[Device]:
    return list(db.session.scalars(select(Device).where(Device.edition_id == edition_id)
                                   .order_by(Device.revoked_at.is_not(None), Device.gate,
                                             Device.id)))


def get_list(edition_id: int, list_id: int) -> CheckinList:
    found = db.session.get(CheckinList, list_id)
    if found is None or found.edition_id != edition_id:
        raise NotFound("list_not_found", _l("There is no such check-in list."))
    return found


def get_device(edition_id: int, device_id: int) -> Device:
    found = db.session.get(Device, device_id)
    if found is None or found.edition_id != edition_id:
        raise NotFound("device_not_found", _l("There is no such device."))
    return found


def conflicts(edition_id: int, *, limit: int = 500) -> list[dict]:
    """Scans a door accepted offline that the server refused (a person let in twice, or
    let in on a ticket that was no longer good), newest first, each with the admission it
    collided with."""
    from sqlalchemy.orm import selectinload

    scans = list(db.session.scalars(
        select(Scan).where(Scan.edition_id == edition_id, Scan.reason == OFFLINE_CONFLICT)
        .options(selectinload(Scan.device), selectinload(Scan.checkin_list),
                 selectinload(Scan.first_scan).selectinload(Scan.device),
                 selectinload(Scan.ticket).selectinload(Ticket.ticket_type),
                 selectinload(Scan.ticket).selectinload(Ticket.order))
        .order_by(Scan.scanned_at.desc(), Scan.id.desc()).limit(limit)))
    return [{"scan": scan, "first": scan.first_scan} for scan in scans]


def conflict_count(edition_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(SCANS).where(
        SCANS.c.edition_id == edition_id, SCANS.c.reason == OFFLINE_CONFLICT)) or 0


def let_into_room(room_id: int, since: datetime, ticket_ids: list[int], *,
                  until: datetime | None = None) -> set[int]:
    """Which of these tickets were let in at a door of the room (a check-in list with its
    room_id) since `since` (and before `until`, if given): an entry scan that was not
    undone."""
    if not ticket_ids:
        return set()
    query = (select(SCANS.c.ticket_id).distinct()
             .select_from(SCANS.join(LISTS, LISTS.c.id == SCANS.c.list_id))
             .where(LISTS.c.room_id == room_id, SCANS.c.ticket_id.in_(ticket_ids),
                    SCANS.c.scanned_at >= since, SCANS.c.kind == ScanKind.SCAN,
                    SCANS.c.direction == Direction.IN, SCANS.c.result == ScanResult.OK,
                    SCANS.c.is_undone.is_(False)))
    if until is not None:
        query = query.where(SCANS.c.scanned_at < until)
    return set(db.session.scalars(query))
