"""Time in SQL: buckets of a fixed length, and festival days, on SQLite and PostgreSQL alike.

Instants are stored as UTC without zone (core.types.UTCDateTime). A bucket is the instant
floored to a multiple of `seconds` since the Unix epoch, returned as an integer; the caller
turns the few bucket values into datetimes. Paris is one or two whole hours ahead of UTC, so a
bucket of 5, 15 or 60 minutes in UTC is the same bucket on the wall clock in Paris, and an hour
bucket belongs wholly to one Paris date: grouping by hour in SQL and then adding hours up into
Paris days is exact, and needs no time-zone database in SQLite.

A festival day runs from 05:00 to 05:00 in Paris, so that a concert past midnight belongs to
its evening.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import BigInteger, and_, case, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from festival.core.timeutil import paris_to_utc, to_paris

DAY_STARTS_AT = time(5, 0)
QUARTER = 15 * 60
FIVE_MINUTES = 5 * 60
HOUR = 60 * 60


class epoch_bucket(FunctionElement):
    """`epoch_bucket(column, seconds)`: seconds since the epoch, floored to `seconds`."""

    type = BigInteger()
    name = "epoch_bucket"
    inherit_cache = True


def bucket(column, seconds: int) -> ColumnElement[int]:
    """The bucket of `column`; `seconds` is written into the SQL as a literal so that the
    same expression can appear in SELECT and GROUP BY on PostgreSQL."""
    if int(seconds) <= 0:
        raise ValueError("a bucket lasts at least one second")
    return epoch_bucket(column, literal_column(str(int(seconds))))


def _parts(element, compiler, **kw) -> tuple[str, str]:
    column, seconds = list(element.clauses)
    return compiler.process(column, **kw), compiler.process(seconds, **kw)


@compiles(epoch_bucket, "sqlite")
def _bucket_sqlite(element, compiler, **kw) -> str:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff'; the fraction is cut off first, as SQLite would
    # round 59.9999 seconds up into the next minute (and bucket).
    column, seconds = _parts(element, compiler, **kw)
    return (f"(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) / {seconds} "
            f"* {seconds})")


@compiles(epoch_bucket, "postgresql")
def _bucket_postgresql(element, compiler, **kw) -> str:
    # A timestamp without zone: extract(epoch) reads it as UTC, which is what is stored.
    column, seconds = _parts(element, compiler, **kw)
    return f"(CAST(floor(extract(epoch FROM {column}) / {seconds}) AS BIGINT) * {seconds})"


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc)


@dataclass(frozen=True)
class FestivalDay:
    """One day of an edition and the UTC instants it runs between (05:00 to 05:00 Paris)."""

    index: int
    day: date
    starts_at: datetime
    ends_at: datetime

    def holds(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def festival_days(dates: list[date]) -> list[FestivalDay]:
    return [FestivalDay(i, d, paris_to_utc(d, DAY_STARTS_AT),
                        paris_to_utc(d + timedelta(days=1), DAY_STARTS_AT))
            for i, d in enumerate(sorted(dates))]


def festival_day_of(moment: datetime) -> date:
    """The festival day an instant belongs to (before 05:00, the day before)."""
    local = to_paris(moment)
    return (local - timedelta(hours=DAY_STARTS_AT.hour, minutes=DAY_STARTS_AT.minute)).date()


def day_index(column, days: list[FestivalDay]) -> ColumnElement[int | None]:
    """The index of the festival day `column` falls in, NULL outside them all. Group by its
    label (GROUP BY "<label>") rather than by the expression, whose bound values PostgreSQL
    would see as different parameters."""
    if not days:
        return literal_column("NULL")
    return case(*[(and_(column >= d.starts_at, column < d.ends_at), d.index) for d in days],
                else_=None)
