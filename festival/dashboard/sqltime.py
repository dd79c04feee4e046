"""Time in SQL: buckets of a fixed length, on SQLite and PostgreSQL alike.

Instants are stored as UTC without zone (core.types.UTCDateTime). A bucket is the instant
floored to a multiple of `seconds` since the Unix epoch, returned as an integer; the caller
turns the few bucket values into datetimes. Paris is one or two whole hours ahead of UTC, so a
bucket of 5, 15 or 60 minutes in UTC is the same bucket on the wall clock in Paris, and an hour
bucket belongs wholly to one Paris date: grouping by hour in SQL and then adding hours up into
Paris days is exact, and needs no time-zone database in SQLite.

Festival days, and the SQL that puts an instant in one, are the editions domain's
(editions.days): an edition's day runs until its cut-off hour the next morning.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import BigInteger, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

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
