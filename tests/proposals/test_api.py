"""The calls' read API: organiser tokens only, answers that match the OpenAPI document."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests.factories import gen_association, gen_call, gen_edition, gen_proposal, gen_user


@pytest.fixture
def sent(app):
    with app.app_context():
        edition = gen_edition(status="published")
        call = gen_call(edition, is_anonymised=True)
        proposal = gen_proposal(call, gen_user("association",
                                               association=gen_association(slug="tiwizi")),
                                title="Les puits", audience=80)
        db.session.commit()
        return {"year": edition.year, "id": proposal.id}


def test_organisers_read_the_call_and_its_proposals(client, api_token, sent):
    headers = api_token("organiser")
    call = client.get(f"/api/v1/editions/{sent['year']}/call", headers=headers).get_json()
    assert call["is_anonymised"] is True and call["formats"][0]["duration_minutes"] == 60
    assert call["guidelines"]["en"] == "Propose a talk or a workshop."
    listing = client.get(f"/api/v1/editions/{sent['year']}/proposals", headers=headers)
    assert listing.status_code == 200 and listing.get_json()["count"] == 1
    one = client.get(f"/api/v1/editions/{sent['year']}/proposals/{sent['id']}",
                     headers=headers).get_json()
    assert one["title"] == "Les puits" and one["association"] == "tiwizi"
    assert one["status"] == "submitted" and one["needs"]["audience"] == 80
    assert one["history"][0]["to"] == "submitted"


def test_other_tokens_and_no_token_are_refused(client, api_token, sent):
    url = f"/api/v1/editions/{sent['year']}/proposals"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=api_token("volunteer")).status_code == 403


def test_an_unknown_proposal_or_call_is_a_404(client, api_token, app, sent):
    headers = api_token("organiser")
    missing = client.get(f"/api/v1/editions/{sent['year']}/proposals/999999", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"] == "proposal_not_found"
    with app.app_context():
        year = gen_edition().year
        db.session.commit()
    assert client.get(f"/api/v1/editions/{year}/call", headers=headers).get_json()[
        "error"] == "call_not_found"


def _valid(document, name: str, answer) -> list[str]:
    from jsonschema import Draft202012Validator
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(answer)]


def test_the_answers_match_the_openapi_document(client, api_token, app, sent):
    from festival.proposals.models import Proposal
    from festival.proposals.services import review_proposal
    with app.app_context():  # a reviewed proposal: a score and a longer history
        proposal = db.session.get(Proposal, sent["id"])
        review_proposal(proposal, actor=gen_user("organiser"),
                        scores={str(c.id): 1 for c in proposal.call.criteria})
        db.session.commit()
    document = client.get("/api/v1/openapi.json").get_json()
    headers = api_token("organiser")
    base = f"/api/v1/editions/{sent['year']}"
    assert _valid(document, "SessionCall",
                  client.get(f"{base}/call", headers=headers).get_json()) == []
    one = client.get(f"{base}/proposals/{sent['id']}", headers=headers).get_json()
    assert one["average_score"] == 2 and _valid(document, "Proposal", one) == []
    listing = client.get(f"{base}/proposals", headers=headers).get_json()
    assert [_valid(document, "Proposal", p) for p in listing["proposals"]] == [[]]
    assert "/api/v1/editions/{year}/proposals/{proposal_id}" in document["paths"]
