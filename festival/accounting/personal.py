"""What the papers hold about a person, for the privacy export and erasure.

Receipts and invoices are accounting documents the association must keep (six years for
tax receipts, livre des procédures fiscales art. L102 B; ten for invoices, code de commerce
art. L123-22): an erasure keeps the name and address printed on them, but forgets the e-mail
address that linked them to the person and any receipt request not yet issued."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from festival.accounting.models import DonationReceipt, Invoice, ReceiptRequest
from festival.extensions import db
from festival.ticketing.models import Order


def papers_of(orders: list[Order]) -> dict:
    """The receipts, receipt requests and invoices of these orders, JSON-ready."""
    ids = [o.id for o in orders]
    receipts = db.session.scalars(select(DonationReceipt).where(
        DonationReceipt.order_id.in_(ids)).order_by(DonationReceipt.id)).all() if ids else []
    requests = db.session.scalars(select(ReceiptRequest).where(
        ReceiptRequest.order_id.in_(ids)).order_by(ReceiptRequest.id)).all() if ids else []
    invoices = db.session.scalars(select(Invoice).where(
        Invoice.order_id.in_(ids)).order_by(Invoice.id)).all() if ids else []
    return {
        "tax_receipts": [{"number": r.number, "order": r.order.code, "status": r.status.value,
                          "amount_cents": r.amount_cents, "gift_date": r.gift_date.isoformat(),
                          "name": r.donor_name, "address": r.address_lines}
                         for r in receipts],
        "tax_receipt_requests": [{"order": r.order.code, "name": r.donor_name,
                                  "address": r.address_lines,
                                  "requested_at": r.requested_at.isoformat()}
                                 for r in requests],
        "invoices": [{"number": i.number, "order": i.order.code, "company": i.company_name,
                      "address": i.company_address, "vat_number": i.vat_number,
                      "total_cents": i.total_cents} for i in invoices],
    }


def forget_donor(order: Order) -> None:
    """The order's buyer is erased: their receipt request goes, their receipts keep what
    the law keeps and lose the e-mail address."""
    db.session.execute(delete(ReceiptRequest).where(ReceiptRequest.order_id == order.id))
    db.session.execute(update(DonationReceipt).where(DonationReceipt.order_id == order.id)
                       .values(donor_email=""))
