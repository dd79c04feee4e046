"""Query parameters outside their documented values are refused like bad fields, and error
messages follow the request's language."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests import factories


@pytest.fixture
def edition(app):
    with app.app_context():
        edition = factories.gen_edition(2030, status="on_sale")
        factories.gen_session(edition, factories.gen_room(edition, name="Grande salle"))
        db.session.commit()
        return edition.year


@pytest.mark.parametrize("url, parameter", [
    ("/api/v1/associations?province=", "province"),
    ("/api/v1/associations?theme=", "theme"),
    ("/api/v1/associations?province=nowhere", "province"),
    ("/api/v1/editions/2030/programme?drafts=%07", "drafts"),
    ("/api/v1/editions/2030/programme?drafts=", "drafts"),
    ("/api/v1/editions/2030/programme?drafts=yes", "drafts"),
])
def test_a_parameter_outside_its_values_is_refused(client, edition, url, parameter):
    response = client.get(url)
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "validation_failed" and list(body["fields"]) == [parameter]


@pytest.mark.parametrize("url", ["/api/v1/associations?province=tiznit&theme=water",
                                 "/api/v1/associations", "/api/v1/editions/2030/programme",
                                 "/api/v1/editions/2030/programme?drafts=0",
                                 "/api/v1/editions/2030/programme?drafts=1"])
def test_documented_values_are_taken(client, edition, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url, headers", [
    ("/api/v1/no-such-thing", {}),                                      # werkzeug's 404
    ("/api/v1/editions/2030/dashboard", {}),                            # werkzeug's 401
    ("/api/v1/editions/1999", {}),                                      # a domain error
])
def test_the_message_of_an_error_is_in_the_request_language(translated_app, url, headers):
    client = translated_app.test_client()
    messages = {language: client.get(url, headers={**headers, "Accept-Language": language})
                .get_json()["message"] for language in ("en", "fr", "ar")}
    assert len(set(messages.values())) == 3, messages
    assert "requested URL" not in messages["en"] and "server" not in messages["en"]


def test_a_method_not_allowed_says_which_are(client):
    response = client.open("/api/v1/editions", method="TRACE")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
