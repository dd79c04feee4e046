"""Attendance of an edition, live: checked in against sold, inside now, arrivals per quarter
hour and per five minutes, gates and devices, refusals, no-shows.

Every figure is a SQL aggregate over the scans — the settled ones through their counts, the
latest ones directly (queries.counted); Python arranges the few aggregated rows (buckets,
gates, ticket types × days). Definitions (see queries.common):
- checked in: distinct tickets with an admission (an accepted, not undone, entry scan);
- inside now: today's admissions minus today's exits at the venue's doors (lists named after a
  room count for that room, not for the venue); only on a festival day;
- arrivals: admissions at the venue's doors (a re-entry is an arrival again);
- refusals: scans with any other result than ok, by result;
- no-shows: tickets sold for a day (their type is valid on it) less the tickets of that type
  checked in that day (a ticket refunded after it was scanned in still came).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from festival.checkin.models import Device
from festival.core.timeutil import utcnow
from festival.dashboard.queries import counted
from festival.dashboard.queries.sales import TypeSales, type_counts, venue_capacity
from festival.dashboard.sqltime import FIVE_MINUTES, QUARTER, from_epoch
from festival.editions.days import FestivalDay, festival_days
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import TicketType


@dataclass(frozen=True)
class Bucket:
    start: datetime
    count: int


@dataclass
class DayArrivals:
    day: FestivalDay
    buckets: list[Bucket]    # every quarter hour from the first arrival to the last (or now)

    @property
    def total(self) -> int:
        return sum(b.count for b in self.buckets)

    @property
    def busiest(self) -> Bucket | None:
        return max(self.buckets, key=lambda b: (b.count, -b.start.timestamp()), default=None)


@dataclass
class GateRow:
    gate: str
    device_id: int | None
    device: str
    entries: int
    exits: int
    refusals: int


@dataclass
class NoShowCell:
    checked_in: int
    no_shows: int
    is_final: bool          # the day is over


@dataclass
class NoShowRow:
    ticket_type: TypeSales
    days: list[NoShowCell | None]   # None: not valid that day, or the day has not begun


@dataclass
class Attendance:
    edition: Edition
    now: datetime
    days: list[FestivalDay]
    today: FestivalDay | None
    sold: int
    checked_in: int
    checked_in_sold: int             # per type at most what is sold (no-shows are the rest)
    capacity: int | None
    inside: int | None               # None outside the festival's days
    entries_today: int
    exits_today: int
    arrivals: list[Bucket]           # quarter hours with arrivals, in time order
    per_day: list[DayArrivals]
    today_five: list[Bucket]
    busiest: Bucket | None
    gates: list[GateRow]
    refusals: dict[str, int]
    no_shows: list[NoShowRow]
    types: list[TypeSales]
    checked_in_by_type: dict[int, int] = field(default_factory=dict)

    @property
    def has_begun(self) -> bool:
        """No one can be a no-show, nor inside, before the first festival day starts."""
        return bool(self.days) and self.now >= self.days[0].starts_at

    @property
    def is_over(self) -> bool:
        """The last festival day has ended: the figures no longer move."""
        return bool(self.days) and self.now >= self.days[-1].ends_at

    @property
    def no_show_total(self) -> int | None:
        return self.sold - self.checked_in_sold if self.has_begun else None

    @property
    def refusal_total(self) -> int:
        return sum(self.refusals.values())


def _buckets(found: list[tuple[int, int]]) -> list[Bucket]:
    return [Bucket(from_epoch(start), n) for start, n in found]


def _contiguous(buckets: list[Bucket], seconds: int, until: datetime | None = None) -> list[Bucket]:
    """The buckets from the first to the last (or to `until`), empty ones as zeros."""
    if not buckets:
        return []
    counts = {b.start: b.count for b in buckets}
    step = timedelta(seconds=seconds)
    end = buckets[-1].start
    if until is not None:
        end = max(end, from_epoch(int(until.timestamp()) // seconds * seconds))
    out, moment = [], buckets[0].start
    while moment <= end:
        out.append(Bucket(moment, counts.get(moment, 0)))
        moment += step
    return out


def arrivals(edition: Edition, split: counted.Split | None = None) -> list[Bucket]:
    """Admissions at the venue's doors per quarter hour (those with any), in time order."""
    return _buckets(counted.entries_per_bucket(split or counted.split(edition), QUARTER))


def inside_now(edition: Edition, today: FestivalDay | None,
               split: counted.Split | None = None) -> tuple[int, int]:
    """(entries, exits) at the venue's doors since today's festival day began."""
    if today is None:
        return 0, 0
    return counted.entries_and_exits(split or counted.split(edition), today)


def gates(edition: Edition, split: counted.Split) -> list[GateRow]:
    """Entries, exits and refusals per gate and device (scans typed in by hand, with no
    device, form a row of their own)."""
    rows = counted.outcomes_by_device(split)
    names = dict(db.session.execute(select(Device.id, Device.name).where(
        Device.id.in_([device for _, device, *_ in rows if device]))).all())
    return sorted((GateRow(gate, device or None, names.get(device, ""), entries, exits, refused)
                   for gate, device, entries, exits, refused in rows),
                  key=lambda g: (g.gate, g.device))


def no_shows(edition: Edition, types: list[TypeSales], days: list[FestivalDay],
             checked: dict[tuple[int, int], int], now: datetime) -> list[NoShowRow]:
    """Per ticket type and festival day: tickets of the type checked in that day, and the
    tickets sold for it that were not (no-shows). A day that has not begun has no figure."""
    valid = dict(db.session.execute(select(TicketType.id, TicketType.valid_days)
                                    .where(TicketType.edition_id == edition.id)).all())
    table = []
    for entry in types:
        on = set(valid.get(entry.id) or [])
        cells: list[NoShowCell | None] = []
        for day in days:
            if (on and day.day.isoformat() not in on) or now < day.starts_at:
                cells.append(None)
                continue
            n = checked.get((entry.id, day.index), 0)
            cells.append(NoShowCell(n, max(entry.sold - n, 0), now >= day.ends_at))
        table.append(NoShowRow(entry, cells))
    return table


def edition_attendance(edition: Edition, now: datetime | None = None) -> Attendance:
    now = now or utcnow()
    days = festival_days(edition)
    today = next((d for d in days if d.holds(now)), None)
    split = counted.split(edition)
    types = type_counts(edition)
    checked = counted.checked_in_by_type(split, days)
    by_type = {type_id: n for (type_id, day), n in checked.items() if day == -1}
    entries, exits = inside_now(edition, today, split)
    quarter = arrivals(edition, split)
    per_day = []
    for day in days:
        inside_day = [b for b in quarter if day.holds(b.start)]
        per_day.append(DayArrivals(day, _contiguous(inside_day, QUARTER,
                                                    now if day is today else None)))
    today_five = []
    if today is not None:
        today_five = _contiguous(_buckets(counted.entries_per_bucket(
            split, FIVE_MINUTES, since=today.starts_at, until=today.ends_at)), FIVE_MINUTES, now)
    busiest = max(quarter, key=lambda b: (b.count, -b.start.timestamp()), default=None)
    sold_total = sum(t.sold for t in types)
    came = sum(min(by_type.get(t.id, 0), t.sold) for t in types)
    return Attendance(
        edition=edition, now=now, days=days, today=today, sold=sold_total,
        checked_in=sum(by_type.values()), checked_in_sold=came,
        capacity=venue_capacity(edition),
        inside=max(entries - exits, 0) if today is not None else None,
        entries_today=entries, exits_today=exits, arrivals=quarter, per_day=per_day,
        today_five=today_five, busiest=busiest, gates=gates(edition, split),
        refusals=counted.refusals_by_result(split), no_shows=no_shows(edition, types, days,
                                                                      checked, now),
        types=types, checked_in_by_type=by_type)
