"""E-mails to buyers, queued in the outbox within the transaction that caused them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.mail.services import Attachment, InlineImage, queue_mail
from festival.ticketing.models import Order, TicketStatus
from festival.ticketing.printing import order_pdf
from festival.ticketing.qr import qr_png
from festival.ticketing.tickets import token_for


def _context(order: Order) -> dict:
    return {"order": order, "edition": order.edition,
            "tickets": [t for t in order.tickets if t.status is TicketStatus.VALID]}


def queue_order_confirmation(order: Order, *, resend: int = 0) -> None:
    """The confirmation with each ticket's QR inline and the tickets as a PDF attachment.
    One per order (a repeated payment event never sends it twice); `resend` makes a new one."""
    context = _context(order)
    images, cids = [], {}
    for ticket in context["tickets"]:
        cid = f"ticket-{ticket.id}"
        cids[ticket.id] = cid
        images.append(InlineImage(content_id=cid, content=qr_png(token_for(ticket), box_size=6),
                                  filename=f"ticket-{ticket.id}.png"))
    attachments = []
    if context["tickets"]:
        attachments.append(Attachment(f"almoggar-{order.code}.pdf", "application/pdf",
                                      order_pdf(order, "a4")))
    queue_mail(order.email, "order_confirmation", dict(context, qr_cids=cids),
               order.language,
               _l("Your tickets for %(title)s — order %(code)s", title=order.edition.title,
                  code=order.code),
               attachments=attachments, inline_images=images,
               dedupe_key=f"order-confirmation-{order.code}-{resend}")


def queue_late_payment_refunded(order: Order) -> None:
    queue_mail(order.email, "order_late_refund", _context(order), order.language,
               _l("Your order %(code)s has been refunded", code=order.code),
               dedupe_key=f"order-late-refund-{order.code}")
