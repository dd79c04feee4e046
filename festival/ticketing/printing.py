"""Printable tickets of an order, as PDF."""
from __future__ import annotations

from babel.dates import format_date
from flask_babel import force_locale

from festival.core.i18n import babel_locale, list_separator
from festival.editions.practical import door_hours, same_place, where_and_when
from festival.ticketing.models import Order, Ticket, TicketStatus
from festival.ticketing.pdf import TicketPrint, render_pdf
from festival.ticketing.tickets import token_for


def _where_and_when(items) -> dict:
    """A ticket's door hours per day, place, transport and access (TicketPrint's fields)."""
    if same_place(items):
        first = items[0] if items else None
        place = [p for p in (first.venue_name, first.address) if p] if first else []
        transport, access = (first.transport, first.access) if first else ("", "")
    else:
        place = [f"{format_date(i.day, 'EEEE d MMMM', locale=babel_locale())} — "
                 + list_separator().join(p for p in (i.venue_name, i.address) if p)
                 for i in items]
        transport = access = ""
    return {"door_hours": [door_hours(i) for i in items], "place": place,
            "transport": transport, "access": access}


def ticket_prints(order: Order, tickets: list[Ticket] | None = None):
    chosen = tickets if tickets is not None else [
        t for t in order.tickets if t.status is TicketStatus.VALID]
    edition = order.edition
    with force_locale(order.language):
        prints = []
        for ticket in chosen:
            items = where_and_when(edition, ticket.ticket_type.valid_dates or edition.dates,
                                   order.language)
            prints.append(TicketPrint(
                festival="Almoggar", edition_title=edition.title, year=edition.year,
                attendee=ticket.attendee_name or order.buyer_name,
                ticket_type=ticket.ticket_type.name,
                valid_days=[format_date(i.day, "EEEE d MMMM", locale=babel_locale())
                            for i in items],
                order_code=order.code, token=token_for(ticket), language=order.language,
                **_where_and_when(items)))
    return prints


def render_prints(prints, size: str = "a4") -> bytes:
    return render_pdf(prints, size)


def order_pdf(order: Order, size: str = "a4", tickets: list[Ticket] | None = None) -> bytes:
    return render_prints(ticket_prints(order, tickets), size)
