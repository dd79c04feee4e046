"""The laptop's programme grid, measured in Chromium: a session's box starts at its time's
line and ends at its end's line (11:00–12:30 ends below 12:00, at 12:30), and a session that
overlaps it in the same room starts at its own line, beside it."""
from __future__ import annotations

import re
from datetime import date

import pytest

from festival.extensions import db
from tests import factories


@pytest.fixture
def grid_day(app):
    with app.app_context():
        edition = factories.gen_edition(status="published")
        big = factories.gen_room(edition, name="Grande salle")
        small = factories.gen_room(edition, name="Salle Tiznit")
        factories.gen_session(edition, big, start="11:00", end="12:30", title="Conférence longue")
        factories.gen_session(edition, big, start="11:45", end="12:15", title="Table qui déborde",
                              confirm_clashes=True)
        factories.gen_session(edition, small, start="10:00", end="11:00",
                              title="Atelier " + "très " * 30 + "long")
        db.session.commit()
        return edition.year, date.isoformat(edition.dates[0])


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def test_the_grid_is_drawn_to_scale(laptop, grid_day, screenshot):
    year, day = grid_day
    laptop.goto(f"/{year}/programme?day={day}")
    line = {t: _box(laptop, f"#g-{t.replace(':', '')}")["y"] for t in
            ("10:00", "11:00", "12:00", "12:30")}
    hour = line["11:00"] - line["10:00"]
    assert hour > 40
    assert line["12:30"] - line["12:00"] == pytest.approx(hour / 2, abs=2)
    long = _box(laptop, ".prog-grid .grid-card:has-text('Conférence longue')")
    clash = _box(laptop, ".prog-grid .grid-card:has-text('Table qui déborde')")
    workshop = _box(laptop, ".prog-grid .grid-card:has-text('Atelier')")
    # The time labels sit on their line (their top a little above it): compare to the lines.
    top_of = {t: y + 0.6 * 16 for t, y in line.items()}  # the label is raised by 0.6rem
    assert long["y"] == pytest.approx(top_of["11:00"], abs=3)
    assert long["y"] + long["height"] == pytest.approx(top_of["12:30"], abs=3)
    assert clash["y"] == pytest.approx(top_of["11:00"] + hour * 0.75, abs=3)
    assert clash["x"] >= long["x"] + long["width"] - 1  # beside it, not under it
    # A long text is cut to its hour, not stretching the grid.
    assert workshop["height"] == pytest.approx(hour, abs=3)
    screenshot(laptop, "programme-grid")


def test_a_visitor_stars_sessions_into_an_agenda_kept_in_the_browser(laptop, grid_day, live_server,
                                                                       screenshot):
    year, day = grid_day
    laptop.goto(f"/{year}/programme?day={day}")
    star = laptop.locator(".grid-slot:has-text('Conférence longue') [data-star]")
    star.click()
    assert star.get_attribute("aria-pressed") == "true"
    laptop.goto(f"/{year}/agenda")
    shown = laptop.locator("[data-agenda-item]:visible")
    assert shown.count() == 1 and "Conférence longue" in shown.inner_text()
    assert laptop.locator("[data-agenda-empty]").is_hidden()
    link = laptop.locator("[data-agenda-ics]").get_attribute("href")
    calendar = laptop.request.get(live_server.url + link).text()
    assert "Conférence longue" in calendar.replace("\r\n ", "")
    assert "Table qui déborde" not in calendar.replace("\r\n ", "")
    screenshot(laptop, "agenda")
    # Taking it out again empties the agenda, on this page too.
    laptop.locator("[data-agenda-item]:visible [data-star]").click()
    assert laptop.locator("[data-agenda-empty]").is_visible()
    assert laptop.locator("[data-agenda-item]:visible").count() == 0


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))


def test_an_organiser_drags_a_session_and_sees_the_clash_before_saving(laptop, app, screenshot):
    from festival.core.timeutil import to_paris
    from festival.editions.models import ProgrammeSession
    with app.app_context():
        edition = factories.gen_edition(status="published")
        big = factories.gen_room(edition, name="Grande salle")
        small = factories.gen_room(edition, name="Salle Tiznit")
        talk = factories.gen_session(edition, big, start="11:00", end="12:30", title="Conférence")
        factories.gen_session(edition, small, start="14:00", end="15:00", title="Atelier")
        db.session.commit()
        year, day, talk_id, small_id = edition.year, edition.dates[0], talk.id, small.id
    _log_in(laptop, factories.user_in_db(app, "organiser")["email"])
    laptop.set_viewport_size({"width": 1280, "height": 2200})  # the whole day in view
    laptop.goto(f"/manage/editions/{year}/grid?day={day.isoformat()}")
    zone = laptop.locator(f"[data-drop-room='{small_id}']")
    box = zone.bounding_box()
    rows = int(laptop.locator(".prog-grid").get_attribute("data-grid-rows"))
    row = box["height"] / rows
    card = laptop.locator(f"[data-session='{talk_id}']")
    grab = card.bounding_box()["height"] / 2
    # 14:15 is 63 lines of five minutes after 09:00; the card is held by its middle.
    laptop.drag_and_drop(f"[data-session='{talk_id}']", f"[data-drop-room='{small_id}']",
                         target_position={"x": box["width"] / 2, "y": 63 * row + grab + 1},
                         force=True)
    dialog = laptop.locator("#move-dialog")
    dialog.wait_for(state="visible")
    assert "Conférence" in dialog.inner_text() and "14:15–15:45" in dialog.inner_text()
    assert "Atelier" in dialog.locator("[data-move-clash-list]").inner_text()
    assert dialog.locator("[data-move-save]").is_hidden()  # only "despite the clashes"
    screenshot(laptop, "grid-move-clash")
    with app.app_context():  # nothing saved yet
        assert db.session.get(ProgrammeSession, talk_id).room_id != small_id
    dialog.locator("[data-move-force]").click()
    laptop.wait_for_load_state("load")
    laptop.locator(".flash-success").wait_for()
    with app.app_context():
        moved = db.session.get(ProgrammeSession, talk_id)
        assert moved.room_id == small_id
        assert f"{to_paris(moved.starts_at):%H:%M}" == "14:15"
        assert f"{to_paris(moved.ends_at):%H:%M}" == "15:45"
