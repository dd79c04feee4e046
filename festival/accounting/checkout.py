"""The receipt request at checkout: in the shop's last step (shown only when the association
issues receipts and a donation is chosen; the shop's template includes
accounting/_checkout_receipt.html; its view calls `read` then, once the order exists,
`keep`), or as the `receipt` object of an API order (`from_json`, then `keep`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, request
from flask_babel import lazy_gettext as _l

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


def from_json(raw: Any, donation_cents: int) -> CheckoutReceipt:
    """The API order's `receipt` object (street, postal_code, city, country), or nothing
    asked when it is absent or null. Errors: validation_failed, fields `receipt` (not an
    object, no donation, or receipts not issued) and `receipt.<field>`."""
    if raw is None:
        return CheckoutReceipt(ok=True)
    if not isinstance(raw, dict):
        raise ValidationError({"receipt": [_l("Send the postal address as an object.")]})
    if not receipts.receipts_enabled():
        raise ValidationError({"receipt": [_l("The association does not issue tax "
                                              "receipts.")]})
    if donation_cents <= 0:
        raise ValidationError({"receipt": [_l("This order has no donation to receipt.")]})
    return CheckoutReceipt(ok=True, address=address_from_json(raw))


def address_from_json(raw: Any, prefix: str = "receipt.") -> receipts.DonorAddress:
    """A donor's postal address sent as JSON. Errors: validation_failed (`<prefix><field>`:
    `receipt.city` inside an order, `city` when the body is the address)."""
    if not isinstance(raw, dict):
        raise ValidationError({"receipt": [_l("Send the postal address as an object.")]})
    try:
        return receipts.check_address(raw)
    except ValidationError as error:
        raise ValidationError({prefix + name.removeprefix("receipt_"): messages
                               for name, messages in error.fields.items()}) from None
