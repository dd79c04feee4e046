"""Scan figures as the counts of settled scans plus the scans received since (dashboard.rollups
explains the split). Each function here returns one aggregate; the counted rows and the tail
are read in one statement, so the figures are those of a single moment.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, literal, or_, select, union_all

from festival.checkin.models import Scan
from festival.dashboard.models import (
    BUCKET,
    EPOCH,
    CheckinCount,
    CountedCheckin,
    ScanOutcomeCount,
    ScanTimeCount,
    ScanWatermark,
)
from festival.dashboard.queries.common import (
    REFUSALS,
    admission,
    at_the_doors,
    changed_after_counting,
    conflict,
    departure,
    outcome,
)
from festival.dashboard.sqltime import bucket
from festival.editions.days import FestivalDay, day_index_sql
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import Ticket


def settled_until(edition: Edition) -> datetime:
    return db.session.scalar(select(ScanWatermark.settled_until).where(
        ScanWatermark.edition_id == edition.id)) or EPOCH


@dataclass(frozen=True)
class Split:
    """Where the counted scans end for this read."""

    edition_id: int
    until: datetime

    @property
    def tail(self):
        return and_(Scan.edition_id == self.edition_id, Scan.received_at >= self.until)


def split(edition: Edition) -> Split:
    return Split(edition.id, settled_until(edition))


def _times(s: Split):
    """(bucket_start, list_id, direction, n): entries and exits per five minutes."""
    five = bucket(Scan.scanned_at, BUCKET)
    return union_all(
        select(ScanTimeCount.bucket_start, ScanTimeCount.list_id, ScanTimeCount.direction,
               ScanTimeCount.n).where(ScanTimeCount.edition_id == s.edition_id),
        select(five, Scan.list_id, case((admission(), literal("in")), else_=literal("out")),
               literal(1)).where(s.tail, or_(admission(), departure())),
        select(five, Scan.list_id, literal("in"), literal(-1)).where(
            changed_after_counting(s.edition_id, s.until)),
    ).subquery()


def entries_per_bucket(s: Split, seconds: int, *, since: datetime | None = None,
                       until: datetime | None = None) -> list[tuple[int, int]]:
    """Entries at the venue's doors per bucket of `seconds` (a multiple of five minutes):
    [(epoch seconds, count)] for the buckets with any, in time order."""
    t = _times(s)
    start = ((t.c.bucket_start // seconds) * seconds).label("bucket_from")
    query = (select(start, func.sum(t.c.n)).where(t.c.direction == "in",
                                                   at_the_doors(t.c.list_id))
             .group_by("bucket_from").having(func.sum(t.c.n) != 0).order_by("bucket_from"))
    if since is not None:
        query = query.where(t.c.bucket_start >= int(since.timestamp()))
    if until is not None:
        query = query.where(t.c.bucket_start < int(until.timestamp()))
    return [(int(b), int(n)) for b, n in db.session.execute(query)]


def entries_and_exits(s: Split, day: FestivalDay) -> tuple[int, int]:
    """Entries and exits at the venue's doors during a festival day."""
    t = _times(s)
    row = db.session.execute(
        select(func.coalesce(func.sum(case((t.c.direction == "in", t.c.n), else_=0)), 0),
               func.coalesce(func.sum(case((t.c.direction == "out", t.c.n), else_=0)), 0))
        .where(at_the_doors(t.c.list_id), t.c.bucket_start >= int(day.starts_at.timestamp()),
               t.c.bucket_start < int(day.ends_at.timestamp()))).one()
    return int(row[0]), int(row[1])


def _outcomes(s: Split):
    """(list_id, gate, device_key, outcome, n) per list, gate and device."""
    device = func.coalesce(Scan.device_id, 0)
    c = ScanOutcomeCount
    return union_all(
        select(c.list_id, c.gate, c.device_key, c.outcome, c.n)
        .where(c.edition_id == s.edition_id),
        select(Scan.list_id, Scan.gate, device, outcome(), literal(1)).where(or_(
            s.tail, and_(Scan.edition_id == s.edition_id, conflict(),
                         Scan.received_at < s.until))),
        select(Scan.list_id, Scan.gate, device, literal("in"), literal(-1)).where(
            changed_after_counting(s.edition_id, s.until)),
    ).subquery()


def outcomes_by_device(s: Split) -> list[tuple[str, int, int, int, int]]:
    """[(gate, device_key, entries, exits, refusals)] with any scan, by gate and device."""
    o = _outcomes(s)
    refused = o.c.outcome.in_([r.value for r in REFUSALS])

    def total(condition):
        return func.sum(case((condition, o.c.n), else_=0))

    rows = db.session.execute(
        select(o.c.gate, o.c.device_key, total(o.c.outcome == "in"),
               total(o.c.outcome == "out"), total(refused))
        .group_by(o.c.gate, o.c.device_key).having(func.sum(o.c.n) != 0)
        .order_by(o.c.gate, o.c.device_key))
    return [(g or "", int(d), int(i), int(x), int(r)) for g, d, i, x, r in rows]


def refusals_by_result(s: Split) -> dict[str, int]:
    o = _outcomes(s)
    found = dict(db.session.execute(
        select(o.c.outcome, func.sum(o.c.n)).where(o.c.outcome.in_([r.value
                                                                   for r in REFUSALS]))
        .group_by(o.c.outcome)).all())
    return {r.value: int(found.get(r.value) or 0) for r in REFUSALS}


def checked_in_by_type(s: Split, days: list[FestivalDay] | None = None
                       ) -> dict[tuple[int, int], int]:
    """Distinct tickets checked in per (ticket type, day index): day -1 is any day; with
    `days`, also each festival day."""
    parts = [select(CheckinCount.ticket_type_id, CheckinCount.day_index, CheckinCount.n)
             .where(CheckinCount.edition_id == s.edition_id)]
    if days is None:
        parts[0] = parts[0].where(CheckinCount.day_index == -1)
    for index in [literal(-1)] + ([day_index_sql(Scan.scanned_at, days)] if days else []):
        parts.append(
            select(Ticket.ticket_type_id, index.label("day_index"),
                   func.count(func.distinct(Scan.ticket_id)))
            .select_from(Scan).join(Ticket, Ticket.id == Scan.ticket_id)
            .where(s.tail, admission(), index.is_not(None),
                   ~select(CountedCheckin.ticket_id).where(
                       CountedCheckin.ticket_id == Scan.ticket_id,
                       CountedCheckin.day_index == index).exists())
            .group_by(Ticket.ticket_type_id, "day_index"))
    u = union_all(*parts).subquery()
    return {(t, d): int(n) for t, d, n in db.session.execute(
        select(u.c.ticket_type_id, u.c.day_index, func.sum(u.c.n))
        .group_by(u.c.ticket_type_id, u.c.day_index))}
