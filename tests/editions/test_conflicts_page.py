"""The conflicts page names both sides of each clash, each with a link to its form: both
sessions of a room booked twice, the two places of a speaker; a session outside its room's
hours is its only side."""
from __future__ import annotations

import re

import pytest

from festival.extensions import db
from tests.factories import gen_edition, gen_room, gen_session, gen_speaker

SIDE = re.compile(r'<li><a href="/manage/editions/\d+/sessions/(\d+)" dir="auto">([^<]+)</a>\s*'
                  r'<span class="muted">— ([^<]+) · <span dir="ltr">([^<]+)</span>')


def _cards(html: str) -> dict[str, list[str]]:
    """Each clash's card, by the kind its class names."""
    cards: dict[str, list[str]] = {}
    for part in html.split('<li class="card clash clash-')[1:]:
        kind = part[:part.index('"')]
        cards.setdefault(kind, []).append(part)
    return cards


@pytest.fixture
def programme(app, auth):
    auth.login_as("organiser")
    with app.app_context():
        edition = gen_edition(status="published")
        big = gen_room(edition, name="Grande salle")
        small = gen_room(edition, name="Salle Tiznit", opens="09:00", closes="18:00")
        amina = gen_speaker("Amina Oubella")
        talk = gen_session(edition, big, start="11:00", end="12:30", title="Conférence eau",
                           speakers=[amina])
        workshop = gen_session(edition, small, start="12:00", end="13:00", title="Atelier argan",
                               speakers=[amina], confirm_clashes=True)
        late = gen_session(edition, small, start="17:30", end="19:00", title="Projection tardive",
                           confirm_clashes=True)
        db.session.commit()
        return {"year": edition.year, "talk": talk.id, "workshop": workshop.id, "late": late.id}


def test_a_speaker_in_two_places_names_both_places_with_links(client, programme):
    html = client.get(f"/manage/editions/{programme['year']}/conflicts").get_data(as_text=True)
    [card] = _cards(html)["speaker_double_booked"]
    assert "A speaker in two places at once: Amina Oubella" in card
    sides = SIDE.findall(card)
    assert [(int(i), title, room) for i, title, room, _span in sides] == [
        (programme["talk"], "Conférence eau", "Grande salle"),
        (programme["workshop"], "Atelier argan", "Salle Tiznit")]
    assert sides[0][3].endswith("11:00–12:30") and sides[1][3].endswith("12:00–13:00")
    assert "Amina Oubella is also in “Atelier argan”" in card or \
        "Amina Oubella is also in “Conférence eau”" in card


def test_a_clash_with_one_side_names_that_session(client, programme):
    html = client.get(f"/manage/editions/{programme['year']}/conflicts").get_data(as_text=True)
    cards = _cards(html)
    assert "room_double_booked" not in cards  # different rooms: no room clash
    [card] = cards["outside_room_hours"]
    sides = SIDE.findall(card)
    assert [(int(i), title, room) for i, title, room, _span in sides] == [
        (programme["late"], "Projection tardive", "Salle Tiznit")]
    assert sides[0][3].endswith("17:30–19:00")


def test_each_side_links_to_its_form_and_its_place_on_the_grid(client, programme):
    year = programme["year"]
    html = client.get(f"/manage/editions/{year}/conflicts").get_data(as_text=True)
    [card] = _cards(html)["speaker_double_booked"]
    sides = SIDE.findall(card)
    for session_id, title, _room, _span in sides:
        form = client.get(f"/manage/editions/{year}/sessions/{session_id}")
        assert form.status_code == 200 and title in form.get_data(as_text=True)
    on_grid = re.findall(r'<a href="(/manage/editions/\d+/grid\?day=[\d-]+)#grid-session-(\d+)">'
                         r'on the grid<span class="visually-hidden">: ([^<]+)</span>', card)
    assert [(int(i), t) for _url, i, t in on_grid] == [(int(i), t) for i, t, _r, _s in sides]
    grid = client.get(on_grid[0][0]).get_data(as_text=True)
    assert f'id="grid-session-{on_grid[0][1]}"' in grid
