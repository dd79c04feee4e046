"""Stripe, behind one small class: Checkout Sessions and refunds through the official SDK.

The gateway only talks to Stripe; what a payment means for an order is the ticketing
services' business. Every write carries an idempotency key chosen by the caller (derived from
the order), so a double click or a retried request never makes two sessions or two refunds:
Stripe answers a repeated key with the first answer. The SDK retries network failures itself
with the same key.

`STRIPE_API_BASE` points the SDK at another address (the tests' local double of the API).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

import stripe
from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError
from festival.core.timeutil import utcnow

log = logging.getLogger(__name__)

CURRENCY = "eur"
# Stripe accepts a Checkout Session's expires_at from 30 minutes to 24 hours after creation.
# The margin covers the clock difference between this server and Stripe's.
SESSION_MIN_LIFETIME = timedelta(minutes=30)
SESSION_MAX_LIFETIME = timedelta(hours=24)
SESSION_MARGIN = timedelta(minutes=1)
# Languages of the site that Stripe Checkout speaks; the others let Checkout use the
# browser's language ("auto"): Stripe Checkout has no Arabic.
CHECKOUT_LOCALES = {"fr": "fr", "en": "en"}
TIMEOUT = (5, 30)  # seconds to connect, seconds to wait for an answer
_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")
_PAYMENT_INTENT_ID = re.compile(r"pi_[A-Za-z0-9_]{1,250}")


class PaymentError(DomainError):
    """Stripe refused a request or could not be reached.

    `code` is one of: not_configured, connection_error, authentication_error,
    invalid_request, idempotency_error, rate_limited, card_error, stripe_error.
    `message` is for people; `detail` (Stripe's own words) and `stripe_code` are for the logs.
    """

    status = 502

    def __init__(self, code: str, message: Any = None, *, detail: str = "",
                 stripe_code: str | None = None):
        super().__init__(code, message or _l("The payment service is not available at the "
                                             "moment. Please try again in a few minutes."))
        self.detail = detail
        self.stripe_code = stripe_code

    def __str__(self) -> str:
        return f"{self.code}: {self.detail or self.message}"


class LineItem(NamedTuple):
    """One line of a Checkout Session: `unit_amount` in euro cents."""

    name: str
    unit_amount: int
    quantity: int


@dataclass(frozen=True)
class CheckoutSession:
    """What the ticketing services need to know about a Checkout Session."""

    id: str
    status: str  # open | complete | expired
    payment_status: str  # unpaid | paid | no_payment_required
    amount_total: int | None
    currency: str | None
    client_reference_id: str | None
    payment_intent: str | None
    url: str | None
    expires_at: datetime | None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Refund:
    id: str
    status: str  # pending | requires_action | succeeded | failed | canceled
    amount: int
    currency: str
    payment_intent: str | None


class StripeGateway:
    """The calls the festival makes to Stripe. Build one with `from_config(app.config)`."""

    def __init__(self, secret_key: str, api_base: str | None = None, *,
                 max_network_retries: int = 2, timeout: float | tuple[float, float] = TIMEOUT):
        if not secret_key:
            raise PaymentError("not_configured", detail="STRIPE_SECRET_KEY is not set")
        self.api_base = api_base or None
        addresses = {"api": api_base.rstrip("/")} if api_base else None
        self._client = stripe.StripeClient(
            secret_key, base_addresses=addresses, max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> StripeGateway:
        return cls(config.get("STRIPE_SECRET_KEY", ""), config.get("STRIPE_API_BASE") or None)

    def create_checkout_session(self, *, order_code: str, line_items: Iterable[LineItem],
                                customer_email: str | None, success_url: str,
                                cancel_url: str, expires_at: datetime, locale: str | None,
                                idempotency_key: str) -> tuple[str, str]:
        """Open a Checkout Session for an order; returns (session id, URL to send the buyer to).

        `expires_at` is the end of the order's hold. Stripe refuses a session that lives less
        than 30 minutes or more than 24 hours, so it is moved into that range when needed.
        """
        items = [_line_item(item) for item in line_items]
        if not items:
            raise ValueError("a Checkout Session needs at least one line item")
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": items,
            "client_reference_id": order_code,
            "metadata": {"order_code": order_code},
            "payment_intent_data": {"metadata": {"order_code": order_code}},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": session_expiry(expires_at),
            "locale": CHECKOUT_LOCALES.get((locale or "").split("-")[0].lower(), "auto"),
        }
        if customer_email:
            params["customer_email"] = customer_email
        session = self._call("create a Checkout Session", self._client.v1.checkout.sessions.create,
                             params, idempotency_key)
        return session["id"], session["url"]

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSession:
        _check_session_id(session_id)
        session = self._call("read a Checkout Session",
                             self._client.v1.checkout.sessions.retrieve, session_id, write=False)
        return _checkout_session(session)

    def expire_checkout_session(self, session_id: str) -> CheckoutSession:
        """Close an open session so it can no longer be paid (the order was cancelled).
        Safe to repeat: the same idempotency key replays the first answer."""
        _check_session_id(session_id)
        session = self._call("expire a Checkout Session",
                             self._client.v1.checkout.sessions.expire, session_id,
                             f"expire-{session_id}")
        return _checkout_session(session)

    def create_refund(self, *, payment_intent: str, amount_cents: int | None,
                      idempotency_key: str, metadata: Mapping[str, str] | None = None,
                      reason: str | None = None) -> Refund:
        """Refund a payment in full (`amount_cents=None`) or in part."""
        if not isinstance(payment_intent, str) or not _PAYMENT_INTENT_ID.fullmatch(payment_intent):
            raise PaymentError("invalid_request",
                               detail=f"not a PaymentIntent id: {payment_intent!r}")
        params: dict[str, Any] = {"payment_intent": payment_intent}
        if amount_cents is not None:
            if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) \
                    or amount_cents <= 0:
                raise ValueError("a refund's amount is a positive number of cents")
            params["amount"] = amount_cents
        if metadata:
            params["metadata"] = {str(k): str(v) for k, v in metadata.items()}
        if reason:
            params["reason"] = reason  # duplicate | fraudulent | requested_by_customer
        refund = self._call("create a refund", self._client.v1.refunds.create, params,
                            idempotency_key)
        return Refund(id=refund["id"], status=refund["status"], amount=refund["amount"],
                      currency=refund["currency"],
                      payment_intent=_id_of(refund.get("payment_intent")))

    def payment_fee(self, payment_intent: str) -> int | None:
        """What Stripe kept of a payment, in cents: the fee of its latest charge's balance
        transaction. None while Stripe has not booked the charge yet, or when it booked it in
        another currency than euros (the books are in euros)."""
        if not isinstance(payment_intent, str) or not _PAYMENT_INTENT_ID.fullmatch(payment_intent):
            raise PaymentError("invalid_request",
                               detail=f"not a PaymentIntent id: {payment_intent!r}")
        intent = self._call(
            "read a payment's fees",
            lambda intent_id: self._client.v1.payment_intents.retrieve(
                intent_id, params={"expand": ["latest_charge.balance_transaction"]}),
            payment_intent, write=False)
        charge = intent.get("latest_charge")
        balance = charge.get("balance_transaction") if isinstance(charge, dict) else None
        if not isinstance(balance, dict) or balance.get("currency") != "eur":
            return None
        fee = balance.get("fee")
        return fee if isinstance(fee, int) and not isinstance(fee, bool) and fee >= 0 else None

    def _call(self, what: str, method, argument, idempotency_key: str | None = None, *,
              write: bool = True):
        """Call the SDK; every write carries an idempotency key, reads carry none."""
        options: dict[str, Any] = {}
        if write:
            if not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= 255:
                raise ValueError("a write to Stripe needs an idempotency key of 1 to 255 "
                                 "characters")
            options["idempotency_key"] = idempotency_key
        try:
            answer = method(argument, options=options) if options else method(argument)
        except stripe.StripeError as error:
            raise _payment_error(what, error) from error
        return answer.to_dict()


def session_expiry(expires_at: datetime, now: datetime | None = None) -> int:
    """`expires_at` as the Unix time Stripe wants, moved into the range Stripe accepts."""
    if expires_at.tzinfo is None:
        raise ValueError("expires_at must be an aware datetime (UTC)")
    now = now or utcnow()
    earliest = now + SESSION_MIN_LIFETIME + SESSION_MARGIN
    latest = now + SESSION_MAX_LIFETIME - SESSION_MARGIN
    return int(min(max(expires_at, earliest), latest).timestamp())


def _check_session_id(session_id: object) -> None:
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        raise PaymentError("invalid_request", detail=f"not a Checkout Session id: {session_id!r}")


def _line_item(item: LineItem | tuple) -> dict[str, Any]:
    name, unit_amount, quantity = item
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a line item needs a name")
    for label, value, least in (("unit_amount", unit_amount, 0), ("quantity", quantity, 1)):
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            raise ValueError(f"a line item's {label} must be a whole number ≥ {least}")
    return {
        "price_data": {"currency": CURRENCY, "unit_amount": unit_amount,
                       "product_data": {"name": name[:250]}},
        "quantity": quantity,
    }


def _id_of(value: Any) -> str | None:
    """An id whether Stripe returned it as a string or as an expanded object."""
    if value is None or isinstance(value, str):
        return value
    return value.get("id")


def _checkout_session(session: dict[str, Any]) -> CheckoutSession:
    expires = session.get("expires_at")
    return CheckoutSession(
        id=session["id"], status=session.get("status"),
        payment_status=session.get("payment_status"),
        amount_total=session.get("amount_total"), currency=session.get("currency"),
        client_reference_id=session.get("client_reference_id"),
        payment_intent=_id_of(session.get("payment_intent")), url=session.get("url"),
        expires_at=datetime.fromtimestamp(expires, timezone.utc) if expires else None,
        metadata=dict(session.get("metadata") or {}))


_CODES = (
    (stripe.APIConnectionError, "connection_error"),
    (stripe.AuthenticationError, "authentication_error"),
    (stripe.PermissionError, "authentication_error"),
    (stripe.IdempotencyError, "idempotency_error"),
    (stripe.CardError, "card_error"),
    (stripe.InvalidRequestError, "invalid_request"),
    (stripe.RateLimitError, "rate_limited"),
)


def _payment_error(what: str, error: stripe.StripeError) -> PaymentError:
    code = next((code for kind, code in _CODES if isinstance(error, kind)), "stripe_error")
    detail = error.user_message or str(error) or type(error).__name__
    if code == "connection_error":
        detail = (f"could not reach Stripe to {what} (connection refused, timed out or cut "
                  f"off): {detail}")
        log.error("Stripe unreachable: %s", detail)
    else:
        detail = f"Stripe refused to {what}: {detail}"
        log.warning("%s (request id %s)", detail, getattr(error, "request_id", None))
    return PaymentError(code, detail=detail, stripe_code=getattr(error, "code", None))
