"""The "now and next" board on a phone: a full room says so and where to go, and a session
starred in the visitor's agenda is marked, also after the board refreshes itself."""
from __future__ import annotations

from datetime import timedelta

import pytest

from festival.core.timeutil import utcnow
from festival.extensions import db


@pytest.fixture
def full_room(app):
    from festival.checkin.services import check_in
    from festival.editions import services as editions
    from tests.checkin.conftest import (
        door_of,
        make_device,
        make_door_edition,
        make_list,
        make_ticket,
        make_ticket_type,
    )
    with app.app_context():
        edition = make_door_edition(2039)
        overflow = editions.create_room(edition, {"name": "Salle Tiznit"}, actor=None)
        room = editions.create_room(edition, {"name": "Grande salle", "capacity": 2,
                                              "overflow_room_id": overflow.id}, actor=None)
        now = utcnow()
        session, _ = editions.create_session(edition, {
            "kind": "conference", "title": "L'eau au village", "languages": ["fr"],
            "room_id": room.id, "starts_at": now - timedelta(minutes=20),
            "ends_at": now + timedelta(minutes=40), "status": "published"},
            actor=None, confirm_clashes=True)
        device, _token = make_device(make_list(edition, "Porte", room_id=room.id,
                                               allow_reentry=True))
        kind = make_ticket_type(edition)
        for _ in range(2):
            check_in(door_of(device), ticket_id=make_ticket(kind).id)
        db.session.commit()
        return edition.year, session.id, room.id


def test_the_board_says_a_room_is_full_and_marks_my_sessions(phone, full_room, screenshot):
    year, session_id, room_id = full_room
    phone.goto(f"/{year}/sessions/{session_id}")
    phone.locator(f"[data-star='{session_id}']").click()
    assert "Now in the room" in phone.content()
    phone.goto(f"/{year}/now")
    fill = phone.locator(f"[data-room-fill='{room_id}']")
    assert "Full" in fill.inner_text() and "Salle Tiznit" in fill.inner_text()
    mine = phone.locator(f"[data-starrable='{session_id}']")
    assert "is-starred" in mine.get_attribute("class")
    assert mine.locator(".starred-mark").is_visible()
    screenshot(phone, "now-board-full")
    # The board replaces itself in place every minute: the mark comes back after it.
    phone.evaluate("""() => { const board = document.getElementById('now-next');
        const fresh = board.cloneNode(true);
        fresh.querySelectorAll('.is-starred').forEach(e => e.classList.remove('is-starred'));
        board.replaceWith(fresh);
        document.dispatchEvent(new CustomEvent('almoggar:board-refreshed')); }""")
    assert "is-starred" in phone.locator(f"[data-starrable='{session_id}']").get_attribute(
        "class")
