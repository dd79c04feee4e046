"""The plan as CSV/XLSX, and a volunteer's own shifts as an iCalendar feed at a secret
address."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from icalendar import Calendar
from openpyxl import load_workbook

from festival.accounts.models import User
from festival.extensions import db
from festival.volunteers import services
from tests.factories import gen_user
from tests.volunteers.conftest import SATURDAY_6PM, WEEK_BEFORE, make_setup, make_shift


def _plan(app):
    with app.app_context():
        edition, _door, room = make_setup()
        lead = gen_user("volunteer", name="Nadia Amrani")
        door = make_shift(edition, title="Porte 2", people=2, lead_id=lead.id,
                          lead_phone="+33 6 12 34 56 78",
                          notes={"fr": "Gilet jaune", "en": "Yellow vest"})
        steward = make_shift(edition, task="room_steward", room_id=room.id,
                             start=SATURDAY_6PM + timedelta(days=1), people=1)
        volunteer = gen_user("volunteer", name="Amine Tazi", email="amine@example.org")
        services.sign_up(door, volunteer, now=WEEK_BEFORE)
        db.session.commit()
        return {"year": edition.year, "volunteer": volunteer.email, "door": door.id,
                "steward": steward.id}


def test_the_plan_as_xlsx_and_csv(client, auth, app):
    plan = _plan(app)
    auth.login_as("organiser")
    answer = client.get(f"/manage/editions/{plan['year']}/shifts/export.xlsx")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["Day", "Starts at", "Ends at", "Task", "Post"]
    assert rows[1][4:9] == ["Porte 2", 2, 1, "Amine Tazi", "amine@example.org"]
    assert rows[1][10:] == ["Nadia Amrani", "+33 6 12 34 56 78"]
    assert rows[1][1].hour == 18  # Paris time
    assert rows[2][3:8] == ["Room steward", "Room steward · Grande salle", 1, 1, None]
    csv = client.get(f"/manage/editions/{plan['year']}/shifts/export.csv")
    assert csv.status_code == 200 and "Porte 2" in csv.get_data(as_text=True)
    assert client.get(f"/manage/editions/{plan['year']}/shifts/export.pdf").status_code == 404


def _feed_url(client) -> str:
    html = client.get("/volunteer").get_data(as_text=True)
    return re.search(r'value="http://localhost(/volunteer/calendar/[^"]+\.ics)"', html).group(1)


def test_a_volunteer_subscribes_to_their_own_shifts(client, auth, app):
    plan = _plan(app)
    auth.login(plan["volunteer"])
    url = _feed_url(client)
    auth.logout()
    answer = client.get(url)  # a calendar app: no session
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    calendar = Calendar.from_ical(answer.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]).startswith("Porte 2")
    assert event.decoded("dtstart").hour == 18 and str(event["dtstart"].params["TZID"]) \
        == "Europe/Paris"
    assert "Gilet jaune" in str(event["description"])  # French by default
    assert calendar.walk("VTIMEZONE")


def test_a_forged_or_ended_feed_address_is_not_found(client, auth, app):
    plan = _plan(app)
    auth.login(plan["volunteer"])
    url = _feed_url(client)
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404
    assert client.get("/volunteer/calendar/" + "a" * 500 + ".ics").status_code == 404
    with app.app_context():
        user = db.session.query(User).filter_by(email=plan["volunteer"]).one()
        user.password_hash = "another"  # a new password ends the addresses given before
        db.session.commit()
    assert client.get(url).status_code == 404
