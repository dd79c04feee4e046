"""A room's occupancy from the entries and exits at its door: counted for the sitting in
progress, full at its capacity (the session's own first), and shown on the screens."""
from __future__ import annotations

from datetime import timedelta

import pytest

from festival.checkin.models import Direction, TicketPresence
from festival.checkin.occupancy import room_occupancy
from festival.checkin.services import check_in
from festival.core.timeutil import utcnow
from festival.editions import services as editions
from festival.extensions import db
from tests.checkin.conftest import (
    door_of,
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
)


@pytest.fixture
def room_door(ctx):
    edition = make_door_edition()
    overflow = editions.create_room(edition, {"name": "Salle Tiznit", "capacity": 200},
                                    actor=None)
    room = editions.create_room(edition, {"name": "Grande salle", "capacity": 3,
                                          "overflow_room_id": overflow.id,
                                          "stream_url": "https://live.almoggar.example/grande"},
                                actor=None)
    now = utcnow()
    session, _ = editions.create_session(edition, {
        "kind": "conference", "title": "L'eau au village", "languages": ["fr"],
        "room_id": room.id, "starts_at": now - timedelta(minutes=30),
        "ends_at": now + timedelta(minutes=30), "status": "published"},
        actor=None, confirm_clashes=True)
    door_list = make_list(edition, "Porte de la grande salle", room_id=room.id,
                          allow_reentry=True)
    device, _token = make_device(door_list, gate="Grande salle")
    kind = make_ticket_type(edition)
    tickets = [make_ticket(kind) for _ in range(4)]
    db.session.flush()
    return edition, room, session, door_of(device), tickets, door_list


def _occ(edition, room):
    return room_occupancy(edition)[room.id]


def test_entries_and_exits_make_the_count_and_capacity_makes_it_full(room_door):
    edition, room, _session, door, tickets, _list = room_door
    for ticket in tickets[:3]:
        assert check_in(door, ticket_id=ticket.id).result.value == "ok"
    occ = _occ(edition, room)
    assert (occ.inside, occ.capacity, occ.is_full, occ.free) == (3, 3, True, 0)
    assert occ.overflow.name == "Salle Tiznit"
    check_in(door, ticket_id=tickets[0].id, direction=Direction.OUT)
    occ = _occ(edition, room)
    assert (occ.inside, occ.is_full, occ.free) == (2, False, 1)


def test_the_last_sittings_audience_does_not_count(room_door):
    edition, room, session, door, tickets, door_list = room_door
    db.session.add(TicketPresence(list_id=door_list.id, ticket_id=tickets[3].id, inside=True,
                                  updated_at=session.starts_at - timedelta(minutes=16)))
    check_in(door, ticket_id=tickets[0].id)
    assert _occ(edition, room).inside == 1


def test_a_sessions_own_capacity_comes_first(room_door):
    edition, room, session, door, tickets, _list = room_door
    editions.update_session(session, {"capacity": 1}, actor=None)
    check_in(door, ticket_id=tickets[0].id)
    occ = _occ(edition, room)
    assert (occ.capacity, occ.is_full) == (1, True)


def test_a_room_without_a_door_list_or_a_day_off_has_no_figure(room_door):
    edition, room, _session, _door, _tickets, door_list = room_door
    overflow = room.overflow_room
    assert overflow.id not in room_occupancy(edition)
    assert room_occupancy(edition, utcnow() + timedelta(days=5)) == {}


def test_the_screens_say_full_and_where_to_go(app, client, room_door):
    edition, room, session, door, tickets, _list = room_door
    for ticket in tickets[:3]:
        check_in(door, ticket_id=ticket.id)
    db.session.commit()
    now_page = client.get(f"/{edition.year}/now").get_data(as_text=True)
    assert f'data-room-fill="{room.id}"' in now_page and "Full" in now_page
    assert "go to Salle Tiznit" in now_page
    assert "https://live.almoggar.example/grande" in now_page
    session_page = client.get(f"/{edition.year}/sessions/{session.id}").get_data(as_text=True)
    assert "3 inside of 3 seats" in session_page


@pytest.mark.parametrize("data, field", [
    ({"overflow_room_id": 999999}, "overflow_room_id"),
    ({"stream_url": "javascript:alert(1)"}, "stream_url"),
    ({"stream_url": "https://x.example/\x00"}, "stream_url"),
])
def test_bad_overflow_and_stream_are_refused(room_door, data, field):
    from festival.core.errors import ValidationError
    _edition, room, *_ = room_door
    with pytest.raises(ValidationError) as refused:
        editions.update_room(room, data, actor=None)
    assert field in refused.value.fields


def test_a_room_cannot_overflow_into_itself(room_door):
    from festival.core.errors import ValidationError
    _edition, room, *_ = room_door
    with pytest.raises(ValidationError):
        editions.update_room(room, {"overflow_room_id": room.id}, actor=None)
