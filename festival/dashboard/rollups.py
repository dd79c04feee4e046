"""Counting scans once: the dashboards' figures cost as much as the last minutes of scans.

A scan can still change for a few minutes after it is received (an undo within
checkin.services.UNDO_WINDOW flags it undone); after that it is history. So scans received
more than SETTLE_AFTER ago are *settled*: added once into small tables (dashboard.models) —
entries and exits per five minutes and list, outcomes per gate and device, distinct tickets
checked in per ticket type and day — and the watermark moves on. A figure is then those
tables plus the scans received since the watermark (the *tail*), read at each request.

One thing can still change a settled scan: an offline scan synced later that was made before
a ticket's admission takes the admission over (checkin.services._takes_over), and the old
admission becomes already_checked_in with reason offline_conflict. Such scans are rare: they
are kept out of the counts and always read live (LiveScan), and one that changed after it was
counted is taken out of the counts again (a correction of -1) when found.

The settling is done lazily by the readers (at most every MIN_STEP per edition), as the
ticketing expiry is; the watermark moves by a conditional lock, so that two readers never
count the same scans twice. A change of the edition's days counts everything again.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from festival.checkin.models import Scan
from festival.checkin.services import UNDO_WINDOW
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import transaction
from festival.dashboard.models import (
    BUCKET,
    EPOCH,
    CheckinCount,
    CountedCheckin,
    LiveScan,
    ScanOutcomeCount,
    ScanTimeCount,
    ScanWatermark,
)
from festival.dashboard.queries.common import (
    admission,
    changed_after_counting,
    conflict,
    departure,
    outcome,
)
from festival.dashboard.sqltime import bucket
from festival.editions.days import day_index_sql, festival_days
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import Ticket

SETTLE_AFTER = UNDO_WINDOW + timedelta(minutes=2)  # and any transaction long finished
MIN_STEP = timedelta(seconds=30)
ROLLUPS = (ScanTimeCount, ScanOutcomeCount, CheckinCount, CountedCheckin, LiveScan)


def days_key(edition: Edition) -> str:
    return ",".join(d.isoformat() for d in edition.dates)


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model.__table__)


def _add(model, query, columns: list[str]) -> None:
    """INSERT … SELECT, adding `n` to the rows that exist."""
    table = model.__table__
    statement = _insert(model).from_select(columns, query)
    keys = [c.name for c in table.primary_key.columns]
    db.session.execute(statement.on_conflict_do_update(
        index_elements=keys, set_={"n": table.c.n + statement.excluded.n}))


def _watermark(edition: Edition) -> ScanWatermark | None:
    """The edition's watermark row, locked; None when another reader holds it."""
    locked = select(ScanWatermark).where(ScanWatermark.edition_id == edition.id) \
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)
    row = db.session.scalar(locked)
    if row is None:
        db.session.execute(_insert(ScanWatermark).values(
            edition_id=edition.id, settled_until=EPOCH, refreshed_at=utcnow(),
            days_key=days_key(edition)).on_conflict_do_nothing())
        row = db.session.scalar(locked)
    return row


def reset(edition: Edition) -> None:
    """Forget what was counted: the next reads count every scan again."""
    for model in ROLLUPS:
        db.session.execute(delete(model).where(model.edition_id == edition.id))
    db.session.execute(update(ScanWatermark).where(ScanWatermark.edition_id == edition.id)
                       .values(settled_until=EPOCH))


def settle(edition: Edition, now: datetime | None = None) -> bool:
    """Count the scans received up to SETTLE_AFTER ago. True if it counted (the caller
    commits); False when it was not due, or another reader is doing it."""
    now = now or utcnow()
    until = now - SETTLE_AFTER
    seen = db.session.execute(select(ScanWatermark.settled_until, ScanWatermark.days_key)
                              .where(ScanWatermark.edition_id == edition.id)).first()
    if seen is not None and until - seen[0] < MIN_STEP and seen[1] == days_key(edition):
        return False  # read without a lock: most requests stop here
    mark = _watermark(edition)
    if mark is None:
        return False
    if mark.days_key != days_key(edition):
        reset(edition)
        mark.days_key, mark.settled_until = days_key(edition), EPOCH
    since = mark.settled_until
    if until - since < MIN_STEP:
        return False
    e = edition.id
    window = and_(Scan.edition_id == e, Scan.received_at >= since, Scan.received_at < until)
    five = bucket(Scan.scanned_at, BUCKET)

    # Entries counted before they became conflicts leave the counts, and are read live.
    changed = changed_after_counting(e, since)
    _add(ScanTimeCount, select(literal(e), five, Scan.list_id, literal("in"), -func.count())
         .where(changed).group_by(five, Scan.list_id),
         ["edition_id", "bucket_start", "list_id", "direction", "n"])
    device = func.coalesce(Scan.device_id, 0)
    _add(ScanOutcomeCount, select(literal(e), Scan.list_id, Scan.gate, device, literal("in"),
                                  -func.count())
         .where(changed).group_by(Scan.list_id, Scan.gate, device),
         ["edition_id", "list_id", "gate", "device_key", "outcome", "n"])
    db.session.execute(_insert(LiveScan).from_select(
        ["scan_id", "edition_id"], select(Scan.id, literal(e)).where(
            or_(changed, and_(window, conflict())))).on_conflict_do_nothing())

    counted = and_(window, ~conflict())
    direction = case((admission(), literal("in")), else_=literal("out"))
    _add(ScanTimeCount, select(literal(e), five, Scan.list_id, direction, func.count())
         .where(counted, or_(admission(), departure()))
         .group_by(five, Scan.list_id, direction),
         ["edition_id", "bucket_start", "list_id", "direction", "n"])
    what = outcome()
    _add(ScanOutcomeCount, select(literal(e), Scan.list_id, Scan.gate, device, what,
                                  func.count())
         .where(counted).group_by(Scan.list_id, Scan.gate, device, what),
         ["edition_id", "list_id", "gate", "device_key", "outcome", "n"])
    _count_tickets(e, counted, festival_days(edition))
    mark.settled_until, mark.refreshed_at = until, now
    db.session.flush()
    return True


def _count_tickets(e: int, counted, days) -> None:
    """Tickets admitted in the window that were not counted yet, on any day and per day."""
    admitted = and_(counted, admission(), Scan.ticket_id.is_not(None))
    for day in [None] + ([day_index_sql(Scan.scanned_at, days)] if days else []):
        index = literal(-1) if day is None else day
        new = and_(admitted, index.is_not(None), ~select(CountedCheckin.ticket_id).where(
            CountedCheckin.ticket_id == Scan.ticket_id,
            CountedCheckin.day_index == index).exists())
        label = index.label("day_index")
        _add(CheckinCount, select(literal(e), Ticket.ticket_type_id, label,
                                  func.count(func.distinct(Scan.ticket_id)))
             .join(Ticket, Ticket.id == Scan.ticket_id).where(new)
             .group_by(Ticket.ticket_type_id, "day_index"),
             ["edition_id", "ticket_type_id", "day_index", "n"])
        db.session.execute(_insert(CountedCheckin).from_select(
            ["ticket_id", "day_index", "edition_id"],
            select(Scan.ticket_id, label, literal(e)).where(new).distinct())
            .on_conflict_do_nothing())


def settle_quietly(edition: Edition) -> None:
    """For the read paths: settle if due and commit; a failure only means the tail is
    longer, so it is rolled back and the reads go on."""
    try:
        with transaction():
            settle(edition)
    except SQLAlchemyError:
        pass  # rolled back


def read_consistently() -> None:
    """Start the reads in one snapshot (PostgreSQL: REPEATABLE READ), so that a watermark
    moved by another reader in between cannot count the same scans twice."""
    with transaction():
        pass  # the reads so far end here: the next transaction is the snapshot
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
