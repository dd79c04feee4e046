"""Concurrent buyers against a small quota: exactly the quota is sold (PostgreSQL)."""
import threading

from sqlalchemy import func, select

from festival.core.errors import Conflict
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import Quota, Ticket
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type
from tests.together import lock_wait


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
                orders.create_order(edition, terms_accepted=True, buyer_name=f"Buyer {n}",
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




def test_the_buyers_page_never_expires_an_order_the_webhook_is_paying(app, postgres, client):
    from datetime import timedelta

    from festival.core.timeutil import utcnow
    from festival.payments.services import handle_event
    from festival.ticketing import quotas
    from festival.ticketing.models import Order, OrderStatus

    with app.app_context():
        edition = make_edition(capacity=10)
        ticket_type = make_type(edition, quota=5)
        order = orders.create_order(edition, terms_accepted=True,
                                    buyer_name="Lina", email="lina@example.fr",
                                    items=[Item(ticket_type.id, 2)],
                                    now=utcnow() - timedelta(minutes=31))  # its hold is over
        code, secret, total = order.code, order.secret, order.total_cents
        db.session.commit()

    paid, outcomes, pages = threading.Event(), [], []
    session = {"id": "cs_race", "object": "checkout.session", "payment_status": "paid",
               "amount_total": total, "currency": "eur", "payment_intent": "pi_race",
               "metadata": {"order_code": code}}

    def webhook() -> None:
        with app.app_context():
            try:
                outcomes.append(handle_event({"id": "evt_race", "type":
                                              "checkout.session.completed",
                                              "data": {"object": session}}, None))
                paid.set()  # the order is paid and locked, not yet committed
                outcomes.append(lock_wait(app))
                db.session.commit()
            finally:
                paid.set()
                db.session.remove()

    def buyer_page() -> None:
        paid.wait(30)
        pages.append(client.get(f"/orders/{code}?secret={secret}").status_code)

    threads = [threading.Thread(target=webhook, daemon=True),
               threading.Thread(target=buyer_page, daemon=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes == ["paid", True]  # the page's expiry did wait for the webhook's lock
    assert pages == [200]
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == code))
        kinds = [e.kind for e in order.events]
        assert order.status is OrderStatus.PAID and "expired" not in kinds, kinds
        assert db.session.scalar(select(func.count(Ticket.id))) == 2
        assert {q.used for q in db.session.scalars(select(Quota))} == {2}
        assert quotas.drift() == []


def test_concurrent_buyers_for_a_voucher_with_one_use_left(app, postgres):
    from sqlalchemy import update

    from festival.core.errors import ValidationError
    from festival.ticketing import catalog
    from festival.ticketing.models import Order, Voucher

    with app.app_context():
        edition = make_edition(capacity=1000)
        reduced = make_type(edition, name="Réduit", is_hidden=True, quota=100)
        voucher = catalog.create_voucher(edition, {"code": "DERNIER", "max_uses": 5,
                                                   "ticket_type_id": reduced.id})
        db.session.execute(update(Voucher).values(used_count=4))  # one use left
        edition_id, type_id, voucher_id = edition.id, reduced.id, voucher.id
        db.session.commit()

    buyers, results = 12, []
    barrier = threading.Barrier(buyers)

    def buy(n: int) -> None:
        barrier.wait(timeout=30)
        with app.app_context():
            from festival.editions.models import Edition
            try:
                orders.create_order(db.session.get(Edition, edition_id), terms_accepted=True,
                                    buyer_name=f"Buyer {n}", email=f"b{n}@example.fr",
                                    items=[Item(type_id, 1)], voucher_code="dernier")
                db.session.commit()
                results.append("ok")
            except ValidationError as error:
                db.session.rollback()
                results.append(sorted(error.fields))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(n,), daemon=True) for n in range(buyers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(map(str, results)) == ["['voucher']"] * (buyers - 1) + ["ok"]
    with app.app_context():
        assert db.session.scalar(select(Voucher.used_count)) == 5
        assert db.session.scalar(select(func.count(Order.id)).where(
            Order.voucher_id == voucher_id)) == 1
        assert {q.used for q in db.session.scalars(select(Quota))} == {1}


def test_concurrent_buyers_never_exceed_any_days_capacity(app, postgres):
    """Saturday, Sunday and two-day passes race for the last seats of both days: whatever
    the order they arrive in, no day holds more than its capacity and every counter is true."""
    from datetime import date

    from festival.ticketing import quotas

    saturday, sunday = date(2027, 5, 15), date(2027, 5, 16)
    with app.app_context():
        edition = make_edition(capacity=12)
        kinds = {"sat": make_type(edition, "Pass samedi", quota=100,
                                  valid_days=[saturday.isoformat()]).id,
                 "sun": make_type(edition, "Pass dimanche", quota=100,
                                  valid_days=[sunday.isoformat()]).id,
                 "both": make_type(edition, "Pass deux jours", quota=100).id}
        edition_id = edition.id
        db.session.commit()

    plan = [("sat", 2), ("sun", 1), ("both", 2), ("both", 1), ("sat", 1), ("sun", 3)] * 5
    results = []
    barrier = threading.Barrier(len(plan))

    def buy(n: int, kind: str, count: int) -> None:
        barrier.wait(timeout=30)
        with app.app_context():
            from festival.editions.models import Edition
            try:
                orders.create_order(db.session.get(Edition, edition_id), terms_accepted=True,
                                    buyer_name=f"Buyer {n}", email=f"b{n}@example.fr",
                                    items=[Item(kinds[kind], count)])
                db.session.commit()
                results.append((kind, count))
            except Conflict:
                db.session.rollback()
                results.append((kind, 0))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=(n, kind, count), daemon=True)
               for n, (kind, count) in enumerate(plan)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == len(plan)
    sold = {kind: sum(n for k, n in results if k == kind) for kind in kinds}
    with app.app_context():
        used = dict(db.session.execute(select(Quota.day, Quota.used)
                                       .where(Quota.day.is_not(None))).all())
        assert quotas.drift() == []
    assert used == {saturday: sold["sat"] + sold["both"], sunday: sold["sun"] + sold["both"]}
    assert used[saturday] <= 12 and used[sunday] <= 12
    assert any(n == 0 for _, n in results)  # 30 seats asked of each day: some were refused
