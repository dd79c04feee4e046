"""The editions API: public reads, organiser writes, 422 field errors and 409 clashes."""
from __future__ import annotations

from datetime import datetime

import pytest

from festival.config import LANGUAGES
from festival.extensions import db
from tests.factories import gen_edition, gen_room, gen_session, gen_speaker


@pytest.fixture
def published(app):
    with app.app_context():
        edition = gen_edition(2043, status="on_sale")
        room = gen_room(edition, name="Grande salle")
        speaker = gen_speaker("Rachid Ouhmad")
        gen_session(edition, room, start="21:00", end="23:00", kind="concert",
                    title="Rrways", languages=["tzm", "fr"], speakers=[speaker], theme="Culture")
        gen_session(edition, room, start="10:00", end="11:00", title="Brouillon",
                    status="draft")
        draft = gen_edition(2044, status="draft")
        db.session.commit()
        return {"year": edition.year, "room": room.id, "speaker": speaker.id,
                "draft": draft.year}


def test_the_public_list_has_no_draft(client, published):
    years = [e["year"] for e in client.get("/api/v1/editions").get_json()["editions"]]
    assert years == [2043]


def test_organiser_tokens_also_see_drafts(client, published, api_token):
    headers = api_token("organiser")
    years = [e["year"] for e in client.get("/api/v1/editions", headers=headers)
             .get_json()["editions"]]
    assert years == [2044, 2043]
    assert client.get("/api/v1/editions/2044").status_code == 404
    assert client.get("/api/v1/editions/2044", headers=headers).status_code == 200


def test_one_edition(client, published):
    data = client.get("/api/v1/editions/2043").get_json()
    assert data["status"] == "on_sale" and data["days"] == ["2043-05-15", "2043-05-16"]
    assert data["venues"][0]["city"] == "Saint-Denis"
    assert data["links"]["schedule_json"].endswith("/2043/schedule.json")
    assert "signing_private_key" not in str(data)


def test_the_programme_gives_iso_times_with_offset(client, published, api_token):
    data = client.get("/api/v1/editions/2043/programme").get_json()
    assert data["time_zone"] == "Europe/Paris"
    (session,) = data["sessions"]  # the draft is not public
    assert session["title"] == "Rrways"
    assert session["starts_at"] == "2043-05-15T21:00:00+02:00"
    assert datetime.fromisoformat(session["ends_at"]).utcoffset().total_seconds() == 7200
    assert session["room"] == {"id": published["room"], "name": "Grande salle",
                               "texts": {"name": {"fr": "Grande salle"}}}
    assert session["languages"] == ["fr", "tzm"]
    # the theme written "Culture" is the registry's theme of that French name: a code
    assert session["track"] == {"pole": None, "theme": "culture", "name": "Culture",
                                "texts": {lang: "Culture" for lang in LANGUAGES}}
    assert [s["name"] for s in session["speakers"]] == ["Rachid Ouhmad"]
    with_drafts = client.get("/api/v1/editions/2043/programme?drafts=1",
                             headers=api_token("organiser")).get_json()
    assert len(with_drafts["sessions"]) == 2
    assert len(client.get("/api/v1/editions/2043/programme?drafts=1").get_json()[
        "sessions"]) == 1


def test_create_and_publish_an_edition(client, api_token):
    headers = api_token("organiser")
    created = client.post("/api/v1/editions", headers=headers, json={
        "year": 2045, "title": "Almoggar", "days": ["2045-05-13", "2045-05-14"]})
    assert created.status_code == 201 and created.get_json()["status"] == "draft"
    early = client.patch("/api/v1/editions/2045", headers=headers, json={"status": "published"})
    assert early.status_code == 409 and early.get_json()["error"] == "edition_incomplete"
    venue = client.post("/api/v1/editions/2045/venues", headers=headers,
                        json={"name": "Halle des fêtes", "city": "Gennevilliers",
                              "capacity": 900})
    assert venue.status_code == 201
    published = client.patch("/api/v1/editions/2045", headers=headers,
                             json={"status": "published", "tagline": "Au printemps"})
    assert published.status_code == 200
    assert published.get_json()["status"] == "published"
    assert published.get_json()["tagline"] == "Au printemps"
    wrong = client.patch("/api/v1/editions/2045", headers=headers, json={"status": "archived"})
    assert wrong.status_code == 409 and wrong.get_json()["error"] == "invalid_transition"
    unconfirmed = client.patch("/api/v1/editions/2045", headers=headers,
                               json={"status": "closed"})
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.get_json()["fields"]
    closed = client.patch("/api/v1/editions/2045", headers=headers,
                          json={"status": "closed", "confirm": True})
    assert closed.get_json()["status"] == "closed"


@pytest.mark.parametrize("body, fields", [
    ({"year": "twenty", "title": ""}, {"year", "title"}),
    ({"year": 2046, "title": "x", "days": "2046-05-01"}, {"days"}),
    ({"year": 2046, "title": "x", "days": ["01/05/2046"]}, {"days"}),
    ({"year": 2046, "title": "x", "days": ["2047-05-01"]}, {"days"}),
])
def test_edition_field_errors_are_422(client, api_token, body, fields):
    response = client.post("/api/v1/editions", headers=api_token("organiser"), json=body)
    assert response.status_code == 422
    data = response.get_json()
    assert data["error"] == "validation_failed" and set(data["fields"]) == fields


def test_a_body_that_is_not_an_object_is_400(client, api_token):
    response = client.post("/api/v1/editions", headers=api_token("organiser"),
                           data="[1, 2]", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_rooms_speakers_and_sessions(client, published, api_token):
    headers = api_token("organiser")
    room = client.post("/api/v1/editions/2043/rooms", headers=headers, json={
        "name": "Salle Tiznit", "capacity": 180, "opens_at": "10:00", "closes_at": "19:00"})
    assert room.status_code == 201 and room.get_json()["opens_at"] == "10:00"
    room_id = room.get_json()["id"]
    bad_room = client.post("/api/v1/editions/2043/rooms", headers=headers,
                           json={"name": "Salle Tata", "opens_at": "10h", "capacity": -3})
    assert bad_room.status_code == 422
    assert set(bad_room.get_json()["fields"]) == {"opens_at", "capacity"}
    speaker = client.post("/api/v1/speakers", headers=headers,
                          json={"name": "Khadija Ouchen", "bio": "Enseignante"})
    assert speaker.status_code == 201
    speaker_id = speaker.get_json()["id"]
    renamed = client.patch(f"/api/v1/speakers/{speaker_id}", headers=headers,
                           json={"bio": "Enseignante à Tiznit"})
    assert renamed.get_json()["bio"] == "Enseignante à Tiznit"
    created = client.post("/api/v1/editions/2043/sessions", headers=headers, json={
        "kind": "conference", "title": "Les écoles des villages", "languages": ["fr"],
        "pole": "popular_education", "room_id": room_id, "speaker_ids": [speaker_id],
        "starts_at": "2043-05-15T11:00:00+02:00", "ends_at": "2043-05-15T09:30:00Z",
        "status": "published"})
    assert created.status_code == 201, created.get_json()
    session = created.get_json()
    assert session["starts_at"] == "2043-05-15T11:00:00+02:00"
    assert session["ends_at"] == "2043-05-15T11:30:00+02:00"
    assert session["clashes"] == []
    moved = client.patch(f"/api/v1/editions/2043/sessions/{session['id']}", headers=headers,
                         json={"ends_at": "2043-05-15T12:30:00+02:00"})
    assert moved.status_code == 200 and moved.get_json()["duration_minutes"] == 90
    renamed_room = client.patch(f"/api/v1/editions/2043/rooms/{room_id}", headers=headers,
                                json={"capacity": 200})
    assert renamed_room.get_json()["capacity"] == 200


def test_a_room_double_booking_is_409_unless_confirmed(client, published, api_token):
    headers = api_token("organiser")
    body = {"kind": "concert", "title": "Ahwach", "languages": ["tzm"],
            "room_id": published["room"], "starts_at": "2043-05-15T22:00:00+02:00",
            "ends_at": "2043-05-15T23:30:00+02:00"}
    refused = client.post("/api/v1/editions/2043/sessions", headers=headers, json=body)
    assert refused.status_code == 409
    error = refused.get_json()
    assert error["error"] == "clash"
    assert "“Grande salle” is already booked for “Rrways”" in error["message"]
    assert "room_id" in error["fields"] and "confirm_clashes" in error["fields"]
    confirmed = client.post("/api/v1/editions/2043/sessions", headers=headers,
                            json={**body, "confirm_clashes": True})
    assert confirmed.status_code == 201
    assert any("Rrways" in c for c in confirmed.get_json()["clashes"])


def test_a_speaker_in_two_places_via_the_api(client, published, api_token):
    headers = api_token("organiser")
    other = client.post("/api/v1/editions/2043/rooms", headers=headers,
                        json={"name": "Scène extérieure"}).get_json()
    response = client.post("/api/v1/editions/2043/sessions", headers=headers, json={
        "kind": "workshop", "title": "Atelier rrebab", "languages": ["tzm"],
        "room_id": other["id"], "speaker_ids": [published["speaker"]],
        "starts_at": "2043-05-15T22:00:00+02:00", "ends_at": "2043-05-15T22:30:00+02:00"})
    assert response.status_code == 409
    assert "Rachid Ouhmad" in response.get_json()["fields"]["speaker_ids"][0]


@pytest.mark.parametrize("changes, fields", [
    ({"starts_at": "2043-05-15 21:00"}, {"starts_at"}),
    ({"starts_at": "2043-05-15T21:00:00"}, {"starts_at"}),
    ({"ends_at": 12}, {"ends_at"}),
    ({"languages": "fr"}, {"languages"}),
    ({"kind": "party", "title": ""}, {"kind", "title"}),
    ({"room_id": "1"}, {"room_id"}),
    ({"colour": "red"}, {"colour"}),
])
def test_session_field_errors_are_422(client, published, api_token, changes, fields):
    body = {"kind": "conference", "title": "Valide", "languages": ["fr"],
            "room_id": published["room"], "starts_at": "2043-05-16T10:00:00+02:00",
            "ends_at": "2043-05-16T11:00:00+02:00"}
    body.update(changes)
    response = client.post("/api/v1/editions/2043/sessions", headers=api_token("organiser"),
                           json=body)
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == fields


def test_writes_need_an_organiser_token(client, published, api_token):
    body = {"year": 2047, "title": "x"}
    assert client.post("/api/v1/editions", json=body).status_code == 401
    assert client.post("/api/v1/editions", json=body,
                       headers=api_token("volunteer")).status_code == 403


def test_unknown_things_are_404_in_json(client, published, api_token):
    headers = api_token("organiser")
    for method, url in (("GET", "/api/v1/editions/1990"),
                        ("PATCH", "/api/v1/editions/2043/rooms/999999"),
                        ("PATCH", "/api/v1/editions/2043/sessions/999999"),
                        ("PATCH", "/api/v1/speakers/999999")):
        response = client.open(url, method=method, headers=headers, json={})
        assert response.status_code == 404 and response.is_json, url


def test_a_list_of_days_longer_than_an_edition_is_refused_before_reading_it(
        client, api_token, monkeypatch):
    from festival.editions import api_json
    monkeypatch.setattr(api_json, "_day", lambda value: pytest.fail("a day was read"))
    response = client.post("/api/v1/editions", headers=api_token("organiser"),
                           json={"year": 2046, "title": "x", "days": ["2046-05-01"] * 100_000})
    assert response.status_code == 422
    assert response.get_json()["fields"]["days"] == ["Choose at most the 14 days of this "
                                                     "edition."]


def test_the_cutoff_of_a_festival_day(client, published, api_token):
    headers = api_token("organiser")
    url = f"/api/v1/editions/{published['year']}"
    assert client.get(url).get_json()["day_cutoff"] == "05:00"
    changed = client.patch(url, headers=headers, json={"day_cutoff": "04:00"})
    assert changed.status_code == 200 and changed.get_json()["day_cutoff"] == "04:00"
    for wrong in ("04:30", "13:00", "4h", None):
        refused = client.patch(url, headers=headers, json={"day_cutoff": wrong})
        assert refused.status_code == 422, wrong
        assert "day_cutoff" in refused.get_json()["fields"], wrong
    assert client.get(url).get_json()["day_cutoff"] == "04:00"


def test_an_edition_gives_each_days_venue_and_door_hours(app, client):
    from tests.factories import gen_where_and_when
    with app.app_context():
        edition = gen_where_and_when(gen_edition(2033, status="published"), sunday_venue=True)
        main, second = (v.id for v in edition.venues)
        db.session.commit()
    body = client.get("/api/v1/editions/2033").get_json()
    assert body["doors"] == [
        {"day": "2033-05-15", "venue_id": main, "opens_at": "2033-05-15T18:00:00+02:00",
         "closes_at": "2033-05-16T01:30:00+02:00"},
        {"day": "2033-05-16", "venue_id": second, "opens_at": "2033-05-16T10:00:00+02:00",
         "closes_at": "2033-05-16T20:00:00+02:00"}]
