"""What Stripe kept of a payment: read after the payment, through the real SDK from the local
double's PaymentIntent (its latest charge's balance transaction), stored once, and in the
treasurer's books as bank charges."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from festival.accounting import books
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.ticketing.checkout import record_provider_fees
from festival.ticketing.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentState,
    TicketType,
)
from tests.payments.test_flow import _buy, _deliver, _order, shop  # noqa: F401


def _paid(client, app, stripe_double, shop, quantity=1):  # noqa: F811
    code = _buy(client, shop, quantity=quantity, donation_cents=1000).get_json()["code"]
    session = stripe_double.mark_paid(_order(app, code)["session"])
    assert _deliver(client, stripe_double, "checkout.session.completed",
                    session).get_json()["outcome"] == "paid"
    return code, session


def _fees(app):
    with app.app_context():
        return [(p.amount_cents, p.fee_cents) for p in
                db.session.scalars(select(Payment).order_by(Payment.id))]


def test_the_fee_is_read_once_after_the_payment_and_booked(client, app, shop,  # noqa: F811
                                                          stripe_double):
    code, session = _paid(client, app, stripe_double, shop, quantity=2)
    assert _fees(app) == [(4000, None)]  # the webhook does not wait for Stripe
    with app.app_context():
        assert record_provider_fees() == 1
    fee = stripe_double.fee(4000)
    assert fee == 85 and _fees(app) == [(4000, fee)]
    (asked,) = stripe_double.requests_to("GET", f"/v1/payment_intents/{session['payment_intent']}")
    assert asked.form["expand"] == ["latest_charge.balance_transaction"]
    with app.app_context():  # read once: the next round asks nothing
        assert record_provider_fees() == 0
    assert len(stripe_double.requests_to("GET", f"/v1/payment_intents/"
                                                f"{session['payment_intent']}")) == 1

    today = to_paris(utcnow()).date()
    with app.app_context():
        lines = books.lines(today, today)
        payment_id = db.session.scalar(select(Payment.id))
    entry = f"ST-P{payment_id:06d}"
    assert {(line.account, line.debit_cents, line.credit_cents) for line in lines} == {
        ("467100", 4000, 0), ("706000", 0, 3000), ("754100", 0, 1000),
        ("627800", fee, 0), ("467100", 0, fee)}
    assert {line.entry for line in lines} == {entry}
    assert sum(line.debit_cents - line.credit_cents for line in lines) == 0


def test_a_fee_stripe_has_not_booked_or_cannot_read_waits(client, app, shop,  # noqa: F811
                                                         stripe_double):
    code, _ = _buy(client, shop).get_json()["code"], None
    session = stripe_double.complete(_order(app, code)["session"], paid=False)  # SEPA debit
    stripe_double.settle(session["id"])
    with stripe_double._lock:  # Stripe settled the intent but has not booked the charge
        stripe_double._state.payments[session["payment_intent"]]["succeeded"] = False
    session["payment_status"] = "paid"
    _deliver(client, stripe_double, "checkout.session.async_payment_succeeded", session)
    with app.app_context():
        assert record_provider_fees() == 0
    stripe_double.fail_next(503, times=3)  # the SDK retries twice, then gives up
    with stripe_double._lock:
        stripe_double._state.payments[session["payment_intent"]]["succeeded"] = True
    with app.app_context():
        assert record_provider_fees() == 0
        assert record_provider_fees() == 1
    assert _fees(app) == [(1500, stripe_double.fee(1500))]
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == code))
        assert order.status.value == "paid"


def test_without_stripe_nothing_is_asked(app, ctx):
    assert record_provider_fees() == 0
    assert books.lines(date(2027, 1, 1), date(2027, 1, 2)) == []


def test_payments_whose_fee_stays_unreadable_never_hold_back_a_new_one(
        client, app, shop, stripe_double):  # noqa: F811
    """Payments Stripe no longer knows (made with the test key before the switch to the live
    one: every read answers 404) stay without a fee for the whole window; a round reads the
    newest payments first, so the ones paid since get theirs however many old ones wait."""
    with app.app_context():
        edition_id = db.session.get(TicketType, shop["type_id"]).edition_id
        for n in range(3):
            order = Order(edition_id=edition_id, code=f"OLD{n}AB", secret=f"s{n}" * 8,
                          buyer_name="Test", email=f"t{n}@example.fr",
                          status=OrderStatus.PAID, tickets_cents=1000, donation_cents=0,
                          total_cents=1000)
            db.session.add(Payment(order=order, provider=PaymentMethod.STRIPE,
                                   state=PaymentState.CONFIRMED, amount_cents=1000,
                                   payment_intent_id=f"pi_testmode{n}",
                                   confirmed_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    _paid(client, app, stripe_double, shop)
    with app.app_context():
        assert record_provider_fees(limit=3) == 1
    assert _fees(app)[-1] == (2500, stripe_double.fee(2500))


def test_a_round_stops_when_stripe_is_unavailable(client, app, shop, stripe_double):  # noqa: F811
    """The expiry sweep reads the fees last: while Stripe refuses for a moment (429) or cannot
    be reached, the round asks no more (each payment would wait out the SDK's retries and
    timeouts in turn, and the next sweep's expiries with it); the next round reads them."""
    sessions = [_paid(client, app, stripe_double, shop)[1] for _ in range(3)]
    stripe_double.fail_next(429)
    with app.app_context():
        assert record_provider_fees() == 0
    asked = sum(len(stripe_double.requests_to("GET", f"/v1/payment_intents/"
                                                     f"{s['payment_intent']}"))
                for s in sessions)
    assert asked == 1
    with app.app_context():
        assert record_provider_fees() == 3
