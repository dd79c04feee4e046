"""Festival days: the one definition of the day an instant belongs to.

A festival day runs from its morning until the edition's cut-off (`Edition.day_cutoff`,
05:00 by default) the next morning, on the wall clock in Paris: a concert at 01:30 belongs
to the evening before, a Saturday pass still admits at 04:59 on Sunday. The door (Python,
its SQL statement, the offline scanner's static/js/scanner/verdict.js), the programme, the
dashboards and the exports all ask here; tests/checkin/festival_day_cases.json holds the
edges every copy of the rule is tested against.

The cut-off is a whole hour: the clocks change in Paris at 02:00 or 03:00 exactly, so the
wall-clock rule (day_of) and the instants a day runs between (day_bounds) always agree, and
an hour bucket of the dashboards belongs wholly to one festival day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, literal_column
from sqlalchemy.sql.expression import ColumnElement

from festival.core.timeutil import paris_to_utc, to_paris

if TYPE_CHECKING:
    from festival.editions.models import Edition

DEFAULT_CUTOFF = time(5, 0)
LATEST_CUTOFF = time(12, 0)


def valid_cutoff(cutoff: time) -> bool:
    """A whole hour, from midnight (the calendar date) to noon."""
    return cutoff <= LATEST_CUTOFF and cutoff.replace(hour=0) == time(0, 0)


def cutoff_of(edition: Edition | None) -> time:
    cutoff = getattr(edition, "day_cutoff", None)
    return cutoff if cutoff is not None else DEFAULT_CUTOFF


def day_of(instant: datetime, cutoff: time = DEFAULT_CUTOFF) -> date:
    """The festival day `instant` belongs to: its date in Paris, or the day before when the
    clock in Paris has not reached the cut-off yet (whether or not the edition has it)."""
    local = to_paris(instant)
    return local.date() - timedelta(days=1) if local.time() < cutoff else local.date()


def festival_day(edition: Edition, instant: datetime) -> date | None:
    """The day of `edition` that `instant` belongs to, None when it is not one of its days."""
    day = day_of(instant, cutoff_of(edition))
    return day if day in edition.dates else None


def today(edition: Edition | None, now: datetime) -> date:
    """The festival day it is (for "today" on the programme), a day of the edition or not."""
    return day_of(now, cutoff_of(edition))


def instant_of(day: date, at: time, cutoff: time = DEFAULT_CUTOFF) -> datetime:
    """The UTC instant of wall-clock time `at` during festival day `day`: before the
    cut-off, that is the next morning (00:30 of Saturday's day is Sunday 00:30)."""
    return paris_to_utc(day + timedelta(days=1) if at < cutoff else day, at)


def day_bounds(day: date, cutoff: time = DEFAULT_CUTOFF) -> tuple[datetime, datetime]:
    """The UTC instants `day` runs between: from its cut-off to the next morning's."""
    return paris_to_utc(day, cutoff), paris_to_utc(day + timedelta(days=1), cutoff)


@dataclass(frozen=True)
class FestivalDay:
    """One day of an edition and the UTC instants it runs between."""

    index: int
    day: date
    starts_at: datetime
    ends_at: datetime

    def holds(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def festival_days(edition: Edition) -> list[FestivalDay]:
    cutoff = cutoff_of(edition)
    return [FestivalDay(i, d, *day_bounds(d, cutoff))
            for i, d in enumerate(sorted(edition.dates))]


# The same rule in SQL ---------------------------------------------------------------------

def day_index_sql(column, days: list[FestivalDay]) -> ColumnElement[int | None]:
    """The index of the festival day `column` (a UTC instant) falls in, NULL outside them
    all; portable (SQLite has no time-zone database: the bounds come from Python). Group
    by its label (GROUP BY "<label>") rather than by the expression, whose bound values
    PostgreSQL would see as different parameters."""
    if not days:
        return literal_column("NULL")
    return case(*[(and_(column >= d.starts_at, column < d.ends_at), d.index) for d in days],
                else_=None)

