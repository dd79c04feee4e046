"""The editions domain as JSON: how the API reads its input and writes its answers."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l

from festival.core.errors import ValidationError
from festival.core.timeutil import to_paris
from festival.core.urls import absolute_url
from festival.editions.days import cutoff_of
from festival.editions.labels import track_label, track_texts
from festival.editions.models import Edition, ProgrammeSession, Room, Speaker, Venue
from festival.editions.practical import door_instants, venue_of
from festival.editions.services.editions import MAX_DAYS


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError
    return date.fromisoformat(value)


class TooMany(ValueError):
    """A list longer than its rule allows, refused before its values are read."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def days(value: Any) -> list[date]:
    if not isinstance(value, list):
        raise ValueError
    if len(value) > MAX_DAYS:
        raise TooMany(_l("An edition has at most %(n)s days.", n=MAX_DAYS))
    return [_day(v) for v in value]


def clock(value: Any) -> time | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 5:
        raise ValueError
    return time.fromisoformat(value)


def instant(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError
    return moment


MESSAGES = {
    days: _l("Give a list of dates (YYYY-MM-DD)."),
    clock: _l("Give a time of day (HH:MM)."),
    instant: _l("Give an ISO 8601 date and time with its offset, e.g. 2027-05-15T14:00:00+02:00."),
}


def convert(data: dict[str, Any], converters: dict[str, Callable[[Any], Any]]) -> dict[str, Any]:
    """Turn JSON values into Python ones (dates, times…); every bad one is a 422 field error."""
    out, errors = dict(data), {}
    for name, converter in converters.items():
        if name in data:
            try:
                out[name] = converter(data[name])
            except TooMany as error:
                errors[name] = [error.message]
            except (ValueError, TypeError):
                errors[name] = [MESSAGES[converter]]
    if errors:
        raise ValidationError(errors)
    return out


def _iso(moment: datetime) -> str:
    return to_paris(moment).isoformat()


def venue_json(venue: Venue) -> dict[str, Any]:
    return {"id": venue.id, "name": venue.name, "address": venue.address,
            "postcode": venue.postcode, "city": venue.city, "capacity": venue.capacity,
            "texts": {"transport": _written(venue.transport), "access": _written(venue.access)}}


def _written(texts) -> dict[str, str]:
    """A venue's notes in the languages they are written in."""
    return {lang: text for lang, text in (texts or {}).items() if text}


def _doors_json(day) -> dict[str, Any]:
    opens, closes = door_instants(day.day, day.doors_open, day.doors_close)
    venue = venue_of(day)
    return {"day": day.day.isoformat(), "venue_id": venue.id if venue else None,
            "opens_at": _iso(opens) if opens else None,
            "closes_at": _iso(closes) if closes else None}


def edition_json(edition: Edition) -> dict[str, Any]:
    year = edition.year
    return {
        "year": year, "title": edition.title, "tagline": edition.tagline,
        "description": edition.description, "texts": edition.all_texts(),
        "status": edition.status.value,
        "days": [d.isoformat() for d in edition.dates],
        "day_cutoff": cutoff_of(edition).strftime("%H:%M"),
        "venues": [venue_json(v) for v in edition.venues],
        "doors": [_doors_json(d) for d in edition.days],
        "organisers": [{"association": {"slug": o.association.slug,
                                        "name": o.association.name},
                        "role": o.role.value} for o in edition.organisers],
        "links": {
            "page": absolute_url("editions.edition", year=year),
            "programme": absolute_url("api.editions.programme", year=year),
            "schedule_xml": absolute_url("editions.schedule_xml_export", year=year),
            "schedule_json": absolute_url("editions.schedule_json_export", year=year),
            "ical": absolute_url("editions.programme_ics", year=year),
        },
    }


def room_json(room: Room) -> dict[str, Any]:
    return {"id": room.id, "guid": room.guid, "name": room.name,
            "description": room.description, "texts": room.all_texts(),
            "capacity": room.capacity,
            "opens_at": room.opens_at.strftime("%H:%M") if room.opens_at else None,
            "closes_at": room.closes_at.strftime("%H:%M") if room.closes_at else None,
            "venue_id": room.venue_id, "position": room.position}


def speaker_json(speaker: Speaker) -> dict[str, Any]:
    association = speaker.association
    return {"id": speaker.id, "guid": speaker.guid, "name": speaker.name, "bio": speaker.bio,
            "texts": speaker.all_texts(),
            "photo_url": absolute_url("editions.speaker_photo", name=speaker.photo_filename)
            if speaker.photo_filename else None,
            "association": {"slug": association.slug, "name": association.name}
            if association else None}


def session_json(session: ProgrammeSession) -> dict[str, Any]:
    return {
        "id": session.id, "guid": session.guid, "title": session.title,
        "kind": session.kind.value, "abstract": session.abstract,
        "texts": session.all_texts(),
        "languages": [lang.value for lang in session.languages],
        "track": {"pole": session.pole.value if session.pole else None,
                  "theme": session.theme or None, "name": track_label(session) or None,
                  "texts": track_texts(session)},
        "starts_at": _iso(session.starts_at), "ends_at": _iso(session.ends_at),
        "duration_minutes": session.duration_minutes,
        "room": {"id": session.room.id, "name": session.room.name,
                 "texts": {"name": session.room.texts_of("name")}},
        "speakers": [speaker_json(s) for s in session.speakers],
        "status": session.status.value, "is_highlight": session.is_highlight,
        "registration_required": session.registration_required,
        "url": absolute_url("editions.session", year=session.edition.year,
                            session_id=session.id),
    }
