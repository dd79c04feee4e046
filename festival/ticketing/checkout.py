"""Sending a buyer to pay: the online provider when one is registered (Stripe, by
payments.provider at start-up), the demo page in development. Ticketing never imports the
provider: it asks the application for it."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import transaction
from festival.core.urls import absolute_url
from festival.extensions import db
from festival.ticketing.models import Order, OrderStatus, Payment, PaymentState

log = logging.getLogger(__name__)

# A Checkout Session lives 24 hours at most: past that, none is left to close.
CLOSE_WINDOW = timedelta(hours=25)
# The provider books a payment's fee within days: asked for that long, a few per round.
FEE_WINDOW = timedelta(days=30)
FEES_PER_ROUND = 50
# The provider's errors that say it cannot answer now, whatever the payment (payments.gateway.
# PaymentError): a round of fees stops at the first, rather than wait out the retries and
# timeouts once per payment while the sweep's next expiries wait.
PROVIDER_UNAVAILABLE = frozenset({"connection_error", "rate_limited"})


def payment_provider():
    """The online payment provider (checkout_url, refund, close_checkout), or None where
    none is configured."""
    factory = current_app.extensions.get("payment_provider")
    return factory() if factory is not None else None


def payment_url(order: Order) -> str | None:
    """Where the buyer pays this order now: a Checkout URL (a session made once per order and
    attempt), the demo payment page in development, or our own retry page when Stripe is
    unreachable. None when there is nothing to pay. Commits what it records, in a
    transaction of its own: call it after the order's commit (core.unit_of_work.AfterCommit)."""
    if order.status is not OrderStatus.PENDING:
        return None
    provider = payment_provider()
    if provider is None:
        if current_app.config.get("DEMO_PAYMENTS"):
            return absolute_url("ticketing.demo_payment", code=order.code,
                                secret=order.secret)
        return None
    back = dict(code=order.code, secret=order.secret)
    try:
        with transaction():
            url = provider.checkout_url(
                order, success_url=absolute_url("ticketing.order", checkout="success", **back),
                cancel_url=absolute_url("ticketing.order", checkout="cancelled", **back))
    except DomainError as error:
        log.warning("order %s: no Checkout session: %s", order.code, error.message)
        return absolute_url("ticketing.order", **back)
    return url


def close_cancelled_checkouts(order_id: int | None = None, *,
                              now: datetime | None = None) -> int:
    """Close at the provider the Checkout Sessions of cancelled orders (payments in state
    cancel_requested), once the cancel is committed: the view calls it for its order, the
    expiry sweep for all of them, so a crash or an unreachable Stripe is retried. Each closed
    session is committed on its own; a failure waits for the next sweep. A session Stripe will
    not close (already paid) needs nothing more: its payment is refunded when its webhook
    arrives (orders.confirm_payment). Returns how many were closed."""
    provider = payment_provider()
    if provider is None:
        return 0
    now = now or utcnow()
    query = select(Payment.id, Payment.checkout_session_id).where(
        Payment.state == PaymentState.CANCEL_REQUESTED,
        Payment.checkout_session_id.is_not(None), Payment.created_at > now - CLOSE_WINDOW)
    if order_id is not None:
        query = query.where(Payment.order_id == order_id)
    with transaction():  # no transaction stays open while Stripe answers
        rows = db.session.execute(query.order_by(Payment.id)).all()
    closed = 0
    for payment_id, session_id in rows:
        try:
            provider.close_checkout(session_id)
        except DomainError as error:
            log.warning("Checkout Session %s not closed: %s", session_id, error)
            continue
        with transaction():  # conditional: a payment confirmed meanwhile keeps its state
            closed += db.session.execute(
                update(Payment).where(Payment.id == payment_id,
                                      Payment.state == PaymentState.CANCEL_REQUESTED)
                .values(state=PaymentState.CANCELLED, updated_at=now)
                .execution_options(synchronize_session=False)).rowcount
    return closed


def record_provider_fees(*, now: datetime | None = None, limit: int = FEES_PER_ROUND) -> int:
    """Ask the provider what it kept of the recent online payments whose fee is not known yet
    (the treasurer's books show it as bank charges), at most `limit` per round, newest first:
    a payment whose fee stays unreadable for the whole window (one the provider no longer
    knows, made with a test key before the switch to the live one) must not hold back the
    ones paid after it, as it would oldest first once `limit` of them wait. The expiry sweep
    calls it. No transaction stays open while the provider answers; each fee is stored on its
    own, once (a fee already stored is never overwritten). A payment whose fee the provider
    has not booked yet, or that it cannot read, waits for the next round; so do all the
    others once the provider is unreachable or refuses for too many requests.
    Returns how many fees were stored."""
    provider = payment_provider()
    if provider is None or not hasattr(provider, "payment_fee"):
        return 0
    now = now or utcnow()
    with transaction():
        rows = db.session.execute(
            select(Payment.id, Payment.payment_intent_id).where(
                Payment.state == PaymentState.CONFIRMED, Payment.fee_cents.is_(None),
                Payment.payment_intent_id.is_not(None), Payment.amount_cents > 0,
                Payment.confirmed_at > now - FEE_WINDOW)
            .order_by(Payment.confirmed_at.desc(), Payment.id.desc()).limit(limit)).all()
    stored = 0
    for payment_id, intent in rows:
        try:
            fee = provider.payment_fee(intent)
        except DomainError as error:
            log.warning("Fee of payment %s not read: %s", intent, error)
            if error.code in PROVIDER_UNAVAILABLE:
                break  # the next round asks again
            continue
        if fee is None:
            continue
        with transaction():
            stored += db.session.execute(
                update(Payment).where(Payment.id == payment_id, Payment.fee_cents.is_(None))
                .values(fee_cents=fee).execution_options(synchronize_session=False)).rowcount
    return stored
