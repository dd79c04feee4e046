"""Stripe's webhook endpoint: verify, apply once, acknowledge."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request

from festival.core.access import public
from festival.extensions import db
from festival.payments.services import handle_event
from festival.payments.webhooks import WebhookSignatureError, verify_event

bp = Blueprint("payments", __name__)
log = logging.getLogger(__name__)


@bp.post("/stripe/webhook")
@public
def stripe_webhook():
    from festival.ticketing.checkout import gateway

    try:
        event = verify_event(request.get_data(cache=False),
                             request.headers.get("Stripe-Signature"),
                             current_app.config.get("STRIPE_WEBHOOK_SECRET"))
    except WebhookSignatureError as error:
        log.warning("Stripe webhook refused: %s", error.reason)
        return jsonify(error=error.reason, message="The webhook signature is not valid."), 400
    outcome = handle_event(event, gateway())
    db.session.commit()
    return jsonify(received=True, outcome=outcome)
