"""Donation receipts (reçus fiscaux, Cerfa 11580 model): asked for, issued, cancelled.

Only the donation part of an order is receipted, never its tickets. A receipt is issued when
its order becomes paid (the paid listener, in the payment's transaction), if the association
may issue them (RECEIPTS_ENABLED) and the donor asked for one, with the postal address it is
made out to (at checkout, or later from the order's page, within the civil year of the gift).
Its number comes from the year's unbroken sequence (accounting.numbering). A refund that
takes back part of the donation cancels the receipt: the number stays used, marked cancelled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounting import numbering
from festival.accounting.documents import as_issued
from festival.accounting.models import (
    CounterKind,
    DonationReceipt,
    ReceiptRequest,
    ReceiptStatus,
)
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.mail.services import queue_mail_to_render
from festival.ticketing.models import Order, OrderStatus
from festival.ticketing.orders import lock_order

ADDRESS_FIELDS = {"street": 200, "postal_code": 20, "city": 100, "country": 100}
# Never printed on a paper: control characters, and the bidi embeddings, overrides and
# isolates that would show its text in another order than it is stored.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069<>]")


@dataclass(frozen=True)
class DonorAddress:
    street: str
    postal_code: str
    city: str
    country: str

    def lines(self) -> list[str]:
        return [self.street, f"{self.postal_code} {self.city}", self.country]


def receipts_enabled() -> bool:
    return bool(current_app.config.get("RECEIPTS_ENABLED"))


def check_address(data: dict[str, Any]) -> DonorAddress:
    """The donor's postal address from `data` (street, postal_code, city, country; country
    defaults to France). Errors: validation_failed, fields named `receipt_<field>`."""
    errors: dict[str, list] = {}
    values: dict[str, str] = {}
    for name, length in ADDRESS_FIELDS.items():
        raw = data.get(name)
        value = " ".join(raw.split()) if isinstance(raw, str) else ""
        if name == "country" and not value:
            value = "France"
        if not value:
            errors[f"receipt_{name}"] = [_l("Required for the tax receipt.")]
        elif len(value) > length or UNPRINTABLE.search(value):
            errors[f"receipt_{name}"] = [_l("At most %(n)s characters, without < or >.",
                                            n=length)]
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return DonorAddress(**values)


def request_of(order: Order) -> ReceiptRequest | None:
    return db.session.scalar(select(ReceiptRequest).where(ReceiptRequest.order_id == order.id))


def receipt_of(order: Order) -> DonationReceipt | None:
    return db.session.scalar(select(DonationReceipt)
                             .where(DonationReceipt.order_id == order.id))


def can_ask_later(order: Order, now: datetime | None = None) -> bool:
    """Whether the order's page offers to ask for a receipt: a paid donation without one,
    within the civil year of the gift (the receipt is of that year's sequence)."""
    now = now or utcnow()
    return (receipts_enabled() and order.status is OrderStatus.PAID
            and order.donation_cents > 0 and order.paid_at is not None
            and to_paris(order.paid_at).year == to_paris(now).year
            and order.total_cents - order.refunded_cents >= order.donation_cents
            and receipt_of(order) is None)


def ask_for_receipt(order: Order, address: DonorAddress, *, now: datetime | None = None
                    ) -> DonationReceipt | None:
    """Record the donor's wish for a receipt made out to the order's buyer at `address`. At
    checkout (the order pending) the receipt comes with the payment; for a paid order (asked
    from its page) it is issued at once and returned.
    Errors: receipts_unavailable (409: the association issues none), no_donation (409),
    receipt_too_late (409: the order is not paid and pending, the gift's year is over, or
    the donation went back), receipt_exists (409)."""
    now = now or utcnow()
    if not receipts_enabled():
        raise DomainError("receipts_unavailable", _l("The association does not issue tax "
                                                     "receipts."), status=409)
    order = lock_order(order.id)
    if order.donation_cents <= 0:
        raise DomainError("no_donation", _l("This order has no donation to receipt."),
                          status=409)
    if order.status is OrderStatus.PAID:
        if receipt_of(order) is not None:
            raise DomainError("receipt_exists", _l("A receipt was already issued for this "
                                                   "donation."), status=409)
        if not can_ask_later(order, now):
            raise DomainError("receipt_too_late", _l(
                "A receipt can be asked for until the end of the year of the gift."),
                status=409)
    elif order.status is not OrderStatus.PENDING:
        raise DomainError("receipt_too_late", _l("This order was not paid: there is no gift "
                                                 "to receipt."), status=409)
    request = request_of(order)
    if request is None:
        request = ReceiptRequest(order_id=order.id, donor_name=order.buyer_name)
        db.session.add(request)
    request.street, request.postal_code = address.street, address.postal_code
    request.city, request.country = address.city, address.country
    request.requested_at = now
    db.session.flush()
    if order.status is OrderStatus.PAID:
        return issue_for_paid_order(order, now=now)
    return None


def order_status_changed(order: Order, from_status: OrderStatus | None, to: OrderStatus,
                         now: datetime) -> None:
    """Ticketing's status listener: a paid order gets its receipt; a paid order cancelled
    (at the desk: money paid online is refunded instead) loses it."""
    if to is OrderStatus.PAID:
        issue_for_paid_order(order, now)
    elif to is OrderStatus.CANCELLED and from_status is OrderStatus.PAID:
        cancel_receipt(order, reason="order_cancelled", now=now)


def issue_for_paid_order(order: Order, now: datetime | None = None) -> DonationReceipt | None:
    """The order has just been paid (in the payment's transaction, under the order's lock):
    issue the receipt of its donation, numbered in the year of the payment (Paris time), and
    queue its e-mail. Nothing when receipts are off, there is no donation, no request, or a
    receipt already (a revived order)."""
    now = now or utcnow()
    if not receipts_enabled() or order.donation_cents <= 0 or order.id is None:
        return None
    request = request_of(order)
    if request is None or receipt_of(order) is not None:
        return None
    paid_at = to_paris(order.paid_at or now)
    sequence = numbering.next_number(CounterKind.DONATION_RECEIPT, paid_at.year)
    receipt = DonationReceipt(
        number=f"{paid_at.year}-{sequence:06d}", year=paid_at.year, sequence=sequence,
        order_id=order.id, donor_name=request.donor_name,
        donor_address="\n".join(line for line in request.address_lines if line),
        donor_email=order.email or "", amount_cents=order.donation_cents,
        gift_date=paid_at.date(),
        payment_method=order.payment_method.value if order.payment_method else "",
        status=ReceiptStatus.ISSUED, issued_at=now, cancel_reason="", duplicates=0,
        printed=as_issued(order))
    db.session.add(receipt)
    db.session.flush()
    if order.email:
        queue_receipt_mail(receipt, order)
    return receipt


def queue_receipt_mail(receipt: DonationReceipt, order: Order, *, duplicate: int = 0) -> None:
    """The receipt as a PDF attachment, rendered by the sender after the commit."""
    queue_mail_to_render(
        order.email, "donation_receipt", {"receipt_id": receipt.id, "duplicate": duplicate},
        order.language, _l("Your tax receipt %(number)s", number=receipt.number),
        dedupe_key=f"donation-receipt-{receipt.number}-{duplicate}")


def cancel_after_refund(order: Order, now: datetime | None = None) -> DonationReceipt | None:
    """Ticketing's refund listener: once what the association keeps of the order no longer
    covers the donation (the donation, or part of it, went back), its receipt is cancelled.
    Its number stays used; the register shows it cancelled. Returns the cancelled receipt."""
    receipt = receipt_of(order)
    if receipt is None or order.total_cents - order.refunded_cents >= receipt.amount_cents:
        return None  # only tickets went back: the gift stands
    return cancel_receipt(order, reason="refunded", now=now)


def cancel_receipt(order: Order, *, reason: str, now: datetime | None = None
                   ) -> DonationReceipt | None:
    """Cancel the order's receipt, if it has one that stands; its number stays used."""
    receipt = receipt_of(order)
    if receipt is None or receipt.is_cancelled:
        return None
    receipt.status = ReceiptStatus.CANCELLED
    receipt.cancelled_at = now or utcnow()
    receipt.cancel_reason = reason
    db.session.flush()
    return receipt


def reissue(receipt: DonationReceipt, *, now: datetime | None = None) -> int:
    """A copy of an issued receipt, same number, marked DUPLICATA: counted on the receipt
    (who asked for it is in the audit log, as every back-office action). Returns the copy's
    number (1 for the first). Under the order's lock, which a refund or a cancellation takes
    before cancelling the receipt: the receipt is read again after it, so a copy is never made
    of a receipt cancelled meanwhile. Errors: receipt_cancelled (409)."""
    now = now or utcnow()
    lock_order(receipt.order_id)
    db.session.refresh(receipt)
    if receipt.is_cancelled:
        raise DomainError("receipt_cancelled", _l("This receipt was cancelled: it cannot be "
                                                  "issued again."), status=409)
    receipt.duplicates += 1
    receipt.last_duplicate_at = now
    db.session.flush()
    return receipt.duplicates
