"""Times are stored in UTC and shown in Europe/Paris."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_paris(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def paris_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a wall-clock time in Paris on a given day."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(timezone.utc)
