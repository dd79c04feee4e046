"""iCalendar (RFC 5545) for a whole programme or one session, times in Europe/Paris with the
VTIMEZONE that describes them. Cancelled sessions stay in, with STATUS:CANCELLED."""
from __future__ import annotations

from flask_babel import gettext as _
from icalendar import Calendar, Event

from festival.core.i18n import list_separator
from festival.core.ical import add_paris_timezone
from festival.core.timeutil import to_paris
from festival.core.urls import absolute_url
from festival.editions.exports.schedule_data import track_name
from festival.editions.labels import LANGUAGE
from festival.editions.models import Edition, ProgrammeSession

PRODID = "-//Coordination N'Souss Massa//Almoggar//FR"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def _event(edition: Edition, session: ProgrammeSession) -> Event:
    event = Event()
    event.add("uid", f"{session.guid}@almoggar")
    event.add("dtstamp", session.updated_at)
    # Clients replace an imported event only when its SEQUENCE grows (RFC 5546), and drop it
    # when it comes back CANCELLED.
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("dtstart", to_paris(session.starts_at))
    event.add("dtend", to_paris(session.ends_at))
    event.add("summary", session.title)
    lines = [session.abstract.strip()] if session.abstract.strip() else []
    if session.speakers:
        lines.append(_("With: %(names)s",
                       names=list_separator().join(s.name for s in session.speakers)))
    lines.append(_("Language: %(names)s",
                   names=list_separator().join(str(LANGUAGE[lang]) for lang in session.languages)))
    event.add("description", "\n\n".join(lines))
    place = [session.room.name]
    venue = session.room.venue or edition.main_venue
    if venue is not None:
        place += [venue.name, venue.full_address]
    event.add("location", list_separator().join(p for p in place if p))
    event.add("url", absolute_url("editions.session", year=edition.year,
                                  session_id=session.id))
    track = track_name(session)
    if track:
        event.add("categories", [track])
    return event


def programme_ical(edition: Edition, sessions: list[ProgrammeSession]) -> bytes:
    calendar = _calendar(f"{edition.title} ({edition.year})")
    for session in sessions:
        calendar.add_component(_event(edition, session))
    add_paris_timezone(calendar)
    return calendar.to_ical()


def session_ical(edition: Edition, session: ProgrammeSession) -> bytes:
    calendar = _calendar(f"{session.title} — {edition.title}")
    calendar.add_component(_event(edition, session))
    add_paris_timezone(calendar)
    return calendar.to_ical()
