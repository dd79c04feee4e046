"""Festival days (editions.days): the one definition of the day an instant belongs to, its
bounds as SQL on SQLite and PostgreSQL alike, and what the programme makes of it. The
door's edges are in tests/checkin/festival_day_cases.json."""
from __future__ import annotations

from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import literal, select

from festival.core.types import UTCDateTime
from festival.editions import queries
from festival.editions.days import (
    day_index_sql,
    day_of,
    festival_day,
    festival_days,
    valid_cutoff,
)
from festival.extensions import db
from tests.factories import gen_edition, gen_room, gen_session, paris

SAT, SUN = date(2031, 5, 17), date(2031, 5, 18)


def test_a_day_runs_until_the_cutoff_the_next_morning():
    assert day_of(paris(SUN, "04:59")) == SAT
    assert day_of(paris(SUN, "05:00")) == SUN
    assert day_of(paris(SUN, "03:30"), time(3, 0)) == SUN
    assert day_of(paris(SUN, "00:00"), time(0, 0)) == SUN
    edition = SimpleNamespace(dates=[SAT, SUN], day_cutoff=time(5, 0))
    assert festival_day(edition, paris(SAT, "04:59")) is None  # Friday night
    assert festival_day(edition, paris(SUN + timedelta(days=1), "04:59")) == SUN


@pytest.mark.parametrize("cutoff, valid", [
    (time(0, 0), True), (time(5, 0), True), (time(12, 0), True), (time(2, 0), True),
    (time(2, 30), False), (time(5, 30), False), (time(13, 0), False)])
def test_a_cutoff_is_a_whole_hour_from_midnight_to_noon(cutoff, valid):
    assert valid_cutoff(cutoff) is valid


def test_festival_days_and_their_sql(ctx):
    edition = SimpleNamespace(dates=[SUN, SAT], day_cutoff=time(5, 0))
    days = festival_days(edition)
    assert [d.day for d in days] == [SAT, SUN]
    assert days[0].starts_at == paris(SAT, "05:00")
    assert days[0].ends_at == days[1].starts_at
    for moment, index in ((paris(SUN, "01:30"), 0), (paris(SUN, "05:00"), 1),
                          (paris(date(2031, 5, 20), "12:00"), None)):
        column = day_index_sql(literal(moment, UTCDateTime()), days)
        assert db.session.scalar(select(column)) == index
        assert (days[index].holds(moment) if index is not None
                else not any(d.holds(moment) for d in days))
    late = festival_days(SimpleNamespace(dates=[SAT], day_cutoff=time(3, 0)))
    assert late[0].ends_at == paris(SUN, "03:00")


def test_after_midnight_the_programme_is_still_the_evening_before(ctx):
    edition = gen_edition(2031, days=[SAT, SUN])
    room = gen_room(edition, opens=None, closes=None)
    evening = gen_session(edition, room, start="22:00", end="23:30", title="Ahwach")
    night = gen_session(edition, room, starts_at=paris(SUN, "01:00"),
                        ends_at=paris(SUN, "02:00"), title="Rrways")
    assert queries.day_of(night) == SAT
    assert queries.sessions_on([evening, night], SAT) == [evening, night]
    board = queries.now_and_next(edition, paris(SAT, "23:45"))
    assert [(r.now, r.next) for r in board] == [(None, night)]
    edition.day_cutoff = time(0, 0)  # the calendar date
    assert queries.day_of(night) == SUN
    assert [(r.now, r.next) for r in queries.now_and_next(edition, paris(SAT, "23:45"))] == [
        (None, None)]
