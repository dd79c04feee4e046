"""Buckets of time computed in SQL, on SQLite and PostgreSQL alike (festival days: tests/editions/test_days.py)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import literal, select

from festival.core.types import UTCDateTime
from festival.dashboard.sqltime import QUARTER, bucket, from_epoch
from festival.extensions import db
from tests.factories import paris

UTC = timezone.utc


def _bucket(moment: datetime, seconds: int) -> datetime:
    value = db.session.scalar(select(bucket(literal(moment, UTCDateTime()), seconds)))
    return from_epoch(value)


@pytest.mark.parametrize("moment, seconds, expected", [
    (datetime(2031, 5, 17, 8, 14, 59, 999999, tzinfo=UTC), QUARTER,
     datetime(2031, 5, 17, 8, 0, tzinfo=UTC)),
    (datetime(2031, 5, 17, 8, 15, tzinfo=UTC), QUARTER, datetime(2031, 5, 17, 8, 15, tzinfo=UTC)),
    (datetime(2031, 5, 17, 8, 4, 30, tzinfo=UTC), 300, datetime(2031, 5, 17, 8, 0, tzinfo=UTC)),
    (datetime(2031, 5, 17, 23, 59, 59, tzinfo=UTC), 3600,
     datetime(2031, 5, 17, 23, 0, tzinfo=UTC)),
    # The night Paris moves its clocks forward (02:00 → 03:00): still whole quarters.
    (datetime(2031, 3, 30, 1, 7, tzinfo=UTC), QUARTER, datetime(2031, 3, 30, 1, 0, tzinfo=UTC)),
])
def test_buckets_in_sql(ctx, moment, seconds, expected):
    assert _bucket(moment, seconds) == expected


def test_a_quarter_in_utc_is_a_quarter_on_the_paris_clock(ctx):
    start = _bucket(paris(date(2031, 5, 17), "10:14"), QUARTER)
    assert start == paris(date(2031, 5, 17), "10:00")


def test_bucket_groups_in_sql(ctx):
    """The same expression in SELECT and GROUP BY (PostgreSQL compares them literally)."""
    from festival.accounts.models import User
    from tests import factories
    for n in range(3):
        factories.gen_user("organiser").created_at = datetime(2031, 5, 17, 8, 5 * n, tzinfo=UTC)
    db.session.flush()
    start = bucket(User.created_at, QUARTER).label("bucket_start")
    rows = db.session.execute(select(start, db.func.count()).group_by("bucket_start")).all()
    assert [(from_epoch(b), n) for b, n in rows] == [(datetime(2031, 5, 17, 8, tzinfo=UTC), 3)]


def test_a_bucket_lasts_at_least_a_second():
    with pytest.raises(ValueError):
        bucket(literal(1), 0)
