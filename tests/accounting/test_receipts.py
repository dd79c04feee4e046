"""Donation receipts as services: issued with the payment for the donation only, when asked
and allowed; numbered per civil year; cancelled by a refund of the donation; asked later
within the year; reissued as duplicates."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from festival.accounting import documents, receipts
from festival.accounting.models import DonationReceipt, ReceiptStatus
from festival.core.errors import DomainError, ValidationError
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders, refunds
from festival.ticketing.models import PaymentMethod
from tests.accounting.conftest import PAID_AT, order_with_donation, pay
from tests.accounting.pdftext import pdf_text
from tests.factories import gen_user

ADDRESS = receipts.DonorAddress("3 rue des Lilas", "93100", "Montreuil", "France")


def _receipts() -> list[DonationReceipt]:
    return list(db.session.scalars(select(DonationReceipt).order_by(DonationReceipt.id)))


def _mail_templates() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id)))


def test_a_paid_donation_asked_for_gets_its_numbered_receipt(receipts_on, pass_type):
    order = order_with_donation(pass_type, 2550, quantity=2)
    assert receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT) is None  # pending: later
    assert _receipts() == []
    pay(order)
    (receipt,) = _receipts()
    assert receipt.number == "2027-000001" and receipt.year == 2027 and receipt.sequence == 1
    assert receipt.amount_cents == 2550 != order.total_cents  # the donation, not the tickets
    assert receipt.donor_name == "Amina Benali" and receipt.gift_date.isoformat() == "2027-04-02"
    assert receipt.address_lines == ["3 rue des Lilas", "93100 Montreuil", "France"]
    assert receipt.payment_method == "bank_transfer" and receipt.status is ReceiptStatus.ISSUED
    assert "donation_receipt" in _mail_templates()
    second = order_with_donation(pass_type, 1000, email="idir@example.fr", name="Idir")
    receipts.ask_for_receipt(second, ADDRESS, now=PAID_AT)
    pay(second)
    assert [r.number for r in _receipts()] == ["2027-000001", "2027-000002"]


def test_the_year_is_the_payments_in_paris(receipts_on, pass_type):
    order = order_with_donation(pass_type)
    receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    pay(order, now=datetime(2027, 12, 31, 23, 30, tzinfo=UTC))  # 1 January 2028 in Paris
    assert _receipts()[0].number == "2028-000001"


def test_no_request_no_receipt_and_nothing_when_receipts_are_off(app, receipts_on, pass_type):
    pay(order_with_donation(pass_type))
    assert _receipts() == []
    app.config["RECEIPTS_ENABLED"] = False
    order = order_with_donation(pass_type)
    with pytest.raises(DomainError) as refused:
        receipts.ask_for_receipt(order, ADDRESS)
    assert refused.value.code == "receipts_unavailable"


def test_an_order_without_donation_has_nothing_to_receipt(receipts_on, pass_type):
    order = order_with_donation(pass_type, 0)
    with pytest.raises(DomainError) as refused:
        receipts.ask_for_receipt(order, ADDRESS)
    assert refused.value.code == "no_donation"


def test_the_address_is_checked_field_by_field():
    with pytest.raises(ValidationError) as refused:
        receipts.check_address({"street": "  ", "postal_code": "x" * 21, "city": "Lyon"})
    assert set(refused.value.fields) == {"receipt_street", "receipt_postal_code"}
    assert receipts.check_address({"street": "1  rue A", "postal_code": "69001",
                                   "city": "Lyon"}).country == "France"



@pytest.mark.parametrize("street", ["1 rue \u202eA", "1 rue \u2067A", "1 rue\x7f A",
                                    "1 rue\x9bA"])
def test_a_bidi_override_or_a_control_character_is_refused_in_an_address(street):
    with pytest.raises(ValidationError) as refused:
        receipts.check_address({"street": street, "postal_code": "69001", "city": "Lyon"})
    assert set(refused.value.fields) == {"receipt_street"}


def test_a_full_refund_cancels_the_receipt_and_keeps_its_number(receipts_on, pass_type):
    order = order_with_donation(pass_type, 2000, quantity=2)
    receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    pay(order)
    organiser = gen_user("organiser")
    # Refunding a ticket leaves the gift standing.
    refunds.refund(order, None, ticket_ids=[order.tickets[0].id], actor=organiser,
                   reason="malade", confirmed=True)
    assert _receipts()[0].status is ReceiptStatus.ISSUED
    refunds.refund(order, None, actor=organiser, reason="annulé", confirmed=True)
    (receipt,) = _receipts()
    assert receipt.status is ReceiptStatus.CANCELLED and receipt.cancelled_at is not None
    assert receipt.number == "2027-000001"
    other = order_with_donation(pass_type, 500, email="b@example.fr")
    receipts.ask_for_receipt(other, ADDRESS, now=PAID_AT)
    pay(other)
    assert _receipts()[1].number == "2027-000002"  # the cancelled number is never reused


def test_a_refund_at_the_provider_that_reaches_the_donation_cancels(receipts_on, pass_type):
    order = order_with_donation(pass_type, 2000)  # 15 € of ticket, 20 € of donation
    receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    pay(order, PaymentMethod.STRIPE)
    refunds.refunded_at_provider(order, 1500)  # the ticket's price: the gift stands
    assert _receipts()[0].status is ReceiptStatus.ISSUED
    refunds.refunded_at_provider(order, 1600)  # one euro of the gift went back
    assert _receipts()[0].status is ReceiptStatus.CANCELLED


def test_asking_afterwards_issues_at_once_within_the_year(receipts_on, pass_type):
    order = order_with_donation(pass_type)
    pay(order)
    assert receipts.can_ask_later(order, now=PAID_AT)
    receipt = receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    assert receipt.number == "2027-000001" and receipt.donor_name == "Amina Benali"
    with pytest.raises(DomainError) as refused:
        receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    assert refused.value.code == "receipt_exists"
    late = order_with_donation(pass_type, email="late@example.fr")
    pay(late)
    next_year = datetime(2028, 1, 3, 9, 0, tzinfo=UTC)
    assert not receipts.can_ask_later(late, now=next_year)
    with pytest.raises(DomainError) as refused:
        receipts.ask_for_receipt(late, ADDRESS, now=next_year)
    assert refused.value.code == "receipt_too_late"


def test_a_duplicate_keeps_the_number_and_a_cancelled_receipt_has_none(receipts_on,
                                                                      pass_type):
    order = order_with_donation(pass_type)
    receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    pay(order)
    (receipt,) = _receipts()
    assert receipts.reissue(receipt) == 1
    assert receipts.reissue(receipt) == 2
    assert receipt.duplicates == 2 and receipt.number == "2027-000001"
    refunds.refund(order, None, actor=gen_user("organiser"), reason="x", confirmed=True)
    with pytest.raises(DomainError) as refused:
        receipts.reissue(receipt)
    assert refused.value.code == "receipt_cancelled"


def test_a_paid_order_cancelled_at_the_desk_cancels_its_receipt(receipts_on, pass_type):
    order = order_with_donation(pass_type)
    receipts.ask_for_receipt(order, ADDRESS, now=PAID_AT)
    pay(order, PaymentMethod.CASH)
    orders.cancel_order(order, actor=gen_user("organiser"), reason="saisie en double")
    (receipt,) = _receipts()
    assert receipt.status is ReceiptStatus.CANCELLED
    assert receipt.cancel_reason == "order_cancelled" and receipt.number == "2027-000001"


def test_the_longest_address_the_form_takes_is_printed_whole_line_by_line(receipts_on,
                                                                           pass_type):
    street = ("Résidence Les Jardins du Souss, bâtiment B, escalier 4, appartement 1207, "
              * 3)[:193] + " Zrue"
    city = ("Saint-Rémy-de-Provence Cedex Mairie annexe " * 3)[:93] + " Yville"
    country = ("Royaume du Maroc province de Taroudant " * 3)[:93] + " Xpays"
    assert (len(street), len(city), len(country)) == (198, 100, 99)
    long_one = order_with_donation(pass_type, email="long@example.fr")
    receipts.ask_for_receipt(long_one, receipts.check_address(
        {"street": street, "postal_code": "12345678901234567890", "city": city,
         "country": country}), now=PAID_AT)
    arabic = order_with_donation(pass_type, email="rabat@example.fr")
    receipts.ask_for_receipt(arabic, receipts.DonorAddress(
        "عمارة ١٢، شارع الحسن الثاني", "10000", "Rabat", "Maroc"), now=PAID_AT)
    pay(long_one)
    pay(arabic)
    first, second = _receipts()
    text = pdf_text(documents.receipt_file(first))
    assert "…" not in text
    for end in ("Zrue", "12345678901234567890 Saint-Rémy", "Yville", "Xpays"):
        assert end in text, end
    # An Arabic street does not turn the next lines right to left.
    assert "10000 Rabat Maroc" in pdf_text(documents.receipt_file(second))
