"""Scanning at the doors: check in (exactly once), undo, and offline scans synced later.

Exactly once: admission is the conditional INSERT … ON CONFLICT DO NOTHING of the ticket's
TicketPresence on the list (or, on a list with re-entry, a conditional UPDATE of `inside`),
never a read followed by a write. Two doors scanning the same ticket at the same instant
race on that row: one inserts it (ok), the other's insert does nothing and it records
already_checked_in. A device's retry carries the same client scan id: the unique pair
(device_id, client_scan_id) makes its scan row insert do nothing, and the stored answer is
given again.

The hot path writes the scan row and the presence row, nothing else (the device's
last_seen_at at most once a minute). Services flush and never commit; the one exception is
an online entry scan on PostgreSQL, one statement that is atomic on its own, which runs in
autocommit mode when the session has no transaction yet (see _entry_statement).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import psycopg
from flask_babel import lazy_gettext as _l
from psycopg.rows import namedtuple_row
from sqlalchemy import (
    Integer,
    Sequence,
    String,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from festival.accounts.models import ApiToken
from festival.accounts.services import require_live_token, token_revoked
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
    entry_parameters,
    entry_refusal_sql,
    refusal,
    sql_constant,
    ticket_id_from_token,
)
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.timeutil import utcnow
from festival.extensions import db, session_in_transaction
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


@lru_cache(maxsize=2)
def _entry_statement(reentry: bool):
    """PostgreSQL, an online entry scan in one statement that is atomic on its own: the
    token's check, the ticket's facts, the door's rules (rules.entry_refusal_sql), the
    admission and the scan row with its final result. The API runs it in autocommit mode,
    so a scan costs one round trip: no BEGIN, no COMMIT.

    - The token a door scans with must still be live (`token_id`, NULL for a door that is
      not an API token's): a revoked device is refused at its next scan, even though the
      access check may have used what it read of the token a few seconds ago.
    - The admission is the presence row's INSERT … ON CONFLICT DO NOTHING (or, on a list
      with re-entry, the conditional UPDATE of `inside`), made only when the rules admit
      the ticket. Of two doors racing, one inserts it and the other's does nothing (it
      waits for the first to commit). The scan row's result is read from what these two
      did, so it is right even then.
    - A scan this device sent already (same client scan id) writes nothing: no scan id
      comes back, and the stored answer is given. The scan's id is drawn first, so that
      the admission can name it.
    - No ticket row comes back for an unknown ticket (nothing is written), and none at
      all for a token that is not live.

    A list with re-entry (`reentry`) has its own statement, that also lets a person back
    in. The other one stays under 4 kB, psycopg's limit for keeping a statement's parsing
    between executions: the short aliases and names are there for that.
    """
    tokens = ApiToken.__table__
    token_id = bindparam("token_id", type_=Integer)
    # The ticket and the list are named apart from the presence's columns: a parameter
    # named as a column of an UPDATE would set it.
    ticket_id = bindparam("p_ticket", type_=Integer)
    list_id = bindparam("p_list", type_=Integer)
    received_at = bindparam("received_at", type_=PRESENCES.c.updated_at.type)

    live = select(or_(token_id.is_(None), exists().where(
        tokens.c.id == token_id, tokens.c.revoked_at.is_(None))).label("ok")).cte("live")
    tables = (queries.TICKETS.alias("t"), queries.ORDERS.alias("o"), queries.TYPES.alias("y"))
    facts = (select(*queries.fact_columns(*tables),
                    entry_refusal_sql(*tables).label("r"))
             .select_from(queries.fact_from(*tables))
             .where(tables[0].c.id == ticket_id, select(live.c.ok).scalar_subquery())
             .cte("f"))
    sent_before = exists().where(SCANS.c.device_id == bindparam("device_id", type_=Integer),
                                 SCANS.c.client_scan_id == bindparam("client_scan_id",
                                                                     type_=String))
    new = (select(Sequence("scans_id_seq").next_value().label("id"), facts.c.r)
           .select_from(facts).where(~sent_before).cte("n"))
    admissible = select(new.c.id).where(new.c.r.is_(None))
    admit = (postgresql.insert(PRESENCES).from_select(
        ["ticket_id", "list_id", "first_scan_id", "inside", "updated_at"],
        select(ticket_id, list_id, new.c.id, true(), received_at)
        .where(new.c.r.is_(None)))
        .on_conflict_do_nothing().returning(PRESENCES.c.ticket_id).cte("admit"))
    admitted = exists(select(admit.c.ticket_id))
    if reentry:
        back = PRESENCES.alias("q")
        back_in = (update(back).where(back.c.ticket_id == ticket_id, back.c.list_id == list_id,
                                      ~back.c.inside, exists(admissible))
                   .values(inside=literal_column("true"), updated_at=received_at)
                   .returning(back.c.ticket_id).cte("back_in"))
        admitted = admitted | exists(select(back_in.c.ticket_id))
    present = PRESENCES.alias("p")
    seen = select(present.c.first_scan_id).where(
        present.c.ticket_id == ticket_id, present.c.list_id == list_id).cte("seen")
    done = select(admitted.label("ok")).cte("done")
    result = case((new.c.r.is_not(None), _part(new.c.r, 1)),
                  (done.c.ok, sql_constant(ScanResult.OK)),
                  else_=sql_constant(ScanResult.ALREADY_CHECKED_IN))
    columns = ("edition_id", "device_id", "user_id", "gate", "client_scan_id", "scanned_at",
               "received_at")
    scan = (postgresql.insert(SCANS).from_select(
        ["id", "list_id", "ticket_id", *columns, "direction", "kind", "is_offline",
         "is_undone", "result", "reason", "first_scan_id"],
        select(new.c.id, list_id, ticket_id,
               *(bindparam(name, type_=SCANS.c[name].type) for name in columns),
               sql_constant(Direction.IN), sql_constant(ScanKind.SCAN), literal_column("false"),
               literal_column("false"),
               result, func.coalesce(_part(new.c.r, 2), sql_constant("")),
               case((new.c.r.is_(None) & ~done.c.ok, seen.c.first_scan_id)))
        .select_from(new.join(done, true()).outerjoin(seen, true())))
            .on_conflict_do_nothing(index_elements=[SCANS.c.device_id, SCANS.c.client_scan_id])
            .returning(SCANS.c.id, SCANS.c.result, SCANS.c.reason, SCANS.c.first_scan_id)
            .cte("s"))
    first, device = SCANS.alias("a"), DEVICES.alias("d")
    return (select(live.c.ok.label("live"), *(c for c in facts.c if c.name != "r"),
                   scan.c.id.label("scan_id"), scan.c.result.label("scan_result"),
                   scan.c.reason.label("scan_reason"), scan.c.first_scan_id,
                   first.c.scanned_at, first.c.gate, first.c.is_offline,
                   device.c.name.label("device_name"))
            .select_from(live.outerjoin(facts, true())
                         .outerjoin(scan, true())
                         .outerjoin(first, first.c.id == scan.c.first_scan_id)
                         .outerjoin(device, device.c.id == first.c.device_id)))


def _part(refusal, index: int):
    """The result (1) or the reason (2) of a "<result>/<reason>" refusal."""
    return func.split_part(refusal, literal_column("'/'"), literal_column(str(index)),
                           type_=String)


def require_open(door: Door) -> None:
    """A door checks tickets in (and gets its offline bundle) only on an active list of an
    edition that is not archived. Errors: list_closed (409), edition_archived (409)."""
    if not door.is_active:
        raise Conflict("list_closed", _l("This check-in list is closed."))
    if door.is_edition_archived:
        raise Conflict("edition_archived", _l("This edition is archived: its doors are "
                                              "closed."))


def search_tickets(door: Door, text: str) -> list[dict]:
    """The tickets this door may admit that `text` finds (queries.search_tickets): a door
    is told only about people it may admit, and only while it is open. Errors: those of
    require_open."""
    require_open(door)
    return queries.search_tickets(door, text)


def sane_scanned_at(claimed: datetime | None, now: datetime) -> datetime:
    """The device's time of a scan, unless it is absent or out of all reason."""
    if claimed is None or not now - OLDEST_SCAN <= claimed <= now + CLOCK_SKEW:
        return now
    return claimed


def check_in(door: Door, *, token: str | None = None, ticket_id: int | None = None,
             direction: Direction = Direction.IN, client_scan_id: str | None = None,
             scanned_at: datetime | None = None, is_offline: bool = False,
             local_result: str | None = None, now: datetime | None = None,
             token_id: int | None = None) -> ScanAnswer:
    """Record one scan of a ticket (by its QR `token`, or by `ticket_id` after a search at
    the door) and say whether to let the person in.

    Every scan is a row with its result. A retry (same device, same client_scan_id) gives
    the stored answer and writes nothing. An offline scan that the device accepted
    (`local_result` "ok") but the server refuses is marked OFFLINE_CONFLICT; when two
    offline doors admitted the same ticket, the earlier scan (by scanned_at) is the
    admission and the later one becomes already_checked_in.

    `token_id`: the API token the door scans with, which must still be live (the access
    check of the scan may have used what it read of the token a few seconds ago).

    Errors: those of require_open; exits on a list without re-entry (422); unauthorized
    (401) when `token_id` was revoked.
    """
    require_open(door)
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
    if ticket_id is not None and direction is Direction.IN and not is_offline \
            and "door" in db.engines:  # PostgreSQL
        answer = _entry_scan(door, ticket_id, client_scan_id, scanned_at, now, token_id)
        if answer is not None:
            return answer
        ticket_id = None  # no such ticket (nothing was written): no need to look again
    elif token_id is not None:
        require_live_token(token_id)
    result, reason, ticket = _judge(door, bad_token, ticket_id, direction, scanned_at)
    refused_offline = is_offline and local_result not in (None, ScanResult.OK.value)
    if refused_offline:
        # The door refused the person: that is what happened, whatever the server thinks.
        local = ScanResult(local_result)
        result, reason = local, reason if result is local else REFUSED_OFFLINE
    inserted = (result or ScanResult.OK, reason)
    scan_id = _insert_scan(door, ticket, direction, inserted[0], inserted[1], client_scan_id,
                           scanned_at, now, is_offline)
    if scan_id is None:
        return replace(queries.stored_answer(door.device_id, client_scan_id), is_replay=True)
    first_id = None
    if result is None:
        result, reason, first_id = _admit(door, ticket.id, direction, scan_id, scanned_at,
                                          is_offline, now)
    if is_offline and local_result == ScanResult.OK.value and result is not ScanResult.OK:
        reason = OFFLINE_CONFLICT
    if (result, reason) != inserted or first_id is not None:
        _set_result(scan_id, result, reason, first_id)
    return ScanAnswer(result=result, reason=reason, scan_id=scan_id,
                      client_scan_id=client_scan_id, scanned_at=scanned_at,
                      direction=direction, ticket=ticket,
                      first_scan=queries.first_scan(first_id) if first_id is not None else None)


def _judge(door: Door, bad_token: str, ticket_id: int | None, direction: Direction,
           scanned_at: datetime) -> tuple[ScanResult | None, str, TicketFacts | None]:
    if bad_token:
        return ScanResult.INVALID, bad_token, None
    ticket = queries.ticket_facts(ticket_id) if ticket_id is not None else None
    if ticket is None:
        return ScanResult.INVALID, "unknown_ticket", None
    result, reason = refusal(door, ticket, direction, scanned_at)
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


def _entry_scan(door: Door, ticket_id: int, client_scan_id: str | None, scanned_at: datetime,
                now: datetime, token_id: int | None) -> ScanAnswer | None:
    """An online entry scan of a ticket, decided and written by one statement (see
    _entry_statement). Returns the answer, or None for an unknown ticket (nothing was
    written). Error: unauthorized (401) when the door's token was revoked."""
    params = {"edition_id": door.edition_id, "p_list": door.list_id, "p_ticket": ticket_id,
              "device_id": door.device_id, "user_id": door.user_id, "gate": door.gate,
              "client_scan_id": client_scan_id, "scanned_at": scanned_at, "received_at": now,
              "token_id": token_id,
              **entry_parameters(door, scanned_at)}
    try:
        row = _alone(_entry_statement(door.allow_reentry), params,
                     resend=door.device_id is not None and client_scan_id is not None)
    except (IntegrityError, psycopg.IntegrityError):  # through SQLAlchemy, or the driver
        # Its admission named a scan id that its scan row could not take: the same scan
        # from this device, sent again while the first was being written, has just been
        # stored (nothing of this statement was).
        return replace(queries.stored_answer(door.device_id, client_scan_id), is_replay=True)
    if not row.live:
        raise token_revoked()
    if row.id is None:
        return None
    if row.scan_id is None:  # this device sent this scan already
        return replace(queries.stored_answer(door.device_id, client_scan_id), is_replay=True)
    result, first = ScanResult(row.scan_result), None
    if result is ScanResult.ALREADY_CHECKED_IN:
        if row.first_scan_id is None:
            # Admitted by a door whose scan committed while this one ran: the statement
            # could not see which scan that was. Name it now.
            first_id = _run(_statement("first_of"), {"p_ticket": ticket_id,
                                                      "p_list": door.list_id}).scalar()
            _set_result(row.scan_id, result, "", first_id)
            first = queries.first_scan(first_id) if first_id is not None else None
        else:
            first = FirstScan(id=row.first_scan_id, scanned_at=row.scanned_at, gate=row.gate,
                              device_name=row.device_name or "", is_offline=row.is_offline)
    return ScanAnswer(result=result, reason=row.scan_reason, scan_id=row.scan_id,
                      client_scan_id=client_scan_id, scanned_at=scanned_at,
                      direction=Direction.IN, ticket=queries.facts_of(row), first_scan=first)


_ENDED = (psycopg.errors.AdminShutdown, psycopg.errors.CrashShutdown)


def _alone(statement, params: dict, *, resend: bool = False):
    """The first row of a statement that is atomic on its own. When the session has no
    transaction yet (a scan at the door), it runs on the door's engine (config._binds):
    autocommit, one round trip, none of the session's work. Otherwise it runs in the
    caller's transaction, under a savepoint.

    `resend`: the statement may be sent again on a new connection when its connection was
    lost (PostgreSQL restarted, say), because a second sending is recognised as such."""
    if session_in_transaction():
        with db.session.begin_nested():  # a refused statement leaves the transaction usable
            return _run(statement, params).first()
    engine = db.engines["door"]
    sql, defaults = _driver_sql(statement, engine.dialect)
    values = {**defaults, **{name: _driver_value(value) for name, value in params.items()}}
    while True:
        pooled = engine.raw_connection()
        try:
            with pooled.driver_connection.cursor(row_factory=namedtuple_row) as cursor:
                row = cursor.execute(sql, values).fetchone()
            break
        except psycopg.OperationalError as error:
            # A lost connection: closed, or its server process ended (a restart, an
            # administrator) while it waited in the pool. Whether the statement was
            # written then, a recognisable second sending finds out.
            lost = pooled.driver_connection.broken or isinstance(error, _ENDED)
            pooled.invalidate()  # the pool opens a new connection in its place
            if lost:
                engine.dispose()  # and most likely the pool's other connections went too
            if not (lost and resend):
                raise
            resend = False  # once
        finally:
            pooled.close()
    if row is not None and row.scanned_at is not None:  # UTCDateTime's reading
        row = row._replace(scanned_at=row.scanned_at.replace(tzinfo=timezone.utc))
    return row


# The scan's statement at the door, compiled once and run on the driver's connection: for a
# statement of this size, SQLAlchemy's work at each execution (its cache key, the
# processing of parameters and of the row) is about a tenth of a scan's Python time.
# Its parameters are plain values but for instants (UTCDateTime's writing, below), and its
# row has the driver's values (queries.facts_of takes both).
_compiled: dict[tuple[int, str], tuple[str, dict]] = {}


def _driver_sql(statement, dialect) -> tuple[str, dict]:
    key = (id(statement), dialect.name)
    if key not in _compiled:
        compiled = statement.compile(dialect=dialect)
        _compiled[key] = (str(compiled), dict(compiled.params))
    return _compiled[key]


def _driver_value(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.value if isinstance(value, enum.Enum) else value


def _set_result(scan_id: int, result: ScanResult, reason: str, first_id: int | None) -> None:
    _run(_statement("set_result"), {"p_scan": scan_id, "p_result": result, "p_reason": reason,
                                    "p_first": first_id})


def _admit(door: Door, ticket_id: int, direction: Direction, scan_id: int,
           scanned_at: datetime, is_offline: bool, now: datetime
           ) -> tuple[ScanResult, str, int | None]:
    """Decide ok or already_checked_in by changing the presence row conditionally.
    Returns (result, reason, the admitting scan's id for already_checked_in)."""
    here = {"p_ticket": ticket_id, "p_list": door.list_id}
    if direction is Direction.OUT:
        moved = _run(_statement("leave"), {**here, "p_now": now}).rowcount
        return ScanResult.OK, "" if moved else NOT_INSIDE, None
    if _run(_statement("admit"), {
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
