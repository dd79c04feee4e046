"""Stripe webhooks: check that an event really comes from Stripe before anything reads it.

The signature (`Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">`) is verified by
the SDK on the raw request body, exactly as received: parsing and re-serialising the JSON
first would change the bytes and break it. A signature older than five minutes is refused, so
a captured request cannot be replayed later. What an event does to an order is decided by
the ticketing services, which also store each event id once.
"""
from __future__ import annotations

import logging
from typing import Any

import stripe

from festival.core.jsonbody import too_deep

log = logging.getLogger(__name__)

TOLERANCE = stripe.Webhook.DEFAULT_TOLERANCE  # seconds (300)
MAX_BODY = 1024 * 1024  # Stripe's events are far smaller


class WebhookSignatureError(Exception):
    """The request is not a genuine, recent Stripe event; answer 400 and change nothing.

    `reason`: no_secret (the service is not configured: logged as an error), no_signature,
    bad_signature, stale, bad_payload.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def verify_event(raw_body: bytes, signature_header: str | None, secret: str | None,
                 tolerance: int = TOLERANCE) -> dict[str, Any]:
    """The event as a plain dict, if `raw_body` was signed with `secret` in the last
    `tolerance` seconds; raises WebhookSignatureError otherwise."""
    if not secret:
        log.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        raise WebhookSignatureError("no_secret", "STRIPE_WEBHOOK_SECRET is not set")
    if not signature_header:
        raise WebhookSignatureError("no_signature", "no Stripe-Signature header")
    if not isinstance(raw_body, (bytes, bytearray)) or len(raw_body) > MAX_BODY:
        raise WebhookSignatureError("bad_payload", "the body is not bytes or is too large")
    if too_deep(raw_body):  # Stripe's parser would recurse into it (core.jsonbody)
        raise WebhookSignatureError("bad_payload", "the body is nested too deep")
    try:
        body = bytes(raw_body).decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookSignatureError("bad_payload", "the body is not UTF-8") from None
    try:
        event = stripe.Webhook.construct_event(body, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError as error:
        reason = "stale" if _signed_but_old(body, signature_header, secret) else "bad_signature"
        raise WebhookSignatureError(reason, str(error)) from None
    except (ValueError, TypeError, AttributeError, KeyError) as error:
        # Correctly signed yet not an event: only someone holding the secret could send it.
        log.warning("a signed Stripe webhook body is not an event: %s", error)
        raise WebhookSignatureError("bad_payload", str(error)) from None
    data = event.to_dict()
    if not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
        raise WebhookSignatureError("bad_payload", "the event has no id or type")
    return data


def _signed_but_old(body: str, header: str, secret: str) -> bool:
    """True when the signature is right and only its age made it fail."""
    try:
        stripe.WebhookSignature.verify_header(body, header, secret, tolerance=None)
    except stripe.SignatureVerificationError:
        return False
    return True
