"""A payment racing an organiser's cancel or the expiry sweep (PostgreSQL, two threads):
whichever wins, no order ends paid and cancelled, and the seat counters match the tickets."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import (Order, OrderStatus, PaymentState, Quota, RefundState,
                                       Ticket, TicketStatus)
from tests.payments.test_flow import _buy, _order
from tests.ticketing.conftest import make_edition, make_type

ROUNDS = 4


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=100)
        pass_type = make_type(edition, quota=50)
        db.session.commit()
        return {"year": edition.year, "type_id": pass_type.id}


def _together(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def _webhook(app, stripe_double, session, results):
    def deliver():
        body, headers = stripe_double.signed_event("checkout.session.completed", session)
        response = app.test_client().post("/stripe/webhook", data=body, headers=headers)
        results["webhook"] = (response.status_code, response.get_json())
    return deliver


def _counters_match(app, type_id):
    with app.app_context():
        valid = db.session.scalar(select(func.count(Ticket.id)).where(
            Ticket.status == TicketStatus.VALID))
        held = db.session.scalar(select(func.count(Ticket.id)).join(Order).where(
            Order.status.in_([OrderStatus.PENDING, OrderStatus.PAID])))
        used = db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == type_id))
        venue = db.session.scalar(select(Quota.used).where(Quota.ticket_type_id.is_(None)))
    assert used == venue == held == valid


def test_cancel_racing_the_payment_webhook(app, postgres, client, shop, stripe_double,
                                           api_token):
    headers = api_token("organiser")
    outcomes = set()
    for _ in range(ROUNDS):
        code = _buy(client, shop).get_json()["code"]
        session = stripe_double.mark_paid(_order(app, code)["session"])
        results = {}

        def cancel():
            response = app.test_client().post(f"/api/v1/orders/{code}/cancel",
                                              headers=headers, json={"reason": "doublon"})
            results["cancel"] = (response.status_code, response.get_json())

        _together(cancel, _webhook(app, stripe_double, session, results))
        assert results["webhook"][0] == 200
        with app.app_context():
            order = orders.find_order(code)
            kinds = [e.kind for e in order.events]
            if order.status is OrderStatus.PAID:
                # The payment won: the cancel was refused (paid online: refund instead).
                assert results["cancel"][0] == 409 and "cancelled" not in kinds
                assert order.refunds == [] and order.paid_cents == order.total_cents
                assert {t.status for t in order.tickets} == {TicketStatus.VALID}
            else:
                # The cancel won: the payment was refunded, the order stays cancelled.
                assert order.status is OrderStatus.CANCELLED, order.status
                assert results["cancel"][0] == 200 and "paid" not in kinds
                assert "late_payment_refunded" in kinds
                assert [(r.amount_cents, r.state) for r in order.refunds] == [
                    (order.total_cents, RefundState.DONE)]
                assert order.paid_cents == order.ledger_refunded_cents == order.refunded_cents
                assert {t.status for t in order.tickets} == {TicketStatus.REVOKED}
            outcomes.add(order.status)
        _counters_match(app, shop["type_id"])
    refunded = sum(r["amount"] for r in stripe_double.refunds.values())
    with app.app_context():
        assert refunded == db.session.scalar(select(func.coalesce(func.sum(
            Order.refunded_cents), 0)))
    assert outcomes <= {OrderStatus.PAID, OrderStatus.CANCELLED}


def test_expiry_sweep_racing_the_payment_webhook(app, postgres, client, shop, stripe_double):
    for _ in range(ROUNDS):
        code = _buy(client, shop, quantity=2).get_json()["code"]
        session = stripe_double.mark_paid(_order(app, code)["session"])
        with app.app_context():
            db.session.execute(update(Order).where(Order.code == code)
                               .values(expires_at=utcnow() - timedelta(minutes=1)))
            db.session.commit()
        results = {}

        def sweep():
            with app.app_context():
                results["expired"] = orders.expire_due()
                db.session.commit()
                db.session.remove()

        _together(sweep, _webhook(app, stripe_double, session, results))
        assert results["webhook"][0] == 200
        # Paid directly, or expired then revived (its seats were free): paid either way.
        assert results["webhook"][1]["outcome"] == ("revived" if results["expired"] else "paid")
        with app.app_context():
            order = orders.find_order(code)
            assert order.status is OrderStatus.PAID
            assert [p.state for p in order.payments] == [PaymentState.CONFIRMED]
            assert {t.status for t in order.tickets} == {TicketStatus.VALID}
            assert order.refunds == []
        _counters_match(app, shop["type_id"])
    assert not stripe_double.refunds


def test_a_late_payment_racing_a_buyer_for_the_last_seat(app, postgres, client, shop,
                                                          stripe_double):
    """An expired order's payment arrives while another buyer takes its seat, the last one:
    exactly one of them holds it (the order revived and the buyer refused, or the buyer served
    and the payment refunded in full), never both, and the counters stay true."""
    from festival.editions.models import Edition
    outcomes = set()
    for round_ in range(ROUNDS):
        with app.app_context():
            edition = db.session.scalar(select(Edition).where(Edition.year == shop["year"]))
            last = make_type(edition, name=f"Dernière place {round_}", quota=1)
            db.session.commit()
            scarce = {"year": shop["year"], "type_id": last.id}
        code = _buy(client, scarce).get_json()["code"]
        session = stripe_double.mark_paid(_order(app, code)["session"])
        with app.app_context():
            db.session.execute(update(Order).where(Order.code == code)
                               .values(expires_at=utcnow() - timedelta(minutes=1)))
            db.session.commit()
            assert orders.expire_due() == 1
            db.session.commit()
        results = {}

        def buy():
            response = _buy(app.test_client(), scarce, email="yanis@example.fr")
            results["buyer"] = response.status_code

        _together(buy, _webhook(app, stripe_double, session, results))
        assert results["webhook"][0] == 200
        outcome = results["webhook"][1]["outcome"]
        with app.app_context():
            late = orders.find_order(code)
            if outcome == "revived":
                assert results["buyer"] == 409 and late.status is OrderStatus.PAID
                assert late.refunds == []
            else:
                assert results["buyer"] == 201, (outcome, results)
                assert late.status is OrderStatus.REFUNDED
                assert [(r.amount_cents, r.state) for r in late.refunds] == [
                    (late.total_cents, RefundState.DONE)]
            valid = db.session.scalar(select(func.count(Ticket.id)).where(
                Ticket.ticket_type_id == scarce["type_id"],
                Ticket.status == TicketStatus.VALID))
            used = db.session.scalar(select(Quota.used).where(
                Quota.ticket_type_id == scarce["type_id"]))
            assert valid == used == 1
            venue = db.session.scalar(select(Quota.used).where(Quota.ticket_type_id.is_(None)))
            assert venue == db.session.scalar(select(func.count(Ticket.id)).where(
                Ticket.status == TicketStatus.VALID)) == round_ + 1  # no seat leaks
        outcomes.add(outcome)
    assert outcomes <= {"revived", "refund_needed"}
