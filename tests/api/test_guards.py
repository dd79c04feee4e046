"""Values no database column can hold get a clear 4xx, never a 500, on SQLite and PostgreSQL
alike: numbers beyond a 32-bit integer in the URL or as ids in a body, NUL characters."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests import factories

HUGE = 2**31  # one more than the largest id the database holds
HUGER = 2**64  # beyond what SQLite's driver takes


@pytest.fixture
def organiser(api_token):
    return api_token("organiser")


@pytest.fixture
def edition(app):
    with app.app_context():
        edition = factories.gen_edition(2030, status="on_sale")
        factories.gen_room(edition, name="Grande salle")
        db.session.commit()
        return edition.year


@pytest.mark.parametrize("url", [f"/api/v1/editions/{HUGE}", f"/api/v1/editions/{HUGER}",
                                 f"/api/v1/editions/2030/ticket-types/{HUGER}"])
def test_a_huge_number_in_the_url_names_nothing(client, organiser, edition, url):
    response = client.get(url, headers=organiser)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("url", ["/api/v1/associations?q=a%00b", "/api/v1/associations/a%00b",
                                 "/api/v1/editions?x%00=1"])
def test_nul_in_the_url_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_nul_in_the_body_is_a_bad_request_naming_the_field(client, organiser, edition):
    response = client.post("/api/v1/editions/2030/sessions", headers=organiser,
                           json={"title": "Eau", "languages": ["fr", "a\u0000"]})
    assert response.status_code == 400
    assert "body.languages.1" in response.get_json()["message"]


def test_the_text_of_a_nul_escape_is_no_nul(client, organiser):
    # The six characters \u0000 (an escaped backslash in JSON) are text like any other.
    response = client.post("/api/v1/speakers", headers=organiser,
                           json={"name": "Ali \\u0000"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "Ali \\u0000"


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/speakers", {"name": "Ali", "association_id": HUGE}, "association_id"),
    ("/api/v1/editions/2030/rooms", {"name": "Atelier", "venue_id": HUGER}, "venue_id"),
    ("/api/v1/editions/2030/sessions", {"room_id": HUGE, "speaker_ids": [HUGE]}, "room_id"),
    ("/api/v1/editions/2030/vouchers", {"code": "ABCD", "ticket_type_id": HUGE},
     "ticket_type_id"),
    ("/api/v1/editions/2030/orders", {"name": "A", "email": "a@example.fr",
                                      "items": [{"ticket_type_id": HUGE, "quantity": 1}],
                                      "accept_terms": True},
     "items.0.ticket_type_id"),
])
def test_a_huge_id_in_the_body_is_a_field_error(client, organiser, edition, path, body, field):
    response = client.post(path, headers=organiser, json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["fields"]


@pytest.mark.parametrize("body", [[1, 2], "text", 3])
@pytest.mark.parametrize("path", ["/api/v1/editions/2030/ticket-types",
                                  "/api/v1/editions/2030/vouchers"])
def test_a_body_that_is_not_an_object_is_a_bad_request(client, organiser, edition, path, body):
    response = client.post(path, headers=organiser, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


@pytest.fixture
def order_code(app, edition):
    with app.app_context():
        code = factories.gen_ticketing_samples(edition)["code"]
        db.session.commit()
        return code


@pytest.mark.parametrize("body", [[1], "text"])
def test_cancel_with_a_body_that_is_not_an_object_is_a_bad_request(client, organiser,
                                                                    order_code, body):
    response = client.post(f"/api/v1/orders/{order_code}/cancel", headers=organiser, json=body)
    assert response.status_code == 400


def test_cancel_without_a_body_is_understood(client, organiser, order_code):
    response = client.post(f"/api/v1/orders/{order_code}/cancel", headers=organiser)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"


# Whole numbers written with a fraction are integers (JSON Schema's `integer`) ---------------

@pytest.fixture
def samples(app, edition):
    with app.app_context():
        found = factories.gen_ticketing_samples(edition) | factories.gen_checkin_samples(edition)
        db.session.commit()
        return found


@pytest.mark.parametrize("quantity, type_id", [("2.0", "{id}.0"), ("2", "{id}e0"),
                                               ("0.2e1", "{id}.000")])
def test_an_order_takes_whole_numbers_written_with_a_fraction(client, samples, quantity,
                                                              type_id):
    items = (f'[{{"ticket_type_id": {type_id.format(id=samples["type_id"])}, '
             f'"quantity": {quantity}}}]')
    response = client.post("/api/v1/editions/2030/orders", content_type="application/json",
                           data=f'{{"name": "Ali", "email": "ali@example.fr", '
                                f'"items": {items}, "donation_cents": 100.0, '
                                f'"accept_terms": true}}')
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["total_cents"] == 2 * 1000 + 100


def test_a_number_with_a_true_fraction_is_still_refused(client, samples):
    response = client.post("/api/v1/editions/2030/orders", content_type="application/json",
                           data=f'{{"name": "Ali", "email": "ali@example.fr", "items": '
                                f'[{{"ticket_type_id": {samples["type_id"]}, '
                                f'"quantity": 1.5}}], "accept_terms": true}}')
    assert response.status_code == 422
    assert "items.0.quantity" in response.get_json()["fields"]


def test_a_voucher_takes_a_ticket_type_id_with_a_fraction(client, organiser, samples):
    response = client.post("/api/v1/editions/2030/vouchers", headers=organiser,
                           content_type="application/json",
                           data=f'{{"code": "AMIS-2030", "ticket_type_id": '
                                f'{samples["type_id"]}.0, "max_uses": 3.0}}')
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["ticket_type_id"] == samples["type_id"]
    assert response.get_json()["max_uses"] == 3


def test_a_scan_takes_a_list_id_and_a_ticket_id_with_a_fraction(app, client, organiser,
                                                               samples):
    from festival.ticketing.orders import find_order
    with app.app_context():
        ticket_id = find_order(samples["code"]).tickets[0].id
    response = client.post("/api/v1/checkin", headers=organiser,
                           content_type="application/json",
                           data=f'{{"ticket_id": {ticket_id}.0, "list_id": '
                                f'{samples["list_id"]}.0}}')
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["ticket"]["id"] == ticket_id
