"""A volunteer's shifts in their data export; their erasure gives up the places to come."""
from __future__ import annotations

from datetime import timedelta

from festival.privacy.services import erase_person, export_person
from festival.volunteers import services
from tests.factories import gen_user
from tests.volunteers.conftest import SATURDAY_6PM, WEEK_BEFORE, make_setup, make_shift


def test_export_lists_the_shifts_and_erasure_frees_the_places_to_come(ctx):
    edition, *_ = make_setup()
    past = make_shift(edition, start=WEEK_BEFORE - timedelta(days=1), title="Montage")
    coming = make_shift(edition, title="Porte 2")
    volunteer = gen_user("volunteer", email="amine@example.org")
    services.assign(past, volunteer, actor=None, now=WEEK_BEFORE - timedelta(days=2))
    services.sign_up(coming, volunteer, now=WEEK_BEFORE)
    data = export_person("amine@example.org")
    assert [(s["post"], s["withdrawn_at"]) for s in data["volunteer_shifts"]] == [
        ("Montage", None), ("Porte 2", None)]
    assert data["volunteer_shifts"][1]["starts_at"] == SATURDAY_6PM.isoformat()
    done = erase_person("amine@example.org", actor=gen_user("admin"), now=WEEK_BEFORE)
    assert done.shifts == 1
    assert coming.places_left == 2 and len(past.people) == 1  # the past stays as it was
