"""The Frab `schedule.xml` (c3voc XSD), read by Giggity, ConfClerk, EventFahrplan…"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from flask_babel import force_locale

from festival.editions.exports.schedule_data import ScheduleEvent, gather
from festival.editions.models import Edition, ProgrammeSession


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def schedule_xml(edition: Edition, sessions: list[ProgrammeSession]) -> bytes:
    """The published (and cancelled) sessions of an edition; element order follows the XSD."""
    with force_locale("fr"):
        schedule = gather(edition, sessions)
        root = ET.Element("schedule")
        _sub(root, "url", schedule.url)
        _sub(root, "version", schedule.version)
        conference = _sub(root, "conference")
        _sub(conference, "acronym", edition.acronym)
        _sub(conference, "title", edition.title)
        if edition.days:
            _sub(conference, "start", edition.first_day.isoformat())
            _sub(conference, "end", edition.last_day.isoformat())
        _sub(conference, "days", str(len(edition.days)))
        _sub(conference, "timeslot_duration", "00:15")
        _sub(conference, "base_url", schedule.base_url)
        _sub(conference, "url", schedule.conference_url)
        _sub(conference, "time_zone_name", schedule.time_zone_name)
        for day in schedule.days:
            day_el = _sub(root, "day", index=day.index, date=day.day.isoformat(),
                          start=day.start.isoformat(), end=day.end.isoformat())
            for room, events in day.rooms:
                room_el = _sub(day_el, "room", name=room.name, guid=room.guid)
                for event in events:
                    _event(room_el, event)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _event(parent: ET.Element, event: ScheduleEvent) -> None:
    element = _sub(parent, "event", id=event.id, guid=event.guid)
    _sub(element, "date", event.date.isoformat())
    _sub(element, "start", event.start)
    _sub(element, "duration", event.duration)
    _sub(element, "room", event.room)
    _sub(element, "slug", event.slug)
    _sub(element, "url", event.url)
    _sub(element, "title", event.title)
    _sub(element, "subtitle", "")
    _sub(element, "track", event.track or "")
    _sub(element, "type", event.type)
    _sub(element, "language", event.language)
    _sub(element, "abstract", event.abstract)
    _sub(element, "description", "")
    if event.do_not_record is not None:  # <optout> is a boolean: no guess when unknown
        recording = _sub(element, "recording")
        _sub(recording, "license", "")
        _sub(recording, "optout", "true" if event.do_not_record else "false")
    persons = _sub(element, "persons")
    for speaker in event.persons:
        _sub(persons, "person", speaker.name, id=speaker.id, guid=speaker.guid)
    _sub(element, "links")
