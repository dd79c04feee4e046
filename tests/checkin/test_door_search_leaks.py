"""The search at the door follows the door's rule (rules.told, services.require_open): it
finds only people the door may admit, only on an open list of an edition that is not
archived, and an e-mail address only whole — on the API and on the volunteers' desk."""
from __future__ import annotations

import pytest

from festival.checkin import queries
from festival.checkin.models import CheckinList
from festival.editions.models import Edition, EditionStatus
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
def door(app):
    with app.app_context():
        edition = make_door_edition()
        allowed = make_ticket_type(edition, "Pass festival")
        other = make_ticket_type(edition, "Backstage", position=1)
        checkin_list = make_list(edition, ticket_type_ids=[allowed.id])
        make_ticket(other, attendee="Zineb Outsider", email="zineb@example.fr")
        make_ticket(allowed, attendee="Yassine Revoked", email="yassine@example.fr",
                    ticket_status="revoked", status="refunded")
        make_ticket(allowed, attendee="Warda Cancelled", email="warda@example.fr",
                    status="cancelled", ticket_status="revoked")
        make_ticket(allowed, attendee="Xavier Pending", status="pending",
                    method="bank_transfer")
        valid = make_ticket(allowed, attendee="Valid Person", email="valid@example.fr")
        _device, plain = make_device(checkin_list)
        db.session.commit()
        return {"headers": {"Authorization": f"Bearer {plain}"}, "list_id": checkin_list.id,
                "edition_id": edition.id, "code": valid.order.code}


def _search(client, door, q):
    return client.get("/api/v1/checkin/search", query_string={"q": q},
                      headers=door["headers"])


def _names(client, door, q):
    response = _search(client, door, q)
    assert response.status_code == 200, response.get_json()
    return [r["ticket"]["attendee"] for r in response.get_json()["results"]]


def test_search_finds_no_holder_of_a_ticket_type_not_on_the_list(client, door):
    assert _names(client, door, "zineb") == []
    assert _names(client, door, "zineb@example.fr") == []


def test_search_finds_no_holder_of_a_refunded_or_cancelled_ticket(client, door):
    assert _names(client, door, "yassine") == []
    assert _names(client, door, "warda") == []
    assert _names(client, door, "revoked") == []


def test_search_finds_whom_the_door_may_admit(client, door):
    """A pending payment is named (the door may admit it once paid, or on a list that
    admits unpaid orders); the order code and the whole e-mail address find too."""
    assert _names(client, door, "pending") == ["Xavier Pending"]
    assert _names(client, door, "valid") == ["Valid Person"]
    assert _names(client, door, door["code"].lower()) == ["Valid Person"]
    assert _names(client, door, " VALID@Example.fr ") == ["Valid Person"]


@pytest.mark.parametrize("q", ["valid@", "valid@example", "@example.fr", "example.fr"])
def test_search_by_a_piece_of_an_e_mail_address_finds_nothing(client, door, q):
    assert _names(client, door, q) == []


def test_search_on_a_closed_list_is_refused(app, client, door):
    with app.app_context():
        db.session.get(CheckinList, door["list_id"]).is_active = False
        db.session.commit()
    queries.forget_doors()
    response = _search(client, door, "valid")
    assert response.status_code == 409 and response.get_json()["error"] == "list_closed"


def test_search_on_an_archived_edition_is_refused(app, client, door):
    with app.app_context():
        db.session.get(Edition, door["edition_id"]).status = EditionStatus.ARCHIVED
        db.session.commit()
    queries.forget_doors()
    response = _search(client, door, "valid")
    assert response.status_code == 409 and response.get_json()["error"] == "edition_archived"


def test_the_desk_finds_only_whom_the_door_may_admit(client, auth, door):
    auth.login_as("volunteer")
    for q in ("zineb", "yassine", "warda", "valid@example"):
        page = client.get("/scan/desk", query_string={"q": q, "list_id": door["list_id"]})
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Outsider" not in text and "Revoked" not in text and "Cancelled" not in text
        assert "Valid Person" not in text
    page = client.get("/scan/desk", query_string={"q": "valid@example.fr",
                                                  "list_id": door["list_id"]})
    assert "Valid Person" in page.get_data(as_text=True)


def test_scan_answers_of_tickets_the_door_may_not_admit_carry_no_name(app, client):
    """Held already: scanning a revoked ticket, or one whose type is not on the list,
    answers without the holder's name."""
    with app.app_context():
        edition = make_door_edition(2035)
        allowed = make_ticket_type(edition, "Pass festival")
        other = make_ticket_type(edition, "Backstage", position=1)
        checkin_list = make_list(edition, ticket_type_ids=[allowed.id])
        outsider = token_of(make_ticket(other, attendee="Zineb Outsider"))
        revoked = token_of(make_ticket(allowed, attendee="Yassine Revoked",
                                       ticket_status="revoked", status="refunded"))
        _device, plain = make_device(checkin_list)
        db.session.commit()
    for token in (outsider, revoked):
        answer = client.post("/api/v1/checkin", json={"token": token},
                             headers={"Authorization": f"Bearer {plain}"}).get_json()
        assert "Outsider" not in str(answer) and "Revoked" not in str(answer), answer
