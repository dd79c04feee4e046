"""The ticketing API's order creation: counts taken from the body are bounded before the
order service, or anything proportional to them, runs."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from festival.extensions import db
from festival.ticketing import api, orders
from festival.ticketing.models import Order
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def edition(app):
    with app.app_context():
        edition = make_edition(capacity=100)
        named = make_type(edition, "Pass festival", 2500, quota=50, requires_attendee_name=True)
        db.session.commit()
        return {"url": f"/api/v1/editions/{edition.year}/orders", "type_id": named.id}


@pytest.fixture
def no_service(monkeypatch):
    """The order service must not be reached: the request is refused while parsed."""
    monkeypatch.setattr(api.orders, "create_order",
                        lambda *a, **k: pytest.fail("the order service was called"))


@pytest.mark.parametrize("item, field", [
    ({"quantity": 10_000_000}, "items.0.quantity"),
    ({"quantity": 1, "attendees": ["Nora"] * 100_000}, "items.0.attendees"),
])
def test_absurd_counts_are_refused_while_parsing(client, app, edition, no_service, item,
                                                 field):
    body = {"name": "Nora", "email": "nora@example.fr",
            "items": [dict(item, ticket_type_id=edition["type_id"])], "accept_terms": True}
    response = client.post(edition["url"], json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0


def test_an_absurd_quantity_gets_the_order_limit(client, edition, no_service):
    body = {"name": "Nora", "email": "nora@example.fr",
            "items": [{"ticket_type_id": edition["type_id"], "quantity": 10_000_000}],
            "accept_terms": True}
    fields = client.post(edition["url"], json=body).get_json()["fields"]
    assert fields["items.0.quantity"] == [
        f"Give a number between 1 and {orders.MAX_TICKETS_PER_ORDER}."]



def test_a_ticket_type_with_more_days_than_its_edition_is_refused_before_reading_them(
        client, app, edition, api_token, monkeypatch):
    from festival.ticketing import catalog
    monkeypatch.setattr(catalog, "date", None)  # reading any value would now raise
    year = edition["url"].split("/")[4]
    response = client.post(f"/api/v1/editions/{year}/ticket-types", headers=api_token(
        "organiser"), json={"name": "Jour", "price_cents": 0, "quota": 10,
                            "valid_days": ["x"] * 100_000})
    assert response.status_code == 422
    assert response.get_json()["fields"]["valid_days"][0].startswith("Choose at most the")
