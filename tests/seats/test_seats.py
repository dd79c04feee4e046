"""Free pre-registration: a seat reserved per ticket up to the session's seats, no ticket in
two sessions at once, and the seats nobody came for released ten minutes after the start."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.checkin.services import check_in
from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.editions import services as editions
from festival.extensions import db
from festival.seats import services
from festival.seats.models import SeatReservation, SeatStatus
from tests.checkin.conftest import (
    door_of,
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
)


@pytest.fixture
def workshop(ctx):
    """A workshop of 2 seats with pre-registration, starting in five minutes."""
    edition = make_door_edition()
    room = editions.create_room(edition, {"name": "Salle des ateliers", "capacity": 40},
                                actor=None)
    now = utcnow()
    session, _ = editions.create_session(edition, {
        "kind": "workshop", "title": "Atelier tifinagh", "languages": ["tzm"],
        "room_id": room.id, "starts_at": now + timedelta(minutes=5),
        "ends_at": now + timedelta(hours=1), "status": "published", "capacity": 2,
        "registration_required": True}, actor=None, confirm_clashes=True)
    kind = make_ticket_type(edition)
    tickets = [make_ticket(kind, attendee=f"Personne {n}") for n in range(4)]
    db.session.flush()
    return edition, room, session, tickets


def test_seats_are_reserved_up_to_the_sessions_own(workshop):
    _edition, _room, session, tickets = workshop
    first = services.reserve(session, tickets[0])
    assert services.reserve(session, tickets[0]).id == first.id  # again: the same seat
    services.reserve(session, tickets[1])
    assert services.seats_left(session) == 0
    with pytest.raises(DomainError) as full:
        services.reserve(session, tickets[2])
    assert full.value.code == "session_full"
    services.cancel(first)
    assert services.seats_left(session) == 1
    assert services.reserve(session, tickets[2]).status is SeatStatus.RESERVED


def test_only_a_paid_ticket_of_the_day_and_never_two_sessions_at_once(workshop):
    edition, _room, session, tickets = workshop
    kind = make_ticket_type(edition)
    pending = make_ticket(kind, status="pending")
    with pytest.raises(DomainError) as refused:
        services.reserve(session, pending)
    assert refused.value.code == "not_admitted"
    other, _ = editions.create_session(edition, {
        "kind": "conference", "title": "Même heure", "languages": ["fr"],
        "room_id": editions.create_room(edition, {"name": "Autre"}, actor=None).id,
        "starts_at": session.starts_at + timedelta(minutes=30),
        "ends_at": session.ends_at + timedelta(minutes=30), "status": "published",
        "registration_required": True}, actor=None, confirm_clashes=True)
    services.reserve(session, tickets[0])
    with pytest.raises(DomainError) as clash:
        services.reserve(other, tickets[0])
    assert clash.value.code == "seat_clash" and "Atelier tifinagh" in clash.value.message
    editions.update_session(other, {"registration_required": False}, actor=None)
    with pytest.raises(DomainError) as closed:
        services.reserve(other, tickets[1])
    assert closed.value.code == "registration_closed"


def test_seats_nobody_came_for_are_released_ten_minutes_after_the_start(workshop):
    edition, room, session, tickets = workshop
    came, absent = (services.reserve(session, t) for t in tickets[:2])
    door = door_of(make_device(make_list(edition, "Porte des ateliers", room_id=room.id,
                                         allow_reentry=True), gate="Ateliers")[0])
    assert check_in(door, ticket_id=tickets[0].id).result.value == "ok"
    nine = session.starts_at + timedelta(minutes=9)
    assert services.release_no_shows(now=nine) == 0
    ten = session.starts_at + timedelta(minutes=10)
    assert services.release_no_shows(now=ten) == 1
    db.session.expire_all()
    statuses = {r.ticket_id: r.status for r in db.session.scalars(select(SeatReservation))}
    assert statuses == {tickets[0].id: SeatStatus.USED, tickets[1].id: SeatStatus.RELEASED}
    assert came.id != absent.id
    with pytest.raises(DomainError) as closed:
        services.reserve(session, tickets[2], now=ten)
    assert closed.value.code == "registration_closed"
    assert services.release_no_shows(now=ten) == 0  # nothing twice


def test_the_order_page_reserves_and_gives_back(client, workshop):
    _edition, _room, session, tickets = workshop
    order = tickets[0].order
    db.session.commit()
    code, secret, session_id, ticket_id = order.code, order.secret, session.id, tickets[0].id
    page = client.get(f"/orders/{code}?secret={secret}").get_data(as_text=True)
    assert "Atelier tifinagh" in page and "2 seats left" in page
    done = client.post(f"/orders/{code}/seats/{session_id}/tickets/{ticket_id}",
                       data={"secret": secret})
    assert done.status_code == 303
    page = client.get(f"/orders/{code}?secret={secret}").get_data(as_text=True)
    assert "Seat reserved for Personne 0" in page and "1 seat left" in page
    wrong = client.post(f"/orders/{code}/seats/{session_id}/tickets/{ticket_id}",
                        data={"secret": "nope"})
    assert wrong.status_code == 404
    db.session.rollback()
    reservation_id = db.session.scalar(select(SeatReservation.id))
    back = client.post(f"/orders/{code}/seats/{reservation_id}/cancel",
                       data={"secret": secret})
    assert back.status_code == 303
    db.session.rollback()  # end this test's read: see what the request committed
    assert db.session.get(SeatReservation, reservation_id).status is SeatStatus.CANCELLED
