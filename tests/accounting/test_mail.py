"""The receipt's e-mail as the sender renders it, in the order's language (French, Arabic),
with the receipt attached; none once the receipt is cancelled."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.accounting import receipts
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.mail.rendering import NotToSend, render, renderer_for
from festival.ticketing import orders, refunds
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item
from tests.accounting.conftest import PAID_AT, RECEIPT_SETTINGS
from tests.ticketing.conftest import make_edition, make_type

ADDRESS = receipts.DonorAddress("3 rue des Lilas", "93100", "Montreuil", "France")


@pytest.fixture
def made(translated_app):
    translated_app.config.update(RECEIPT_SETTINGS)
    with translated_app.app_context():
        yield
        db.session.rollback()


def _paid(language: str):
    kind = make_type(make_edition(), quota=5)
    order = orders.create_order(kind.edition, buyer_name="Amina Benali",
                                email="amina@example.fr", items=[Item(kind.id, 1)],
                                donation_cents=2000, terms_accepted=True, language=language,
                                now=PAID_AT)
    receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    orders.mark_paid(order, PaymentMethod.CASH, now=PAID_AT)
    db.session.flush()
    return order


@pytest.mark.parametrize("language, words", [
    ("fr", ["Votre reçu fiscal 2027-000001", "Merci pour votre don", "20,00"]),
    ("ar", ["إيصالك الضريبي 2027-000001", "شكرًا على تبرعك"]),
])
def test_the_receipt_mail_in_french_and_arabic(made, language, words):
    _paid(language)
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.template == "donation_receipt"))
    render(message)
    for word in words:
        assert word in message.subject + message.text_body + message.html_body, word
    assert ('dir="rtl"' in message.html_body) is (language == "ar")
    (pdf,) = message.files
    assert pdf.filename == "recu-fiscal-2027-000001.pdf" and pdf.content.startswith(b"%PDF")


def test_a_cancelled_receipt_is_not_sent(made):
    order = _paid("fr")
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.template == "donation_receipt"))
    refunds.refund(order, None, actor=None, reason="annulé", confirmed=True)
    with pytest.raises(NotToSend):
        renderer_for("donation_receipt")(message.context, True)
