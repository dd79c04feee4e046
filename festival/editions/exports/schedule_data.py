"""What the Frab XML and JSON exports share: the days, rooms and events of a programme."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from festival.core.slugs import slugify
from festival.core.timeutil import PARIS, to_paris
from festival.editions.clashes import DAY_ENDS_AT
from festival.editions.labels import track_label
from festival.editions.models import Edition, ProgrammeSession, Room

GENERATOR = "Almoggar"


def event_slug(edition: Edition, session: ProgrammeSession) -> str:
    """ASCII, unique and stable, valid for the c3voc schemas (`[a-z0-9_]{4,}-[a-z0-9-_]{4,}`):
    `almoggar2027-12-l-eau-dans-le-souss-massa`; an Arabic title is transliterated, and a title
    with no letter to keep gives `almoggar2027-session-12`."""
    words = slugify(session.title, 50)
    if not words:
        return f"{edition.acronym}-session-{session.id}"
    return f"{edition.acronym}-{session.id}-{words}"


def duration(session: ProgrammeSession) -> str:
    minutes = session.duration_minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def primary_language(session: ProgrammeSession) -> str:
    languages = session.languages
    return languages[0].value if languages else "fr"


def track_name(session: ProgrammeSession) -> str:
    return track_label(session)


@dataclass
class ScheduleDay:
    index: int
    day: date
    start: datetime   # 04:00 in Paris
    end: datetime     # 03:59 the next morning
    rooms: list[tuple[Room, list[ProgrammeSession]]]


def festival_day_of(session: ProgrammeSession, days: list[date]) -> date | None:
    local = to_paris(session.starts_at)
    day = local.date()
    if local.time() < DAY_ENDS_AT and day - timedelta(days=1) in days:
        return day - timedelta(days=1)
    return day if day in days else None


def schedule_days(edition: Edition, sessions: list[ProgrammeSession]) -> list[ScheduleDay]:
    days = edition.dates
    result = []
    for index, day in enumerate(days, start=1):
        start = datetime.combine(day, DAY_ENDS_AT, tzinfo=PARIS)
        end = start + timedelta(days=1, minutes=-1)
        mine = [s for s in sessions if festival_day_of(s, days) == day]
        rooms = []
        for room in edition.rooms:
            in_room = [s for s in mine if s.room_id == room.id]
            if in_room:
                rooms.append((room, in_room))
        result.append(ScheduleDay(index, day, start, end, rooms))
    return result


def schedule_version(edition: Edition, sessions: list[ProgrammeSession]) -> str:
    """Changes whenever the published programme changes (apps use it to refresh)."""
    stamps = [edition.updated_at] + [s.updated_at for s in sessions] + \
        [r.updated_at for r in edition.rooms]
    return to_paris(max(stamps)).strftime("%Y-%m-%d %H:%M")
