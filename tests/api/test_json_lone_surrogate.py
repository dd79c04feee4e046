"""Text no database can hold is a 4xx, never a 500: a lone UTF-16 surrogate ("\\ud800"),
which JSON allows and Python decodes into a str that no UTF-8 text can hold, is refused
with a 400 naming the value, as a NUL character is (festival.core.guards). Run on SQLite and
PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from festival.extensions import db
from festival.ticketing.models import Order
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def ticket_type_id(app):
    with app.app_context():
        edition = make_edition(2033)
        type_id = make_type(edition, price=0).id
        db.session.commit()
        return type_id


def _post(client, path, body: bytes, **kwargs):
    try:
        return client.post(path, data=body, content_type="application/json", **kwargs)
    except UnicodeEncodeError:  # TESTING propagates what production turns into a 500
        pytest.fail("UnicodeEncodeError: production answers 500 internal_error")


@pytest.mark.parametrize("name", [b"Surro \\ud800 gate", b"Surro \\udfff", b"\\ude00\\ud83d",
                                  b"Surro \xed\xa0\x80 bytes"])
def test_an_order_with_a_lone_surrogate_in_the_name_is_a_400(app, client, ticket_type_id,
                                                             name):
    body = (b'{"name":"%s","email":"s@example.fr","items":[{"ticket_type_id":%d,'
            b'"quantity":1}],"accept_terms":true}' % (name, ticket_type_id))
    response = _post(client, "/api/v1/editions/2033/orders", body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
    assert "body.name" in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0


def test_a_surrogate_pair_is_one_character_and_is_kept(client, ticket_type_id):
    body = (b'{"name":"Smile \\ud83d\\ude00","email":"s@example.fr","items":'
            b'[{"ticket_type_id":%d,"quantity":1}],"accept_terms":true}' % ticket_type_id)
    response = _post(client, "/api/v1/editions/2033/orders", body)
    assert response.status_code == 201, response.get_json()


def test_a_speaker_with_a_lone_surrogate_is_a_400(client, api_token):
    response = _post(client, "/api/v1/speakers", b'{"name":"\\udfff"}',
                     headers=api_token("organiser"))
    assert response.status_code == 400
    assert "unpaired surrogates (body.name)" in response.get_json()["message"]


def test_a_lone_surrogate_in_a_key_is_a_400(client, api_token):
    response = _post(client, "/api/v1/speakers", b'{"name":"Ali","\\ud800":1}',
                     headers=api_token("organiser"))
    assert response.status_code == 400
