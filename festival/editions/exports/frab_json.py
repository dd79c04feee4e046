"""`schedule.json`, the JSON twin of schedule.xml ($schema https://c3voc.de/schedule/schema.json),
with the fields pretalx's FrabJsonExporter gives."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from festival.associations.models import Pole
from festival.core.timeutil import to_paris
from festival.core.urls import absolute_url
from festival.editions.exports.schedule_data import (
    GENERATOR,
    duration,
    event_slug,
    primary_language,
    schedule_days,
    schedule_version,
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
        return {
            "$schema": SCHEMA,
            "generator": {"name": GENERATOR, "version": version},
            "schedule": {
                "url": absolute_url("editions.programme", year=edition.year),
                "version": schedule_version(edition, sessions),
                "base_url": absolute_url("core.home"),
                "conference": _conference(edition, sessions),
            },
        }


def _conference(edition: Edition, sessions: list[ProgrammeSession]) -> dict[str, Any]:
    conference: dict[str, Any] = {
        "acronym": edition.acronym,
        "title": edition.title,
        "description": edition.tagline,
        "daysCount": len(edition.days),
        "timeslot_duration": "00:15",
        "time_zone_name": "Europe/Paris",
        "url": absolute_url("editions.edition", year=edition.year),
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
            "rooms": {room.name: [_event(edition, s) for s in room_sessions]
                      for room, room_sessions in day.rooms},
        } for day in schedule_days(edition, sessions)],
    }
    if edition.days:
        conference["start"] = edition.first_day.isoformat()
        conference["end"] = edition.last_day.isoformat()
    return conference


def _tracks(sessions: list[ProgrammeSession]) -> list[dict[str, str]]:
    names = [str(POLE[p]) for p in Pole if any(s.pole is p for s in sessions)]
    names += sorted({s.theme for s in sessions if s.pole is None and s.theme}, key=str.lower)
    return [{"name": name, "color": TRACK_COLOURS[i % len(TRACK_COLOURS)]}
            for i, name in enumerate(names)]


def _event(edition: Edition, session: ProgrammeSession) -> dict[str, Any]:
    start = to_paris(session.starts_at)
    return {
        "id": session.id,
        "guid": session.guid,
        "date": start.isoformat(),
        "start": start.strftime("%H:%M"),
        "duration": duration(session),
        "room": session.room.name,
        "slug": event_slug(edition, session),
        "url": absolute_url("editions.session", year=edition.year, session_id=session.id),
        "title": session.title,
        "subtitle": "",
        "track": track_name(session) or None,
        "type": session.kind.value,
        "language": primary_language(session),
        "abstract": session.abstract,
        "description": None,
        "recording_license": "",
        "do_not_record": None,
        "persons": [_person(edition, speaker) for speaker in session.speakers],
        "links": [],
        "attachments": [],
    }


def _person(edition: Edition, speaker: Speaker) -> dict[str, Any]:
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
