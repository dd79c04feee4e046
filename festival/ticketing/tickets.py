"""A ticket's QR token, and finding a ticket from one."""
from __future__ import annotations

from festival.extensions import db
from festival.ticketing.catalog import ensure_signing_key
from festival.ticketing.models import Ticket
from festival.ticketing.tokens import InvalidToken, sign_ticket, verify_ticket


def token_for(ticket: Ticket) -> str:
    """The exact text of the ticket's QR code (signed with its edition's key)."""
    edition = ticket.order.edition
    return sign_ticket(ensure_signing_key(edition), edition.year, ticket.id)


def ticket_from_token(edition, token: str) -> Ticket:
    """The ticket a token names, if its signature holds for this edition.
    Raises InvalidToken(reason) otherwise (including an unknown ticket)."""
    if edition.signing_public_key is None:
        raise InvalidToken("bad_signature")
    claims = verify_ticket(edition.signing_public_key, token, expected_year=edition.year)
    if claims.ticket_id > 2**31 - 1:  # signed by us, yet beyond any id the database holds
        raise InvalidToken("unknown_ticket")
    ticket = db.session.get(Ticket, claims.ticket_id)
    if ticket is None or ticket.order.edition_id != edition.id:
        raise InvalidToken("unknown_ticket")
    return ticket
