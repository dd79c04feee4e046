"""The money path end to end: API order → Stripe Checkout (the local double, through the real
SDK) → signed webhooks → paid order, tickets and e-mail; duplicates, reordering, forgeries,
late payments and refunds."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from festival.core.errors import ValidationError
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.mail.rendering import render
from festival.ticketing import refunds
from festival.ticketing.models import Order, OrderStatus, PaymentEvent, Quota, Ticket, TicketStatus
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=100)
        pass_type = make_type(edition, quota=3)
        db.session.commit()
        return {"year": edition.year, "type_id": pass_type.id}


def _buy(client, shop, quantity=1, **extra):
    body = {"email": "amina@example.fr", "name": "Amina",
            "items": [{"ticket_type_id": shop["type_id"], "quantity": quantity}],
            "accept_terms": True}
    body.update(extra)
    return client.post(f"/api/v1/editions/{shop['year']}/orders", json=body)


def _order(app, code):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == code))
        return {"status": order.status, "tickets": [t.status for t in order.tickets],
                "events": [e.kind for e in order.events], "refunded": order.refunded_cents,
                "intent": order.stripe_payment_intent, "session": order.stripe_session_id}


def _used(app, type_id):
    with app.app_context():
        return db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == type_id))


def _deliver(client, stripe_double, type_, obj, **options):
    body, headers = stripe_double.signed_event(type_, obj, **options)
    return client.post("/stripe/webhook", data=body, headers=headers)


def test_an_order_goes_to_checkout_once_with_the_right_fields(client, app, shop, stripe_double):
    response = _buy(client, shop, quantity=2, donation_cents=500)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending" and body["total_cents"] == 3500
    sessions = list(stripe_double.sessions.values())
    assert len(sessions) == 1 and body["checkout_url"] == sessions[0]["url"]
    session = sessions[0]
    assert session["client_reference_id"] == body["code"]
    assert session["metadata"] == {"order_code": body["code"]}
    assert session["amount_total"] == 3500 and session["currency"] == "eur"
    (created,) = stripe_double.requests_to("POST", "/v1/checkout/sessions")
    assert created.idempotency_key == f"checkout-{body['code']}-0"
    # A second attempt (double click) reuses the session: no second call to Stripe.
    with app.test_request_context():
        from festival.ticketing import checkout, orders
        again = checkout.payment_url(orders.find_order(body["code"]))
    assert again == body["checkout_url"]
    assert len(stripe_double.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_a_paid_webhook_issues_the_tickets_and_the_email_once(client, app, shop, stripe_double):
    code = _buy(client, shop, quantity=2).get_json()["code"]
    session = stripe_double.mark_paid(_order(app, code)["session"])
    first = _deliver(client, stripe_double, "checkout.session.completed", session,
                     event_id="evt_paid_1")
    assert first.status_code == 200 and first.get_json()["outcome"] == "paid"
    again = _deliver(client, stripe_double, "checkout.session.completed", session,
                     event_id="evt_paid_1")
    assert again.get_json()["outcome"] == "duplicate"
    state = _order(app, code)
    assert state["status"] is OrderStatus.PAID and state["events"].count("paid") == 1
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage)).all()
        assert len(mails) == 1 and mails[0].to_address == "amina@example.fr"
        assert mails[0].text_body is None  # rendered by the sender, after the commit
        render(mails[0])
        kinds = sorted(a.mimetype for a in mails[0].attachments)
        assert kinds == ["application/pdf", "image/png", "image/png"]
        db.session.rollback()
        assert db.session.scalar(select(func.count(PaymentEvent.id))) == 1


@pytest.mark.parametrize("tamper", ["body", "secret", "stale", "missing"])
def test_forged_or_stale_webhooks_change_nothing(client, app, shop, stripe_double, tamper):
    code = _buy(client, shop).get_json()["code"]
    session = stripe_double.mark_paid(_order(app, code)["session"])
    body, headers = stripe_double.signed_event(
        "checkout.session.completed", session,
        **({"secret": "whsec_not_ours"} if tamper == "secret" else {}),
        **({"age": 600} if tamper == "stale" else {}))
    if tamper == "body":
        body = body.replace(b'"paid"', b'"paid" ', 1)
    if tamper == "missing":
        headers.pop("Stripe-Signature")
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 400
    assert _order(app, code)["status"] is OrderStatus.PENDING
    with app.app_context():
        assert db.session.scalar(select(func.count(PaymentEvent.id))) == 0


def test_a_wrong_amount_is_not_honoured(client, app, shop, stripe_double):
    code = _buy(client, shop).get_json()["code"]
    session = stripe_double.mark_paid(_order(app, code)["session"])
    session["amount_total"] = 1
    response = _deliver(client, stripe_double, "checkout.session.completed", session)
    assert response.get_json()["outcome"] == "payment_mismatch"
    state = _order(app, code)
    assert state["status"] is OrderStatus.PENDING and "payment_mismatch" in state["events"]


def test_delayed_payment_waits_then_succeeds(client, app, shop, stripe_double):
    code = _buy(client, shop).get_json()["code"]
    session = stripe_double.complete(_order(app, code)["session"], paid=False)
    assert _deliver(client, stripe_double, "checkout.session.completed",
                    session).get_json()["outcome"] == "awaiting_payment"
    assert _order(app, code)["status"] is OrderStatus.PENDING
    settled = stripe_double.settle(session["id"])
    assert _deliver(client, stripe_double, "checkout.session.async_payment_succeeded",
                    settled).get_json()["outcome"] == "paid"


def test_failed_delayed_payment_and_expired_sessions_free_the_seats(client, app, shop,
                                                                     stripe_double):
    code = _buy(client, shop, quantity=2).get_json()["code"]
    session = stripe_double.complete(_order(app, code)["session"], paid=False)
    _deliver(client, stripe_double, "checkout.session.async_payment_failed", session)
    assert _order(app, code)["status"] is OrderStatus.EXPIRED
    assert _used(app, shop["type_id"]) == 0
    other = _buy(client, shop).get_json()["code"]
    expired = stripe_double.expire(_order(app, other)["session"])
    assert _deliver(client, stripe_double, "checkout.session.expired",
                    expired).get_json()["outcome"] == "expired"
    assert _used(app, shop["type_id"]) == 0


def test_paid_after_the_seats_were_sold_is_refunded_and_the_buyer_told(client, app, shop,
                                                                        stripe_double):
    late = _buy(client, shop, quantity=3).get_json()["code"]
    with app.app_context():
        from datetime import timedelta

        from festival.core.timeutil import utcnow
        from festival.ticketing import orders
        orders.expire_due(now=utcnow() + timedelta(hours=2))
        db.session.commit()
    assert _buy(client, shop, quantity=3, email="first@example.fr").status_code == 201
    session = stripe_double.mark_paid(_order(app, late)["session"])
    outcome = _deliver(client, stripe_double, "checkout.session.completed", session)
    assert outcome.get_json()["outcome"] == "refund_needed"
    state = _order(app, late)
    assert state["status"] is OrderStatus.REFUNDED and state["refunded"] == 4500
    assert set(state["tickets"]) == {TicketStatus.REVOKED}
    (refund,) = stripe_double.refunds.values()
    assert refund["payment_intent"] == session["payment_intent"] and refund["amount"] == 4500
    assert _used(app, shop["type_id"]) == 3
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage.template)) == "order_late_refund"


def test_refund_event_before_the_payment_event(client, app, shop, stripe_double):
    code = _buy(client, shop).get_json()["code"]
    session = stripe_double.mark_paid(_order(app, code)["session"])
    charge = stripe_double.charge(session["payment_intent"])
    charge.update(amount_refunded=charge["amount"], refunded=True)
    assert _deliver(client, stripe_double, "charge.refunded",
                    charge).get_json()["outcome"] == "refunded"
    assert _deliver(client, stripe_double, "checkout.session.completed",
                    session).get_json()["outcome"] == "already_refunded"
    state = _order(app, code)
    assert state["status"] is OrderStatus.REFUNDED and _used(app, shop["type_id"]) == 0


def test_organiser_refunds_a_ticket_then_the_rest(client, app, shop, stripe_double, api_token):
    code = _buy(client, shop, quantity=2).get_json()["code"]
    session = stripe_double.mark_paid(_order(app, code)["session"])
    _deliver(client, stripe_double, "checkout.session.completed", session)
    headers = api_token("organiser")
    order = client.get(f"/api/v1/orders/{code}", headers=headers).get_json()
    first_ticket = order["tickets"][0]["id"]
    partial = client.post(f"/api/v1/orders/{code}/refund", headers=headers,
                          json={"ticket_ids": [first_ticket], "reason": "malade", "confirm": True})
    assert partial.status_code == 200 and partial.get_json()["refunded_cents"] == 1500
    state = _order(app, code)
    assert state["status"] is OrderStatus.PAID
    assert state["tickets"] == [TicketStatus.REVOKED, TicketStatus.VALID]
    assert _used(app, shop["type_id"]) == 1
    class Counted(list):  # the refund's ids may not be walked through past the order's size
        looked_at = 0

        def __iter__(self):
            for value in super().__iter__():
                Counted.looked_at += 1
                yield value
    many = Counted([order["tickets"][1]["id"]] * 100_000)
    with app.app_context():
        found = db.session.scalar(select(Order).where(Order.code == code))
        with pytest.raises(ValidationError):
            refunds.plan_refund(found, many)
    assert Counted.looked_at == 0
    reasonless = client.post(f"/api/v1/orders/{code}/refund", headers=headers, json={})
    assert reasonless.status_code == 422 and "reason" in reasonless.get_json()["fields"]
    assert _order(app, code)["tickets"] == [TicketStatus.REVOKED, TicketStatus.VALID]
    rest = client.post(f"/api/v1/orders/{code}/refund", headers=headers,
                       json={"reason": "ne vient plus", "confirm": True})
    assert rest.get_json() == {"code": code, "status": "refunded", "refunded_cents": 1500,
                               "checked_in": []}
    assert [r["amount"] for r in stripe_double.refunds.values()] == [1500, 1500]
    assert _used(app, shop["type_id"]) == 0
    # Stripe then tells us about the refunds we made: nothing changes.
    charge = stripe_double.charge(session["payment_intent"])
    assert _deliver(client, stripe_double, "charge.refunded",
                    charge).get_json()["outcome"] == "already_refunded"


def test_stripe_down_keeps_the_order_and_offers_a_retry(client, app, shop, stripe_double):
    stripe_double.fail_next(503, times=5)
    response = _buy(client, shop)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "pending" and f"/orders/{body['code']}" in body["checkout_url"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_order_lookup_needs_the_secret_or_an_organiser(client, app, shop, stripe_double,
                                                        api_token):
    created = _buy(client, shop).get_json()
    code = created["code"]
    secret = created["order_url"].split("secret=")[1]
    assert client.get(f"/api/v1/orders/{code}").status_code == 404
    assert client.get(f"/api/v1/orders/{code}",
                      headers={"X-Order-Secret": "nope"}).status_code == 404
    mine = client.get(f"/api/v1/orders/{code}", headers={"X-Order-Secret": secret})
    assert mine.status_code == 200 and mine.get_json()["tickets"][0]["token"] is None
    volunteer = client.get(f"/api/v1/orders/{code}", headers=api_token("volunteer"))
    assert volunteer.status_code == 404
    assert json.loads(client.get("/api/v1/orders/ZZZZZZZ").data)["error"] == "order_not_found"


def test_stripe_return_urls_and_the_order_url_are_on_public_url(client, app, shop,
                                                                stripe_double, monkeypatch):
    """Whatever Host the buyer's request names (here an allowed one that is not PUBLIC_URL's),
    Stripe sends the buyer back to PUBLIC_URL and the API links there."""
    public = "https://billetterie.almoggar.example"
    monkeypatch.setitem(app.config, "PUBLIC_URL", public)
    response = client.post(f"/api/v1/editions/{shop['year']}/orders",
                           headers={"Host": "127.0.0.1:8000"},
                           json={"email": "amina@example.fr", "name": "Amina",
                                 "items": [{"ticket_type_id": shop["type_id"], "quantity": 1}],
                                 "accept_terms": True})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["order_url"].startswith(f"{public}/orders/{body['code']}?secret=")
    (session,) = stripe_double.sessions.values()
    assert session["success_url"].startswith(f"{public}/orders/{body['code']}")
    assert session["cancel_url"].startswith(f"{public}/orders/{body['code']}")
    assert "checkout=success" in session["success_url"]
    looked_up = client.get(f"/api/v1/orders/{body['code']}", headers={
        "X-Order-Secret": body["order_url"].split("secret=")[1], "Host": "127.0.0.1:8000"})
    assert looked_up.get_json()["order_url"] == body["order_url"]
