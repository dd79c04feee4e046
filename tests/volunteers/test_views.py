"""The volunteers' phone pages and the organisers' plan, through the test client."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from festival.associations.models import MembershipStatus
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.volunteers import services
from festival.volunteers.models import Shift, ShiftAssignment
from tests.factories import gen_association, gen_user
from tests.volunteers.conftest import make_setup, make_shift


@pytest.fixture
def plan(app):
    """An edition on sale with two shifts tomorrow evening (sign-ups open: the deadline is
    set to 1 hour) and a full one; returns plain ids."""
    app.config["VOLUNTEER_DEADLINE_HOURS"] = 1
    with app.app_context():
        edition, door, room = make_setup()
        start = (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
        lead = gen_user("volunteer", name="Nadia Amrani")
        door_shift = make_shift(edition, start=start, task="door", checkin_list_id=door.id,
                                title="Porte 2", people=2, lead_id=lead.id,
                                lead_phone="+33 6 12 34 56 78",
                                notes={"fr": "Gilet jaune à l'accueil",
                                       "en": "Yellow vest at the desk"})
        clash = make_shift(edition, start=start + timedelta(hours=1), task="room_steward",
                           room_id=room.id)
        db.session.commit()
        ids = {"year": edition.year, "door": door_shift.id, "clash": clash.id,
               "lead": lead.id}
    yield ids
    app.config["VOLUNTEER_DEADLINE_HOURS"] = 24


def test_a_volunteer_signs_up_from_the_phone_page_and_sees_the_shift(client, auth, plan, app):
    auth.login_as("volunteer", name="Youssef Benali")
    page = client.get("/volunteer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Porte 2" in html and "2 places left" in html
    assert html.count('action="/volunteer/shifts/') == 2  # two sign-up forms, no script needed
    answer = client.post(f"/volunteer/shifts/{plan['door']}/sign-up", data={"back": "home"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        f"/volunteer#shift-{plan['door']}")
    html = client.get("/volunteer").get_data(as_text=True)
    assert "You are on Porte 2" in html and "1 place left" in html
    shift_page = client.get(f"/volunteer/shifts/{plan['door']}").get_data(as_text=True)
    assert "Youssef" in shift_page and "Benali" not in shift_page  # first names only
    assert "+33 6 12 34 56 78" in shift_page and "Yellow vest" not in shift_page
    assert "Gilet jaune" in shift_page  # the notes in the page's language, else French


def test_a_clash_is_refused_with_the_shift_it_clashes_with(client, auth, plan, app):
    auth.login_as("volunteer")
    client.post(f"/volunteer/shifts/{plan['door']}/sign-up")
    answer = client.post(f"/volunteer/shifts/{plan['clash']}/sign-up", follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert "You are already on Porte 2" in html
    with app.app_context():
        assert db.session.query(ShiftAssignment).count() == 1


def test_withdraw_and_the_deadline(client, auth, plan, app):
    auth.login_as("volunteer")
    client.post(f"/volunteer/shifts/{plan['door']}/sign-up")
    answer = client.post(f"/volunteer/shifts/{plan['door']}/withdraw", follow_redirects=True)
    assert "You are no longer on Porte 2" in answer.get_data(as_text=True)
    client.post(f"/volunteer/shifts/{plan['door']}/sign-up")
    app.config["VOLUNTEER_DEADLINE_HOURS"] = 48
    answer = client.post(f"/volunteer/shifts/{plan['door']}/withdraw", follow_redirects=True)
    assert "Changes close 48 hours before a shift starts" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ShiftAssignment).filter_by(withdrawn_at=None).count() == 1


def test_strangers_see_neither_names_nor_the_leads_phone(client, auth, plan):
    auth.login_as("volunteer")
    html = client.get(f"/volunteer/shifts/{plan['door']}").get_data(as_text=True)
    assert "Nadia" in html and "+33 6 12 34 56 78" not in html


def test_a_representative_of_an_applicant_association_cannot_sign_up(client, auth, plan, app):
    with app.app_context():
        association = gen_association(status=MembershipStatus.APPLIED)
        email = gen_user("association", association=association).email
        db.session.commit()
    auth.login(email)
    html = client.get("/volunteer").get_data(as_text=True)
    assert "Only volunteers and member associations" in html and "Sign up" not in html
    client.post(f"/volunteer/shifts/{plan['door']}/sign-up")
    with app.app_context():
        assert db.session.query(ShiftAssignment).count() == 0


def test_bad_requests_are_clear_answers(client, auth, plan):
    auth.login_as("volunteer")
    assert client.get("/volunteer/shifts/999999").status_code == 404
    assert client.get("/volunteer/shifts/99999999999").status_code == 404
    assert client.post(f"/volunteer/shifts/{plan['door']}/withdraw").status_code == 303


def _form(**overrides):
    data = {"task": "welcome_desk", "title": "Accueil nord", "day": "2027-05-15",
            "start_time": "18:00", "end_time": "01:00", "people_needed": "3",
            "notes_fr": "Badge", "notes_en": "", "notes_ar": "", "lead_id": "",
            "lead_phone": "", "checkin_list_id": "", "room_id": ""}
    data.update(overrides)
    return data


def test_organisers_create_edit_and_delete_a_shift(client, auth, plan, app):
    auth.login_as("organiser")
    year = plan["year"]
    assert client.get(f"/manage/editions/{year}/shifts").status_code == 200
    assert client.get(f"/manage/editions/{year}/shifts/new").status_code == 200
    answer = client.post(f"/manage/editions/{year}/shifts/new", data=_form())
    assert answer.status_code == 303
    shift_id = int(re.search(r"/shifts/(\d+)$", answer.headers["Location"]).group(1))
    with app.app_context():
        shift = db.session.get(Shift, shift_id)
        # 18:00 to 01:00 in Paris (summer time): 16:00 to 23:00 UTC, over midnight.
        assert (shift.starts_at.hour, shift.ends_at.hour) == (16, 23)
        assert shift.notes == {"fr": "Badge"} and shift.people_needed == 3
    page = client.get(f"/manage/editions/{year}/shifts/{shift_id}")
    assert "Accueil nord" in page.get_data(as_text=True)
    for bad in ({"people_needed": "0"}, {"people_needed": "99999999999999999999"},
                {"day": "0001-01-01"}, {"day": "2031-05-15"}, {"day": "15/05/2027"},
                {"lead_id": "99999999999"}, {"start_time": "25:00"}):
        answer = client.post(f"/manage/editions/{year}/shifts/{shift_id}", data=_form(**bad))
        assert answer.status_code == 422, bad
    answer = client.post(f"/manage/editions/{year}/shifts/{shift_id}",
                         data=_form(task="door"))
    assert answer.status_code == 422
    assert "Choose the check-in list of this door" in answer.get_data(as_text=True)
    answer = client.post(f"/manage/editions/{year}/shifts/{shift_id}",
                         data=_form(title="Accueil sud"))
    assert answer.status_code == 303
    assert client.post(f"/manage/editions/{year}/shifts/{shift_id}/delete").status_code == 303
    with app.app_context():
        assert db.session.get(Shift, shift_id) is None


def test_organisers_assign_move_and_remove_people(client, auth, plan, app):
    with app.app_context():
        volunteer = gen_user("volunteer", name="Samira Ait")
        volunteer_id = volunteer.id
        db.session.commit()
    auth.login_as("organiser")
    year, door, clash = plan["year"], plan["door"], plan["clash"]
    base = f"/manage/editions/{year}/shifts"
    page = client.get(f"{base}/{door}").get_data(as_text=True)
    assert "Samira Ait" in page
    assert client.post(f"{base}/{door}/assign", data={"user_id": str(volunteer_id)}
                       ).status_code == 303
    with app.app_context():
        assignment = db.session.query(ShiftAssignment).one()
        assignment_id = assignment.id
        assert assignment.assigned_by_id is not None
    for nonsense in ("nonsense", "99999999999", "-1", "٣"):
        answer = client.post(f"{base}/{door}/assign", data={"user_id": nonsense},
                             follow_redirects=True)
        assert "Choose a volunteer." in answer.get_data(as_text=True)
    answer = client.post(f"{base}/{door}/people/{assignment_id}/move",
                         data={"to_shift_id": "99999999999"}, follow_redirects=True)
    assert "Choose another shift of this edition." in answer.get_data(as_text=True)
    answer = client.post(f"{base}/{door}/people/{assignment_id}/move",
                         data={"to_shift_id": str(clash)})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/{clash}#people")
    with app.app_context():
        live = db.session.query(ShiftAssignment).filter_by(withdrawn_at=None).one()
        assert live.shift_id == clash
        live_id = live.id
    assert client.post(f"{base}/{door}/people/{live_id}/remove").status_code == 404
    assert client.post(f"{base}/{clash}/people/{live_id}/remove").status_code == 303
    with app.app_context():
        assert db.session.query(ShiftAssignment).filter_by(withdrawn_at=None).count() == 0


def test_the_now_view_names_who_is_on_each_post_and_what_is_missing(client, auth, app):
    with app.app_context():
        edition, door, _room = make_setup()
        now = utcnow()
        running = make_shift(edition, start=now - timedelta(hours=1), title="Porte 2",
                             task="door", checkin_list_id=door.id, people=2)
        make_shift(edition, start=now + timedelta(hours=1), title="Billetterie", people=1)
        make_shift(edition, start=now + timedelta(hours=5), title="Rangement", people=1)
        organiser = gen_user("organiser")
        services.assign(running, gen_user("volunteer", name="Karim Idrissi"),
                        actor=organiser, now=now)
        year = edition.year
        db.session.commit()
    auth.login_as("organiser")
    html = client.get(f"/manage/editions/{year}/shifts/now").get_data(as_text=True)
    running_part = html.split("Who is on which post now")[1]
    missing_part = html.split("Who is on which post now")[0]
    assert "Porte 2" in running_part and "Karim Idrissi" in running_part
    assert "Billetterie" in missing_part and "Porte 2" in missing_part
    assert "Rangement" not in html


def test_shifts_of_a_draft_edition_are_hidden_from_volunteers(client, auth, app):
    with app.app_context():
        edition, *_ = make_setup(status="draft")
        shift_id = make_shift(edition, start=utcnow() + timedelta(days=3)).id
        db.session.commit()
    auth.login_as("volunteer")
    assert client.get(f"/volunteer/shifts/{shift_id}").status_code == 404
    assert client.post(f"/volunteer/shifts/{shift_id}/sign-up").status_code == 404
    page = client.get("/volunteer")  # the page itself answers, with nothing to sign up for
    assert page.status_code == 200 and "No shift to come for now." in page.get_data(as_text=True)
