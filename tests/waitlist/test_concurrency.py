"""Concurrent releases on PostgreSQL: two sweeps at once never offer one seat twice, and
never give one person two offers."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from festival.extensions import db
from festival.ticketing import orders, quotas
from festival.ticketing.models import Order, Quota
from festival.waitlist import services
from festival.waitlist.models import OfferState, WaitlistEntry, WaitlistOffer
from tests.factories import gen_user
from tests.waitlist.conftest import make_edition, sold_out_type

NOW = datetime(2027, 4, 1, 10, 0, tzinfo=UTC)


def test_concurrent_releases_never_offer_one_seat_twice(app, postgres):
    with app.app_context():
        edition = make_edition()
        ticket_type, held = sold_out_type(edition, quota=3)
        for n in range(8):
            services.join(edition, ticket_type.id, name=f"P{n}", email=f"p{n}@example.fr",
                          quantity=1, language="fr", now=NOW)
        user = gen_user("organiser")
        db.session.commit()
        order_ids, type_id, user_id = [o.id for o in held], ticket_type.id, user.id

    workers = len(order_ids)
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def release_and_sweep(order_id: int) -> None:
        # Each cancels one order (a seat comes back) and sweeps, in one transaction, all
        # at the same moment.
        try:
            with app.app_context():
                from festival.accounts.models import User
                barrier.wait(timeout=30)
                try:
                    orders.cancel_order(db.session.get(Order, order_id),
                                        actor=db.session.get(User, user_id), reason="race",
                                        now=NOW)
                    services.sweep(now=NOW)
                    db.session.commit()
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=release_and_sweep, args=(i,), daemon=True)
               for i in order_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with app.app_context():
        services.sweep(now=NOW)  # whatever a skipped (locked) entry left behind
        db.session.commit()
        offers = db.session.scalars(select(WaitlistOffer).where(
            WaitlistOffer.state == OfferState.OPEN)).all()
        seats = sum(o.quantity for o in offers)
        used = db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == type_id))
        per_entry = db.session.execute(
            select(WaitlistOffer.entry_id, func.count()).group_by(WaitlistOffer.entry_id)).all()
        first_three = db.session.scalars(select(WaitlistEntry.id).order_by(WaitlistEntry.id)
                                         .limit(3)).all()
        assert quotas.drift() == []
    assert seats == 3 == used  # three seats came back: three offered, none twice
    assert all(count == 1 for _, count in per_entry)
    assert sorted(o.entry_id for o in offers) == first_three  # in joining order


def test_concurrent_sweeps_and_a_hand_offer_share_the_freed_seats(app, postgres):
    with app.app_context():
        edition = make_edition()
        ticket_type, held = sold_out_type(edition, quota=2)
        for n in range(6):
            services.join(edition, ticket_type.id, name=f"P{n}", email=f"p{n}@example.fr",
                          quantity=1, language="fr", now=NOW)
        user = gen_user("organiser")
        for order in held:
            orders.cancel_order(order, actor=user, reason="freed", now=NOW)
        db.session.commit()
        type_id, user_id = ticket_type.id, user.id
        first = db.session.scalar(select(WaitlistEntry.id).order_by(WaitlistEntry.id))

    workers = 5
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []

    def work(n: int) -> None:
        with app.app_context():
            from festival.accounts.models import User
            from festival.core.errors import DomainError
            barrier.wait(timeout=30)
            try:
                if n == 0:  # an organiser offers the first person by hand, meanwhile
                    services.offer_by_hand(db.session.get(WaitlistEntry, first),
                                           actor=db.session.get(User, user_id), now=NOW)
                else:
                    services.sweep(now=NOW)
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == workers
    with app.app_context():
        open_offers = db.session.scalars(select(WaitlistOffer).where(
            WaitlistOffer.state == OfferState.OPEN)).all()
        used = db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == type_id))
        assert quotas.drift() == []
    assert sum(o.quantity for o in open_offers) == 2 == used
    assert len({o.entry_id for o in open_offers}) == len(open_offers)
    assert first in {o.entry_id for o in open_offers}
