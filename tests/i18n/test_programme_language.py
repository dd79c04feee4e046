"""The programme filtered by the language a session is held in (fr, ar, tzm, en), on the page
and in the API; a filter that names no language is refused by the API, ignored by the page."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests import factories


@pytest.fixture
def programme(app):
    with app.app_context():
        edition = factories.gen_edition(status="published")
        room = factories.gen_room(edition)
        factories.gen_session(edition, room, start="10:00", end="11:00", title="L'eau",
                              languages=["fr"])
        factories.gen_session(edition, room, start="11:00", end="12:00", title="Tamazight vivante",
                              languages=["tzm", "ar"])
        factories.gen_session(edition, room, start="12:00", end="13:00", title="Concert",
                              languages=["tzm"])
        db.session.commit()
        return edition.year


def test_the_page_keeps_the_sessions_held_in_the_language(client, programme):
    every = client.get(f"/{programme}/programme").get_data(as_text=True)
    assert all(t in every for t in ("L&#39;eau", "Tamazight vivante", "Concert"))
    tamazight = client.get(f"/{programme}/programme?language=tzm").get_data(as_text=True)
    assert "Tamazight vivante" in tamazight and "Concert" in tamazight
    assert "L&#39;eau" not in tamazight and 'aria-current="page">Tamazight<' in tamazight
    arabic = client.get(f"/{programme}/programme?language=ar").get_data(as_text=True)
    assert "Tamazight vivante" in arabic and "Concert" not in arabic
    unknown = client.get(f"/{programme}/programme?language=xx")
    assert unknown.status_code == 200 and "Concert" in unknown.get_data(as_text=True)


def test_the_api_filters_too_and_refuses_an_unknown_language(client, programme):
    titles = [s["title"] for s in client.get(
        f"/api/v1/editions/{programme}/programme?language=tzm").get_json()["sessions"]]
    assert sorted(titles) == ["Concert", "Tamazight vivante"]
    refused = client.get(f"/api/v1/editions/{programme}/programme?language=xx")
    assert refused.status_code == 422 and "language" in refused.get_json()["fields"]
