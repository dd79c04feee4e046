"""A JSON body nested deeper than 32 levels is a 400 bad_request, refused before anything
parses it (festival.core.jsonbody): Python's parser and every walk over a body recurse once
per level, and a RecursionError was a 500 (`get_json(silent=True)` catches ValueError only),
for any anonymous client."""
from __future__ import annotations

import json

import pytest
from flask import request

from festival.core.jsonbody import MAX_DEPTH, too_deep
from festival.extensions import db
from tests.checkin.conftest import make_door_edition


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _post(client, path, body: bytes, **kwargs):
    try:
        return client.post(path, data=body, content_type="application/json", **kwargs)
    except RecursionError:  # TESTING propagates what production turns into a 500
        pytest.fail("RecursionError: production answers 500 internal_error")


@pytest.fixture
def year(app):
    with app.app_context():
        edition = make_door_edition(2032)
        db.session.commit()
        return edition.year


@pytest.mark.parametrize("depth", [50_000, 950, MAX_DEPTH + 1])
def test_deep_json_to_the_public_order_api_is_a_400(client, year, depth):
    response = _post(client, f"/api/v1/editions/{year}/orders", _nested(depth))
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"
    assert "32 levels" in response.get_json()["message"]


@pytest.mark.parametrize("body", [
    _nested(50_000),
    # Deep inside a valid object, past the escapes a string may hold, with NUL escapes and
    # a float that the other guards walk for.
    b'{"token": "a\\"[[\\\\", "x": ' + _nested(950) + b', "n": "\\u0000", "f": 1.0}',
])
def test_deep_json_to_the_checkin_api_is_a_400(client, api_token, body):
    response = _post(client, "/api/v1/checkin", body, headers=api_token("volunteer"))
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


def test_json_at_the_bound_is_read_as_usual(client, year):
    """32 levels: understood, and refused for what it says (an order is not a list)."""
    response = _post(client, f"/api/v1/editions/{year}/orders", _nested(MAX_DEPTH))
    assert response.status_code == 400
    assert "32 levels" not in response.get_json()["message"]


@pytest.mark.parametrize("text, deep", [
    ("[]", False),
    (json.dumps({"a": [{"b": "[" * 100}]}), False),    # brackets in a string do not count
    (json.dumps({"a": '\\"' + "[" * 100}), False),     # nor after an escaped quote
    ('{"a": "\\\\", "b": ' + "[" * 40 + "]" * 40 + "}", True),  # an escaped backslash
    ("[" * 33 + "]" * 33, True),
    ("[" * 32 + "]" * 32, False),
    ("[" * 20 + "]" * 20 + "," + "{}" * 100, False),  # many brackets, few levels
])
def test_too_deep_counts_the_levels_outside_strings(text, deep):
    assert too_deep(text) is deep
    assert too_deep(text.encode()) is deep


def test_the_application_refuses_deep_json_as_malformed(app):
    """Any other reader of a request's JSON (get_json) sees no JSON at all."""
    with app.test_request_context("/", method="POST", data=_nested(40),
                                  content_type="application/json"):
        assert request.get_json(silent=True) is None
    with app.test_request_context("/", method="POST", data=_nested(3),
                                  content_type="application/json"):
        assert request.get_json(silent=True) == [[[]]]
