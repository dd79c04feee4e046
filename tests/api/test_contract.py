"""Every request is held to the OpenAPI document before its view (festival/api/contract.py):
a value the document does not allow, `null` where a field is not nullable or a wrong type for
an optional field among them, is a 422 naming the field, never taken as if it were left out;
and what it allows still works, the door's scan first."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests.checkin.conftest import (
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    token_of,
)


@pytest.fixture
def festival(app, api_token):
    """An edition on sale with a ticket type, and a door: a paired device and a ticket."""
    with app.app_context():
        edition = make_door_edition()
        pass_type = make_ticket_type(edition)
        device, plain = make_device(make_list(edition, "Entrée"))
        ticket = make_ticket(pass_type, attendee="Zoé Amrani")
        data = {"year": edition.year, "type_id": pass_type.id, "ticket_id": ticket.id,
                "token": token_of(ticket), "door": {"Authorization": f"Bearer {plain}"}}
        db.session.commit()
    return data | {"organiser": api_token("organiser")}


# (method, URL, body, the field named), the URL filled from the festival fixture.
REFUSED = [
    ("PATCH", "/api/v1/editions/{year}", {"tagline": None}, "tagline"),
    ("PATCH", "/api/v1/editions/{year}", {"tagline": 12}, "tagline"),
    ("POST", "/api/v1/speakers", {"name": "Ali", "bio": None}, "bio"),
    ("POST", "/api/v1/speakers", {"name": "Ali", "bio": ["Enseignant"]}, "bio"),
    ("POST", "/api/v1/editions/{year}/venues", {"name": "Salle", "postcode": None},
     "postcode"),
    ("POST", "/api/v1/editions/{year}/venues", {"name": "Salle", "postcode": 93200},
     "postcode"),
    ("PATCH", "/api/v1/editions/{year}/ticket-types/{type_id}", {"valid_days": None},
     "valid_days"),
    ("PATCH", "/api/v1/editions/{year}/ticket-types/{type_id}", {"valid_days": "2031-05-15"},
     "valid_days"),
    ("PATCH", "/api/v1/editions/{year}/ticket-types/{type_id}", {"price_cents": None},
     "price_cents"),
    ("PATCH", "/api/v1/editions/{year}/ticket-types/{type_id}", {"price_cents": "500"},
     "price_cents"),
    ("POST", "/api/v1/editions/{year}/orders",
     {"name": "Nora", "email": "nora@example.fr",
      "items": [{"ticket_type_id": "{type_id}", "quantity": 1, "price_cents": None}],
      "accept_terms": True},
     "items.0.price_cents"),
]


def _filled(value, festival):
    if isinstance(value, str):
        return festival["type_id"] if value == "{type_id}" else value.format(**festival)
    if isinstance(value, dict):
        return {k: _filled(v, festival) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, festival) for v in value]
    return value


@pytest.mark.parametrize("method, url, body, field", REFUSED)
def test_null_or_a_wrong_type_is_refused_naming_the_field(client, festival, method, url, body,
                                                           field):
    response = client.open(_filled(url, festival), method=method, json=_filled(body, festival),
                           headers=festival["organiser"])
    assert response.status_code == 422, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["error"] == "validation_failed"
    assert list(answer["fields"]) == [field], answer


@pytest.mark.parametrize("body, field", [
    ({"token": None, "ticket_id": "{ticket_id}"}, "token"),
    ({"ticket_id": "{ticket_id}", "token": 12}, "token"),
    ({"token": "{token}", "list_id": None}, "list_id"),
    ({"token": "{token}", "list_id": "1"}, "list_id"),
    ({"token": "{token}", "direction": None}, "direction"),
])
def test_a_scan_with_null_or_a_wrong_type_is_refused(client, festival, body, field):
    body = {k: festival[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v
            for k, v in body.items()}
    response = client.post("/api/v1/checkin", json=body, headers=festival["door"])
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.get_json()["fields"]) == [field]


@pytest.mark.parametrize("query", ["list_id=abc", "list_id=", "list_id=0", "list_id=1.5"])
def test_a_list_id_in_the_query_is_checked_even_for_a_paired_device(client, festival, query):
    # A paired device scans at its own list and ignores list_id: a bad one is still refused.
    response = client.get(f"/api/v1/checkin/bundle?{query}", headers=festival["door"])
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.get_json()["fields"]) == ["list_id"]


def test_the_door_still_scans(client, festival):
    first = client.post("/api/v1/checkin", headers=festival["door"],
                        json={"token": festival["token"], "direction": "in",
                              "scan_id": "door-0001"})
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["result"] == "ok"
    again = client.post("/api/v1/checkin", headers=festival["door"],
                        json={"ticket_id": float(festival["ticket_id"])})  # 58.0 is 58
    assert again.status_code == 200 and again.get_json()["result"] == "already_checked_in"


def test_a_sync_batch_answers_a_malformed_item_alone(client, festival):
    response = client.post("/api/v1/checkin/sync", headers=festival["door"], json={"scans": [
        {"token": festival["token"], "scan_id": "offline-01",
         "scanned_at": "2031-05-15T10:00:00+02:00"},
        {"token": None, "scan_id": "offline-02"}, "garbage"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert "result" in results[0]
    assert [r.get("error") for r in results[1:]] == ["validation_failed"] * 2


def test_the_errors_of_every_field_come_at_once(client, festival):
    response = client.post("/api/v1/speakers", headers=festival["organiser"],
                           json={"bio": None, "association_id": "x", "colour": "red"})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"name", "bio", "association_id", "colour"}


def test_a_body_that_is_not_an_object_is_a_bad_request(client, festival):
    response = client.post("/api/v1/speakers", headers=festival["organiser"], json=["Ali"])
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_documented_values_are_taken(client, festival):
    headers = festival["organiser"]
    year = festival["year"]
    assert client.patch(f"/api/v1/editions/{year}", headers=headers,
                        json={"tagline": "Trois jours"}).status_code == 200
    assert client.post(f"/api/v1/editions/{year}/venues", headers=headers,
                       json={"name": "Salle", "postcode": "93200",
                             "capacity": None}).status_code == 201
