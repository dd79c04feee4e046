"""Concurrent payments on PostgreSQL: every paid donation gets its receipt, numbered 1..N in
the year with neither a hole nor a repeat."""
from __future__ import annotations

import threading

from sqlalchemy import select

from festival.accounting import receipts
from festival.accounting.models import DonationReceipt
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import Order, PaymentMethod
from tests.accounting.conftest import PAID_AT, order_with_donation
from tests.ticketing.conftest import make_edition, make_type

ADDRESS = receipts.DonorAddress("3 rue des Lilas", "93100", "Montreuil", "France")


def test_concurrent_payments_number_their_receipts_one_to_n(app, postgres, receipts_on):
    workers = 12  # (within the connection pool: 5 + 10 overflow)
    with app.app_context():
        ticket_type = make_type(make_edition(), "Pass festival", 1500, quota=100)
        ids = []
        for n in range(workers):
            order = order_with_donation(ticket_type, 1000 + n, email=f"p{n}@example.fr")
            receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
            ids.append(order.id)
        db.session.commit()

    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def pay(order_id: int) -> None:
        try:
            with app.app_context():
                try:
                    order = db.session.get(Order, order_id)
                    barrier.wait(timeout=30)
                    orders.mark_paid(order, PaymentMethod.BANK_TRANSFER, now=PAID_AT)
                    db.session.commit()
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=pay, args=(i,), daemon=True) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with app.app_context():
        found = db.session.execute(select(DonationReceipt.sequence, DonationReceipt.number,
                                          DonationReceipt.order_id)).all()
    assert sorted(s for s, _, _ in found) == list(range(1, workers + 1))
    assert sorted(n for _, n, _ in found) == [f"2027-{k:06d}" for k in range(1, workers + 1)]
    assert sorted(o for _, _, o in found) == sorted(ids)  # one receipt per paid donation
