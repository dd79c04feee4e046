"""The papers in the privacy export, and what an erasure leaves of them."""
from __future__ import annotations

from sqlalchemy import select

from festival.accounting import invoices, receipts
from festival.accounting.models import DonationReceipt, ReceiptRequest
from festival.extensions import db
from festival.privacy import services as privacy
from tests.accounting.conftest import PAID_AT, order_with_donation, pay

ADDRESS = receipts.DonorAddress("3 rue des Lilas", "93100", "Montreuil", "France")


def test_export_and_erasure_of_a_donors_papers(receipts_on, pass_type):
    paid = order_with_donation(pass_type)
    receipts.ask_for_receipt(paid, ADDRESS, now=PAID_AT)
    pay(paid)
    invoices.issue_invoice(paid, company_name="Atlas SARL", company_address="8 av. du Maine",
                           now=PAID_AT)
    pending = order_with_donation(pass_type)
    receipts.ask_for_receipt(pending, ADDRESS, now=PAID_AT)
    exported = privacy.export_person("amina@example.fr")
    assert [r["number"] for r in exported["tax_receipts"]] == ["2027-000001"]
    assert exported["tax_receipts"][0]["address"][0] == "3 rue des Lilas"
    assert len(exported["tax_receipt_requests"]) == 2
    assert exported["invoices"][0]["company"] == "Atlas SARL"

    privacy.erase_person("amina@example.fr", actor=None)
    assert db.session.scalars(select(ReceiptRequest)).all() == []
    (receipt,) = db.session.scalars(select(DonationReceipt)).all()
    assert receipt.donor_email == "" and receipt.donor_name == "Amina Benali"  # kept by law
