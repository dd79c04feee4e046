"""The API writes a session's free pre-registration and reads it back."""
from __future__ import annotations

from festival.extensions import db
from tests.factories import gen_edition, gen_room


def test_the_api_reads_back_the_pre_registration_it_writes(client, app, api_token):
    with app.app_context():
        room_id = gen_room(gen_edition(2043, status="on_sale"), name="Salle des ateliers").id
        db.session.commit()
    headers = api_token("organiser")
    created = client.post("/api/v1/editions/2043/sessions", headers=headers, json={
        "kind": "workshop", "title": "Atelier tifinagh", "languages": ["tzm"],
        "room_id": room_id, "starts_at": "2043-05-15T11:00:00+02:00",
        "ends_at": "2043-05-15T12:00:00+02:00", "status": "published",
        "registration_required": True})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["registration_required"] is True
    session_id = created.get_json()["id"]
    programme = client.get("/api/v1/editions/2043/programme").get_json()["sessions"]
    assert [s["registration_required"] for s in programme if s["id"] == session_id] == [True]
    off = client.patch(f"/api/v1/editions/2043/sessions/{session_id}", headers=headers,
                       json={"registration_required": False})
    assert off.status_code == 200 and off.get_json()["registration_required"] is False
