"""What Stripe says, written down as payment rows: Checkout Sessions, webhooks, refunds.

Stripe is a trigger, never a source of truth we trust blindly: every webhook is verified,
recorded once under a unique event id in the same transaction as its effect, and checked
against the order (amount, currency). Events may come twice or in any order. What a payment
means for an order (paid, revived, refused and refunded) is ticketing's decision
(ticketing.orders.confirm_payment, ticketing.refunds): this package depends on ticketing,
never the other way round.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.payments.gateway import LineItem, PaymentError, session_expiry
from festival.ticketing import orders, refunds
from festival.ticketing.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentEvent,
    PaymentMethod,
    PaymentState,
)

log = logging.getLogger(__name__)

ASYNC_PAYMENT_HOLD = timedelta(days=5)


def checkout_line_items(order: Order) -> list[LineItem]:
    """Tickets grouped by type and price, and the donation as a line of its own."""
    groups: Counter[tuple[str, int]] = Counter(
        (t.ticket_type.name, t.price_cents) for t in order.tickets)
    items = [LineItem(name, price, n) for (name, price), n in sorted(groups.items())
             if price > 0]
    if order.donation_cents:
        items.append(LineItem(str(_l("Donation to CNSM's projects in Souss-Massa")),
                              order.donation_cents, 1))
    return items


def start_checkout(order: Order, gateway, *, success_url: str, cancel_url: str,
                   now: datetime | None = None) -> str:
    """The Checkout URL for a pending order: one session per order and attempt, so a double
    click reuses the session (idempotency key). Errors: not_payable, payment_unavailable."""
    now = now or utcnow()
    order = orders.lock_order(order.id)
    if order.status is not OrderStatus.PENDING:
        raise DomainError("not_payable", _l("This order is not waiting for a payment."),
                          status=409)
    if order.stripe_session_id and order.stripe_session_url:
        return order.stripe_session_url
    # The session and the hold end together; Stripe wants 30 minutes to 24 hours.
    order.expires_at = datetime.fromtimestamp(session_expiry(order.expires_at or now, now),
                                              timezone.utc)
    attempt = sum(1 for e in order.events if e.kind == "checkout_started")
    try:
        session_id, url = gateway.create_checkout_session(
            order_code=order.code, line_items=checkout_line_items(order),
            customer_email=order.email, success_url=success_url, cancel_url=cancel_url,
            expires_at=order.expires_at, locale=order.language,
            idempotency_key=f"checkout-{order.code}-{attempt}")
    except PaymentError as error:
        log.warning("checkout for %s failed: %s", order.code, error)
        raise DomainError("payment_unavailable", _l("Online payment is unavailable right now. "
                                                    "Your tickets are held: please try again "
                                                    "in a moment."), status=503) from error
    order.stripe_session_id = session_id
    order.stripe_session_url = url
    db.session.add(Payment(order=order, provider=PaymentMethod.STRIPE,
                           state=PaymentState.CREATED, amount_cents=order.total_cents,
                           checkout_session_id=session_id, created_at=now, updated_at=now))
    orders.record(order, "checkout_started", now=now, note=session_id)
    return url


def _order_for(obj: dict) -> Order | None:
    code = (obj.get("metadata") or {}).get("order_code") or obj.get("client_reference_id")
    if code:
        return orders.find_order(code)
    intent = obj.get("payment_intent")
    if intent:
        return db.session.scalar(select(Order).where(Order.stripe_payment_intent == intent))
    return None


def handle_event(event: dict, gateway, *, now: datetime | None = None) -> str:
    """Apply one verified webhook event. Returns its outcome; a repeated event id returns
    'duplicate' and changes nothing. The caller commits."""
    now = now or utcnow()
    obj = (event.get("data") or {}).get("object") or {}
    order = _order_for(obj)
    seen = PaymentEvent(provider_event_id=str(event.get("id")), type=str(event.get("type")),
                        order_code=order.code if order else None, received_at=now)
    try:
        with db.session.begin_nested():  # a repeated event leaves the transaction usable
            db.session.add(seen)
    except IntegrityError:
        return "duplicate"
    if order is None:
        seen.outcome = "no_order"
        return seen.outcome
    order = orders.lock_order(order.id)
    kind = event.get("type")
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if obj.get("payment_status") not in ("paid", "no_payment_required"):
            if order.status is OrderStatus.PENDING:
                order.expires_at = max(order.expires_at or now, now + ASYNC_PAYMENT_HOLD)
                orders.record(order, "awaiting_payment", now=now)
            seen.outcome = "awaiting_payment"
        else:
            seen.outcome = _paid(order, obj, gateway, now)
    elif kind == "checkout.session.async_payment_failed":
        seen.outcome = "failed"
        _payment_row(order, obj).state = PaymentState.FAILED
        if order.status is OrderStatus.PENDING:
            order.expires_at = now
            orders.expire_order(order, now=now)
            orders.record(order, "payment_failed", now=now)
    elif kind == "checkout.session.expired":
        seen.outcome = "ignored"
        payment = _payment_row(order, obj)
        if payment.state in (PaymentState.CREATED, PaymentState.CANCEL_REQUESTED):
            payment.state = PaymentState.CANCELLED
        if order.status is OrderStatus.PENDING and order.stripe_session_id == obj.get("id"):
            order.expires_at = min(order.expires_at or now, now)
            orders.expire_order(order, now=now)
            seen.outcome = "expired"
    elif kind == "charge.refunded":
        seen.outcome = _refunded_at_stripe(order, obj, gateway, now)
    else:
        seen.outcome = "ignored"
    return seen.outcome


def _payment_row(order: Order, obj: dict) -> Payment:
    """The ledger row of the attempt this provider object speaks of: by Checkout Session,
    then by PaymentIntent; a new row when none is known (a refund event before its payment)."""
    session_id = obj.get("id") if obj.get("object") == "checkout.session" else None
    intent = obj.get("payment_intent")
    for column, value in ((Payment.checkout_session_id, session_id),
                          (Payment.payment_intent_id, intent)):
        if value:
            row = db.session.scalar(select(Payment).where(Payment.order_id == order.id,
                                                          column == value))
            if row is not None:
                return row
    row = Payment(order=order, provider=PaymentMethod.STRIPE, state=PaymentState.CREATED,
                  amount_cents=order.total_cents, checkout_session_id=session_id)
    db.session.add(row)
    return row


def _paid(order: Order, obj: dict, gateway, now: datetime) -> str:
    """Stripe says this attempt was paid: record it on its row and let ticketing decide
    (orders.confirm_payment). A payment ticketing refuses (cancelled order, or expired with
    its seats sold) is refunded through Stripe at once and recorded as a refund."""
    payment = _payment_row(order, obj)
    if obj.get("amount_total") is not None:
        payment.amount_cents = int(obj["amount_total"])
    if obj.get("payment_intent"):
        payment.payment_intent_id = obj["payment_intent"]
    try:
        outcome = orders.confirm_payment(payment, currency=obj.get("currency") or "", now=now)
    except DomainError as error:  # payment_mismatch: recorded on the order, nothing issued
        log.error("order %s: %s", order.code, error.message)
        return error.code
    if outcome == "refund_needed":
        refund_id, done = StripeRefunds(gateway).refund(order, payment, payment.amount_cents,
                                                        key=f"late-{order.code}-{payment.id}")
        refunds.refund_late_payment(order, payment, provider_refund_id=refund_id,
                                    is_done=done, now=now)
    return outcome


def _refunded_at_stripe(order: Order, charge: dict, gateway, now: datetime) -> str:
    if order.status is OrderStatus.PENDING:
        # The refund event came first: the payment it refunds did happen.
        _paid(order, {"amount_total": charge.get("amount"), "currency": charge.get("currency"),
                      "payment_intent": charge.get("payment_intent")}, gateway, now)
    return refunds.refunded_at_provider(order, int(charge.get("amount_refunded") or 0),
                                        now=now)


class StripeRefunds:
    """Refunds through Stripe, as ticketing.refunds asks for them."""

    def __init__(self, gateway):
        self.gateway = gateway

    def refund(self, order: Order, payment: Payment | None, amount_cents: int, *,
               key: str) -> tuple[str, bool]:
        intent = (payment.payment_intent_id if payment else None) or order.stripe_payment_intent
        if self.gateway is None:
            raise DomainError("refund_unavailable", _l("Stripe is not configured here: refund "
                                                       "this payment from the Stripe "
                                                       "dashboard."), status=409)
        if not intent:
            raise DomainError("refund_unavailable", _l("No online payment is known for this "
                                                       "order."), status=409)
        try:
            answer = self.gateway.create_refund(payment_intent=intent, amount_cents=amount_cents,
                                                idempotency_key=f"refund-{key}",
                                                metadata={"order_code": order.code})
        except PaymentError as error:
            raise DomainError("refund_failed", _l("Stripe refused the refund: %(reason)s",
                                                  reason=str(error)), status=502) from error
        return answer.id, answer.status == "succeeded"
