"""Concurrent buyers against a small quota: exactly the quota is sold (PostgreSQL)."""
import threading

from sqlalchemy import func, select

from festival.core.errors import Conflict
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import Quota, Ticket
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type



def test_concurrent_buyers_never_oversell(app, postgres):
    with app.app_context():
        edition = make_edition(capacity=1000)
        ticket_type = make_type(edition, quota=7, max_per_order=3)
        edition_id, type_id = edition.id, ticket_type.id
        db.session.commit()

    buyers, results = 24, []
    barrier = threading.Barrier(buyers)

    def buy(n: int) -> None:
        # All start together; each then holds a pooled connection only while it buys.
        barrier.wait(timeout=30)
        with app.app_context():
            from festival.editions.models import Edition
            try:
                edition = db.session.get(Edition, edition_id)
                orders.create_order(edition, buyer_name=f"Buyer {n}",
                                    email=f"b{n}@example.fr",
                                    items=[Item(type_id, 1)])
                db.session.commit()
                results.append(("ok", 1))
            except Conflict:
                db.session.rollback()
                results.append(("sold_out", 0))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(n,), daemon=True) for n in range(buyers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == buyers
    sold = sum(n for outcome, n in results if outcome == "ok")
    with app.app_context():
        tickets = db.session.scalar(select(func.count(Ticket.id)))
        used = db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == type_id))
        venue = db.session.scalar(select(Quota.used).where(Quota.ticket_type_id.is_(None)))
    assert tickets == sold == used == venue
    assert sold == 7
    assert any(outcome == "sold_out" for outcome, _ in results)
