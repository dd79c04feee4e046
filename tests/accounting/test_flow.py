"""End to end: a card payment with a donation at the shop (Stripe's local double, signed
webhooks) → the receipt's number → its PDF's text → the organiser's refund → the receipt
cancelled, its number kept."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from festival.accounting.models import DonationReceipt, ReceiptRequest, ReceiptStatus
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.mail.rendering import render
from festival.ticketing.models import Order, OrderStatus
from tests.accounting.pdftext import pdf_text
from tests.ticketing.conftest import make_edition, make_type

CONFIRMED = {"reviewed": "1", "confirm": "y"}


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=100)
        festival = make_type(edition, "Pass festival", 1500, quota=20)
        db.session.commit()
        return {"year": edition.year, "type": festival.id, "url": f"/{edition.year}/tickets"}


def _step(client, shop, action, **fields):
    data = {"action": action, "language": "fr", f"qty-{shop['type']}": "2",
            "name": "Amina Benali", "email": "amina@example.fr", "donation": "25,50"}
    if action == "pay":
        data["accept_terms"] = "y"
    data.update(fields)
    return client.post(shop["url"], data=data)


def _deliver(client, stripe_double, type_, obj):
    body, headers = stripe_double.signed_event(type_, obj)
    return client.post("/stripe/webhook", data=body, headers=headers)


def test_the_receipt_is_offered_only_with_a_donation_when_receipts_are_on(client, app, shop,
                                                                          receipts_on):
    with_gift = _step(client, shop, "continue").get_data(as_text=True)
    assert "Tax receipt for your donation" in with_gift and 'name="receipt_street"' in with_gift
    without = _step(client, shop, "continue", donation="0").get_data(as_text=True)
    assert "receipt_street" not in without
    app.config["RECEIPTS_ENABLED"] = False
    assert "receipt_street" not in _step(client, shop, "continue").get_data(as_text=True)


def test_going_back_to_the_tickets_keeps_the_receipt_request(client, shop, receipts_on):
    back = _step(client, shop, "back", receipt_wanted="y", receipt_street="3 rue des Lilas",
                 receipt_postal_code="93100", receipt_city="Montreuil").get_data(as_text=True)
    assert 'name="receipt_street" value="3 rue des Lilas"' in back
    assert 'name="receipt_wanted" value="y"' in back
    again = _step(client, shop, "continue", receipt_wanted="y",
                  receipt_street="3 rue des Lilas").get_data(as_text=True)
    assert 'value="3 rue des Lilas"' in again
    assert re.search(r'<input[^>]*\bchecked\b[^>]*id="receipt_wanted"', again)


def test_a_wrong_address_keeps_the_form_and_makes_no_order(client, app, shop, receipts_on):
    page = _step(client, shop, "pay", receipt_wanted="y", receipt_street="3 rue des Lilas",
                 receipt_postal_code="93100", receipt_city="")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Required for the tax receipt." in html and 'value="3 rue des Lilas"' in html
    with app.app_context():
        assert db.session.scalars(select(Order)).all() == []


def test_card_payment_with_donation_receipt_pdf_then_refund_cancels(client, app, shop,
                                                                   receipts_on, stripe_double,
                                                                   auth):
    page = _step(client, shop, "pay", receipt_wanted="y", receipt_street="3 rue des Lilas",
                 receipt_postal_code="93100", receipt_city="Montreuil")
    assert page.status_code == 303, page.get_data(as_text=True)[:300]
    with app.app_context():
        order = db.session.scalar(select(Order))
        code, secret, session_id = order.code, order.secret, order.stripe_session_id
        assert order.status is OrderStatus.PENDING and order.total_cents == 5550
        assert db.session.scalar(select(ReceiptRequest.city)) == "Montreuil"
        assert db.session.scalars(select(DonationReceipt)).all() == []

    session = stripe_double.mark_paid(session_id)
    assert _deliver(client, stripe_double, "checkout.session.completed",
                    session).get_json()["outcome"] == "paid"
    year = to_paris(utcnow()).year
    with app.app_context():
        receipt = db.session.scalar(select(DonationReceipt))
        assert receipt.number == f"{year}-000001" and receipt.amount_cents == 2550
        message = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.template == "donation_receipt"))
        assert message.to_address == "amina@example.fr"
        render(message)
        (attachment,) = message.files
        assert attachment.filename == f"recu-fiscal-{year}-000001.pdf"
        mailed = pdf_text(attachment.content)
        db.session.rollback()
    for words in (f"Reçu n° {year}-000001", "Coordination N’Souss Massa (CNSM)",
                  "RNA W751000000", "Solidarité avec la région du Souss-Massa",
                  "Amina Benali", "3 rue des Lilas 93100 Montreuil France", "25,50 €",
                  "vingt-cinq euros et cinquante centimes", "Déclaration de don manuel",
                  "Numéraire", "Paiement en ligne (carte ou prélèvement)",
                  "prévue à l’article 200 du code général des impôts", "Fatima Ait Lahcen",
                  "Trésorière"):
        assert words in mailed, words
    assert "55,50" not in mailed  # the tickets are not receipted

    order_page = client.get(f"/orders/{code}?secret={secret}").get_data(as_text=True)
    assert f"Tax receipt {year}-000001 (PDF)" in order_page
    download = client.get(f"/orders/{code}/receipt.pdf?secret={secret}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert f"Reçu n° {year}-000001" in pdf_text(download.data)
    assert client.get(f"/orders/{code}/receipt.pdf?secret=wrong").status_code == 404

    auth.login_as("organiser")
    refunded = client.post(f"/manage/{shop['year']}/orders/{code}/refund",
                           data={"reason": "ne vient plus", **CONFIRMED})
    assert refunded.status_code in (302, 303)
    with app.app_context():
        receipt = db.session.scalar(select(DonationReceipt))
        assert db.session.get(Order, receipt.order_id).status is OrderStatus.REFUNDED
        assert receipt.status is ReceiptStatus.CANCELLED
        assert receipt.number == f"{year}-000001"
    assert "was cancelled" in client.get(f"/orders/{code}?secret={secret}").get_data(
        as_text=True)
    cancelled = pdf_text(client.get(f"/orders/{code}/receipt.pdf?secret={secret}").data)
    assert "ANNULÉ" in cancelled
    register = client.get(f"/manage/receipts/{year}").get_data(as_text=True)
    assert f"{year}-000001" in register and "Cancelled (refunded)" in register
