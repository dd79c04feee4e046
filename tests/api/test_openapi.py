"""The OpenAPI document is true: valid OpenAPI 3.1, one operation per route under /api/v1 and
no other, each operation's security as its view's access policy, path parameters typed as
their URL converters, and real answers that fit their documented schemas."""
from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from festival.api.openapi import document
from festival.core.access import policy_of
from tests.api.helpers import CONVERTER, PREFIX, api_routes, documented

PARAMETER_TYPES = {"int": "integer", "default": "string", "string": "string",
                   "path": "string"}


def test_the_document_is_valid_openapi_3_1():
    doc = document()
    assert doc["openapi"].startswith("3.1")
    validate(doc)  # raises on any error, $refs included


def test_the_document_is_served_to_anyone(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == document()


def test_every_route_is_documented_and_every_operation_is_a_route(app):
    routes, operations = set(api_routes(app)), set(documented(document()))
    assert sorted(routes - operations) == [], "routes missing from the OpenAPI document"
    assert sorted(operations - routes) == [], "documented operations without a route"


def test_operation_ids_are_unique():
    ids = [op["operationId"] for op in documented(document()).values()]
    assert len(ids) == len(set(ids))


def test_security_matches_the_access_policy(app):
    ops = documented(document())
    wrong = []
    for key, rule in api_routes(app).items():
        policy = policy_of(app, rule.endpoint)
        security = ops[key]["security"]
        expected = [] if policy.public else [{"bearerAuth": []}]
        if security != expected:
            wrong.append((key, rule.endpoint, security, expected))
    assert wrong == []


def test_path_parameters_are_typed_as_their_converters(app):
    ops = documented(document())
    wrong = []
    for key, rule in api_routes(app).items():
        declared = {p["name"]: p for p in ops[key].get("parameters", []) if p["in"] == "path"}
        in_url = {m["name"]: PARAMETER_TYPES[m["converter"] or "default"]
                  for m in CONVERTER.finditer(rule.rule)}
        got = {name: (p["schema"]["type"], p["required"]) for name, p in declared.items()}
        if got != {name: (kind, True) for name, kind in in_url.items()}:
            wrong.append((key, got, in_url))
    assert wrong == []


def test_every_operation_documents_its_errors():
    for key, op in documented(document()).items():
        codes = set(op["responses"])
        assert {"400", "401"} <= codes, key
        assert any(code.startswith("2") for code in codes), key
        if op["security"]:
            assert "403" in codes, key
        if "{" in key[1]:
            assert "404" in codes, key  # a path parameter may name nothing


# Real answers against their schemas ---------------------------------------------------------

def response_validator(doc, method: str, path: str, status: int) -> Draft202012Validator:
    op = doc["paths"][path][method.lower()]
    response = op["responses"][str(status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    schema = response["content"]["application/json"]["schema"]
    # The document's components travel with the schema, so that its $refs resolve.
    return Draft202012Validator({**schema, "components": doc["components"]},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_a_wrong_answer_does_not_fit(app):
    validator = response_validator(document(), "GET", "/api/v1/editions/{year}", 200)
    assert list(validator.iter_errors({"year": "2027", "title": "Almoggar"}))


@pytest.fixture
def festival(app):
    from tests.api.seed import seed_festival
    with app.app_context():
        return seed_festival()


def _calls(f: dict) -> list[tuple]:
    """(method, documented path, URL, headers, JSON body, expected status)."""
    organiser = {"Authorization": f"Bearer {f['organiser_token']}"}
    door = {"Authorization": f"Bearer {f['volunteer_token']}"}
    year, past, draft = f["years"]
    code, secret = f["order_codes"][0], f["order_secrets"][0]
    festival_pass = f["ticket_type_ids"][0]
    order = {"email": "lina@example.fr", "name": "Lina Ait", "donation_cents": 500,
             "items": [{"ticket_type_id": festival_pass, "quantity": 2}], "accept_terms": True}
    return [
        ("GET", "/api/v1/", "/api/v1/", {}, None, 200),
        ("GET", "/api/v1/editions", "/api/v1/editions", organiser, None, 200),
        ("GET", "/api/v1/editions/{year}", f"/api/v1/editions/{past}", {}, None, 200),
        ("GET", "/api/v1/editions/{year}", f"/api/v1/editions/{draft}", {}, None, 404),
        ("GET", "/api/v1/editions/{year}/programme", f"/api/v1/editions/{year}/programme?drafts=1",
         organiser, None, 200),
        ("GET", "/api/v1/associations", "/api/v1/associations?province=tiznit", {}, None, 200),
        ("GET", "/api/v1/associations", "/api/v1/associations?theme=nope", {}, None, 422),
        ("GET", "/api/v1/associations/{slug}", f"/api/v1/associations/{f['slugs'][0]}", {},
         None, 200),
        ("GET", "/api/v1/editions/{year}/ticket-types", f"/api/v1/editions/{year}/ticket-types",
         organiser, None, 200),
        ("GET", "/api/v1/editions/{year}/questions", f"/api/v1/editions/{year}/questions", {},
         None, 200),
        ("POST", "/api/v1/editions/{year}/orders", f"/api/v1/editions/{year}/orders", {},
         order, 201),
        ("POST", "/api/v1/editions/{year}/orders", f"/api/v1/editions/{year}/orders", {},
         {**order, "items": []}, 422),
        ("GET", "/api/v1/orders/{code}", f"/api/v1/orders/{code}", {"X-Order-Secret": secret},
         None, 200),
        ("GET", "/api/v1/editions/{year}/vouchers", f"/api/v1/editions/{year}/vouchers",
         organiser, None, 200),
        ("GET", "/api/v1/editions/{year}/vouchers", f"/api/v1/editions/{year}/vouchers",
         door, None, 403),
        ("POST", "/api/v1/speakers", "/api/v1/speakers", organiser, {"name": "A\u0000"}, 400),
        ("GET", "/api/v1/editions/{year}/dashboard", f"/api/v1/editions/{year}/dashboard",
         organiser, None, 200),
        ("GET", "/api/v1/editions/{year}/dashboard", f"/api/v1/editions/{year}/dashboard",
         {"Authorization": "Bearer nope"}, None, 401),
        ("POST", "/api/v1/checkin", "/api/v1/checkin", door, {"token": "not-a-ticket"}, 200),
        ("POST", "/api/v1/checkin", "/api/v1/checkin", organiser,
         {"ticket_id": 1, "list_id": f["list_id"], "direction": "sideways"}, 422),
        ("GET", "/api/v1/checkin/bundle", "/api/v1/checkin/bundle", door, None, 200),
        ("GET", "/api/v1/checkin/search", "/api/v1/checkin/search?q=bakrim", door, None, 200),
        ("POST", "/api/v1/orders/{code}/refund", f"/api/v1/orders/{code}/refund", organiser,
         {"reason": "asked"}, 409),
        ("POST", "/api/v1/orders/{code}/refund", f"/api/v1/orders/{code}/refund", organiser,
         {"reason": "asked", "confirm": True}, 200),
    ]


def test_real_answers_fit_their_schemas(client, festival):
    doc, problems = document(), []
    for method, path, url, headers, body, status in _calls(festival):
        response = client.open(url, method=method, headers=headers, json=body)
        if response.status_code != status:
            problems.append((method, url, response.status_code, response.get_data(True)[:300]))
            continue
        validator = response_validator(doc, method, path, status)
        errors = [e.message for e in validator.iter_errors(response.get_json())]
        if errors:
            problems.append((method, url, status, errors[:3]))
    assert problems == []
