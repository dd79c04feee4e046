"""Invoices for company buyers: asked from the order's page once it is paid, made out to
the company's name, address and VAT number, numbered F<year>-<n> in the unbroken sequence of
the civil year they are issued in (accounting.numbering). One per order. Money given back
afterwards is a credit note (avoir) on the invoice, numbered A<year>-<n> in its own
sequence: the invoice itself never changes."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounting import numbering
from festival.accounting.documents import as_issued, attestation_print
from festival.accounting.models import CounterKind, CreditNote, Invoice
from festival.accounting.receipts import UNPRINTABLE
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.ticketing.models import Order, OrderStatus
from festival.ticketing.orders import lock_order

# An EU VAT number: its country's two letters, then 2 to 13 letters and digits.
VAT_NUMBER = re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}")


def invoice_of(order: Order) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))


def _clean(value, length: int) -> str:
    return " ".join(value.split())[:length + 1] if isinstance(value, str) else ""


def issue_invoice(order: Order, *, company_name: str, company_address: str,
                  vat_number: str = "", now: datetime | None = None) -> Invoice:
    """The invoice of a paid order for a company. Errors: validation_failed (company_name,
    company_address, vat_number), not_invoiceable (409: the order is not paid),
    invoice_exists (409)."""
    now = now or utcnow()
    errors: dict[str, list] = {}
    name, address = _clean(company_name, 200), _clean(company_address, 300)
    # The spaces between groups of digits out first: cut before, a long number typed with
    # spaces lost its last digits and still passed the check.
    vat = "".join(vat_number.split()).upper() if isinstance(vat_number, str) else ""
    if not name or len(name) > 200 or UNPRINTABLE.search(name):
        errors["company_name"] = [_l("Give the company's name (200 characters at most).")]
    if not address or len(address) > 300 or UNPRINTABLE.search(address):
        errors["company_address"] = [_l("Give the company's address (300 characters at "
                                        "most).")]
    if vat and (len(vat) > 20 or not VAT_NUMBER.fullmatch(vat)):
        errors["vat_number"] = [_l("A VAT number starts with its country's two letters "
                                   "(FR12345678901).")]
    if errors:
        raise ValidationError(errors)
    order = lock_order(order.id)
    if order.status is not OrderStatus.PAID or order.paid_at is None:
        raise DomainError("not_invoiceable", _l("Only a paid order can be invoiced."),
                          status=409)
    if invoice_of(order) is not None:
        raise DomainError("invoice_exists", _l("This order already has an invoice."),
                          status=409)
    year = to_paris(now).year
    sequence = numbering.next_number(CounterKind.INVOICE, year)
    printed = attestation_print(order)
    invoice = Invoice(number=f"F{year}-{sequence:06d}", year=year, sequence=sequence,
                      order_id=order.id, company_name=name, company_address=address,
                      vat_number=vat, total_cents=order.total_cents,
                      refunded_cents=order.refunded_cents,
                      lines=[[line.label, line.quantity, line.unit_cents, line.total_cents]
                             for line in printed.lines],
                      payment_method=printed.method, paid_on=printed.paid_on, issued_at=now,
                      printed=as_issued(order))
    db.session.add(invoice)
    db.session.flush()
    return invoice


def credit_notes_of(invoice: Invoice) -> list[CreditNote]:
    return list(db.session.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice.id)
                                   .order_by(CreditNote.sequence).limit(100)))


def credit_after_refund(order: Order, now: datetime | None = None) -> CreditNote | None:
    """Ticketing's refund listener (under the order's lock, in the refund's transaction):
    what the order had refunded beyond what its invoice already showed and its earlier credit
    notes cover gets a credit note. Returns it (None when the order has no invoice or nothing
    new went back)."""
    invoice = invoice_of(order)
    if invoice is None:
        return None
    covered = invoice.refunded_cents + db.session.scalar(  # all of them, not the page's first
        select(func.coalesce(func.sum(CreditNote.amount_cents), 0))
        .where(CreditNote.invoice_id == invoice.id))
    amount = min(order.refunded_cents, invoice.total_cents) - covered
    if amount <= 0:
        return None
    now = now or utcnow()
    year = to_paris(now).year
    sequence = numbering.next_number(CounterKind.CREDIT_NOTE, year)
    note = CreditNote(number=f"A{year}-{sequence:06d}", year=year, sequence=sequence,
                      invoice_id=invoice.id, amount_cents=amount, issued_at=now,
                      printed=as_issued(order))
    db.session.add(note)
    db.session.flush()
    return note


def find_credit_note(order: Order, number: str) -> CreditNote | None:
    invoice = invoice_of(order)
    if invoice is None or not isinstance(number, str) or len(number) > 20:
        return None
    return db.session.scalar(select(CreditNote).where(CreditNote.invoice_id == invoice.id,
                                                      CreditNote.number == number))
