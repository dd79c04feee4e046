"""Moving a session on the organisers' grid: the check answers the clashes without saving,
the move keeps the duration, a clash needs a confirmation, bad drops get a clear answer."""
from __future__ import annotations

import pytest

from festival.core.timeutil import to_paris
from festival.editions.models import ProgrammeSession
from festival.extensions import db
from tests.factories import gen_edition, gen_room, gen_session


@pytest.fixture
def plan(app, auth):
    auth.login_as("organiser")
    with app.app_context():
        edition = gen_edition(status="published")
        big, small = gen_room(edition, name="Grande salle"), gen_room(edition, name="Salle Tiznit")
        talk = gen_session(edition, big, start="11:00", end="12:30", title="Conférence")
        other = gen_session(edition, small, start="14:00", end="15:00", title="Atelier")
        db.session.commit()
        return {"year": edition.year, "day": edition.dates[0].isoformat(), "big": big.id,
                "small": small.id, "talk": talk.id, "other": other.id}


def _move(client, plan, session_key: str, **fields):
    return client.post(f"/manage/editions/{plan['year']}/sessions/{plan[session_key]}/move",
                       data={"day": plan["day"], **fields})


def _where(app, session_id: int) -> tuple[int, str, str]:
    with app.app_context():
        s = db.session.get(ProgrammeSession, session_id)
        return s.room_id, f"{to_paris(s.starts_at):%H:%M}", f"{to_paris(s.ends_at):%H:%M}"


def test_the_check_answers_the_clashes_and_saves_nothing(app, client, plan):
    answer = _move(client, plan, "talk", room_id=plan["small"], start="13:45", check="1")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["saved"] is False and body["span"] == "13:45–15:15"
    assert body["room"] == "Salle Tiznit" and "Atelier" in " ".join(body["clashes"])
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")


def test_a_move_keeps_the_duration(app, client, plan):
    answer = _move(client, plan, "talk", room_id=plan["small"], start="09:30")
    assert answer.status_code == 200 and answer.get_json()["saved"] is True
    assert _where(app, plan["talk"]) == (plan["small"], "09:30", "11:00")


def test_a_move_into_a_clash_needs_a_confirmation(app, client, plan):
    refused = _move(client, plan, "talk", room_id=plan["small"], start="14:30")
    assert refused.status_code == 409 and refused.get_json()["clashes"]
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")
    forced = _move(client, plan, "talk", room_id=plan["small"], start="14:30",
                   confirm_clashes="1")
    assert forced.status_code == 200
    assert _where(app, plan["talk"]) == (plan["small"], "14:30", "16:00")


@pytest.mark.parametrize("fields", [
    {"room_id": "x", "start": "10:00"}, {"room_id": "1", "start": "25:00"},
    {"start": "10:00"}, {"room_id": "1", "start": "10:00", "day": "1999-01-01"},
    {"room_id": "999999", "start": "10:00"}, {"room_id": "1", "start": "10:00+05:00"},
])
def test_a_bad_drop_is_refused_with_a_message(app, client, plan, fields):
    answer = _move(client, plan, "talk", **fields)
    assert 400 <= answer.status_code < 500
    assert answer.get_json()["error"]
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")


@pytest.mark.parametrize("start", ["10:03", "10:00:30", "9:5"])
def test_a_drop_off_the_grids_lines_is_refused(app, client, plan, start):
    for fields in ({"check": "1"}, {}):
        answer = _move(client, plan, "talk", room_id=plan["small"], start=start, **fields)
        assert answer.status_code == 422 and answer.get_json()["details"] == [
            "Drop the session on a room at a time."]
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")


def test_the_grid_has_every_room_and_the_drafts(app, client, plan):
    with app.app_context():
        from festival.editions.models import Edition
        edition = db.session.scalar(db.select(Edition).where(Edition.year == plan["year"]))
        gen_room(edition, name="Salle vide")
        gen_session(edition, db.session.get(type(edition.rooms[0]), plan["big"]),
                    start="16:00", end="17:00", title="Brouillon", status="draft")
        db.session.commit()
    html = client.get(f"/manage/editions/{plan['year']}/grid?day={plan['day']}").get_data(
        as_text=True)
    assert html.count('data-drop-room="') == 3 and "Brouillon" in html
    assert 'draggable="true"' in html and "js/programme-grid.js" in html


def test_a_drop_after_midnight_stays_in_the_festival_day(app, client, auth):
    """The grid of a day runs past midnight when a session does (a festival day ends at its
    cut-off, 05:00): its script sends the wall-clock time ("00:00") with the grid's day, which
    is the next calendar date, not the morning before the day began."""
    from datetime import timedelta

    from tests.factories import paris
    auth.login_as("organiser")
    with app.app_context():
        edition = gen_edition(status="published")
        stage = gen_room(edition, name="Scène", opens=None, closes=None)
        first, second = edition.dates
        late = gen_session(edition, stage, title="Nuit du malhoun", day=0, start="22:00",
                           end="23:00")
        concert = gen_session(edition, stage, title="Concert", day=1, start="21:00",
                              end="22:00")
        late.ends_at = paris(first + timedelta(days=1), "00:30")  # the grid reaches 00:30
        db.session.commit()
        year, concert_id, late_id, stage_id = edition.year, concert.id, late.id, stage.id
    moved = client.post(f"/manage/editions/{year}/sessions/{late_id}/move",
                        data={"day": first.isoformat(), "room_id": stage_id,
                              "start": "00:00", "check": "1"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["span"] == "00:00–02:30"
    saved = client.post(f"/manage/editions/{year}/sessions/{late_id}/move",
                        data={"day": first.isoformat(), "room_id": stage_id, "start": "00:00"})
    assert saved.status_code == 200, saved.get_json()
    with app.app_context():
        session = db.session.get(ProgrammeSession, late_id)
        assert session.starts_at == paris(first + timedelta(days=1), "00:00")
        assert db.session.get(ProgrammeSession, concert_id).starts_at == paris(second, "21:00")


@pytest.mark.parametrize("role", [None, "association", "volunteer"])
def test_only_organisers_move_sessions(app, client, auth, plan, role):
    auth.logout()
    if role:
        auth.login_as(role)
    for fields in ({"check": "1"}, {}, {"confirm_clashes": "1"}):
        answer = _move(client, plan, "talk", room_id=plan["small"], start="14:30", **fields)
        if role is None:
            assert answer.status_code == 302 and "/login" in answer.headers["Location"]
        else:
            assert answer.status_code == 403
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")
    assert client.get(f"/manage/editions/{plan['year']}/grid").status_code in (302, 403)


def test_a_session_or_room_of_another_edition_is_refused(app, client, plan):
    with app.app_context():
        other = gen_edition(status="published")
        elsewhere = gen_room(other, name="Ailleurs")
        theirs = gen_session(other, elsewhere, start="10:00", end="11:00", title="Autre année")
        db.session.commit()
        elsewhere_id, theirs_id = elsewhere.id, theirs.id
    answer = client.post(f"/manage/editions/{plan['year']}/sessions/{theirs_id}/move",
                         data={"day": plan["day"], "room_id": plan["small"], "start": "10:00"})
    assert answer.status_code == 404
    assert _where(app, theirs_id)[0] == elsewhere_id
    for fields in ({"check": "1"}, {}):
        refused = _move(client, plan, "talk", room_id=elsewhere_id, start="10:00", **fields)
        assert 400 <= refused.status_code < 500 and refused.get_json()["error"]
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")


def test_an_archived_edition_keeps_its_programme(app, client, plan):
    from festival.editions import services
    from festival.editions.models import Edition
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.year == plan["year"]))
        for status in ("closed", "archived"):
            services.change_edition_status(edition, status, actor=None, confirm=True)
        db.session.commit()
    for fields in ({"check": "1"}, {}):
        answer = _move(client, plan, "talk", room_id=plan["small"], start="09:30", **fields)
        assert answer.status_code == 409 and "archived" in answer.get_json()["error"]
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")


def test_a_move_needs_the_grid_pages_csrf_token(app, test_environ, plan):
    """The grid's script sends the page's token in the X-CSRFToken header; without it the
    move is refused and nothing changes."""
    import re

    from tests import factories
    from tests.conftest import make_app
    guarded = make_app(test_environ, WTF_CSRF_ENABLED=True).test_client()
    login = guarded.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    organiser = factories.user_in_db(app, "organiser")
    assert guarded.post("/login", data={"email": organiser["email"], "csrf_token": token,
                                        "password": factories.PASSWORD}).status_code == 302
    page = guarded.get(f"/manage/editions/{plan['year']}/grid?day={plan['day']}").get_data(
        as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    url = f"/manage/editions/{plan['year']}/sessions/{plan['talk']}/move"
    fields = {"day": plan["day"], "room_id": plan["small"], "start": "09:30"}
    assert guarded.post(url, data=fields).status_code == 400
    assert guarded.post(url, data=fields, headers={"X-CSRFToken": "forged"}).status_code == 400
    assert _where(app, plan["talk"]) == (plan["big"], "11:00", "12:30")
    saved = guarded.post(url, data=fields, headers={"X-CSRFToken": token,
                                                    "Accept": "application/json"})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    assert _where(app, plan["talk"]) == (plan["small"], "09:30", "11:00")
