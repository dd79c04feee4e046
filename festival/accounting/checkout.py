"""The receipt request in the shop's last step: shown only when the association issues
receipts and a donation is chosen; read and kept in the shop's own request, with the order
(the shop's template includes accounting/_checkout_receipt.html; its view calls `read` then,
once the order exists, `keep`)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from festival.accounting import receipts
from festival.accounting.forms import CheckoutReceiptForm
from festival.core.errors import ValidationError
from festival.ticketing.models import Order


def checkout_form() -> CheckoutReceiptForm:
    """The request's receipt form, read once from the shop's POST."""
    if "checkout_receipt_form" not in g:
        g.checkout_receipt_form = CheckoutReceiptForm(
            request.form if request.method == "POST" else None)
    return g.checkout_receipt_form


def offered(donation_cents: int) -> bool:
    return receipts.receipts_enabled() and donation_cents > 0


@dataclass
class CheckoutReceipt:
    """What the buyer asked: `ok` False when the address is wrong (its fields say why)."""

    ok: bool
    address: receipts.DonorAddress | None = None

    def keep(self, order: Order) -> None:
        """Record the request with the new order (in the shop's transaction)."""
        if self.address is not None:
            receipts.ask_for_receipt(order, self.address)


def read(donation_cents: int) -> CheckoutReceipt:
    form = checkout_form()
    if not offered(donation_cents) or not form.receipt_wanted.data:
        return CheckoutReceipt(ok=True)
    if not form.validate():
        return CheckoutReceipt(ok=False)
    try:
        return CheckoutReceipt(ok=True, address=receipts.check_address(form.address_data()))
    except ValidationError as error:
        for name, messages in error.fields.items():
            field = getattr(form, name)
            field.errors = list(field.errors) + list(messages)
        return CheckoutReceipt(ok=False)
