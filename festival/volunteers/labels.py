"""Words for shifts and their tasks, in the page's (or the e-mail's) language."""
from __future__ import annotations

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from festival.core.i18n import RTL_LANGUAGES
from festival.core.timeutil import to_paris
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
    """"Saturday 16 May, 18:00–22:00" (in Paris). In a right-to-left language the times are
    isolated left to right, or "18:00–22:00" would read "22:00–18:00"."""
    starts, ends = to_paris(shift.starts_at), to_paris(shift.ends_at)
    locale = get_locale()
    day = format_date(starts.date(), "EEEE d MMMM", locale=locale or "fr")
    times = f"{starts:%H:%M}–{ends:%H:%M}"
    if str(locale) in RTL_LANGUAGES:
        times = f"\u2066{times}\u2069"  # LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE
    return f"{day}, {times}"


def shift_name(shift: Shift) -> str:
    """The post and its hours, to name a shift in a sentence."""
    return f"{post_of(shift)} ({hours_of(shift)})"
