"""Stripe as ticketing's online payment provider, registered at start-up.

Ticketing asks `current_app.extensions["payment_provider"]()` for the provider (see
ticketing.checkout) and never imports this package: payments depends on ticketing, not the
other way round.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from festival.payments.gateway import StripeGateway
from festival.payments.services import StripeRefunds, start_checkout
from festival.ticketing.models import Order


class StripeProvider(StripeRefunds):
    """What ticketing asks of an online provider: a Checkout URL, a refund, closing a
    Checkout Session that must no longer be paid, and the fee kept on a payment."""

    def checkout_url(self, order: Order, *, success_url: str, cancel_url: str,
                     now: datetime | None = None) -> str:
        return start_checkout(order, self.gateway, success_url=success_url,
                              cancel_url=cancel_url, now=now)

    def close_checkout(self, session_id: str) -> None:
        self.gateway.expire_checkout_session(session_id)

    def payment_fee(self, payment_intent: str) -> int | None:
        """Cents Stripe kept of the payment; None until Stripe has booked it."""
        return self.gateway.payment_fee(payment_intent)


def gateway() -> StripeGateway | None:
    """The Stripe gateway, or None where no STRIPE_SECRET_KEY is set."""
    if not current_app.config.get("STRIPE_SECRET_KEY"):
        return None
    return StripeGateway.from_config(current_app.config)


def provider() -> StripeProvider | None:
    stripe = gateway()
    return StripeProvider(stripe) if stripe is not None else None


def init_app(app: Flask) -> None:
    app.extensions["payment_provider"] = provider
