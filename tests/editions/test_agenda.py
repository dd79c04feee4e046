"""The agenda's calendar export: the starred sessions of the address, bounded, and a clear
answer to a bad address."""
from __future__ import annotations

import pytest

from festival.editions.queries import AGENDA_LIMIT, agenda_ids
from festival.extensions import db
from tests.factories import gen_edition, gen_room, gen_session


@pytest.fixture
def programme(app):
    with app.app_context():
        edition = gen_edition(status="published")
        room = gen_room(edition)
        kept = gen_session(edition, room, start="10:00", end="11:00", title="Gardée")
        other = gen_session(edition, room, start="11:00", end="12:00", title="Autre")
        draft = gen_session(edition, room, start="12:00", end="13:00", title="Brouillon",
                            status="draft")
        db.session.commit()
        return edition.year, kept.id, other.id, draft.id


def test_the_calendar_holds_the_starred_sessions_only(client, programme):
    year, kept, _other, draft = programme
    response = client.get(f"/{year}/agenda.ics?s={kept},{draft},999999")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True).replace("\r\n ", "")
    assert "Gardée" in text and "Autre" not in text and "Brouillon" not in text


@pytest.mark.parametrize("raw", ["1,abc", "1;2", "-3", "٣", "1" * 11,
                                 ",".join(["1"] * (AGENDA_LIMIT + 1))])
def test_a_bad_address_is_refused_clearly(client, programme, raw):
    year = programme[0]
    response = client.get(f"/{year}/agenda.ics", query_string={"s": raw})
    assert response.status_code == 400
    assert "agenda" in response.get_data(as_text=True).lower()


def test_agenda_ids():
    assert agenda_ids("") == set() and agenda_ids("3, 5,,7") == {3, 5, 7}


def test_the_agenda_page_lists_the_sessions_for_the_script(client, programme):
    year, kept, _other, _draft = programme
    html = client.get(f"/{year}/agenda").get_data(as_text=True)
    assert f'data-agenda-item="{kept}"' in html and "js/agenda.js" in html
    assert "Brouillon" not in html
