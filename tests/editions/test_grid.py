"""The day's grid drawn to scale: rows of five minutes from the first full hour, a session
from its start line to its end line, overlapping sessions of one room in lanes side by side."""
from __future__ import annotations

import pytest

from festival.editions.queries import day_grid
from tests.factories import gen_edition, gen_room, gen_session


@pytest.fixture
def day(ctx):
    edition = gen_edition(status="published")
    big, small = gen_room(edition, name="Grande salle"), gen_room(edition, name="Salle Tiznit")
    gen_room(edition, name="Salle vide")
    sessions = {
        "long": gen_session(edition, big, start="11:00", end="12:30", title="Long"),
        "clash": gen_session(edition, big, start="11:45", end="12:15", title="Clash",
                             confirm_clashes=True),
        "after": gen_session(edition, big, start="12:30", end="13:00", title="After"),
        "short": gen_session(edition, small, start="10:10", end="10:25", title="Short"),
    }
    return edition, sessions


def test_sessions_start_at_their_line_and_last_their_duration(day):
    edition, sessions = day
    grid = day_grid(list(sessions.values()), edition.rooms)
    placed = {p.session.title: p for p in grid.sessions}
    # The day starts at 10:00 (the first session's hour), on grid row 3 (FIRST_LINE).
    assert (placed["Short"].row, placed["Short"].row_end) == (3 + 2, 3 + 5)
    assert (placed["Long"].row, placed["Long"].row_end) == (3 + 12, 3 + 30)
    assert (placed["Clash"].row, placed["Clash"].row_end) == (3 + 21, 3 + 27)
    assert placed["After"].row == placed["Long"].row_end  # it starts where the other ends
    assert grid.rows == 36  # 10:00 → 13:00


def test_a_clash_gets_its_own_lane_and_an_empty_room_no_column(day):
    edition, sessions = day
    grid = day_grid(list(sessions.values()), edition.rooms)
    assert [(r.room.name, r.column, r.lanes) for r in grid.rooms] == [
        ("Grande salle", 2, 2), ("Salle Tiznit", 4, 1)]
    placed = {p.session.title: p for p in grid.sessions}
    assert (placed["Long"].column, placed["Clash"].column, placed["After"].column) == (2, 3, 2)
    assert placed["Short"].column == 4 and grid.columns == 4
    assert [p.session.title for p in grid.sessions] == ["Short", "Long", "Clash", "After"]


def test_the_lines_are_named_every_half_hour(day):
    edition, sessions = day
    grid = day_grid(list(sessions.values()), edition.rooms)
    assert [(m.row, m.label, m.is_hour) for m in grid.marks] == [
        (3, "10:00", True), (9, "10:30", False), (15, "11:00", True), (21, "11:30", False),
        (27, "12:00", True), (33, "12:30", False), (39, "13:00", True)]


def test_an_empty_day_has_an_empty_grid(ctx):
    edition = gen_edition(status="published")
    assert day_grid([], edition.rooms).sessions == []
