"""Scanning at the doors: check in (exactly once), undo, and offline scans synced later.

Exactly once: admission is the conditional INSERT … ON CONFLICT DO NOTHING of the ticket's
TicketPresence on the list (or, on a list with re-entry, a conditional UPDATE of `inside`),
never a read followed by a write. Two doors scanning the same ticket at the same instant
race on that row: one inserts it (ok), the other's insert does nothing and it records
already_checked_in. A device's retry carries the same client scan id: the unique pair
(device_id, client_scan_id) makes its scan row insert do nothing, and the stored answer is
given again.

The hot path writes the scan row and the presence row, nothing else (the device's
last_seen_at at most once a minute). Services flush and never commit.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, delete, exists, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from festival.checkin import queries
from festival.checkin.models import Device, Direction, Scan, ScanKind, ScanResult, TicketPresence
from festival.checkin.rules import (
    NOT_INSIDE,
    OFFLINE_CONFLICT,
    REFUSED_OFFLINE,
    Door,
    FirstScan,
    ScanAnswer,
    TicketFacts,
    refusal,
    scan_day,
    ticket_id_from_token,
)
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing.tokens import InvalidToken

UNDO_WINDOW = timedelta(minutes=5)
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
# A device's clock is believed within these bounds; outside them the server's time is used.
OLDEST_SCAN = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)

SCANS = Scan.__table__
PRESENCES = TicketPresence.__table__
DEVICES = Device.__table__


@dataclass(frozen=True)
class OfflineScan:
    """One scan a device made offline, as it arrives in a sync batch."""

    client_scan_id: str
    token: str | None
    ticket_id: int | None
    direction: Direction
    scanned_at: datetime
    local_result: str | None  # what the device showed


def _insert(table):
    """INSERT with ON CONFLICT support, in the dialect of the session's database."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _run(statement, params: dict | None = None):
    """Execute on the session's connection (same transaction, without the ORM's work)."""
    return db.session.connection().execute(statement, params)


@lru_cache(maxsize=8)
def _statements(dialect: str) -> dict:
    """The hot path's statements, built once per database dialect (building a statement
    costs more than running it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    here = ((PRESENCES.c.ticket_id == bindparam("p_ticket"))
            & (PRESENCES.c.list_id == bindparam("p_list")))
    now = bindparam("p_now", type_=PRESENCES.c.updated_at.type)
    return {
        "scan": insert(SCANS).returning(SCANS.c.id),
        "scan_once": insert(SCANS).on_conflict_do_nothing(
            index_elements=[SCANS.c.device_id, SCANS.c.client_scan_id]).returning(SCANS.c.id),
        "admit": insert(PRESENCES).on_conflict_do_nothing().returning(PRESENCES.c.ticket_id),
        "leave": update(PRESENCES).where(here, PRESENCES.c.inside)
        .values(inside=False, updated_at=now),
        "back_in": update(PRESENCES).where(here, ~PRESENCES.c.inside)
        .values(inside=True, updated_at=now),
        "first_of": select(PRESENCES.c.first_scan_id).where(here),
        "set_result": update(SCANS).where(SCANS.c.id == bindparam("p_scan"))
        .values(result=bindparam("p_result", type_=SCANS.c.result.type),
                reason=bindparam("p_reason", type_=SCANS.c.reason.type),
                first_scan_id=bindparam("p_first", type_=SCANS.c.first_scan_id.type)),
    }


def _statement(name: str):
    return _statements(db.session.get_bind().dialect.name)[name]


SCAN_COLUMNS = ("edition_id", "list_id", "ticket_id", "device_id", "user_id", "gate",
                "direction", "kind", "result", "reason", "client_scan_id", "scanned_at",
                "received_at", "is_offline", "is_undone")


@lru_cache(maxsize=1)
def _scan_with_facts():
    """PostgreSQL, the path of most scans in one round trip: the ticket's facts, its scan row
    and its admission. Both rows are written before the door's rules are applied (by
    check_in, in Python, on the facts that come back); when the rules refuse the ticket,
    check_in takes the admission back and sets the scan's result in the same transaction,
    so no one ever sees them. No row comes back for an unknown ticket (nothing written),
    and no scan id for a scan this device sent already.

    The presence insert keeps its ON CONFLICT semantics inside the statement: of two doors
    racing, one inserts it and the other's does nothing (it waits for the first to commit)."""
    facts = (select(*queries.FACT_COLUMNS).select_from(queries.FACT_FROM)
             .where(queries.TICKETS.c.id == bindparam("ticket_id", type_=Integer)).cte("facts"))
    scan = (postgresql.insert(SCANS).from_select(
        list(SCAN_COLUMNS),
        select(*(bindparam(name, type_=SCANS.c[name].type) for name in SCAN_COLUMNS))
        .select_from(facts))
            .on_conflict_do_nothing(index_elements=[SCANS.c.device_id, SCANS.c.client_scan_id])
            .returning(SCANS.c.id).cte("scan"))
    admit = (postgresql.insert(PRESENCES).from_select(
        ["ticket_id", "list_id", "first_scan_id", "inside", "updated_at"],
        select(bindparam("ticket_id", type_=Integer), bindparam("list_id", type_=Integer),
               scan.c.id, true(), bindparam("received_at", type_=PRESENCES.c.updated_at.type))
        .select_from(scan))
        .on_conflict_do_nothing().returning(PRESENCES.c.ticket_id).cte("admit"))
    # When the ticket was in already (committed before this statement), its admission
    # comes back in the same round trip.
    here = and_(PRESENCES.c.ticket_id == facts.c.id,
                PRESENCES.c.list_id == bindparam("list_id", type_=Integer))
    first = SCANS.alias("first")
    return (select(*facts.c, scan.c.id.label("scan_id"),
                   exists(select(admit.c.ticket_id)).label("admitted"),
                   first.c.id.label("first_id"), first.c.scanned_at, first.c.gate,
                   first.c.is_offline, DEVICES.c.name.label("device_name"))
            .select_from(facts.outerjoin(scan, true())
                         .outerjoin(PRESENCES, here)
                         .outerjoin(first, first.c.id == PRESENCES.c.first_scan_id)
                         .outerjoin(DEVICES, DEVICES.c.id == first.c.device_id)))


def sane_scanned_at(claimed: datetime | None, now: datetime) -> datetime:
    """The device's time of a scan, unless it is absent or out of all reason."""
    if claimed is None or not now - OLDEST_SCAN <= claimed <= now + CLOCK_SKEW:
        return now
    return claimed


def check_in(door: Door, *, token: str | None = None, ticket_id: int | None = None,
             direction: Direction = Direction.IN, client_scan_id: str | None = None,
             scanned_at: datetime | None = None, is_offline: bool = False,
             local_result: str | None = None, now: datetime | None = None) -> ScanAnswer:
    """Record one scan of a ticket (by its QR `token`, or by `ticket_id` after a search at
    the door) and say whether to let the person in.

    Every scan is a row with its result. A retry (same device, same client_scan_id) gives
    the stored answer and writes nothing. An offline scan that the device accepted
    (`local_result` "ok") but the server refuses is marked OFFLINE_CONFLICT; when two
    offline doors admitted the same ticket, the earlier scan (by scanned_at) is the
    admission and the later one becomes already_checked_in.

    Errors: list_closed (409) when the door's list is not active; exits on a list without
    re-entry (422).
    """
    if not door.is_active:
        raise Conflict("list_closed", _l("This check-in list is closed."))
    if direction is Direction.OUT and not door.allow_reentry:
        raise DomainError("no_exits", _l("This list does not record exits: re-entry is off."),
                          fields={"direction": [_l("Only entries are scanned here.")]},
                          status=422)
    now = now or utcnow()
    scanned_at = sane_scanned_at(scanned_at, now)
    bad_token = ""
    if token is not None:
        try:
            ticket_id = ticket_id_from_token(door, token)
        except InvalidToken as error:
            ticket_id, bad_token = None, error.reason
    refused_offline = is_offline and local_result not in (None, ScanResult.OK.value)
    written = None
    if ticket_id is not None and direction is Direction.IN and not refused_offline \
            and db.session.get_bind().dialect.name == "postgresql":
        written = _write_scan_with_facts(door, ticket_id, client_scan_id, scanned_at, now,
                                         is_offline)
        if written is None:  # no such ticket (nothing was written): no need to look again
            ticket_id = None
    if written is not None:
        result, reason, ticket, scan_id, admitted, known_first = written
        inserted = (ScanResult.OK, "")
    else:
        result, reason, ticket = _judge(door, bad_token, ticket_id, direction, scanned_at)
        if refused_offline:
            # The door refused the person: that is what happened, whatever the server thinks.
            local = ScanResult(local_result)
            result, reason = local, reason if result is local else REFUSED_OFFLINE
        inserted = (result or ScanResult.OK, reason)
        scan_id = _insert_scan(door, ticket, direction, inserted[0], inserted[1],
                               client_scan_id, scanned_at, now, is_offline)
        admitted = known_first = None
    if scan_id is None:
        return replace(queries.stored_answer(door.device_id, client_scan_id), is_replay=True)
    first_id = None
    if admitted:
        result = ScanResult.OK
    elif known_first is not None and not door.allow_reentry and not is_offline:
        result, first_id = ScanResult.ALREADY_CHECKED_IN, known_first.id
    elif result is None:
        result, reason, first_id = _admit(door, ticket.id, direction, scan_id, scanned_at,
                                          is_offline, now, tried=admitted is not None)
    if is_offline and local_result == ScanResult.OK.value and result is not ScanResult.OK:
        reason = OFFLINE_CONFLICT
    if (result, reason) != inserted or first_id is not None:
        _set_result(scan_id, result, reason, first_id)
    if first_id is not None and (known_first is None or known_first.id != first_id):
        known_first = queries.first_scan(first_id)
    return ScanAnswer(result=result, reason=reason, scan_id=scan_id,
                      client_scan_id=client_scan_id, scanned_at=scanned_at,
                      direction=direction, ticket=ticket,
                      first_scan=known_first if first_id is not None else None)


def _judge(door: Door, bad_token: str, ticket_id: int | None, direction: Direction,
           scanned_at: datetime) -> tuple[ScanResult | None, str, TicketFacts | None]:
    if bad_token:
        return ScanResult.INVALID, bad_token, None
    ticket = queries.ticket_facts(ticket_id) if ticket_id is not None else None
    if ticket is None:
        return ScanResult.INVALID, "unknown_ticket", None
    result, reason = refusal(door, ticket, direction, scan_day(scanned_at))
    return result, reason, ticket


def _scan_values(door: Door, ticket_id: int | None, direction: Direction, result: ScanResult,
                 reason: str, client_scan_id: str | None, scanned_at: datetime,
                 now: datetime, is_offline: bool) -> dict:
    return {"edition_id": door.edition_id, "list_id": door.list_id, "ticket_id": ticket_id,
            "device_id": door.device_id, "user_id": door.user_id, "gate": door.gate,
            "direction": direction, "kind": ScanKind.SCAN, "result": result, "reason": reason,
            "client_scan_id": client_scan_id, "scanned_at": scanned_at, "received_at": now,
            "is_offline": is_offline, "is_undone": False}


def _insert_scan(door: Door, ticket: TicketFacts | None, direction: Direction,
                 result: ScanResult, reason: str, client_scan_id: str | None,
                 scanned_at: datetime, now: datetime, is_offline: bool) -> int | None:
    """The scan's row; its id is None when this device already sent this client scan id."""
    values = _scan_values(door, ticket.id if ticket else None, direction, result, reason,
                          client_scan_id, scanned_at, now, is_offline)
    once = door.device_id is not None and client_scan_id is not None
    return _run(_statement("scan_once" if once else "scan"), values).scalar()


def _write_scan_with_facts(door: Door, ticket_id: int, client_scan_id: str | None,
                           scanned_at: datetime, now: datetime, is_offline: bool):
    """An entry scan of a known ticket, written at once (see _scan_with_facts), then judged
    by the door's rules. Returns None for an unknown ticket (nothing was written), else
    (result or None when only the presence decides, reason, the ticket's facts, the scan's
    id or None for a scan sent already, whether this scan admitted the ticket, the
    ticket's earlier admission if there was one)."""
    row = _run(_scan_with_facts(), _scan_values(
        door, ticket_id, Direction.IN, ScanResult.OK, "", client_scan_id, scanned_at, now,
        is_offline)).first()
    if row is None:
        return None
    ticket = queries.facts_of(row)
    result, reason = refusal(door, ticket, Direction.IN, scan_day(scanned_at))
    admitted, first = row.admitted, None
    if row.scan_id is not None and result is not None:
        if admitted:  # refused after all: take the admission back (it was never seen)
            _run(delete(PRESENCES).where(PRESENCES.c.ticket_id == ticket_id,
                                         PRESENCES.c.list_id == door.list_id,
                                         PRESENCES.c.first_scan_id == row.scan_id))
        admitted = None
    elif not admitted and row.first_id is not None:
        first = FirstScan(id=row.first_id, scanned_at=row.scanned_at, gate=row.gate,
                          device_name=row.device_name or "", is_offline=row.is_offline)
    return result, reason, ticket, row.scan_id, admitted, first


def _set_result(scan_id: int, result: ScanResult, reason: str, first_id: int | None) -> None:
    _run(_statement("set_result"), {"p_scan": scan_id, "p_result": result, "p_reason": reason,
                                    "p_first": first_id})


def _admit(door: Door, ticket_id: int, direction: Direction, scan_id: int,
           scanned_at: datetime, is_offline: bool, now: datetime, *, tried: bool = False
           ) -> tuple[ScanResult, str, int | None]:
    """Decide ok or already_checked_in by changing the presence row conditionally
    (`tried`: its insert was already tried, with the scan row, and did nothing).
    Returns (result, reason, the admitting scan's id for already_checked_in)."""
    here = {"p_ticket": ticket_id, "p_list": door.list_id}
    if direction is Direction.OUT:
        moved = _run(_statement("leave"), {**here, "p_now": now}).rowcount
        return ScanResult.OK, "" if moved else NOT_INSIDE, None
    if not tried and _run(_statement("admit"), {
            "ticket_id": ticket_id, "list_id": door.list_id, "first_scan_id": scan_id,
            "inside": True, "updated_at": now}).scalar() is not None:
        return ScanResult.OK, "", None
    if door.allow_reentry and _run(_statement("back_in"), {**here, "p_now": now}).rowcount:
        return ScanResult.OK, "", None
    first_id = _run(_statement("first_of"), here).scalar()
    if is_offline and not door.allow_reentry and first_id is not None \
            and _takes_over(door, ticket_id, first_id, scan_id, scanned_at):
        return ScanResult.OK, "", None
    return ScanResult.ALREADY_CHECKED_IN, "", first_id


def _takes_over(door: Door, ticket_id: int, first_id: int, scan_id: int,
                scanned_at: datetime) -> bool:
    """An offline scan earlier than the ticket's admission becomes the admission; the
    later one becomes already_checked_in (a conflict: both doors let the person in)."""
    first_at = db.session.scalar(select(SCANS.c.scanned_at).where(SCANS.c.id == first_id))
    if first_at is None or scanned_at >= first_at:
        return False
    moved = db.session.execute(
        update(PRESENCES).where(PRESENCES.c.ticket_id == ticket_id,
                                PRESENCES.c.list_id == door.list_id,
                                PRESENCES.c.first_scan_id == first_id)
        .values(first_scan_id=scan_id)).rowcount
    if not moved:
        return False
    _set_result(first_id, ScanResult.ALREADY_CHECKED_IN, OFFLINE_CONFLICT, scan_id)
    db.session.execute(update(SCANS).where(SCANS.c.first_scan_id == first_id,
                                           SCANS.c.id != first_id)
                       .values(first_scan_id=scan_id))
    return True


def sync_offline_scans(door: Door, scans: list[OfflineScan], *,
                       now: datetime | None = None) -> list[ScanAnswer]:
    """Record a batch of scans a device made offline, earliest first, each exactly as an
    online scan would be (a scan already received gives its stored answer). The answers
    come back in the order of `scans`."""
    now = now or utcnow()
    answers: dict[int, ScanAnswer] = {}
    for index in sorted(range(len(scans)), key=lambda i: scans[i].scanned_at):
        scan = scans[index]
        answers[index] = check_in(door, token=scan.token, ticket_id=scan.ticket_id,
                                  direction=scan.direction,
                                  client_scan_id=scan.client_scan_id,
                                  scanned_at=scan.scanned_at, is_offline=True,
                                  local_result=scan.local_result, now=now)
    return [answers[i] for i in range(len(scans))]


def undo_last_check_in(door: Door, *, scan_id: int | None = None,
                       now: datetime | None = None) -> tuple[ScanAnswer, int]:
    """Cancel the door's own last admission (a mistaken scan) within UNDO_WINDOW. The
    undo is a row (kind "undo", result "ok"); the original is flagged is_undone, and the
    ticket can be admitted again. Returns the undo's answer and the undone scan's id.

    Errors: nothing_to_undo (404), not_last_check_in (409) when `scan_id` is not the door's
    last admission, undo_too_late (409), already_undone (409)."""
    now = now or utcnow()
    last = queries.last_admission(door)
    if last is None:
        raise NotFound("nothing_to_undo", _l("There is no check-in to undo."))
    if scan_id is not None and scan_id != last.id:
        raise Conflict("not_last_check_in", _l("Only the last check-in can be undone."))
    if now - last.received_at > UNDO_WINDOW:
        raise Conflict("undo_too_late", _l("A check-in can only be undone within "
                                           "%(minutes)s minutes.", minutes=5))
    flagged = db.session.execute(update(SCANS).where(SCANS.c.id == last.id,
                                                     ~SCANS.c.is_undone)
                                 .values(is_undone=True)).rowcount
    if not flagged:
        raise Conflict("already_undone", _l("This check-in has already been undone."))
    here = (PRESENCES.c.ticket_id == last.ticket_id) & (PRESENCES.c.list_id == door.list_id)
    removed = db.session.execute(delete(PRESENCES).where(
        here, PRESENCES.c.first_scan_id == last.id)).rowcount
    if not removed:  # a re-entry: the person is outside again
        db.session.execute(update(PRESENCES).where(here).values(inside=False, updated_at=now))
    undo_id = db.session.execute(_insert(SCANS).values(
        edition_id=door.edition_id, list_id=door.list_id, ticket_id=last.ticket_id,
        device_id=door.device_id, user_id=door.user_id, gate=door.gate,
        direction=Direction.IN, kind=ScanKind.UNDO, result=ScanResult.OK, reason="",
        scanned_at=now, received_at=now, is_offline=False, is_undone=False,
        undoes_scan_id=last.id).returning(SCANS.c.id)).scalar_one()
    answer = ScanAnswer(result=ScanResult.OK, reason="undo", scan_id=undo_id,
                        client_scan_id=None, scanned_at=now, direction=Direction.IN,
                        ticket=queries.ticket_facts(last.ticket_id))
    return answer, last.id


# When this process last wrote each device's last_seen_at.
_touched: dict[int, datetime] = {}


def touch_device(door: Door, *, now: datetime | None = None) -> None:
    """Note that the device was seen, at most once a minute per process (not a write per
    scan)."""
    if door.device_id is None:
        return
    now = now or utcnow()
    last = _touched.get(door.device_id) or door.last_seen_at
    if last is None or now - last > LAST_SEEN_RESOLUTION:
        _touched[door.device_id] = now
        _run(update(Device.__table__).where(Device.__table__.c.id == door.device_id)
             .values(last_seen_at=now))
