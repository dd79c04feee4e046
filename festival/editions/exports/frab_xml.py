"""The Frab `schedule.xml` (c3voc XSD), read by Giggity, ConfClerk, EventFahrplan…"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from flask_babel import force_locale

from festival.core.timeutil import to_paris
from festival.editions.exports.schedule_data import (
    duration,
    event_slug,
    primary_language,
    schedule_days,
    schedule_version,
    track_name,
)
from festival.editions.models import Edition, ProgrammeSession


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def schedule_xml(edition: Edition, sessions: list[ProgrammeSession]) -> bytes:
    """The published sessions of an edition; element order follows the XSD."""
    with force_locale("fr"):
        root = ET.Element("schedule")
        _sub(root, "version", schedule_version(edition, sessions))
        conference = _sub(root, "conference")
        _sub(conference, "acronym", edition.acronym)
        _sub(conference, "title", edition.title)
        if edition.days:
            _sub(conference, "start", edition.first_day.isoformat())
            _sub(conference, "end", edition.last_day.isoformat())
        _sub(conference, "days", str(len(edition.days)))
        _sub(conference, "timeslot_duration", "00:15")
        for day in schedule_days(edition, sessions):
            day_el = _sub(root, "day", index=day.index, date=day.day.isoformat(),
                          start=day.start.isoformat(), end=day.end.isoformat())
            for room, room_sessions in day.rooms:
                room_el = _sub(day_el, "room", name=room.name)
                for session in room_sessions:
                    _event(room_el, edition, session)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _event(parent: ET.Element, edition: Edition, session: ProgrammeSession) -> None:
    event = _sub(parent, "event", id=session.id, guid=session.guid)
    start = to_paris(session.starts_at)
    _sub(event, "date", start.isoformat())
    _sub(event, "start", start.strftime("%H:%M"))
    _sub(event, "duration", duration(session))
    _sub(event, "room", session.room.name)
    _sub(event, "slug", event_slug(edition, session))
    _sub(event, "title", session.title)
    _sub(event, "subtitle", "")
    _sub(event, "track", track_name(session))
    _sub(event, "type", session.kind.value)
    _sub(event, "language", primary_language(session))
    _sub(event, "abstract", session.abstract)
    _sub(event, "description", "")
    recording = _sub(event, "recording")
    _sub(recording, "license", "")
    _sub(recording, "optout", "true")
    persons = _sub(event, "persons")
    for speaker in session.speakers:
        _sub(persons, "person", speaker.name, id=speaker.id)
    _sub(event, "links")
