"""Payments and refunds as rows, and the late-payment rules: a cancelled order is never
revived by a payment that still arrives; an expired one only if its seats are still free."""
from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import (Order, OrderStatus, PaymentState, Quota, RefundState,
                                       TicketStatus)
from tests.payments.test_flow import _buy, _deliver, _order, _used
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=100)
        pass_type = make_type(edition, quota=3)
        db.session.commit()
        return {"year": edition.year, "type_id": pass_type.id}


def _ledger(app, code):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == code))
        return {"status": order.status, "events": [e.kind for e in order.events],
                "payments": [(p.provider.value, p.state, p.amount_cents)
                             for p in order.payments],
                "refunds": [(r.amount_cents, r.state, r.provider_refund_id, r.reason)
                            for r in order.refunds],
                "paid": order.paid_cents, "refunded": order.ledger_refunded_cents,
                "refunded_cache": order.refunded_cents,
                "tickets": [t.status for t in order.tickets]}


def _expire_all(app):
    with app.app_context():
        orders.expire_due(now=utcnow() + timedelta(hours=2))
        db.session.commit()


def test_cancelling_closes_the_checkout_session_at_stripe(client, app, shop, stripe_double,
                                                          api_token):
    code = _buy(client, shop, quantity=2).get_json()["code"]
    session_id = _order(app, code)["session"]
    response = client.post(f"/api/v1/orders/{code}/cancel", headers=api_token("organiser"),
                           json={"reason": "doublon"})
    assert response.status_code == 200
    assert stripe_double.session(session_id)["status"] == "expired"
    (expired,) = stripe_double.requests_to("POST", f"/v1/checkout/sessions/{session_id}/expire")
    assert expired.idempotency_key == f"expire-{session_id}"
    assert _ledger(app, code)["payments"] == [("stripe", PaymentState.CANCELLED, 3000)]


def test_a_session_stripe_could_not_close_at_cancel_time_is_closed_by_the_sweep(
        client, app, shop, stripe_double, api_token):
    from festival.ticketing.cli import expire_once

    code = _buy(client, shop).get_json()["code"]
    session_id = _order(app, code)["session"]
    stripe_double.fail_next(503, times=3)  # the SDK's own retries fail too
    assert client.post(f"/api/v1/orders/{code}/cancel", headers=api_token("organiser"),
                       json={"reason": "doublon"}).status_code == 200
    assert _ledger(app, code)["status"] is OrderStatus.CANCELLED
    assert _ledger(app, code)["payments"] == [("stripe", PaymentState.CANCEL_REQUESTED, 1500)]
    assert stripe_double.session(session_id)["status"] == "open"
    with app.app_context():
        expire_once()
    assert stripe_double.session(session_id)["status"] == "expired"
    assert _ledger(app, code)["payments"] == [("stripe", PaymentState.CANCELLED, 1500)]


def test_a_payment_after_the_cancel_is_refunded_and_the_order_stays_cancelled(
        client, app, shop, stripe_double, api_token):
    code = _buy(client, shop, quantity=2).get_json()["code"]
    # The buyer pays at Stripe just before the organiser cancels: the session cannot be closed.
    session = stripe_double.mark_paid(_order(app, code)["session"])
    assert client.post(f"/api/v1/orders/{code}/cancel", headers=api_token("organiser"),
                       json={"reason": "doublon"}).status_code == 200
    assert _used(app, shop["type_id"]) == 0
    outcome = _deliver(client, stripe_double, "checkout.session.completed", session)
    assert outcome.get_json()["outcome"] == "refund_needed"
    state = _ledger(app, code)
    assert state["status"] is OrderStatus.CANCELLED
    assert set(state["tickets"]) == {TicketStatus.REVOKED}
    assert "paid_after_cancel" in state["events"] and "late_payment_refunded" in state["events"]
    assert "paid" not in state["events"]
    (refund,) = stripe_double.refunds.values()
    assert refund["payment_intent"] == session["payment_intent"] and refund["amount"] == 3000
    assert state["payments"] == [("stripe", PaymentState.CONFIRMED, 3000)]
    assert state["refunds"] == [(3000, RefundState.DONE, refund["id"],
                                 "paid after the order was cancelled")]
    assert state["paid"] == state["refunded"] == state["refunded_cache"] == 3000
    assert _used(app, shop["type_id"]) == 0
    # Stripe repeats the event: nothing more is refunded.
    assert _deliver(client, stripe_double, "checkout.session.completed",
                    session).get_json()["outcome"] == "already_paid"
    assert len(stripe_double.refunds) == 1


def test_an_expired_order_paid_while_its_seats_are_free_is_revived(client, app, shop,
                                                                   stripe_double):
    code = _buy(client, shop, quantity=2).get_json()["code"]
    _expire_all(app)
    assert _used(app, shop["type_id"]) == 0
    session = stripe_double.mark_paid(_order(app, code)["session"])
    outcome = _deliver(client, stripe_double, "checkout.session.completed", session)
    assert outcome.get_json()["outcome"] == "revived"
    state = _ledger(app, code)
    assert state["status"] is OrderStatus.PAID
    assert set(state["tickets"]) == {TicketStatus.VALID}
    assert state["payments"] == [("stripe", PaymentState.CONFIRMED, 3000)]
    assert state["paid"] == 3000 and state["refunds"] == [] and not stripe_double.refunds
    assert _used(app, shop["type_id"]) == 2


def test_an_expired_order_paid_after_its_seats_were_sold_is_refunded(client, app, shop,
                                                                     stripe_double):
    late = _buy(client, shop, quantity=3).get_json()["code"]
    _expire_all(app)
    assert _buy(client, shop, quantity=3, email="first@example.fr").status_code == 201
    session = stripe_double.mark_paid(_order(app, late)["session"])
    assert _deliver(client, stripe_double, "checkout.session.completed",
                    session).get_json()["outcome"] == "refund_needed"
    state = _ledger(app, late)
    assert state["status"] is OrderStatus.REFUNDED
    (refund,) = stripe_double.refunds.values()
    assert state["payments"] == [("stripe", PaymentState.CONFIRMED, 4500)]
    assert state["refunds"] == [(4500, RefundState.DONE, refund["id"],
                                 "paid after the hold ended and the tickets were gone")]
    assert state["paid"] == state["refunded"] == state["refunded_cache"] == 4500


def test_ledger_rows_and_derived_amounts_after_a_partial_refund(client, app, shop,
                                                                stripe_double, api_token):
    code = _buy(client, shop, quantity=2, donation_cents=500).get_json()["code"]
    session = stripe_double.mark_paid(_order(app, code)["session"])
    _deliver(client, stripe_double, "checkout.session.completed", session)
    headers = api_token("organiser")
    ticket = client.get(f"/api/v1/orders/{code}", headers=headers).get_json()["tickets"][0]
    assert client.post(f"/api/v1/orders/{code}/refund", headers=headers,
                       json={"ticket_ids": [ticket["id"]], "reason": "malade",
                             "confirm": True}
                       ).status_code == 200
    state = _ledger(app, code)
    (stripe_refund,) = stripe_double.refunds.values()
    assert state["status"] is OrderStatus.PAID
    assert state["payments"] == [("stripe", PaymentState.CONFIRMED, 3500)]
    assert state["refunds"] == [(1500, RefundState.DONE, stripe_refund["id"], "malade")]
    assert (state["paid"], state["refunded"], state["refunded_cache"]) == (3500, 1500, 1500)
    # Then 500 more in Stripe's dashboard: a row of its own, the cache in step.
    charge = stripe_double.charge(session["payment_intent"])
    charge.update(amount_refunded=2000)
    assert _deliver(client, stripe_double, "charge.refunded",
                    charge).get_json()["outcome"] == "partially_refunded"
    state = _ledger(app, code)
    assert [r[:2] for r in state["refunds"]] == [(1500, RefundState.DONE),
                                                 (500, RefundState.DONE)]
    assert (state["paid"], state["refunded"], state["refunded_cache"]) == (3500, 2000, 2000)


def test_a_box_office_sale_and_a_refund_by_hand_are_rows_too(client, app, shop, api_token):
    from festival.ticketing import refunds

    code = _buy(client, shop).get_json()["code"]
    with app.app_context():
        order = orders.find_order(code)
        assert orders.mark_paid(order, orders.PaymentMethod.CASH) == "paid"
        refunds.refund(order, None, actor=None, reason="annulé", confirmed=True)
        db.session.commit()
    state = _ledger(app, code)
    assert state["status"] is OrderStatus.REFUNDED
    assert state["payments"] == [("cash", PaymentState.CONFIRMED, 1500)]
    assert state["refunds"] == [(1500, RefundState.REQUESTED, None, "annulé")]
    assert state["paid"] == state["refunded"] == state["refunded_cache"] == 1500


def test_the_state_machine_refuses_reviving_a_cancelled_order(app, ctx, shop):
    from festival.editions.models import Edition

    edition = db.session.scalar(select(Edition))
    order = orders.create_order(edition, terms_accepted=True,
                                buyer_name="Amina", email="amina@example.fr",
                                items=[orders.Item(shop["type_id"], 1)])
    orders.cancel_order(order, actor=None, reason="test")
    with pytest.raises(DomainError) as refused:
        orders.record(order, "paid", to=OrderStatus.PAID)
    assert refused.value.code == "invalid_transition"
    assert order.status is OrderStatus.CANCELLED
    # Cash handed over for a cancelled order is not honoured either.
    assert orders.mark_paid(order, orders.PaymentMethod.CASH) == "refund_needed"
    assert order.status is OrderStatus.CANCELLED
    assert db.session.scalar(select(Quota.used).where(
        Quota.ticket_type_id == shop["type_id"])) == 0


def test_ticketing_never_imports_payments():
    """payments depends on ticketing; ticketing reaches the provider through the app."""
    root = Path(__file__).resolve().parents[2] / "festival" / "ticketing"
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [f"{path.name}: {n}" for n in names
                          if n == "festival.payments" or n.startswith("festival.payments.")]
    assert offenders == []
