"""What happens to reserved seats when tickets and sessions change afterwards: a refunded
or cancelled ticket gives its seat back, a ticket handed over takes its seat with it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.seats import services
from festival.seats.models import SeatReservation, SeatStatus
from festival.ticketing import changes, refunds
from tests.seats.test_seats import workshop  # noqa: F401 (the fixture)


def test_a_refunded_ticket_gives_its_seat_back(workshop):  # noqa: F811
    _edition, _room, session, tickets = workshop
    services.reserve(session, tickets[0])
    services.reserve(session, tickets[1])
    refunds.revoke(tickets[0].order, [tickets[0]])
    db.session.flush()
    assert services.seats_left(session) == 1
    assert services.reserve(session, tickets[2]).status is SeatStatus.RESERVED


def test_a_ticket_handed_over_takes_its_seat_with_it(workshop):  # noqa: F811
    _edition, _room, session, tickets = workshop
    services.reserve(session, tickets[0])
    order = tickets[0].order
    new = changes.transfer_ticket(order, tickets[0].id, name="Nouvelle personne",
                                  email="nouvelle@example.fr", now=utcnow() - timedelta(days=3))
    assert services.seats_left(session) == 1
    held = db.session.scalars(select(SeatReservation).where(
        SeatReservation.status == SeatStatus.RESERVED)).all()
    assert [r.ticket_id for r in held] == [new.id]
    assert set(services.reservations_of(order)) == {(session.id, new.id)}
