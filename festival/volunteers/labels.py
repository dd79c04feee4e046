"""Words for shifts and their tasks, in the page's (or the e-mail's) language."""
from __future__ import annotations

from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l

from festival.volunteers.models import Shift, ShiftTask

TASK = {
    ShiftTask.DOOR: _l("Door"),
    ShiftTask.BOX_OFFICE: _l("Box office"),
    ShiftTask.ROOM_STEWARD: _l("Room steward"),
    ShiftTask.WELCOME_DESK: _l("Welcome desk"),
    ShiftTask.SET_UP: _l("Set-up"),
    ShiftTask.OTHER: _l("Other"),
}


def post_of(shift: Shift) -> str:
    """Where the shift is held: its title, else its door's list or its room, else its task."""
    if shift.title:
        return shift.title
    if shift.task is ShiftTask.DOOR and shift.checkin_list is not None:
        return f"{TASK[shift.task]} · {shift.checkin_list.name}"
    if shift.task is ShiftTask.ROOM_STEWARD and shift.room is not None:
        return f"{TASK[shift.task]} · {shift.room.name}"
    return str(TASK[shift.task])


def hours_of(shift: Shift) -> str:
    """"Saturday 16 May, 18:00–22:00" (in Paris)."""
    return (f"{format_date(shift.starts_at, 'EEEE d MMMM')}, "
            f"{format_time(shift.starts_at, 'HH:mm')}–{format_time(shift.ends_at, 'HH:mm')}")


def shift_name(shift: Shift) -> str:
    """The post and its hours, to name a shift in a sentence."""
    return f"{post_of(shift)} ({hours_of(shift)})"
