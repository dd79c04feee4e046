"""The association's papers for given rows: what accounting.pdf prints, gathered from the
database and the settings.

A receipt, an invoice or a credit note keeps, from the moment it is issued, the association's
details and the event's name it was issued with (`printed`, see `as_issued`): a later change
of the settings or of the edition's title never changes a paper already handed out."""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from festival.accounting.models import CreditNote, DonationReceipt, Invoice, ReceiptStatus
from festival.accounting.pdf import (
    AttestationLine,
    AttestationPrint,
    Issuer,
    ReceiptPrint,
    SummaryLine,
    SummaryPrint,
    attestation_pdf,
    receipt_pdf,
    summary_pdf,
)
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.ticketing.models import Order


def issuer() -> Issuer:
    config = current_app.config
    vat = config.get("SELLER_VAT_NUMBER") or ""
    mention = (f"TVA incluse au taux en vigueur (n° de TVA {vat})" if vat
               else config.get("VAT_EXEMPTION_MENTION") or "TVA non applicable")
    return Issuer(name=config["SELLER_NAME"], registration=config["RECEIPT_REGISTRATION"],
                  address=config["RECEIPT_ADDRESS"], purpose=config["RECEIPT_OBJECT"],
                  articles=tuple(config["RECEIPT_CGI_ARTICLES"]),
                  signatory_name=config["RECEIPT_SIGNATORY_NAME"],
                  signatory_role=config["RECEIPT_SIGNATORY_ROLE"], vat_mention=mention,
                  email=config.get("SELLER_EMAIL", ""))


def event_name(order: Order) -> str:
    """The festival as the (French) papers name it: the edition's French title and year,
    whatever the language of the request that prints it."""
    return f"{order.edition.text_in('title', 'fr')} {order.edition.year}"


def as_issued(order: Order) -> dict[str, Any]:
    """What a paper keeps of the settings and the edition when it is issued."""
    return {"issuer": asdict(issuer()), "event": event_name(order)}


def _issuer_of(printed: dict | None) -> Issuer:
    kept = (printed or {}).get("issuer")
    if not isinstance(kept, dict):
        return issuer()  # a paper issued before its details were kept
    names = {f.name for f in fields(Issuer)}
    values = {k: v for k, v in kept.items() if k in names}
    values["articles"] = tuple(values.get("articles") or ("200",))
    return Issuer(**values)


def _event_of(printed: dict | None, order: Order) -> str:
    kept = (printed or {}).get("event")
    return kept if isinstance(kept, str) and kept else event_name(order)


def _today() -> date:
    return to_paris(utcnow()).date()


def receipt_file(receipt: DonationReceipt, *, duplicate: int = 0) -> bytes:
    """The receipt as issued (`duplicate` 0), or its copy number `duplicate`."""
    return receipt_pdf(ReceiptPrint(
        number=receipt.number, donor_name=receipt.donor_name,
        donor_address=receipt.address_lines, amount_cents=receipt.amount_cents,
        gift_date=receipt.gift_date, method=receipt.payment_method,
        issued_on=to_paris(receipt.issued_at).date(), duplicate=duplicate,
        is_cancelled=receipt.is_cancelled, cancel_reason=receipt.cancel_reason),
        _issuer_of(receipt.printed))


def receipts_of_donor(year: int, email: str) -> list[DonationReceipt]:
    """A donor's receipts of the civil year, whatever the case of the address they typed
    (Amina@Example.fr and amina@example.fr are one donor)."""
    return list(db.session.scalars(select(DonationReceipt).where(
        DonationReceipt.year == year,
        func.lower(DonationReceipt.donor_email) == email.strip().lower())
        .order_by(DonationReceipt.sequence).limit(1000)))


def summary_file(year: int, email: str) -> bytes | None:
    """The yearly summary of the donor known by this e-mail address; None without receipts.
    Made out to the name and address of their latest receipt that stands."""
    receipts = receipts_of_donor(year, email)
    if not receipts:
        return None
    standing = [r for r in receipts if r.status is ReceiptStatus.ISSUED] or receipts
    latest = standing[-1]
    return summary_pdf(SummaryPrint(
        year=year, donor_name=latest.donor_name, donor_address=latest.address_lines,
        donor_email=email, made_on=_today(),
        lines=[SummaryLine(r.number, r.gift_date, r.amount_cents, r.is_cancelled)
               for r in receipts]), issuer())


def attestation_print(order: Order, company: list[str] | None = None) -> AttestationPrint:
    groups: Counter[tuple[str, int]] = Counter(
        (t.ticket_type.name, t.price_cents) for t in order.tickets)
    lines = [AttestationLine(f"Billet « {name} »", n, price, price * n)
             for (name, price), n in sorted(groups.items())]
    if order.donation_cents:
        lines.append(AttestationLine("Don à l’association (hors champ de la TVA)", 1,
                                     order.donation_cents, order.donation_cents))
    return AttestationPrint(
        order_code=order.code, buyer_name=order.buyer_name, buyer_email=order.email,
        event=event_name(order), lines=lines,
        total_cents=order.total_cents, refunded_cents=order.refunded_cents,
        method=order.payment_method.value if order.payment_method else "",
        paid_on=to_paris(order.paid_at).date() if order.paid_at else None,
        made_on=_today(), company=company or [])


def attestation_file(order: Order) -> bytes:
    return attestation_pdf(attestation_print(order), issuer())


def invoice_file(invoice: Invoice) -> bytes:
    """The invoice as issued: its copied lines, the company, its number and date."""
    order = invoice.order
    printed = AttestationPrint(
        order_code=order.code, buyer_name=order.buyer_name, buyer_email=order.email,
        event=_event_of(invoice.printed, order),
        lines=[AttestationLine(label, quantity, unit, total)
               for label, quantity, unit, total in invoice.lines],
        total_cents=invoice.total_cents, refunded_cents=invoice.refunded_cents,
        method=invoice.payment_method, paid_on=invoice.paid_on,
        made_on=to_paris(invoice.issued_at).date(),
        company=[invoice.company_name, invoice.company_address, invoice.vat_number])
    return attestation_pdf(printed, _issuer_of(invoice.printed), title="Facture",
                           number=invoice.number)


def credit_note_file(note: CreditNote) -> bytes:
    """The credit note: the company of its invoice, the invoice it cancels a part of, the
    amount given back."""
    invoice = note.invoice
    order = invoice.order
    label = f"Remboursement sur la facture n° {invoice.number}"
    printed = AttestationPrint(
        order_code=order.code, buyer_name=order.buyer_name, buyer_email=order.email,
        event=_event_of(note.printed, order),
        lines=[AttestationLine(label, 1, -note.amount_cents, -note.amount_cents)],
        total_cents=-note.amount_cents, refunded_cents=0, method=invoice.payment_method,
        paid_on=invoice.paid_on, made_on=to_paris(note.issued_at).date(),
        company=[invoice.company_name, invoice.company_address, invoice.vat_number])
    return attestation_pdf(printed, _issuer_of(note.printed), title="Avoir", number=note.number,
                           reference=f"Facture d’origine n° {invoice.number}")
