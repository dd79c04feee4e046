"""Sending a buyer to pay: Stripe Checkout when configured, the demo page in development."""
from __future__ import annotations

import logging

from flask import current_app

from festival.core.errors import DomainError
from festival.core.unit_of_work import transaction
from festival.core.urls import absolute_url
from festival.payments.gateway import StripeGateway
from festival.ticketing.models import Order, OrderStatus

log = logging.getLogger(__name__)


def gateway() -> StripeGateway | None:
    """The Stripe gateway, or None where no STRIPE_SECRET_KEY is set."""
    if not current_app.config.get("STRIPE_SECRET_KEY"):
        return None
    return StripeGateway.from_config(current_app.config)


def payment_url(order: Order) -> str | None:
    """Where the buyer pays this order now: a Checkout URL (a session made once per order and
    attempt), the demo payment page in development, or our own retry page when Stripe is
    unreachable. None when there is nothing to pay. Commits what it records, in a
    transaction of its own: call it after the order's commit (core.unit_of_work.AfterCommit)."""
    if order.status is not OrderStatus.PENDING:
        return None
    stripe = gateway()
    if stripe is None:
        if current_app.config.get("DEMO_PAYMENTS"):
            return absolute_url("ticketing.demo_payment", code=order.code,
                                secret=order.secret)
        return None
    from festival.payments.services import start_checkout
    back = dict(code=order.code, secret=order.secret)
    try:
        with transaction():
            url = start_checkout(order, stripe,
                                 success_url=absolute_url("ticketing.order",
                                                          checkout="success", **back),
                                 cancel_url=absolute_url("ticketing.order",
                                                         checkout="cancelled", **back))
    except DomainError as error:
        log.warning("order %s: no Checkout session: %s", order.code, error.message)
        return absolute_url("ticketing.order", **back)
    return url
