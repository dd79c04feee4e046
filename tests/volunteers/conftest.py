"""Volunteer-shift fixtures: an edition in May 2027 with a door list and a room, shifts."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from festival.checkin.devices import create_list
from festival.volunteers import services
from tests.factories import gen_room
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401  (fixtures)
from tests.ticketing.conftest import make_edition

# Saturday 15 May 2027, 18:00 in Paris.
SATURDAY_6PM = datetime(2027, 5, 15, 16, 0, tzinfo=UTC)
# A week before: sign-ups are open.
WEEK_BEFORE = SATURDAY_6PM - timedelta(days=7)


def make_setup(status: str = "on_sale"):
    """An edition with a door's check-in list and a room: (edition, list, room)."""
    edition = make_edition(status=status, capacity=None)
    door = create_list(edition, {"name": "Entrée principale"})
    room = gen_room(edition, name="Grande salle")
    return edition, door, room


def make_shift(edition, *, start=SATURDAY_6PM, hours: float = 4, people: int = 2,
               task: str = "welcome_desk", **data):
    return services.create_shift(edition, {
        "task": task, "starts_at": start, "ends_at": start + timedelta(hours=hours),
        "people_needed": people, **data}, actor=None)
