"""The organisers' back office and the representatives' stand page, through the client."""
from __future__ import annotations

import re

import html
from datetime import time

import pytest

from festival.editions.models import (
    Edition,
    EditionStatus,
    ProgrammeSession,
    StandRequest,
    StandStatus,
)
from festival.editions.queries import edition_for_year
from festival.extensions import db
from tests.factories import gen_association, gen_edition, gen_room, gen_session, gen_stand, gen_user


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def organiser(auth):
    return auth.login_as("organiser")


def _edition(app, **kwargs) -> dict:
    with app.app_context():
        edition = gen_edition(**kwargs)
        room = gen_room(edition, name="Grande salle")
        data = {"year": edition.year, "room": room.id,
                "day": edition.dates[0].isoformat() if edition.dates else None}
        db.session.commit()
        return data


def test_an_organiser_creates_an_edition_as_a_draft(app, client, organiser):
    response = client.post("/manage/editions", data={
        "year": "2041", "title": "Almoggar", "tagline": "Au printemps",
        "days-0": "2041-05-18", "days-1": "2041-05-19", "days-2": "", "days-3": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/2041")
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.year == 2041))
        assert edition.status is EditionStatus.DRAFT and len(edition.days) == 2
        assert edition.status_changes[0].actor_id == organiser["id"]
    again = client.post("/manage/editions", data={"year": "2041", "title": "Encore"})
    assert again.status_code == 409
    assert "There is already an edition in 2041." in _text(again)


def test_closing_needs_the_confirmation_box(app, client, organiser):
    year = _edition(app, status="on_sale")["year"]
    client.post(f"/manage/editions/{year}/status", data={"status": "closed"})
    with app.app_context():
        assert db.session.scalar(db.select(Edition.status).where(
            Edition.year == year)) is EditionStatus.ON_SALE
    page = client.get(f"/manage/editions/{year}")
    assert "This change needs an explicit confirmation." in _text(page)
    client.post(f"/manage/editions/{year}/status",
                data={"status": "closed", "confirm": "y", "note": "Festival terminé"})
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.year == year))
        assert edition.status is EditionStatus.CLOSED
        assert edition.status_changes[-1].note == "Festival terminé"


def test_a_draft_without_a_venue_cannot_be_published(app, client, organiser):
    year = _edition(app, venue=False)["year"]
    response = client.post(f"/manage/editions/{year}/status", data={"status": "published"},
                           follow_redirects=True)
    assert "the edition needs a venue" in _text(response)


def test_an_organiser_who_double_books_a_room_is_stopped(app, client, organiser):
    data = _edition(app)
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.year == data["year"]))
        gen_session(edition, db.session.get(type(edition.rooms[0]), data["room"]),
                    start="14:00", end="15:30", title="Table ronde diaspora")
        db.session.commit()
    form = {"title": "Concert surprise", "kind": "concert", "languages": ["tzm"],
            "pole": "", "theme": "", "day": data["day"], "start_time": "15:00",
            "end_time": "16:00", "room_id": str(data["room"]), "status": "published"}
    url = f"/manage/editions/{data['year']}/sessions/new"
    refused = client.post(url, data=form)
    assert refused.status_code == 409
    page = _text(refused)
    assert "“Grande salle” is already booked for “Table ronde diaspora”" in page
    assert 'name="confirm_clashes"' in page
    with app.app_context():
        assert db.session.query(ProgrammeSession).count() == 1
    saved = client.post(url, data={**form, "confirm_clashes": "y"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.query(ProgrammeSession).count() == 2
        clashing = db.session.scalar(db.select(ProgrammeSession.id).where(
            ProgrammeSession.title == "Concert surprise"))
    edit = _text(client.get(f"/manage/editions/{data['year']}/sessions/{clashing}"))
    assert "is already booked for “Table ronde diaspora”" in edit  # warned on the edit form
    conflicts = _text(client.get(f"/manage/editions/{data['year']}/conflicts"))
    clash = conflicts[conflicts.index('class="card clash clash-room_double_booked"'):]
    clash = clash[:clash.find('class="card clash', 1)]  # this clash's card only
    sides = re.findall(r'<a href="/manage/editions/\d+/sessions/(\d+)" dir="auto">([^<]+)</a>',
                       clash)
    assert {title for _id, title in sides} == {"Concert surprise", "Table ronde diaspora"}
    assert str(clashing) in {i for i, _title in sides}
    assert "A room booked twice" in clash and "15:00–16:00" in clash and "14:00–15:30" in clash
    listing = _text(client.get(f"/manage/editions/{data['year']}/sessions"))
    assert "clash" in listing


def test_the_session_form_reports_field_errors(app, client, organiser):
    data = _edition(app)
    response = client.post(f"/manage/editions/{data['year']}/sessions/new", data={
        "title": "Sans langue", "kind": "conference", "day": data["day"],
        "start_time": "10:00", "end_time": "11:00", "room_id": str(data["room"]),
        "status": "draft", "pole": "mre", "theme": "water"})
    assert response.status_code == 422
    page = _text(response)
    assert "Choose at least one language." in page
    assert "Choose a pôle or a free theme, not both." in page


def test_a_session_that_ends_after_midnight(app, client, organiser):
    with app.app_context():
        edition = gen_edition()
        room = gen_room(edition, opens="18:00", closes="02:00")
        year, room_id, day = edition.year, room.id, edition.dates[0].isoformat()
        db.session.commit()
    response = client.post(f"/manage/editions/{year}/sessions/new", data={
        "title": "Nuit de l'ahwach", "kind": "concert", "languages": ["tzm"], "day": day,
        "start_time": "22:00", "end_time": "01:00", "room_id": str(room_id),
        "status": "published", "pole": "", "theme": ""})
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalar(db.select(ProgrammeSession))
        assert session.duration_minutes == 180


def test_rooms_are_added_and_checked(app, client, organiser):
    year = _edition(app)["year"]
    duplicate = client.post(f"/manage/editions/{year}/rooms",
                            data={"name": "Grande salle", "venue_id": "0"})
    assert duplicate.status_code == 409
    assert "already has a room called “Grande salle”" in _text(duplicate)
    half = client.post(f"/manage/editions/{year}/rooms",
                       data={"name": "Salle Tata", "opens_at": "10:00", "venue_id": "0"})
    assert half.status_code == 422
    assert "Give both the opening and the closing time, or neither." in _text(half)
    ok = client.post(f"/manage/editions/{year}/rooms", data={
        "name": "Salle Tata", "capacity": "40", "opens_at": "10:00", "closes_at": "19:00",
        "venue_id": "0"})
    assert ok.status_code == 302


def test_organisers_are_chosen_among_member_associations(app, client, organiser):
    year = _edition(app)["year"]
    with app.app_context():
        from festival.associations.models import MembershipStatus
        member = gen_association(name="Afoulki France")
        applicant = gen_association(name="Candidate", status=MembershipStatus.APPLIED)
        member_id, applicant_id = member.id, applicant.id
        db.session.commit()
    page = _text(client.get(f"/manage/editions/{year}"))
    assert "Afoulki France" in page and "Candidate" not in page
    refused = client.post(f"/manage/editions/{year}/organisers",
                          data={"association_id": str(applicant_id), "role": "lead"})
    assert refused.status_code == 422
    added = client.post(f"/manage/editions/{year}/organisers",
                        data={"association_id": str(member_id), "role": "lead"})
    assert added.status_code == 302
    assert "Lead organiser" in _text(client.get(f"/manage/editions/{year}"))


def test_a_stand_number_given_twice_is_refused_with_a_clear_message(app, client, organiser):
    with app.app_context():
        edition = gen_edition(status="on_sale")
        gen_stand(edition, gen_association(name="Espoir du Sud"), number="A1")
        waiting = gen_stand(edition, gen_association(name="Al Wasseela"))
        year, stand_id = edition.year, waiting.id
        db.session.commit()
    prefix = f"s{stand_id}-"
    refused = client.post(f"/manage/editions/{year}/stands/{stand_id}", data={
        prefix + "stand_number": "a1", prefix + "zone": "Hall A", prefix + "approve": "Approve"})
    assert refused.status_code == 409
    assert "Stand A1 is already given to Espoir du Sud." in _text(refused)
    approved = client.post(f"/manage/editions/{year}/stands/{stand_id}", data={
        prefix + "stand_number": "A2", prefix + "approve": "Approve"})
    assert approved.status_code == 302
    with app.app_context():
        stand = db.session.get(StandRequest, stand_id)
        assert (stand.status, stand.stand_number) == (StandStatus.APPROVED, "A2")
    neither = client.post(f"/manage/editions/{year}/stands/{stand_id}", data={})
    assert neither.status_code == 422


def test_a_representative_asks_for_a_stand(app, client, auth):
    with app.app_context():
        association = gen_association(name="Ouijjane")
        year = gen_edition(status="published").year
        representative = gen_user("association", association=association)
        email = representative.email
        db.session.commit()
    auth.login(email)
    page = client.get(f"/{year}/stand")
    assert page.status_code == 200 and "Ask for a stand for Ouijjane" in _text(page)
    missing = client.post(f"/{year}/stand", data={"size": "small", "tables": "1",
                                                  "chairs": "2"})
    assert missing.status_code == 422
    sent = client.post(f"/{year}/stand", data={
        "size": "medium", "needs_electricity": "y", "tables": "2", "chairs": "4",
        "showcase": "Photos de l'école d'Ouijjane"})
    assert sent.status_code == 302
    assert "Requested" in _text(client.get(f"/{year}/stand"))
    client.post(f"/{year}/stand/withdraw")
    with app.app_context():
        assert db.session.scalar(db.select(StandRequest.status)) is StandStatus.WITHDRAWN


def test_volunteers_do_not_reach_the_back_office(app, client, auth):
    year = _edition(app)["year"]
    auth.login_as("volunteer")
    assert client.get(f"/manage/editions/{year}").status_code == 403
    assert client.get("/manage/speakers").status_code == 403


def test_a_too_long_session_is_explained_on_the_end_time(app, client, organiser):
    data = _edition(app)
    response = client.post(f"/manage/editions/{data['year']}/sessions/new", data={
        "title": "Marathon", "kind": "other", "languages": ["fr"], "day": data["day"],
        "start_time": "10:00", "end_time": "10:00", "room_id": str(data["room"]),
        "status": "draft", "pole": "", "theme": ""})
    assert response.status_code == 422
    assert "A session lasts at most 14 hours." in _text(response)


def test_organisers_cancel_a_session_from_its_form(app, client, organiser):
    with app.app_context():
        edition = gen_edition(status="published")
        room = gen_room(edition, name="Grande salle")
        session = gen_session(edition, room, start="15:00", end="16:00", title="Conte",
                              languages=["tzm"])
        db.session.commit()
        year, session_id, room_id, day = (edition.year, session.id, room.id,
                                          edition.dates[0].isoformat())
    url = f"/manage/editions/{year}/sessions/{session_id}"
    assert '<option value="cancelled">Cancelled</option>' in _text(client.get(url))
    response = client.post(url, data={
        "title": "Conte", "kind": "conference", "languages": ["tzm"], "pole": "", "theme": "",
        "day": day, "start_time": "15:00", "end_time": "16:00", "room_id": str(room_id),
        "status": "cancelled"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(ProgrammeSession, session_id)
        assert (saved.status.value, saved.sequence) == ("cancelled", 1)


def test_the_cutoff_of_a_festival_day_is_set_in_the_edition_form(app, client, organiser):
    year = _edition(app)["year"]
    with app.app_context():
        days = [d.isoformat() for d in edition_for_year(year, include_drafts=True).dates]
    page = _text(client.get(f"/manage/editions/{year}"))
    assert 'name="day_cutoff"' in page and 'value="05:00"' in page
    form = {"title": "Almoggar", "days-0": days[0], "days-1": days[-1], "days-2": ""}
    refused = client.post(f"/manage/editions/{year}", data={**form, "day_cutoff": "04:30"})
    assert refused.status_code == 422
    saved = client.post(f"/manage/editions/{year}", data={**form, "day_cutoff": "04:00"})
    assert saved.status_code == 302
    with app.app_context():
        assert edition_for_year(year, include_drafts=True).day_cutoff == time(4, 0)


# Where and when ------------------------------------------------------------------------------

def test_an_organiser_sets_each_days_venue_and_door_hours(app, client, organiser):
    data = _edition(app, status="published")
    year = data["year"]
    with app.app_context():
        edition = edition_for_year(year, include_drafts=True)
        from festival.editions import services
        second = services.add_venue(edition, {"name": "Gymnase Jean-Jaurès"}, actor=None).id
        db.session.commit()
    page = _text(client.get(f"/manage/editions/{year}"))
    assert "Where and when, day by day" in page and 'name="days-1-doors_close"' in page
    response = client.post(f"/manage/editions/{year}/days", data={
        "days-0-day": f"{year}-05-15", "days-0-venue_id": "0",
        "days-0-doors_open": "18:00", "days-0-doors_close": "01:30",
        "days-1-day": f"{year}-05-16", "days-1-venue_id": str(second),
        "days-1-doors_open": "10:00", "days-1-doors_close": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("#days")
    with app.app_context():
        saturday, sunday = edition_for_year(year, include_drafts=True).days
        assert (saturday.venue_id, saturday.doors_open, saturday.doors_close) == (
            None, time(18), time(1, 30))
        assert (sunday.venue_id, sunday.doors_open, sunday.doors_close) == (
            second, time(10), None)
    page = _text(client.get(f"/manage/editions/{year}"))
    assert 'value="01:30"' in page


def test_door_hours_past_the_end_of_the_festival_day_are_shown_on_their_field(
        app, client, organiser):
    year = _edition(app)["year"]
    response = client.post(f"/manage/editions/{year}/days", data={
        "days-0-day": f"{year}-05-15", "days-0-venue_id": "0",
        "days-0-doors_open": "18:00", "days-0-doors_close": "07:00",
        "days-1-day": f"{year}-05-16", "days-1-venue_id": "0",
        "days-1-doors_open": "25:00", "days-1-doors_close": ""})
    assert response.status_code == 422
    response = client.post(f"/manage/editions/{year}/days", data={
        "days-0-day": f"{year}-05-15", "days-0-venue_id": "0",
        "days-0-doors_open": "18:00", "days-0-doors_close": "07:00",
        "days-1-day": f"{year}-05-16", "days-1-venue_id": "0",
        "days-1-doors_open": "10:00", "days-1-doors_close": ""})
    page = _text(response)
    assert response.status_code == 422
    assert 'id="days-0-doors_close-errors"' in page and "close by 05:00" in page
    with app.app_context():
        assert [d.doors_open for d in edition_for_year(year, include_drafts=True).days] == [None, None]


def test_an_organiser_writes_how_to_reach_a_venue_in_each_language(app, client, organiser):
    year = _edition(app)["year"]
    with app.app_context():
        venue_id = edition_for_year(year, include_drafts=True).venues[0].id
    url = f"/manage/editions/{year}/venues/{venue_id}"
    base = {"name": "Salle des fêtes", "address": "1 place de la Mairie", "postcode": "93200",
            "city": "Saint-Denis"}
    refused = client.post(url, data={**base, "map_url": "javascript:alert(1)",
                                      "transport_fr": "x" * 1001})
    assert refused.status_code == 422
    page = _text(refused)
    assert "Give a web address starting with https://" in page
    assert 'id="transport_fr-errors"' in page
    response = client.post(url, data={
        **base, "map_url": "https://www.openstreetmap.org/way/1",
        "transport_fr": "Métro 13, Basilique de Saint-Denis", "transport_ar": "المترو 13",
        "access_en": "Step-free entrance on the square"})
    assert response.status_code == 302
    with app.app_context():
        venue = edition_for_year(year, include_drafts=True).venues[0]
        assert venue.map_url == "https://www.openstreetmap.org/way/1"
        assert venue.transport == {"fr": "Métro 13, Basilique de Saint-Denis",
                                   "ar": "المترو 13"}
        assert venue.access == {"en": "Step-free entrance on the square"}
    page = _text(client.get(url))
    assert 'dir="rtl" id="transport_ar" lang="ar"' in page and "المترو 13</textarea>" in page


def test_a_tampered_day_is_refused_with_a_message(app, client, organiser):
    year = _edition(app)["year"]
    response = client.post(f"/manage/editions/{year}/days", data={
        "days-0-day": "2099-01-01", "days-0-venue_id": "0", "days-0-doors_open": "10:00",
        "days-1-day": "not a day", "days-1-venue_id": "0"})
    assert response.status_code == 422
    assert "This is not a day of this edition." in _text(response)
    wrong_venue = client.post(f"/manage/editions/{year}/days", data={
        "days-0-day": f"{year}-05-15", "days-0-venue_id": "999999"})
    assert wrong_venue.status_code == 422 and "Not a valid choice" in _text(wrong_venue)
