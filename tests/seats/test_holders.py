"""What happens to reserved seats when tickets and sessions change afterwards: a refunded
or cancelled ticket gives its seat back, a ticket handed over takes its seat with it, and a
session that no longer takes reservations does not keep its holders out of another."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.checkin.services import check_in
from festival.core.timeutil import utcnow
from festival.editions import services as editions
from festival.extensions import db
from festival.privacy import services as privacy
from festival.seats import services
from festival.seats.models import SeatReservation, SeatStatus
from festival.ticketing import changes, refunds
from tests.checkin.conftest import (
    door_of,
    make_device,
    make_list,
    make_ticket,
    make_ticket_type,
    today_iso,
)
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


@pytest.mark.parametrize("change", [{"status": "cancelled"}, {"status": "draft"},
                                    {"registration_required": False}])
def test_a_session_closed_to_reservations_does_not_keep_its_holders_out_of_another(
        workshop, change):  # noqa: F811
    edition, _room, session, tickets = workshop
    services.reserve(session, tickets[0])
    editions.update_session(session, change, actor=None)
    other, _ = editions.create_session(edition, {
        "kind": "workshop", "title": "Atelier de remplacement", "languages": ["fr"],
        "room_id": editions.create_room(edition, {"name": "Autre"}, actor=None).id,
        "starts_at": session.starts_at, "ends_at": session.ends_at, "status": "published",
        "registration_required": True}, actor=None, confirm_clashes=True)
    assert services.reserve(other, tickets[0]).session_id == other.id


def test_an_entry_for_a_later_session_in_the_room_is_not_this_ones(workshop):  # noqa: F811
    edition, room, session, tickets = workshop
    now = utcnow()
    editions.update_session(session, {"starts_at": now - timedelta(hours=3),
                                      "ends_at": now - timedelta(hours=2)}, actor=None,
                            confirm_clashes=True)
    db.session.add(SeatReservation(session_id=session.id, ticket_id=tickets[0].id,
                                   status=SeatStatus.RESERVED, created_at=now - timedelta(days=1)))
    door = door_of(make_device(make_list(edition, "Porte des ateliers", room_id=room.id,
                                         allow_reentry=True), gate="Ateliers")[0])
    assert check_in(door, ticket_id=tickets[0].id).result.value == "ok"  # the later session
    assert services.release_no_shows(now=now + timedelta(minutes=1)) == 1


def test_a_session_moved_to_a_day_the_ticket_does_not_admit_on_frees_its_seat(workshop):  # noqa: F811
    edition, _room, session, tickets = workshop
    one_day = make_ticket(make_ticket_type(edition, "Pass du jour",
                                           valid_days=[today_iso(0)]))
    services.reserve(session, one_day)
    services.reserve(session, tickets[0])
    editions.update_session(session, {"starts_at": session.starts_at + timedelta(days=1),
                                      "ends_at": session.ends_at + timedelta(days=1)},
                            actor=None, confirm_clashes=True)
    assert services.seats_left(session) == 1  # the day pass no longer comes
    assert services.reserve(session, tickets[1]).status is SeatStatus.RESERVED


def test_a_cancelled_sessions_page_does_not_offer_its_seats(client, workshop):  # noqa: F811
    edition, _room, session, _tickets = workshop
    editions.update_session(session, {"status": "cancelled"}, actor=None)
    db.session.commit()
    page = client.get(f"/{edition.year}/sessions/{session.id}").get_data(as_text=True)
    assert "This session is cancelled." in page
    assert "Free pre-registration" not in page and "seats left to reserve" not in page


def test_a_persons_data_export_lists_the_seats_of_their_tickets(workshop):  # noqa: F811
    _edition, _room, session, tickets = workshop
    services.reserve(session, tickets[0])
    data = privacy.export_person(tickets[0].order.email)
    [ticket] = data["orders"][0]["tickets"]
    assert [(s["session"], s["status"]) for s in ticket["seats"]] == [
        ("Atelier tifinagh", "reserved")]
