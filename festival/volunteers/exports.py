"""The shift plan as a spreadsheet (CSV/XLSX, core.spreadsheet), and a volunteer's own shifts
as an iCalendar feed (core.ical), read by calendar apps from a secret address.

The feed's address carries a signed token naming the person and a digest of their password's
hash: it needs no login (calendar apps have none), survives logging out (which ends the
sessions), and a new password ends every address given before."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event
from itsdangerous import BadSignature, URLSafeSerializer

from festival.accounts.models import User
from festival.core import spreadsheet
from festival.core.i18n import in_language
from festival.core.ical import add_paris_timezone
from festival.core.timeutil import to_paris, utcnow
from festival.core.urls import absolute_url
from festival.editions.days import cutoff_of, day_of
from festival.editions.models import Edition
from festival.extensions import db
from festival.volunteers.labels import TASK, post_of
from festival.volunteers.models import Shift

PRODID = "-//Coordination N'Souss Massa//Almoggar shifts//FR"
SALT = "almoggar.shift-calendar"
TOKEN_LENGTH = 200


# The plan as a spreadsheet ------------------------------------------------------------------

def plan_table(edition: Edition, shifts: list[Shift]) -> spreadsheet.Table:
    """One row per person on a shift; a shift nobody holds yet has one row with no one."""
    cutoff = cutoff_of(edition)
    columns = [
        spreadsheet.Column(_l("Day"), spreadsheet.DAY),
        spreadsheet.Column(_l("Starts at"), spreadsheet.INSTANT),
        spreadsheet.Column(_l("Ends at"), spreadsheet.INSTANT),
        spreadsheet.Column(_l("Task"), label=lambda task: TASK[task]),
        spreadsheet.Column(_l("Post")),
        spreadsheet.Column(_l("People needed"), spreadsheet.NUMBER),
        spreadsheet.Column(_l("Places left"), spreadsheet.NUMBER),
        spreadsheet.Column(_l("Volunteer")),
        spreadsheet.Column(_l("E-mail")),
        spreadsheet.Column(_l("Assigned by an organiser"), spreadsheet.YES_NO),
        spreadsheet.Column(_l("Lead")),
        spreadsheet.Column(_l("Lead's phone")),
    ]
    rows = []
    for shift in shifts:
        common = [day_of(shift.starts_at, cutoff), shift.starts_at, shift.ends_at, shift.task,
                  post_of(shift), shift.people_needed, shift.places_left]
        lead = [shift.lead.display_name if shift.lead else "", shift.lead_phone]
        people = shift.people
        for assignment in people:
            rows.append(common + [assignment.user.display_name, assignment.user.email,
                                  assignment.assigned_by_id is not None] + lead)
        if not people:
            rows.append(common + ["", "", None] + lead)
    return spreadsheet.Table(title=_l("Volunteer shifts %(year)s", year=edition.year),
                             columns=columns, rows=rows)


# A volunteer's calendar ---------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _password_mark(user: User) -> str:
    return hashlib.sha256(f"{SALT}:{user.password_hash}".encode()).hexdigest()[:16]


def calendar_token(user: User) -> str:
    return _serializer().dumps([user.id, _password_mark(user)])


def calendar_url(user: User) -> str:
    return absolute_url("volunteers.calendar", token=calendar_token(user))


def user_of_token(token: str) -> User | None:
    """The live account a feed token names, or None (unknown, forged, or ended)."""
    if not token or len(token) > TOKEN_LENGTH:
        return None
    try:
        user_id, mark = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not 1 <= user_id <= 2**31 - 1:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled or not hmac.compare_digest(
            _password_mark(user), str(mark)):
        return None
    return user


def shifts_calendar(user: User, shifts: list[Shift], language: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("My volunteer shifts"))
    calendar.add("x-wr-timezone", "Europe/Paris")
    stamp = utcnow()
    for shift in shifts:
        event = Event()
        event.add("uid", f"shift-{shift.id}-{user.id}@almoggar")
        event.add("dtstamp", stamp)
        event.add("last-modified", shift.updated_at)
        event.add("dtstart", to_paris(shift.starts_at))
        event.add("dtend", to_paris(shift.ends_at))
        event.add("summary", f"{post_of(shift)} — {shift.edition.title}")
        lines = [str(TASK[shift.task])]
        notes = in_language(shift.notes, language)
        if notes:
            lines.append(notes)
        if shift.lead:
            lines.append(_("Lead: %(name)s %(phone)s", name=shift.lead.display_name,
                           phone=shift.lead_phone).strip())
        event.add("description", "\n\n".join(lines))
        place = shift.room.name if shift.room else ""
        venue = shift.edition.main_venue
        event.add("location", ", ".join(p for p in (place, venue.name if venue else "",
                                                      venue.full_address if venue else "")
                                         if p))
        event.add("url", absolute_url("volunteers.shift", shift_id=shift.id))
        calendar.add_component(event)
    add_paris_timezone(calendar)
    return calendar.to_ical()
