"""Without the right secret every address of an order answers 404, whatever the secret's
text: a non-ASCII one made `compare_digest` raise (500 for an order that exists, 404 for one
that does not: codes could be probed), and the lookup limit, which counted only 404s, never
counted those probes. Now every wrong lookup counts."""
from __future__ import annotations

import pytest

from festival.core.security import limiter
from festival.extensions import db
from festival.ticketing import orders
from tests.checkin.conftest import make_door_edition, make_ticket, make_ticket_type
from tests.conftest import make_app


@pytest.fixture
def order(app):
    with app.app_context():
        edition = make_door_edition()
        ticket = make_ticket(make_ticket_type(edition))
        db.session.commit()
        return {"code": ticket.order.code, "secret": ticket.order.secret}


def _status(client, *args, **kwargs) -> int:
    try:
        return client.get(*args, **kwargs).status_code
    except TypeError:  # TESTING propagates what production turns into a 500
        return 500


@pytest.mark.parametrize("secret", ["é", "sss\u00e9", "s" * 31 + "é", "\u2603" * 32])
def test_order_pages_with_a_non_ascii_secret_are_a_404(client, order, secret):
    code = order["code"]
    for path in (f"/orders/{code}", f"/orders/{code}/status.json",
                 f"/orders/{code}/tickets.pdf"):
        assert _status(client, path, query_string={"secret": secret}) == 404
    assert _status(client, "/orders/ZZZZZZZ", query_string={"secret": secret}) == 404


def test_api_order_with_a_non_ascii_secret_header_is_a_404(client, order):
    for code in (order["code"], "ZZZZZZZ"):
        response = client.get(f"/api/v1/orders/{code}", headers={"X-Order-Secret": "é"})
        assert response.status_code == 404
        assert response.get_json()["error"] == "order_not_found"
    right = client.get(f"/api/v1/orders/{order['code']}",
                       headers={"X-Order-Secret": order["secret"]})
    assert right.status_code == 200


@pytest.fixture
def limited(test_environ):
    application = make_app(dict(test_environ, RATE_LIMIT_ORDER_LOOKUP="3 per minute"),
                           RATELIMIT_ENABLED=True, PROPAGATE_EXCEPTIONS=False)
    yield application.test_client()
    limiter.reset()


def test_non_ascii_guesses_count_against_the_lookup_limit(limited, order):
    url = f"/orders/{order['code']}"
    answers = [limited.get(url, query_string={"secret": f"é{n}"}).status_code
               for n in range(4)]
    assert answers == [404, 404, 404, 429]


def test_a_lookup_that_fails_counts_against_the_lookup_limit(limited, order, monkeypatch):
    """Whatever a page stumbles on in the future, probing through it is limited."""
    def broken(code):
        raise RuntimeError("a page that fails")
    monkeypatch.setattr(orders, "find_order", broken)
    answers = [limited.get(f"/orders/{order['code']}?secret=x").status_code
               for _ in range(4)]
    assert answers == [500, 500, 500, 429]
