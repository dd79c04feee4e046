"""The tax receipt through the API: asked with an order (`receipt`, the donor's postal
address), or afterwards at /orders/<code>/receipt; read back with its number and PDF."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from festival.accounting.models import DonationReceipt, ReceiptRequest
from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import Order, PaymentMethod
from tests.accounting.pdftext import pdf_text
from tests.ticketing.conftest import make_edition, make_type

ADDRESS = {"street": "12 rue des Arganiers", "postal_code": "93200", "city": "Saint-Denis"}


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, "Pass festival", 1500, quota=100)
        db.session.commit()
        return {"year": edition.year, "type_id": pass_type.id}


def _buy(client, shop, **extra):
    body = {"email": "amina@example.fr", "name": "Amina Benali", "accept_terms": True,
            "items": [{"ticket_type_id": shop["type_id"], "quantity": 1}],
            "donation_cents": 2000} | extra
    return client.post(f"/api/v1/editions/{shop['year']}/orders", json=body)


def _pay(app, code):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == code))
        orders.mark_paid(order, PaymentMethod.BANK_TRANSFER)
        db.session.commit()
        return order.secret


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_a_receipt_asked_with_the_order_is_issued_with_the_payment(client, app, shop,
                                                                   receipts_on):
    made = _buy(client, shop, receipt=ADDRESS)
    assert made.status_code == 201, made.get_json()
    code = made.get_json()["code"]
    secret = _pay(app, code)
    answer = client.get(f"/api/v1/orders/{code}/receipt", headers={"X-Order-Secret": secret})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "issued" and body["number"].endswith("-000001")
    text = pdf_text(client.get(body["pdf_url"].split("localhost", 1)[-1]).data)
    assert "12 rue des Arganiers" in text and "20,00 €" in text and "Amina Benali" in text
    assert client.get(f"/api/v1/orders/{code}/receipt",
                      headers={"X-Order-Secret": "wrong"}).status_code == 404


@pytest.mark.parametrize("extra, field", [
    ({"receipt": ADDRESS, "donation_cents": 0}, "receipt"),
    ({"receipt": {**ADDRESS, "street": " "}}, "receipt.street"),
    ({"receipt": {**ADDRESS, "city": "x" * 101}}, "receipt.city"),
    ({"receipt": {**ADDRESS, "postal_code": "93200\u202e"}}, "receipt.postal_code"),
    ({"receipt": "12 rue des Arganiers"}, "receipt"),
])
def test_a_wrong_receipt_request_orders_nothing(client, app, shop, receipts_on, extra, field):
    refused = _buy(client, shop, **extra)
    assert refused.status_code == 422, refused.get_json()
    assert any(name == field or name.startswith(field + ".")
               for name in refused.get_json()["fields"]), refused.get_json()
    assert _count(app, Order) == 0 and _count(app, ReceiptRequest) == 0


def test_no_receipt_where_the_association_issues_none(client, app, shop):
    refused = _buy(client, shop, receipt=ADDRESS)
    assert refused.status_code == 422 and "receipt" in refused.get_json()["fields"]
    assert _count(app, Order) == 0


def test_a_receipt_asked_after_the_payment_is_issued_at_once_and_once(client, app, shop,
                                                                      receipts_on):
    code = _buy(client, shop).get_json()["code"]
    secret = _pay(app, code)
    url, headers = f"/api/v1/orders/{code}/receipt", {"X-Order-Secret": secret}
    assert client.get(url, headers=headers).get_json()["error"] == "no_receipt"
    wrong = client.post(url, headers=headers, json={**ADDRESS, "city": " "})
    assert wrong.status_code == 422 and "city" in wrong.get_json()["fields"]
    asked = client.post(url, headers=headers, json=ADDRESS)
    assert asked.status_code == 201 and asked.get_json()["status"] == "issued"
    again = client.post(url, headers=headers, json=ADDRESS)
    assert again.status_code == 409 and again.get_json()["error"] == "receipt_exists"
    assert client.post(url, headers={"X-Order-Secret": "nope"}, json=ADDRESS).status_code == 404
    assert _count(app, DonationReceipt) == 1
