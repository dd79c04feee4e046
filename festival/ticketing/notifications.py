"""E-mails to buyers, queued in the outbox within the transaction that caused them.

Only the row is queued there (the order's id, the template, the language): the mail sender
renders the message, its QR codes and its PDF after the commit (festival/mail/rendering.py),
so a sale never holds its quota row while they are drawn.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from festival.editions.practical import where_and_when
from festival.extensions import db
from festival.mail.rendering import Prepared, register_renderer
from festival.mail.services import Attachment, InlineImage, queue_mail_to_render
from festival.ticketing.models import Order, Ticket, TicketStatus
from festival.ticketing.pdf_cache import cached_order_pdf
from festival.ticketing.qr import qr_png
from festival.ticketing.tickets import token_for


def queue_order_confirmation(order: Order, *, resend: int | str = 0) -> None:
    """The confirmation with each ticket's QR inline and the tickets as a PDF attachment.
    One per order (a repeated payment event never sends it twice); `resend` makes a new one."""
    if order.id is None:
        db.session.flush()  # a free order, paid as it is made: the message names its id
    queue_mail_to_render(
        order.email, "order_confirmation", {"order_id": order.id}, order.language,
        _l("Your tickets for %(title)s — order %(code)s", title=order.edition.title,
           code=order.code),
        dedupe_key=f"order-confirmation-{order.code}-{resend}")


def queue_late_payment_refunded(order: Order) -> None:
    queue_mail_to_render(order.email, "order_late_refund", {"order_id": order.id},
                         order.language,
                         _l("Your order %(code)s has been refunded", code=order.code),
                         dedupe_key=f"order-late-refund-{order.code}")


def queue_email_changed(order: Order, old_email: str, number: int) -> None:
    """Tell the order's former address that its tickets now go to another one (in the
    order's language; the message names no new address)."""
    queue_mail_to_render(old_email, "order_email_changed", {"order_id": order.id},
                         order.language,
                         _l("The e-mail address of your order %(code)s was changed",
                            code=order.code),
                         dedupe_key=f"order-email-changed-{order.code}-{number}")


def queue_ticket_transferred(ticket: Ticket, language: str) -> None:
    """The new holder's ticket, its QR inline and its PDF attached."""
    queue_mail_to_render(ticket.holder_email, "ticket_transferred",
                         {"order_id": ticket.order_id, "ticket_id": ticket.id,
                          "language": language}, language,
                         _l("A ticket for %(title)s for you", title=ticket.order.edition.title),
                         dedupe_key=f"ticket-transferred-{ticket.id}")


def _order(ids: Mapping[str, Any]) -> Order:
    order = db.session.get(Order, ids["order_id"])
    if order is None:
        raise LookupError(f"order {ids['order_id']} no longer exists")
    return order


def _context(order: Order) -> dict:
    return {"order": order, "edition": order.edition,
            "tickets": [t for t in order.tickets if t.status is TicketStatus.VALID]}


def render_order_confirmation(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    """The order's valid tickets as they are when the message is sent: each one's QR code
    inline, and their PDF from the order's PDF cache (the buyer's download reuses it); where
    and when for the days they admit on, in the buyer's language."""
    order = _order(ids)
    context = _context(order)
    context["where_and_when"] = where_and_when(order.edition, order.admission_days,
                                               order.language)
    tickets = context["tickets"]
    context["qr_cids"] = {ticket.id: f"ticket-{ticket.id}" for ticket in tickets}
    if not with_files:
        return Prepared(context)
    images = [InlineImage(content_id=f"ticket-{ticket.id}",
                          content=qr_png(token_for(ticket), box_size=6),
                          filename=f"ticket-{ticket.id}.png") for ticket in tickets]
    attachments = [Attachment(f"almoggar-{order.code}.pdf", "application/pdf",
                              cached_order_pdf(order, "a4", tickets, tickets))] if tickets else []
    return Prepared(context, attachments=attachments, inline_images=images)


def render_email_changed(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    return Prepared(_context(_order(ids)))


def render_ticket_transferred(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    """The handed-over ticket alone, as it is when sent: nothing once it is no longer valid
    (handed over again, refunded) but a word saying so."""
    order = _order(ids)
    ticket = next((t for t in order.tickets if t.id == ids["ticket_id"]), None)
    valid = ticket is not None and ticket.status is TicketStatus.VALID
    context = {"order": order, "edition": order.edition, "ticket": ticket, "valid": valid,
               "qr_cid": f"ticket-{ids['ticket_id']}",
               "where_and_when": where_and_when(
                   order.edition, ticket.ticket_type.admission_days(order.edition.dates)
                   if valid else [], ids.get("language", order.language))}
    if not with_files or not valid:
        return Prepared(context)
    image = InlineImage(content_id=context["qr_cid"], content=qr_png(token_for(ticket), box_size=6),
                        filename=f"ticket-{ticket.id}.png")
    every = [t for t in order.tickets if t.status is TicketStatus.VALID]
    pdf = Attachment(f"almoggar-{order.code}-{ticket.id}.pdf", "application/pdf",
                     cached_order_pdf(order, "a4", [ticket], every))
    return Prepared(context, attachments=[pdf], inline_images=[image])


def render_late_payment_refunded(ids: Mapping[str, Any], with_files: bool) -> Prepared:
    return Prepared(_context(_order(ids)))


def register_mail_renderers(app: Flask) -> None:
    register_renderer(app, "order_confirmation", render_order_confirmation)
    register_renderer(app, "order_late_refund", render_late_payment_refunded)
    register_renderer(app, "order_email_changed", render_email_changed)
    register_renderer(app, "ticket_transferred", render_ticket_transferred)
