"""Public pages of the editions, through the test client."""
from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image

from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from tests.factories import (
    gen_association,
    gen_edition,
    gen_room,
    gen_session,
    gen_speaker,
    gen_stand,
)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def festival(app):
    """A festival on sale whose second day is tomorrow (Paris), so that "tomorrow" means it."""
    tomorrow = to_paris(utcnow()).date() + timedelta(days=1)
    today = tomorrow - timedelta(days=1)
    with app.app_context():
        edition = gen_edition(tomorrow.year, status="on_sale", days=sorted({today, tomorrow}),
                              tagline="L'eau, l'école et la lumière")
        hall = gen_room(edition, name="Grande salle")
        tiznit = gen_room(edition, name="Salle Tiznit")
        day = len(edition.dates) - 1
        speaker = gen_speaker("Naima El Haouzi")
        gen_session(edition, hall, day=day, start="14:00", end="15:30",
                    title="Énergie solaire dans les villages", speakers=[speaker],
                    is_highlight=True)
        gen_session(edition, tiznit, day=day, start="15:00", end="16:00",
                    title="Relamping des écoles", pole="popular_education")
        gen_session(edition, tiznit, day=day, start="16:00", end="16:30", title="Contes du Souss",
                    languages=["tzm", "fr"], theme="Culture")
        gen_session(edition, hall, day=day, start="17:00", end="18:00",
                    title="Session en préparation", status="draft")
        db.session.commit()
        return {"year": edition.year, "tomorrow": tomorrow, "today": today}


def test_a_visitor_finds_what_is_on_tomorrow_at_three(client, festival):
    """The phone flow: programme → tomorrow's tab → 15:00 → a session → its calendar."""
    year = festival["year"]
    page = _text(client.get(f"/{year}/programme"))
    tomorrow = festival["tomorrow"].isoformat()
    tab = re.search(rf'href="(/{year}/programme\?day={tomorrow})"[^>]*>.*?Tomorrow', page,
                    re.DOTALL)
    assert tab, "the programme names tomorrow's tab"
    day_page = _text(client.get(tab.group(1)))
    assert 'id="t-1500"' in day_page and 'href="#t-1500"' in day_page
    assert day_page.index("Énergie solaire") < day_page.index("Relamping des écoles")
    at = _text(client.get(f"/{year}/programme", query_string={"day": tomorrow, "at": "15:00"}))
    running = at[at.index('id="at-result"'):at.index('class="day-heading"')]
    assert "Énergie solaire dans les villages" in running
    assert "Relamping des écoles" in running
    assert "Contes du Souss" in running  # starts within the hour
    link = re.search(r'href="(/\d+/sessions/\d+)"[^>]*>Relamping', at).group(1)
    session_page = _text(client.get(link))
    assert "Add to my calendar" in session_page and f'href="{link}.ics"' in session_page
    calendar = client.get(link + ".ics")
    assert calendar.status_code == 200 and b"BEGIN:VEVENT" in calendar.data


def test_a_malformed_time_gets_a_message_not_an_error(client, festival):
    response = client.get(f"/{festival['year']}/programme",
                          query_string={"day": "yesterday", "at": "25:99"})
    assert response.status_code == 200
    assert "Give a time such as 15:00." in _text(response)


def test_the_public_programme_never_shows_a_draft_session(client, auth, festival):
    year = festival["year"]
    pages = [f"/{year}/programme?day={festival['tomorrow'].isoformat()}",
             f"/{year}/programme/tracks", f"/{year}/speakers", f"/{year}/",
             f"/{year}/now", "/"]
    for url in pages:
        assert "Session en préparation" not in _text(client.get(url)), url
    auth.login_as("organiser")
    for url in pages:
        assert "Session en préparation" not in _text(client.get(url)), url


def test_the_grid_has_one_column_per_room(client, festival):
    page = _text(client.get(f"/{festival['year']}/programme",
                            query_string={"day": festival["tomorrow"].isoformat()}))
    grid = page[page.index('class="prog-grid"'):]
    rooms = re.findall(r'class="prog-room"[^>]*>([^<]*)', grid)
    assert [r.strip() for r in rooms] == ["Grande salle", "Salle Tiznit"]
    rows = [int(b) - int(a) for a, b in re.findall(r"grid-row: (\d+) / (\d+);", grid)]
    assert 18 in rows  # 14:00–15:30 spans eighteen lines of five minutes


def test_tracks_and_speakers(client, festival):
    tracks = _text(client.get(f"/{festival['year']}/programme/tracks"))
    assert "Popular education" in tracks and "Culture" in tracks
    assert tracks.index("Popular education") < tracks.index("Culture")  # pôles first
    speakers = _text(client.get(f"/{festival['year']}/speakers"))
    assert "Naima El Haouzi" in speakers and "Énergie solaire dans les villages" in speakers


def test_draft_editions_are_for_organisers_only(client, auth, app):
    with app.app_context():
        year = gen_edition(status="draft", title="Édition secrète").year
        db.session.commit()
    assert client.get(f"/{year}/").status_code == 404
    assert client.get(f"/{year}/programme").status_code == 404
    assert "Édition secrète" not in _text(client.get("/editions"))
    auth.login_as("organiser")
    page = client.get(f"/{year}/")
    assert page.status_code == 200
    assert "Draft: only organisers see this edition." in _text(page)


def test_the_home_page_shows_the_coming_edition_and_the_past_ones(client, app, festival):
    with app.app_context():
        gen_edition(2001, status="archived", title="Festival d'autrefois",
                    days=[date(2001, 5, 12)])
        db.session.commit()
    home = _text(client.get("/"))
    assert f"Almoggar {festival['year']}" in home
    assert "L'eau, l'école et la lumière" in home
    assert "Salle des fêtes" in home
    assert f'href="/{festival["year"]}/tickets"' in home and "Get tickets" in home
    assert "Énergie solaire dans les villages" in home  # a highlight
    assert 'href="/2001/"' in home and "Festival d'autrefois" in home
    assert "Choose your tickets" in _text(client.get(f"/{festival['year']}/tickets"))  # the shop


def test_no_ticket_action_before_sales_open(client, app):
    with app.app_context():
        gen_edition(date.today().year + 1, status="published")
        db.session.commit()
    home = _text(client.get("/"))
    assert "Get tickets" not in home and "See the programme" in home


def test_the_home_page_without_any_edition(client):
    response = client.get("/")
    assert response.status_code == 200 and "Meet the associations" in _text(response)
    assert client.get("/programme").headers["Location"] == "/editions"


def test_past_editions_stay_browsable(client, app):
    with app.app_context():
        gen_edition(2002, status="archived")
        db.session.commit()
    assert client.get("/2002/").status_code == 200
    assert "2002" in _text(client.get("/editions"))
    assert client.get("/2002/programme").status_code == 200


def test_now_and_next_is_a_board_that_refreshes_itself(client, festival):
    year = festival["year"]
    at = f"{festival['tomorrow'].isoformat()}T15:10"
    page = _text(client.get(f"/{year}/now", query_string={"at": at}))
    board = page[page.index('id="now-next"'):]
    assert "Énergie solaire dans les villages" in board  # now in the Grande salle
    assert "Relamping des écoles" in board and "Contes du Souss" in board  # now and next
    assert 'src="/static/js/now-next.js?v=' in page
    assert "<script>" not in page  # no inline script (a strict CSP comes later)
    with client.get("/static/js/now-next.js") as script:
        assert script.status_code == 200 and b"setTimeout" in script.data


def test_exhibitors_page_lists_approved_stands_only(client, app, festival):
    with app.app_context():
        from festival.editions.queries import edition_for_year
        edition = edition_for_year(festival["year"])
        gen_stand(edition, gen_association(name="Espoir du Sud", slug="espoir-du-sud"),
                  number="A1")
        gen_stand(edition, gen_association(name="En attente"))
        db.session.commit()
    page = _text(client.get(f"/{festival['year']}/exhibitors"))
    assert "Espoir du Sud" in page and 'href="/associations/espoir-du-sud"' in page
    assert "A1" in page and "En attente" not in page


def test_speaker_photos_are_reencoded_and_served(app, client, auth):
    auth.login_as("organiser")
    picture = io.BytesIO()
    Image.new("RGB", (900, 600), (200, 120, 40)).save(picture, "PNG")
    picture.seek(0)
    response = client.post("/manage/speakers", data={
        "name": "Samira Bouzid", "bio": "Documentariste", "association_id": "0",
        "photo": (picture, "portrait.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        from festival.editions.models import Speaker
        speaker = db.session.scalar(db.select(Speaker).where(Speaker.name == "Samira Bouzid"))
        name = speaker.photo_filename
    assert name.endswith(".jpg") and "portrait" not in name
    with client.get(f"/speakers/photos/{name}") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert max(Image.open(io.BytesIO(served.data)).size) == 600


def test_a_file_that_is_not_an_image_is_refused_cleanly(client, auth):
    auth.login_as("organiser")
    response = client.post("/manage/speakers", data={
        "name": "Faux portrait", "association_id": "0",
        "photo": (io.BytesIO(b"<svg onload=alert(1)></svg>"), "photo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "This file is not an image we accept" in _text(response)


def test_unknown_years_and_sessions_are_404(client, festival):
    assert client.get("/1999/programme").status_code == 404
    # A year no database integer holds (SQLite: OverflowError; PostgreSQL: out of range).
    for path in ("/99999999999999999999/", "/99999999999999999999/agenda",
                 "/99999999999999999999/agenda.ics", "/99999999999999999999/programme"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/{festival['year']}/sessions/999999").status_code == 404
    assert client.get("/speakers/photos/nothing.jpg").status_code == 404
    assert client.get("/speakers/photos/..%2Fsecret_key").status_code == 404


@pytest.mark.parametrize("language, access", [
    ("fr", "Entrée de plain-pied par le parvis"), ("en", "Entrée de plain-pied par le parvis"),
    ("ar", "مدخل بدون درج من الساحة")])
def test_the_edition_page_says_where_and_when_each_day(client, app, language, access):
    from tests.factories import gen_where_and_when
    with app.app_context():
        gen_where_and_when(gen_edition(2032, status="on_sale"))
        db.session.commit()
    client.set_cookie("lang", language)
    page = _text(client.get("/2032/"))
    assert "Where and when" in page and access in page
    assert "Doors 18:00 – 01:30" in page and "Doors 10:00 – 20:00" in page
    assert '<time datetime="2032-05-15T16:00:00+00:00">' in page
    assert "Salle des fêtes" in page and "1 place de la Mairie, 93200 Saint-Denis" in page
    assert ('dir="rtl"' in page) is (language == "ar")
