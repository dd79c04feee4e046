"""The receipt's e-mail, rendered by the mail sender after the commit (its PDF is drawn
there, never in the payment's transaction)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from festival.accounting.documents import receipt_file
from festival.accounting.models import DonationReceipt
from festival.extensions import db
from festival.mail.rendering import NotToSend, Prepared, register_renderer
from festival.mail.services import Attachment


def render_donation_receipt(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    receipt = db.session.get(DonationReceipt, ids["receipt_id"])
    if receipt is None:
        raise LookupError(f"receipt {ids['receipt_id']} no longer exists")
    if receipt.is_cancelled:
        raise NotToSend("the donation was refunded: its receipt is cancelled")
    duplicate = int(ids.get("duplicate") or 0)
    context = {"receipt": receipt, "order": receipt.order, "duplicate": duplicate}
    if not with_files:
        return Prepared(context)
    pdf = Attachment(f"recu-fiscal-{receipt.number}.pdf", "application/pdf",
                     receipt_file(receipt, duplicate=duplicate))
    return Prepared(context, attachments=[pdf])


def register_mail_renderers(app: Flask) -> None:
    register_renderer(app, "donation_receipt", render_donation_receipt)
