"""Concurrent sign-ups on PostgreSQL: the last places never go to more people than a shift
needs, and one person signing up to two overlapping shifts at once gets only one."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.extensions import db
from festival.volunteers import services
from festival.volunteers.models import Shift, ShiftAssignment
from tests.factories import gen_user
from tests.together import race
from tests.volunteers.conftest import SATURDAY_6PM, WEEK_BEFORE, make_setup, make_shift


def _race(app, calls: list[tuple[int, int]]) -> list[str]:
    """Sign-ups at the same moment, each (shift, user) in a request of its own."""
    def sign_up(shift_id: int, user_id: int):
        def act(ready) -> None:
            shift, user = db.session.get(Shift, shift_id), db.session.get(User, user_id)
            ready()
            services.sign_up(shift, user, now=WEEK_BEFORE)
        return act
    return race(app, [sign_up(*call) for call in calls], ready=True)


def _live(shift_id: int | None = None, user_id: int | None = None) -> int:
    query = select(func.count()).select_from(ShiftAssignment).where(
        ShiftAssignment.withdrawn_at.is_(None))
    if shift_id is not None:
        query = query.where(ShiftAssignment.shift_id == shift_id)
    if user_id is not None:
        query = query.where(ShiftAssignment.user_id == user_id)
    return db.session.scalar(query)


def test_many_sign_ups_for_the_last_places_never_exceed_them(app, postgres):
    with app.app_context():
        edition, *_ = make_setup()
        shift = make_shift(edition, people=4)
        services.sign_up(shift, gen_user("volunteer"), now=WEEK_BEFORE)  # one place taken
        users = [gen_user("volunteer").id for _ in range(8)]
        db.session.commit()
        shift_id = shift.id
    outcomes = _race(app, [(shift_id, user_id) for user_id in users])
    assert sorted(outcomes) == ["ok"] * 3 + ["shift_full"] * 5
    with app.app_context():
        assert _live(shift_id) == 4


def test_one_person_on_two_overlapping_shifts_at_once_gets_one(app, postgres):
    with app.app_context():
        edition, *_ = make_setup()
        pairs = []
        for n in range(3):  # three rounds, each with its own person and two shifts
            start = SATURDAY_6PM + timedelta(days=n % 2, hours=n)
            first = make_shift(edition, start=start, people=5)
            second = make_shift(edition, start=start + timedelta(hours=1), people=5)
            pairs.append((first.id, second.id, gen_user("volunteer").id))
        db.session.commit()
    for first, second, user_id in pairs:
        outcomes = _race(app, [(first, user_id), (second, user_id)])
        assert sorted(outcomes) == ["ok", "shift_clash"]
        with app.app_context():
            assert _live(user_id=user_id) == 1
