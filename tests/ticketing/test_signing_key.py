"""The published ticket-signing key: anyone verifies a ticket offline with it."""
from __future__ import annotations

import base64
import struct

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from festival.extensions import db
from tests.ticketing.conftest import make_edition, make_type


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def paid_ticket(app):
    """(year, ticket id, the ticket's token) of a paid order."""
    from festival.ticketing import orders
    from festival.ticketing.models import PaymentMethod
    from festival.ticketing.tickets import token_for
    with app.app_context():
        edition = make_edition(2031)
        ticket_type = make_type(edition)
        order = orders.create_order(edition, terms_accepted=True,
                                    buyer_name="Lina Ait", email="lina@example.fr",
                                    items=[orders.Item(ticket_type.id, 1)])
        orders.mark_paid(order, PaymentMethod.DEMO)
        ticket = order.tickets[0]
        found = (edition.year, ticket.id, token_for(ticket))
        db.session.commit()
        return found


def test_anyone_verifies_a_ticket_with_the_published_key(client, paid_ticket):
    year, ticket_id, token = paid_ticket
    response = client.get(f"/api/v1/editions/{year}/signing-key")
    assert response.status_code == 200
    jwk = response.get_json()
    assert {k: jwk[k] for k in ("kty", "crv", "alg")} == {"kty": "OKP", "crv": "Ed25519",
                                                         "alg": "EdDSA"}
    assert jwk["kid"] and jwk["public_key"] == jwk["x"]
    key = Ed25519PublicKey.from_public_bytes(_b64url_decode(jwk["x"]))

    # The token format (ticketing/tokens.py): base64url(payload || signature), the 11-byte
    # payload being version, year and ticket id, big-endian.
    raw = _b64url_decode(token)
    payload, signature = raw[:11], raw[11:]
    key.verify(signature, payload)  # raises if the key does not verify the ticket
    assert struct.unpack(">BHQ", payload) == (1, year, ticket_id)

    forged = payload[:3] + struct.pack(">Q", ticket_id + 1)
    with pytest.raises(InvalidSignature):
        key.verify(signature, forged)


def test_the_key_is_made_once_and_stays(client, app):
    with app.app_context():
        make_edition(2032)
        db.session.commit()
    first = client.get("/api/v1/editions/2032/signing-key").get_json()
    again = client.get("/api/v1/editions/2032/signing-key").get_json()
    assert first == again and len(_b64url_decode(first["x"])) == 32


@pytest.mark.parametrize("status, year, expected", [("draft", 2033, 404),
                                                     ("on_sale", 1999, 404)])
def test_no_key_for_a_draft_or_unknown_edition(client, app, api_token, status, year,
                                               expected):
    with app.app_context():
        make_edition(2033, status=status)
        db.session.commit()
    response = client.get(f"/api/v1/editions/{year}/signing-key")
    assert response.status_code == expected
    assert response.get_json()["error"] == "edition_not_found"
    # organisers reach an edition in preparation, as they reach its ticket types
    staff = client.get(f"/api/v1/editions/{year}/signing-key", headers=api_token("organiser"))
    assert staff.status_code == (200 if status == "draft" else 404)
