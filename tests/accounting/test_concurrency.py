"""Concurrent payments on PostgreSQL: every paid donation gets its receipt, numbered 1..N in
the year with neither a hole nor a repeat."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.accounting import invoices, receipts
from festival.accounting.models import CreditNote, DonationReceipt
from festival.accounts.models import User
from festival.core.errors import DomainError
from festival.extensions import db
from festival.ticketing import orders, refunds
from festival.ticketing.models import Order, PaymentMethod, Refund
from festival.ticketing.queries import valid_tickets
from tests.accounting.conftest import PAID_AT, order_with_donation
from tests.factories import gen_user
from tests.ticketing.conftest import make_edition, make_type
from tests.together import race

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

    def pay(order_id: int):
        def act(ready) -> None:
            order = db.session.get(Order, order_id)
            ready()
            orders.mark_paid(order, PaymentMethod.BANK_TRANSFER, now=PAID_AT)
        return act

    assert race(app, [pay(i) for i in ids], ready=True) == ["ok"] * workers
    with app.app_context():
        found = db.session.execute(select(DonationReceipt.sequence, DonationReceipt.number,
                                          DonationReceipt.order_id)).all()
    assert sorted(s for s, _, _ in found) == list(range(1, workers + 1))
    assert sorted(n for _, n, _ in found) == [f"2027-{k:06d}" for k in range(1, workers + 1)]
    assert sorted(o for _, _, o in found) == sorted(ids)  # one receipt per paid donation


def test_a_reissue_racing_a_full_refund_never_copies_the_cancelled_receipt(app, receipts_on):
    """The register's page read the receipt (still issued) just before a refund of the whole
    order cancelled it and committed: the reissue must see the cancellation, not print a
    valid-looking DUPLICATA of a cancelled receipt. (Plain sessions: SQLite and PostgreSQL.)"""
    with app.app_context():
        ticket_type = make_type(make_edition(), "Pass festival", 1500, quota=10)
        order = order_with_donation(ticket_type, 2000)
        receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
        orders.mark_paid(order, PaymentMethod.BANK_TRANSFER, now=PAID_AT)
        organiser_id = gen_user("organiser").id
        db.session.commit()
        order_id = order.id

    with app.app_context():  # the organiser's reissue request
        receipt = db.session.scalar(select(DonationReceipt))
        assert not receipt.is_cancelled
        with app.app_context():  # the refund, in its own request, commits first
            refunds.refund(db.session.get(Order, order_id), None,
                           actor=db.session.get(User, organiser_id), reason="annulé",
                           confirmed=True)
            db.session.commit()
        with pytest.raises(DomainError) as refused:
            receipts.reissue(receipt)
        assert refused.value.code == "receipt_cancelled"
        db.session.commit()

    with app.app_context():
        receipt = db.session.scalar(select(DonationReceipt))
        assert receipt.is_cancelled and receipt.duplicates == 0


def _at_once(app, count: int, work) -> list[str]:
    """`work(n, ready)` in `count` requests started together; the codes of the refused ones."""
    outcomes = race(app, [lambda ready, n=n: work(n, ready) for n in range(count)], ready=True)
    return [outcome for outcome in outcomes if outcome != "ok"]


def test_one_ticket_refunded_by_two_clicks_at_once_gives_one_credit_note(app, postgres,
                                                                         receipts_on):
    """The back office's refund form lists the order's valid tickets before the refund locks
    the order: each request must decide on the tickets as they are under the lock (the
    tickets it holds re-read), or the same ticket is refunded once per click, each with its
    credit note."""
    with app.app_context():
        ticket_type = make_type(make_edition(), "Pass festival", 1500, quota=10)
        order = order_with_donation(ticket_type, 2550, quantity=3)
        orders.mark_paid(order, PaymentMethod.BANK_TRANSFER, now=PAID_AT)
        invoices.issue_invoice(order, company_name="Atlas Conseil SARL",
                               company_address="8 avenue du Maine, 75015 Paris", now=PAID_AT)
        organiser_id = gen_user("organiser").id
        db.session.commit()
        order_id = order.id

    def refund_first_ticket(_, ready) -> None:
        order = db.session.get(Order, order_id)
        listed = valid_tickets(order)  # the form's choices, still in hand at the refund
        assert len(listed) == 3
        ready()
        refunds.refund(order, None, ticket_ids=[listed[0].id],
                       actor=db.session.get(User, organiser_id), reason="malade",
                       confirmed=True, now=PAID_AT)

    refused = _at_once(app, 4, refund_first_ticket)
    assert refused == ["validation_failed"] * 3
    with app.app_context():
        assert db.session.get(Order, order_id).refunded_cents == 1500
        assert db.session.scalars(select(Refund.amount_cents)).all() == [1500]
        assert db.session.execute(select(CreditNote.number, CreditNote.amount_cents)).all() \
            == [("A2027-000001", 1500)]


def test_refunds_of_invoiced_orders_at_once_number_their_credit_notes_one_to_n(
        app, postgres, receipts_on):
    with app.app_context():
        ticket_type = make_type(make_edition(), "Pass festival", 1500, quota=100)
        ids = []
        for n in range(8):
            order = order_with_donation(ticket_type, 100 + n, email=f"c{n}@example.fr")
            orders.mark_paid(order, PaymentMethod.BANK_TRANSFER, now=PAID_AT)
            invoices.issue_invoice(order, company_name=f"Société {n}",
                                   company_address="1 rue de Paris, 75001 Paris", now=PAID_AT)
            ids.append(order.id)
        organiser_id = gen_user("organiser").id
        db.session.commit()

    def refund(n, ready) -> None:
        order = db.session.get(Order, ids[n])
        ready()
        refunds.refund(order, None, actor=db.session.get(User, organiser_id), reason="annulé",
                       confirmed=True, now=PAID_AT)

    assert _at_once(app, len(ids), refund) == []
    with app.app_context():
        assert sorted(db.session.scalars(select(CreditNote.sequence))) == list(range(1, 9))
