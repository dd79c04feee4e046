"""A volunteer whose door shift starts pairs their phone to its gate from the shift's page,
in one tap; the phone stops scanning when the shift ends or they leave it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from festival.accounts.models import User
from festival.checkin.devices import create_list
from festival.checkin.models import Device
from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.outreach.cli import schedule_due
from festival.volunteers import pairing, services
from festival.volunteers.models import Shift, ShiftAssignment
from tests.factories import gen_user
from tests.volunteers.conftest import SATURDAY_6PM, WEEK_BEFORE, make_setup, make_shift


def test_pairing_is_offered_on_a_door_shift_one_holds_around_its_hours(ctx):
    edition, door, _room = make_setup()
    shift = make_shift(edition, task="door", checkin_list_id=door.id, title="Porte 2")
    desk = make_shift(edition, start=SATURDAY_6PM + timedelta(days=1))
    volunteer, other = gen_user("volunteer"), gen_user("volunteer")
    services.sign_up(shift, volunteer, now=WEEK_BEFORE)
    services.sign_up(desk, volunteer, now=WEEK_BEFORE)
    offered = pairing.pairing_offered
    assert not offered(shift, volunteer, SATURDAY_6PM - timedelta(minutes=31))
    assert offered(shift, volunteer, SATURDAY_6PM - timedelta(minutes=30))
    assert offered(shift, volunteer, SATURDAY_6PM + timedelta(hours=3, minutes=59))
    assert not offered(shift, volunteer, SATURDAY_6PM + timedelta(hours=4))
    assert not offered(shift, other, SATURDAY_6PM)
    assert not offered(desk, volunteer, desk.starts_at)  # not a door
    door.allow_self_pairing = False
    assert not offered(shift, volunteer, SATURDAY_6PM)


def test_pairing_makes_a_device_at_the_gate_that_ends_with_the_shift(ctx):
    edition, door, _room = make_setup()
    shift = make_shift(edition, task="door", checkin_list_id=door.id, title="Porte 2")
    volunteer = gen_user("volunteer", name="Amine Tazi")
    services.sign_up(shift, volunteer, now=WEEK_BEFORE)
    with pytest.raises(DomainError) as caught:
        pairing.pair_for_shift(shift, volunteer, now=WEEK_BEFORE)
    assert caught.value.code == "pairing_closed"
    first, _token = pairing.pair_for_shift(shift, volunteer, now=SATURDAY_6PM)
    assert (first.gate, first.list_id, first.api_token_id is not None) == \
        ("Porte 2", door.id, True)
    second, _token = pairing.pair_for_shift(shift, volunteer, now=SATURDAY_6PM)
    assert first.revoked_at is not None and second.revoked_at is None  # one phone
    assert pairing.end_pairings(SATURDAY_6PM + timedelta(hours=3)) == 0
    assert pairing.end_pairings(SATURDAY_6PM + timedelta(hours=4)) == 1
    assert second.revoked_at is not None
    assert pairing.end_pairings(SATURDAY_6PM + timedelta(hours=5)) == 0


def test_leaving_the_shift_unpairs_the_phone_at_once(ctx):
    edition, door, _room = make_setup()
    shift = make_shift(edition, task="door", checkin_list_id=door.id)
    volunteer = gen_user("volunteer")
    assignment = services.sign_up(shift, volunteer, now=WEEK_BEFORE)
    device, _token = pairing.pair_for_shift(shift, volunteer, now=SATURDAY_6PM)
    services.unassign(assignment, actor=gen_user("organiser"), now=SATURDAY_6PM)
    assert device.revoked_at is not None


def test_one_tap_on_the_shift_page_pairs_the_phone_and_the_token_stops_at_the_end(
        client, auth, app):
    with app.app_context():
        edition, door, _room = make_setup()
        start = utcnow() - timedelta(minutes=10)
        shift = make_shift(edition, start=start, hours=2, task="door",
                           checkin_list_id=door.id, title="Porte 2")
        db.session.commit()
        shift_id, ends_at, year = shift.id, shift.ends_at, edition.year
    user = auth.login_as("volunteer")
    with app.app_context():
        services.assign(db.session.get(Shift, shift_id), db.session.get(User, user["id"]),
                        actor=None, now=utcnow())
        db.session.commit()
    page = client.get(f"/volunteer/shifts/{shift_id}").get_data(as_text=True)
    assert "Scan at this door with this phone" in page
    answer = client.post(f"/volunteer/shifts/{shift_id}/pair")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    token = re.search(r'data-token="([^"]+)"', answer.get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    lists = app.test_client().get(f"/api/v1/editions/{year}/checkin-lists", headers=headers)
    assert lists.status_code == 200
    with app.app_context():
        schedule_due(ends_at, echo=lambda *_: None)  # the scheduler's round after the end
    assert app.test_client().get(f"/api/v1/editions/{year}/checkin-lists", headers=headers).status_code == 401
    with app.app_context():
        assignment = db.session.query(ShiftAssignment).one()
        assert db.session.get(Device, assignment.device_id).revoked_at is not None


def test_no_pairing_outside_the_shift(client, auth, app):
    with app.app_context():
        edition, door, _room = make_setup()
        shift = make_shift(edition, start=utcnow() + timedelta(days=2), task="door",
                           checkin_list_id=door.id)
        db.session.commit()
        shift_id = shift.id
    auth.login_as("volunteer")
    client.post(f"/volunteer/shifts/{shift_id}/sign-up")
    answer = client.post(f"/volunteer/shifts/{shift_id}/pair", follow_redirects=True)
    assert "from 30 minutes before it starts" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Device).count() == 0


def test_moving_the_shift_to_another_door_or_other_hours_unpairs_its_phone(ctx):
    edition, door, _room = make_setup()
    back_door = create_list(edition, {"name": "Entrée des artistes"})
    shift = make_shift(edition, task="door", checkin_list_id=door.id, title="Porte 2")
    volunteer = gen_user("volunteer")
    services.sign_up(shift, volunteer, now=WEEK_BEFORE)
    data = {"task": "door", "checkin_list_id": door.id, "title": "Porte 2",
            "starts_at": shift.starts_at, "ends_at": shift.ends_at, "people_needed": 2}
    device, _token = pairing.pair_for_shift(shift, volunteer, now=SATURDAY_6PM)
    services.update_shift(shift, {**data, "notes": {"fr": "Gilet"}}, actor=None)
    assert device.revoked_at is None  # the notes do not move the phone
    services.update_shift(shift, {**data, "checkin_list_id": back_door.id}, actor=None)
    assert device.revoked_at is not None  # it no longer scans at the old door
    data["checkin_list_id"] = back_door.id
    device, _token = pairing.pair_for_shift(shift, volunteer, now=SATURDAY_6PM)
    assert device.list_id == back_door.id
    services.update_shift(shift, {**data, "starts_at": shift.starts_at + timedelta(days=1),
                                  "ends_at": shift.ends_at + timedelta(days=1)}, actor=None)
    assert device.revoked_at is not None  # nor a day before its new hours
