"""`schedule.json`, the JSON twin of schedule.xml ($schema https://c3voc.de/schedule/schema.json),
with the fields pretalx's FrabJsonExporter gives."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from festival.associations.models import Pole
from festival.core.urls import absolute_url
from festival.editions.exports.schedule_data import (
    GENERATOR,
    Schedule,
    ScheduleEvent,
    gather,
    track_name,
)
from festival.editions.labels import POLE
from festival.editions.models import Edition, ProgrammeSession, Speaker

SCHEMA = "https://c3voc.de/schedule/schema.json"
PRIMARY_COLOUR = "#b4541a"
TRACK_COLOURS = ["#1f3a5f", "#2f6b3a", "#8a3d10", "#6a3d7a", "#0f6b75", "#9a6700"]


def schedule_json(edition: Edition, sessions: list[ProgrammeSession],
                  version: str = "0.1.0") -> dict[str, Any]:
    with force_locale("fr"):
        schedule = gather(edition, sessions)
        return {
            "$schema": SCHEMA,
            "generator": {"name": GENERATOR, "version": version},
            "schedule": {
                "url": schedule.url,
                "version": schedule.version,
                "base_url": schedule.base_url,
                "conference": _conference(edition, sessions, schedule),
            },
        }


def _conference(edition: Edition, sessions: list[ProgrammeSession],
                schedule: Schedule) -> dict[str, Any]:
    conference: dict[str, Any] = {
        "acronym": edition.acronym,
        "title": edition.title,
        "description": edition.tagline,
        "daysCount": len(edition.days),
        "timeslot_duration": "00:15",
        "time_zone_name": schedule.time_zone_name,
        "url": schedule.conference_url,
        "colors": {"primary": PRIMARY_COLOUR},
        "rooms": [{"name": room.name, "guid": room.guid,
                   "description": room.description or None, "capacity": room.capacity}
                  for room in edition.rooms],
        "tracks": _tracks(sessions),
        "days": [{
            "index": day.index,
            "date": day.day.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {room.name: [_event(event) for event in events]
                      for room, events in day.rooms},
        } for day in schedule.days],
    }
    if edition.days:
        conference["start"] = edition.first_day.isoformat()
        conference["end"] = edition.last_day.isoformat()
    return conference


def _tracks(sessions: list[ProgrammeSession]) -> list[dict[str, str]]:
    names = [str(POLE[p]) for p in Pole if any(s.pole is p for s in sessions)]
    names += sorted({track_name(s) for s in sessions if s.pole is None and s.theme},
                    key=str.lower)
    return [{"name": name, "color": TRACK_COLOURS[i % len(TRACK_COLOURS)]}
            for i, name in enumerate(names)]


def _event(event: ScheduleEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "guid": event.guid,
        "date": event.date.isoformat(),
        "start": event.start,
        "duration": event.duration,
        "room": event.room,
        "slug": event.slug,
        "url": event.url,
        "title": event.title,
        "subtitle": "",
        "track": event.track,
        "type": event.type,
        "language": event.language,
        "abstract": event.abstract,
        "description": None,
        "recording_license": "",
        "do_not_record": event.do_not_record,
        "persons": [_person(speaker) for speaker in event.persons],
        "links": [],
        "attachments": [],
    }


def _person(speaker: Speaker) -> dict[str, Any]:
    person: dict[str, Any] = {
        "guid": speaker.guid,
        "code": speaker.code,
        "name": speaker.name,
        "public_name": speaker.name,  # deprecated in the format, still read by older apps
        "biography": speaker.bio,
    }
    if speaker.photo_filename:
        person["avatar"] = absolute_url("editions.speaker_photo", name=speaker.photo_filename)
    return person
