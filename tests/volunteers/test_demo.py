"""The demo's volunteer shifts: made once, with the demo volunteer on two of them."""
from __future__ import annotations

from festival.demo.volunteers import SHIFTS, load_volunteers
from festival.volunteers.queries import shifts_of, shifts_of_user
from tests.factories import gen_user
from tests.volunteers.conftest import make_setup


def test_demo_shifts_are_made_once(ctx):
    edition, *_ = make_setup()
    volunteer = gen_user("volunteer")
    load_volunteers(edition, volunteer)
    lines = load_volunteers(edition, volunteer)
    assert len(shifts_of(edition.id)) == len(SHIFTS)
    assert f"{len(SHIFTS)} volunteer shifts" in lines[0]
    assert len(shifts_of_user(volunteer.id, edition.id)) == 2
