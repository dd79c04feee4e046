"""The Stripe gateway, through the real SDK over HTTP, against the local Stripe double."""
from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest

from festival.core.errors import DomainError
from festival.payments.gateway import (CheckoutSession, LineItem, PaymentError, StripeGateway,
                                       session_expiry)

ITEMS = [LineItem("Festival pass", 1500, 2), LineItem("Donation to the CNSM", 500, 1)]


@pytest.fixture
def double(stripe_server):
    """The Stripe double without the app: the gateway needs no application."""
    stripe_server.reset()
    yield stripe_server
    stripe_server.reset()


@pytest.fixture
def gateway(double):
    return StripeGateway(double.secret_key, double.base_url)


def open_session(gateway, key="order-AB7K-session-1", **overrides):
    arguments = dict(order_code="AB7K", line_items=ITEMS, customer_email="amina@example.org",
                     success_url="http://localhost/orders/AB7K/paid?s={CHECKOUT_SESSION_ID}",
                     cancel_url="http://localhost/orders/AB7K", locale="fr",
                     expires_at=datetime.now(timezone.utc) + timedelta(minutes=45),
                     idempotency_key=key)
    arguments.update(overrides)
    return gateway.create_checkout_session(**arguments)


def test_checkout_session_is_created_with_the_order_in_euros(gateway, double):
    expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=45)
    session_id, url = open_session(gateway, expires_at=expires)

    [request] = double.requests_to("POST", "/v1/checkout/sessions")
    assert request.headers["authorization"] == f"Bearer {double.secret_key}"
    assert request.idempotency_key == "order-AB7K-session-1"
    assert "line_items[0][price_data][unit_amount]=1500" in request.raw_body
    form = request.form
    assert form["mode"] == "payment"
    assert form["line_items"] == [
        {"price_data": {"currency": "eur", "unit_amount": "1500",
                        "product_data": {"name": "Festival pass"}}, "quantity": "2"},
        {"price_data": {"currency": "eur", "unit_amount": "500",
                        "product_data": {"name": "Donation to the CNSM"}}, "quantity": "1"},
    ]
    assert form["client_reference_id"] == "AB7K"
    assert form["metadata"] == {"order_code": "AB7K"}
    assert form["payment_intent_data"] == {"metadata": {"order_code": "AB7K"}}
    assert form["customer_email"] == "amina@example.org"
    assert form["success_url"].endswith("?s={CHECKOUT_SESSION_ID}")
    assert form["cancel_url"] == "http://localhost/orders/AB7K"
    assert form["expires_at"] == str(int(expires.timestamp()))
    assert form["locale"] == "fr"

    session = double.session(session_id)
    assert session_id.startswith("cs_test_") and url == session["url"]
    assert session["amount_total"] == 3500 and session["currency"] == "eur"
    assert (session["status"], session["payment_status"]) == ("open", "unpaid")


@pytest.mark.parametrize("locale, sent", [("fr", "fr"), ("en", "en"), ("en-GB", "en"),
                                          ("ar", "auto"), (None, "auto")])
def test_languages_stripe_lacks_let_checkout_follow_the_browser(gateway, double,
                                                                locale, sent):
    open_session(gateway, locale=locale)
    assert double.requests[-1].form["locale"] == sent


def test_the_buyer_email_is_optional(gateway, double):
    open_session(gateway, customer_email=None)
    assert "customer_email" not in double.requests[-1].form


def test_a_30_minute_hold_is_stretched_to_what_stripe_accepts(gateway, double):
    now = datetime.now(timezone.utc)
    session_id, _ = open_session(gateway, expires_at=now + timedelta(minutes=30))
    expires_at = double.session(session_id)["expires_at"]
    assert now.timestamp() + 30 * 60 < expires_at <= now.timestamp() + 32 * 60


def test_session_expiry_stays_between_30_minutes_and_24_hours():
    now = datetime(2026, 6, 20, 12, 0, tzinfo=timezone.utc)
    base = int(now.timestamp())
    assert session_expiry(now + timedelta(hours=2), now) == base + 2 * 3600
    assert session_expiry(now, now) == base + 31 * 60
    assert session_expiry(now - timedelta(days=1), now) == base + 31 * 60
    assert session_expiry(now + timedelta(days=3), now) == base + 24 * 3600 - 60
    with pytest.raises(ValueError, match="aware"):
        session_expiry(datetime(2026, 6, 20, 12, 0), now)


def test_same_idempotency_key_gives_one_session(gateway, double):
    first = open_session(gateway, key="order-AB7K-1")
    second = open_session(gateway, key="order-AB7K-1")

    assert first == second
    assert len(double.sessions) == 1
    assert [r.idempotency_key for r in double.requests] == ["order-AB7K-1"] * 2
    third = open_session(gateway, key="order-AB7K-2")
    assert third[0] != first[0] and len(double.sessions) == 2


def test_reusing_a_key_with_other_parameters_is_refused(gateway, double):
    open_session(gateway, key="order-AB7K-1")
    with pytest.raises(PaymentError) as caught:
        open_session(gateway, key="order-AB7K-1", line_items=[LineItem("Day pass", 900, 1)])
    assert caught.value.code == "idempotency_error"
    assert len(double.sessions) == 1


def test_a_transient_stripe_failure_is_retried_with_the_same_key(gateway, double):
    double.fail_next(503)
    session_id, _ = open_session(gateway, key="order-AB7K-retry")

    posts = double.requests_to("POST", "/v1/checkout/sessions")
    assert [r.status for r in posts] == [503, 200]
    assert {r.idempotency_key for r in posts} == {"order-AB7K-retry"}
    assert list(double.sessions) == [session_id]


def test_a_lasting_stripe_failure_becomes_a_payment_error(double):
    gateway = StripeGateway(double.secret_key, double.base_url,
                            max_network_retries=0)
    double.fail_next(500)
    with pytest.raises(PaymentError) as caught:
        open_session(gateway)
    assert caught.value.code == "stripe_error"
    assert double.sessions == {}


def test_retrieve_shows_a_paid_session(gateway, double):
    session_id, url = open_session(gateway)
    assert gateway.retrieve_checkout_session(session_id).payment_intent is None

    double.mark_paid(session_id)
    session = gateway.retrieve_checkout_session(session_id)

    assert isinstance(session, CheckoutSession)
    assert (session.status, session.payment_status) == ("complete", "paid")
    assert session.payment_intent.startswith("pi_")
    assert (session.amount_total, session.currency) == (3500, "eur")
    assert session.client_reference_id == "AB7K" and session.metadata == {"order_code": "AB7K"}
    assert session.expires_at.tzinfo is not None and session.url == url
    assert double.requests[-1].method == "GET"
    assert double.requests[-1].path == f"/v1/checkout/sessions/{session_id}"


def test_retrieve_of_an_unknown_or_malformed_session(gateway, double):
    with pytest.raises(PaymentError) as caught:
        gateway.retrieve_checkout_session("cs_test_doesnotexist")
    assert (caught.value.code, caught.value.stripe_code) == ("invalid_request",
                                                             "resource_missing")
    sent = len(double.requests)
    with pytest.raises(PaymentError):
        gateway.retrieve_checkout_session("../v1/refunds")
    assert len(double.requests) == sent


def test_expire_closes_an_open_session_and_may_be_repeated(gateway, double):
    session_id, _ = open_session(gateway)
    assert gateway.expire_checkout_session(session_id).status == "expired"
    assert gateway.expire_checkout_session(session_id).status == "expired"
    expires = double.requests_to("POST", f"/v1/checkout/sessions/{session_id}/expire")
    assert [r.idempotency_key for r in expires] == [f"expire-{session_id}"] * 2


def test_a_completed_session_cannot_be_expired(gateway, double):
    session_id, _ = open_session(gateway)
    double.mark_paid(session_id)
    with pytest.raises(PaymentError) as caught:
        gateway.expire_checkout_session(session_id)
    assert caught.value.code == "invalid_request"
    assert double.session(session_id)["status"] == "complete"


def test_writes_need_an_idempotency_key(gateway, double):
    with pytest.raises(ValueError, match="idempotency key"):
        open_session(gateway, key=None)
    with pytest.raises(ValueError, match="idempotency key"):
        open_session(gateway, key="k" * 256)
    assert double.requests == []


def test_full_and_partial_refunds(gateway, double):
    session_id, _ = open_session(gateway)
    intent = double.mark_paid(session_id)["payment_intent"]

    partial = gateway.create_refund(payment_intent=intent, amount_cents=1500,
                                    idempotency_key="refund-AB7K-ticket-1",
                                    metadata={"order_code": "AB7K", "ticket": "1"})
    assert (partial.status, partial.amount, partial.currency) == ("succeeded", 1500, "eur")
    assert partial.id.startswith("re_") and partial.payment_intent == intent
    form = double.requests[-1].form
    assert form == {"payment_intent": intent, "amount": "1500",
                    "metadata": {"order_code": "AB7K", "ticket": "1"}}

    rest = gateway.create_refund(payment_intent=intent, amount_cents=None,
                                 idempotency_key="refund-AB7K-rest")
    assert rest.amount == 2000
    assert "amount" not in double.requests[-1].form
    assert sum(r["amount"] for r in double.refunds.values()) == 3500


def test_a_refund_is_made_once_per_key(gateway, double):
    intent = double.mark_paid(open_session(gateway)[0])["payment_intent"]
    first = gateway.create_refund(payment_intent=intent, amount_cents=None,
                                  idempotency_key="refund-AB7K")
    again = gateway.create_refund(payment_intent=intent, amount_cents=None,
                                  idempotency_key="refund-AB7K")
    assert first == again and len(double.refunds) == 1


def test_refunds_stripe_refuses(gateway, double):
    intent = double.mark_paid(open_session(gateway)[0])["payment_intent"]
    with pytest.raises(PaymentError) as caught:
        gateway.create_refund(payment_intent=intent, amount_cents=99999, idempotency_key="r1")
    assert caught.value.code == "invalid_request"
    with pytest.raises(PaymentError) as caught:
        gateway.create_refund(payment_intent="pi_unknown", amount_cents=None,
                              idempotency_key="r2")
    assert caught.value.stripe_code == "resource_missing"
    with pytest.raises(ValueError):
        gateway.create_refund(payment_intent=intent, amount_cents=0, idempotency_key="r3")
    assert double.refunds == {}


def test_a_total_under_50_cents_is_refused_by_stripe(gateway, double):
    with pytest.raises(PaymentError) as caught:
        open_session(gateway, line_items=[LineItem("Support ticket", 20, 1)])
    assert caught.value.stripe_code == "amount_too_small"


@pytest.mark.parametrize("items", [[], [("Pass", -1, 1)], [("Pass", 1500, 0)], [("", 100, 1)],
                                   [("Pass", 15.0, 1)]])
def test_bad_line_items_are_refused_before_calling_stripe(gateway, double, items):
    with pytest.raises(ValueError):
        open_session(gateway, line_items=items)
    assert double.requests == []


def test_a_wrong_secret_key_is_an_authentication_error(double):
    gateway = StripeGateway("sk_test_wrong", double.base_url)
    with pytest.raises(PaymentError) as caught:
        open_session(gateway)
    assert caught.value.code == "authentication_error"
    assert double.requests[-1].headers["authorization"] == "Bearer sk_test_wrong"


def test_connection_refused_says_stripe_cannot_be_reached():
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = StripeGateway("sk_test_x", f"http://127.0.0.1:{port}", max_network_retries=0)
    with pytest.raises(PaymentError) as caught:
        open_session(gateway)
    error = caught.value
    assert error.code == "connection_error"
    assert "could not reach Stripe" in error.detail and "connection refused" in error.detail
    assert isinstance(error, DomainError) and error.status == 502
    assert "try again" in str(error.message)


def test_without_a_secret_key_the_gateway_is_not_configured():
    with pytest.raises(PaymentError) as caught:
        StripeGateway.from_config({"STRIPE_SECRET_KEY": "", "STRIPE_API_BASE": ""})
    assert caught.value.code == "not_configured"


def test_the_app_fixture_points_the_gateway_at_the_double(app, stripe_double):
    assert app.config["STRIPE_API_BASE"] == stripe_double.base_url
    assert app.config["STRIPE_WEBHOOK_SECRET"] == stripe_double.webhook_secret
    assert app.config["DEMO_PAYMENTS"] is False
    session_id, _ = open_session(StripeGateway.from_config(app.config))
    assert list(stripe_double.sessions) == [session_id]


# -- the double itself -----------------------------------------------------------------------

def test_the_double_parses_stripes_form_encoding():
    from tests.stripe_double import parse_form
    form = parse_form("mode=payment&line_items[0][price_data][unit_amount]=1500"
                      "&line_items[0][quantity]=2&line_items[1][quantity]=1"
                      "&metadata[order_code]=AB7K&metadata[note]=")
    assert form == {"mode": "payment",
                    "line_items": [{"price_data": {"unit_amount": "1500"}, "quantity": "2"},
                                   {"quantity": "1"}],
                    "metadata": {"order_code": "AB7K", "note": ""}}


def test_the_double_wants_the_right_bearer_key(double):
    import json
    import urllib.error
    import urllib.request
    for headers in ({}, {"Authorization": "Bearer sk_test_other"}):
        request = urllib.request.Request(f"{double.base_url}/v1/checkout/sessions",
                                         data=b"mode=payment", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        with caught.value as error:
            assert error.code == 401
            assert json.loads(error.read())["error"]["type"] == "invalid_request_error"
    assert [r.status for r in double.requests] == [401, 401]
    assert double.sessions == {}


def test_the_checkout_page_of_the_double_pays_and_returns_to_the_shop(gateway, double):
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    session_id, url = open_session(gateway)
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(url, timeout=5)
    with caught.value as redirect:
        assert redirect.code == 303
        assert redirect.headers["Location"] == f"http://localhost/orders/AB7K/paid?s={session_id}"
    assert double.session(session_id)["payment_status"] == "paid"


def test_the_double_signs_events_about_its_own_sessions(gateway, double):
    from festival.payments.webhooks import verify_event
    session_id, _ = open_session(gateway)
    body, headers = double.signed_event("checkout.session.completed", double.mark_paid(session_id))
    event = verify_event(body, headers["Stripe-Signature"], double.webhook_secret)
    paid = event["data"]["object"]
    assert (paid["id"], paid["payment_status"], paid["amount_total"]) == (session_id, "paid", 3500)
    charge = double.charge(paid["payment_intent"])
    assert charge["metadata"] == {"order_code": "AB7K"} and charge["amount_refunded"] == 0
