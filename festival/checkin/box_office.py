"""Admitting at the box office: tickets sold at the door's desk are checked in at once, at the
desk's list, through the same check-in as a scan (checkin.services.check_in)."""
from __future__ import annotations

from datetime import datetime

from festival.checkin import services
from festival.checkin.rules import Door, ScanAnswer


def admit_sold_tickets(door: Door, ticket_ids: list[int], *,
                       now: datetime | None = None) -> list[ScanAnswer]:
    """Check in, at the desk's list, the tickets just sold: one scan each, exactly as at the
    door, so the list's rules apply (a ticket type it does not admit, or a ticket for
    another day, is refused and the answer says why). Returns the answers in order.
    Errors: those of check_in (list_closed when the list is not open)."""
    return [services.check_in(door, ticket_id=ticket_id, now=now) for ticket_id in ticket_ids]
