"""Printable tickets of an order, as PDF."""
from __future__ import annotations

from flask_babel import force_locale, format_date

from festival.ticketing.models import Order, Ticket, TicketStatus
from festival.ticketing.pdf import TicketPrint, render_pdf
from festival.ticketing.tickets import token_for


def ticket_prints(order: Order, tickets: list[Ticket] | None = None):
    chosen = tickets if tickets is not None else [
        t for t in order.tickets if t.status is TicketStatus.VALID]
    edition = order.edition
    with force_locale(order.language):
        all_days = [format_date(d, "EEEE d MMMM") for d in edition.dates]
        prints = []
        for ticket in chosen:
            days = ([format_date(d, "EEEE d MMMM") for d in ticket.ticket_type.valid_dates]
                    or all_days)
            prints.append(TicketPrint(
                festival="Almoggar", edition_title=edition.title, year=edition.year,
                attendee=ticket.attendee_name or order.buyer_name,
                ticket_type=ticket.ticket_type.name, valid_days=days, order_code=order.code,
                token=token_for(ticket), language=order.language))
    return prints


def render_prints(prints, size: str = "a4") -> bytes:
    return render_pdf(prints, size)


def order_pdf(order: Order, size: str = "a4", tickets: list[Ticket] | None = None) -> bytes:
    return render_prints(ticket_prints(order, tickets), size)
