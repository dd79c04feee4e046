"""The laptop's programme grid, measured in Chromium: a session's box starts at its time's
line and ends at its end's line (11:00–12:30 ends below 12:00, at 12:30), and a session that
overlaps it in the same room starts at its own line, beside it."""
from __future__ import annotations

import re
from datetime import date

import pytest

from festival.extensions import db
from tests import factories
from tests.browser.conftest import assert_no_horizontal_overflow


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


def _line(page, label: str) -> float:
    """Where the grid's line of `label` ("11:00") is drawn: the top of its border."""
    return _box(page, f".prog-grid [data-line='{label}']")["y"]


def test_the_grid_is_drawn_to_scale(laptop, grid_day, screenshot):
    year, day = grid_day
    laptop.goto(f"/{year}/programme?day={day}")
    line = {t: _line(laptop, t) for t in ("10:00", "11:00", "11:30", "12:00", "12:30")}
    hour = line["11:00"] - line["10:00"]
    assert hour > 40
    assert line["12:30"] - line["12:00"] == pytest.approx(hour / 2, abs=1)
    assert line["11:30"] - line["11:00"] == pytest.approx(hour / 2, abs=1)
    long = _box(laptop, ".prog-grid .grid-card:has-text('Conférence longue')")
    clash = _box(laptop, ".prog-grid .grid-card:has-text('Table qui déborde')")
    workshop = _box(laptop, ".prog-grid .grid-card:has-text('Atelier')")
    # 11:00–12:30 from the 11:00 line to the 12:30 line (not above 12:00); the cards keep a
    # pixel from their lines.
    assert long["y"] == pytest.approx(line["11:00"], abs=2)
    assert long["y"] + long["height"] == pytest.approx(line["12:30"], abs=2)
    assert long["y"] + long["height"] > line["12:00"] + hour / 4
    # 11:45–12:15 at the 11:45 position (three quarters of 11:00's hour), beside the other.
    assert clash["y"] == pytest.approx(line["11:00"] + hour * 0.75, abs=2)
    assert clash["y"] + clash["height"] == pytest.approx(line["12:00"] + hour / 4, abs=2)
    assert clash["x"] >= long["x"] + long["width"] - 1
    # A long text is cut to its hour, not stretching the grid.
    assert workshop["y"] == pytest.approx(line["10:00"], abs=2)
    assert workshop["height"] == pytest.approx(hour, abs=3)
    # Each time is written on its line.
    label = _box(laptop, "#g-1100")
    assert label["y"] < line["11:00"] < label["y"] + label["height"]
    screenshot(laptop, "programme-grid")


def test_phones_keep_the_list_in_time_order(phone, grid_day, screenshot):
    year, day = grid_day
    phone.goto(f"/{year}/programme?day={day}")
    assert phone.locator(".prog-grid").is_hidden()
    groups = phone.locator(".day-timeline .time-group")
    assert groups.first.is_visible()
    assert [t.strip() for t in groups.locator(".time-label").all_inner_texts()] == [
        "10:00", "11:00", "11:45"]
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "programme-phone")


def test_a_visitor_stars_sessions_into_an_agenda_kept_in_the_browser(laptop, grid_day, live_server,
                                                                       screenshot):
    from icalendar import Calendar
    year, day = grid_day
    laptop.goto(f"/{year}/programme?day={day}")
    star = laptop.locator(".grid-slot:has-text('Conférence longue') [data-star]")
    assert star.get_attribute("aria-pressed") == "false"
    # Its name says what it does and to which session, also on the grid where it is a star.
    named = laptop.locator(".prog-grid").get_by_role(
        "button", name=re.compile(r"^Add to my agenda\s*: Conférence longue$"))
    assert named.count() == 1 and named.get_attribute("aria-pressed") == "false"
    star.click()
    assert star.get_attribute("aria-pressed") == "true"
    assert laptop.locator(".prog-grid").get_by_role(
        "button", name=re.compile(r"^In my agenda\s*: Conférence longue$")).count() == 1
    laptop.locator(".grid-slot:has-text('Atelier') [data-star]").click()
    laptop.locator(".grid-slot:has-text('Atelier') [data-star]").click()  # and out again
    laptop.reload()  # kept in the browser
    assert star.get_attribute("aria-pressed") == "true"
    assert laptop.locator(".prog-grid [data-star][aria-pressed='true']").count() == 1
    laptop.goto(f"/{year}/agenda")
    shown = laptop.locator("[data-agenda-item]:visible")
    assert shown.count() == 1 and "Conférence longue" in shown.inner_text()
    assert laptop.locator("[data-agenda-empty]").is_hidden()
    link = laptop.locator("[data-agenda-ics]").get_attribute("href")
    response = laptop.request.get(live_server.url + link)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.body()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Conférence longue"]
    starts, ends = events[0].decoded("dtstart"), events[0].decoded("dtend")
    assert (f"{starts:%Y-%m-%d %H:%M}", f"{ends:%H:%M}") == (f"{day} 11:00", "12:30")
    assert str(starts.tzinfo) == "Europe/Paris"
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
    from playwright.sync_api import expect

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
        big_id = big.id
    _log_in(laptop, factories.user_in_db(app, "organiser")["email"])
    laptop.set_viewport_size({"width": 1280, "height": 2200})  # the whole day in view
    laptop.goto(f"/manage/editions/{year}/grid?day={day.isoformat()}")
    zone = laptop.locator(f"[data-drop-room='{small_id}']")
    box = zone.bounding_box()
    rows = int(laptop.locator(".prog-grid").get_attribute("data-grid-rows"))
    row = box["height"] / rows
    card = laptop.locator(f"[data-session='{talk_id}']")
    grab = card.bounding_box()["height"] / 2
    # The server here takes forms without a CSRF token; each move must still carry the page's
    # (tests/editions/test_grid_moves.py proves a move without it is refused).
    token = laptop.locator("[data-csrf]").get_attribute("data-csrf")
    moves: list[dict] = []
    laptop.on("request", lambda r: moves.append(r.headers) if r.url.endswith("/move") else None)

    def drag_to_1415() -> None:
        # 14:15 is 63 lines of five minutes after 09:00; the card is held by its middle.
        laptop.drag_and_drop(f"[data-session='{talk_id}']", f"[data-drop-room='{small_id}']",
                             target_position={"x": box["width"] / 2, "y": 63 * row + grab + 1},
                             force=True)

    drag_to_1415()
    dialog = laptop.locator("#move-dialog")
    dialog.wait_for(state="visible")
    assert "Conférence" in dialog.inner_text() and "14:15–15:45" in dialog.inner_text()
    assert "Atelier" in dialog.locator("[data-move-clash-list]").inner_text()
    assert dialog.locator("[data-move-save]").is_hidden()  # only "despite the clashes"
    # …and Enter cancels: the focus starts on "Cancel".
    assert laptop.evaluate("document.activeElement.value") == "cancel"
    # Where it would land is framed on the grid, snapped to 14:15, for its hour and a half.
    ghost = laptop.locator(".prog-ghost")
    assert ghost.is_visible() and ghost.inner_text() == "14:15–15:45"
    frame = ghost.bounding_box()
    top = laptop.locator(".prog-grid [data-line='14:00']").bounding_box()["y"] + 3 * row
    assert frame["y"] == pytest.approx(top, abs=2)
    assert frame["height"] == pytest.approx(18 * row, abs=2)
    assert frame["x"] >= box["x"] - 1 and frame["x"] + frame["width"] <= box["x"] + box["width"] + 1
    screenshot(laptop, "grid-move-clash")
    with app.app_context():  # nothing saved yet
        assert db.session.get(ProgrammeSession, talk_id).room_id != small_id
    # Cancelled: nothing moves, the frame goes.
    dialog.locator("button[value=cancel]").click()
    dialog.wait_for(state="hidden")
    expect(ghost).to_be_hidden()  # on the dialog's close event, which follows
    with app.app_context():
        assert db.session.get(ProgrammeSession, talk_id).room_id != small_id
    drag_to_1415()
    dialog.wait_for(state="visible")
    dialog.locator("[data-move-force]").click()
    laptop.locator(".flash-success", has_text="14:15–15:45").wait_for()  # the page reloaded
    assert len(moves) == 3 and all(h.get("x-csrftoken") == token for h in moves)
    with app.app_context():
        moved = db.session.get(ProgrammeSession, talk_id)
        assert moved.room_id == small_id
        assert f"{to_paris(moved.starts_at):%H:%M}" == "14:15"
        assert f"{to_paris(moved.ends_at):%H:%M}" == "15:45"
    assert laptop.locator(f"[data-drop-room='{small_id}']").count() == 1
    moved_card = laptop.locator(f"[data-session='{talk_id}']").bounding_box()
    line = laptop.locator(".prog-grid [data-line='14:00']").bounding_box()["y"]
    assert moved_card["y"] == pytest.approx(line + 3 * row, abs=2)  # the reloaded grid
    # Back to the big room at 09:30, where nothing clashes: "Move it" (focused) saves it.
    big_box = laptop.locator(f"[data-drop-room='{big_id}']").bounding_box()
    laptop.drag_and_drop(f"[data-session='{talk_id}']", f"[data-drop-room='{big_id}']",
                         target_position={"x": big_box["width"] / 2, "y": 6 * row + grab + 1},
                         force=True)
    dialog.wait_for(state="visible")
    assert "09:30–11:00" in dialog.inner_text()
    assert dialog.locator("[data-move-clashes]").is_hidden()
    assert dialog.locator("[data-move-force]").is_hidden()
    assert laptop.evaluate("document.activeElement.hasAttribute('data-move-save')")
    laptop.keyboard.press("Enter")
    laptop.locator(".flash-success", has_text="09:30–11:00").wait_for()
    with app.app_context():
        moved = db.session.get(ProgrammeSession, talk_id)
        assert moved.room_id == big_id
        assert f"{to_paris(moved.starts_at):%H:%M}–{to_paris(moved.ends_at):%H:%M}" == "09:30–11:00"
    # On a laptop's screen the day scrolls in its box, under the rooms' names.
    laptop.set_viewport_size({"width": 1280, "height": 800})
    laptop.reload()
    wrap = laptop.locator(".programme-grid-wrap")
    wrap.evaluate("box => { box.scrollIntoView(); box.scrollTop = box.scrollHeight; }")
    names = laptop.locator(f".prog-room[data-room='{small_id}']").bounding_box()
    last = laptop.locator(".prog-grid [data-line='23:00']").bounding_box()
    assert 0 <= names["y"] < last["y"] < 800
    assert wrap.get_attribute("tabindex") == "0"  # its box scrolls with the keyboard too


def test_the_editor_grid_on_a_phone_points_to_the_forms(phone, app, screenshot):
    with app.app_context():
        edition = factories.gen_edition(status="published")
        room = factories.gen_room(edition, name="Grande salle")
        factories.gen_session(edition, room, start="11:00", end="12:30", title="Conférence")
        db.session.commit()
        year = edition.year
    _log_in(phone, factories.user_in_db(app, "organiser")["email"])
    phone.goto(f"/manage/editions/{year}/grid")
    assert phone.locator(".prog-grid").is_hidden()
    note = phone.locator(".grid-narrow-note")
    assert note.is_visible()
    screenshot(phone, "grid-editor-phone")
    note.get_by_role("link").click()
    phone.wait_for_url(re.compile(rf".*/manage/editions/{year}/sessions$"))
