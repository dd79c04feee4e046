"""How the door shows a search's hits: each ticket's own name (or that it has none), its
state at this door (not in yet, inside, gone out), and why it matches the words typed.

Which tickets match is the search's business (queries.search_tickets); this only reads, for
the tickets it found, what the volunteer needs to tell them apart.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.checkin.schemas import ticket_json
from festival.extensions import db
from festival.ticketing.models import Order, Ticket
from festival.ticketing.orders import normalise_code

# Why a ticket was found: the field the words typed were found in.
MATCH = {
    "name": _l("name on the ticket"),
    "buyer": _l("buyer's name"),
    "email": _l("e-mail"),
    "order_code": _l("order code"),
}
# What a row says besides its fields.
WORDS = {
    "no_name": _l("No name on this ticket"),
    "bought_by": _l("bought by %(name)s"),
    "found_by": _l("Found by: %(fields)s"),
    "order": _l("order %(code)s"),
    "order_size": _l("%(n)s tickets in this order"),
    "check_in": _l("Check in"),
    "check_in_again": _l("Check in again"),
    "already_inside": _l("Already inside"),
}
# A ticket's state at this door.
STATE = {
    "not_in": _l("Not in yet"),
    "inside": _l("Already inside"),
    "out": _l("Gone out (may come back in)"),
}


def _details(ticket_ids: list[int]) -> dict[int, Any]:
    if not ticket_ids:
        return {}
    rows = db.session.execute(
        select(Ticket.id, Ticket.attendee_name, Order.buyer_name, Order.email, Order.code)
        .join(Order, Order.id == Ticket.order_id).where(Ticket.id.in_(ticket_ids)))
    return {row.id: row for row in rows}


def match_reasons(text: str, *, attendee: str, buyer: str, email: str, code: str) -> list[str]:
    """The fields (keys of MATCH) in which `text` is found: a piece of a name, the whole
    e-mail address (case aside: a piece of one is never said to match, so that the answer
    tells nothing of an address the volunteer did not type whole), the whole order code."""
    needle = " ".join((text or "").split())[:100].lower()
    found = []
    if needle and needle in (attendee or "").lower():
        found.append("name")
    if needle and needle in (buyer or "").lower():
        found.append("buyer")
    if needle and needle == (email or "").lower():
        found.append("email")
    typed = normalise_code(text or "")
    if len(typed) >= 4 and typed == code:
        found.append("order_code")
    return found


def state_of(hit: dict) -> str:
    if not hit["checked_in"]:
        return "not_in"
    return "inside" if hit["inside"] else "out"


def search_results(hits: list[dict], text: str) -> list[dict]:
    """The search's hits as the door shows them (the API's results and the desk's rows):
    the ticket, checked_in and inside as before, and
    - attendee_name: the name on the ticket, "" when it has none (a child's ticket, say);
    - buyer_name: who bought it; order_size: tickets of its order among these hits;
    - state: not_in, inside or out (STATE); matched: why it was found (MATCH keys)."""
    details = _details([hit["ticket"].id for hit in hits])
    orders: dict[str, int] = {}
    for hit in hits:
        orders[hit["ticket"].order_code] = orders.get(hit["ticket"].order_code, 0) + 1
    results = []
    for hit in hits:
        ticket = hit["ticket"]
        row = details.get(ticket.id)
        attendee = (row.attendee_name if row else "") or ""
        buyer = (row.buyer_name if row else "") or ""
        results.append({
            "ticket": ticket_json(ticket), "checked_in": hit["checked_in"],
            "inside": hit["inside"], "state": state_of(hit),
            "attendee_name": attendee, "buyer_name": buyer,
            "order_size": orders[ticket.order_code],
            "matched": match_reasons(text, attendee=attendee, buyer=buyer,
                                     email=(row.email if row else "") or "",
                                     code=ticket.order_code)})
    return results


def scanner_words() -> dict:
    """The words of search results, for the scanner's JavaScript."""
    return {"match": {key: str(text) for key, text in MATCH.items()},
            "state": {key: str(text) for key, text in STATE.items()},
            "words": {key: str(text) for key, text in WORDS.items()}}


def template_globals() -> dict:
    return {"SEARCH_MATCH": MATCH, "SEARCH_STATE": STATE, "SEARCH_WORDS": WORDS}
