"""Webhook signatures, made exactly as Stripe makes them (tests/stripe_double.py)."""
from __future__ import annotations

import json

import pytest
import stripe

from festival.payments.webhooks import WebhookSignatureError, verify_event
from tests.stripe_double import StripeDouble

SESSION = {"id": "cs_test_a1", "object": "checkout.session", "amount_total": 3500,
           "currency": "eur", "client_reference_id": "AB7K", "payment_status": "paid",
           "status": "complete", "metadata": {"order_code": "AB7K"}, "payment_intent": "pi_1"}


@pytest.fixture(scope="module")
def signer():
    """Only its signing helpers are used: no server needed."""
    return StripeDouble()


def refused(raw_body, headers_or_header, secret) -> str:
    header = (headers_or_header.get("Stripe-Signature")
              if isinstance(headers_or_header, dict) else headers_or_header)
    with pytest.raises(WebhookSignatureError) as caught:
        verify_event(raw_body, header, secret)
    return caught.value.reason


def test_a_genuine_event_is_returned_as_a_plain_dict(signer):
    body, headers = signer.signed_event("checkout.session.completed", SESSION,
                                        event_id="evt_1")
    assert headers["Stripe-Signature"].startswith("t=") and ",v1=" in headers["Stripe-Signature"]

    event = verify_event(body, headers["Stripe-Signature"], signer.webhook_secret)

    assert type(event) is dict and type(event["data"]["object"]) is dict
    assert (event["id"], event["type"]) == ("evt_1", "checkout.session.completed")
    assert event["data"]["object"] == SESSION


def test_a_recent_signature_is_accepted_and_an_old_one_is_stale(signer):
    body = json.dumps(signer.event("charge.refunded", {"id": "ch_1"})).encode()
    assert verify_event(body, signer.sign(body, age=290)["Stripe-Signature"],
                        signer.webhook_secret)["type"] == "charge.refunded"
    assert refused(body, signer.sign(body, age=301), signer.webhook_secret) == "stale"


def test_an_old_signature_with_the_wrong_secret_is_a_bad_signature(signer):
    body = json.dumps(signer.event("charge.refunded", {"id": "ch_1"})).encode()
    headers = signer.sign(body, age=3600, secret="whsec_someone_else")
    assert refused(body, headers, signer.webhook_secret) == "bad_signature"


def test_any_change_to_the_body_breaks_the_signature(signer):
    body, headers = signer.signed_event("checkout.session.completed", SESSION)
    forged = body.replace(b'"amount_total": 3500', b'"amount_total": 35')
    assert forged != body
    assert refused(forged, headers, signer.webhook_secret) == "bad_signature"
    # The signature covers the bytes as sent: the same JSON re-serialised is refused too.
    reserialised = json.dumps(json.loads(body)).encode()
    assert refused(reserialised, headers, signer.webhook_secret) == "bad_signature"


def test_another_secret_or_a_forged_header_is_refused(signer):
    body, _ = signer.signed_event("checkout.session.completed", SESSION)
    assert refused(body, signer.sign(body, secret="whsec_attacker"),
                   signer.webhook_secret) == "bad_signature"
    for header in ("nonsense", "t=abc,v1=00", "t=1700000000", "v1=deadbeef",
                   "t=1700000000,v0=" + "0" * 64):
        assert refused(body, header, signer.webhook_secret) == "bad_signature"


def test_one_matching_signature_among_several_is_enough(signer):
    """Stripe sends one v1 signature per active secret while a secret is being rolled."""
    body, headers = signer.signed_event("checkout.session.expired", SESSION)
    old = signer.sign(body, secret="whsec_old_secret")["Stripe-Signature"]
    timestamp = headers["Stripe-Signature"].split(",")[0]
    both = ",".join([timestamp, old.split(",")[1], headers["Stripe-Signature"].split(",")[1]])
    assert verify_event(body, both, signer.webhook_secret)["type"] == "checkout.session.expired"


def test_missing_header_or_secret(signer):
    body, headers = signer.signed_event("checkout.session.completed", SESSION)
    assert refused(body, None, signer.webhook_secret) == "no_signature"
    assert refused(body, "", signer.webhook_secret) == "no_signature"
    assert refused(body, headers, "") == "no_secret"
    assert refused(body, headers, None) == "no_secret"


@pytest.mark.parametrize("payload", [b"not json at all", b"[1, 2, 3]", b'{"object": "event"}',
                                     b'"just a string"'])
def test_a_signed_body_that_is_no_event_is_refused(signer, payload):
    assert refused(payload, signer.sign(payload), signer.webhook_secret) == "bad_payload"


def test_a_body_that_is_not_utf8_is_refused(signer):
    assert refused(b"\xff\xfe{}", "t=1,v1=00", signer.webhook_secret) == "bad_payload"


def test_the_helper_signs_as_the_sdk_expects(signer):
    """The double's headers are the SDK's own: construct_event accepts them untouched."""
    body, headers = signer.signed_event("checkout.session.completed", SESSION)
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"],
                                           signer.webhook_secret)
    assert event["data"]["object"]["id"] == "cs_test_a1"


@pytest.mark.parametrize("depth", [50_000, 950])
def test_a_signed_body_nested_too_deep_is_refused_unparsed(signer, depth):
    payload = b'{"id": "evt_1", "type": "x", "data": ' + b"[" * depth + b"]" * depth + b"}"
    assert refused(payload, signer.sign(payload), signer.webhook_secret) == "bad_payload"
