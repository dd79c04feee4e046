"""What the Frab XML and JSON exports share: the days, rooms and events of a programme, each
value computed once here (`gather`), so that both writers say the same thing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from festival.core.slugs import slugify
from festival.core.timeutil import PARIS, to_paris
from festival.core.urls import absolute_url
from festival.editions.days import cutoff_of, day_bounds, festival_day
from festival.editions.labels import track_label
from festival.editions.models import Edition, ProgrammeSession, Room, Speaker

GENERATOR = "Almoggar"
TIME_ZONE_NAME = str(PARIS)


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


def event_title(session: ProgrammeSession) -> str:
    """The title apps show, in the session's own language (its first; French when it has
    not been written in it). The Frab formats have no status: a cancelled session stays
    listed (an app that has it learns of the cancellation) with the word in its title."""
    title = session.text_in("title", primary_language(session))
    if session.is_cancelled:
        return _("Cancelled: %(title)s", title=title)
    return title


@dataclass(frozen=True)
class ScheduleEvent:
    """One event as both Frab exports write it."""
    session: ProgrammeSession
    id: int
    guid: str
    date: datetime    # in Paris
    start: str        # "HH:MM", Paris wall clock
    duration: str     # "HH:MM"
    room: str
    slug: str
    url: str
    title: str
    track: str | None
    type: str
    language: str
    abstract: str
    is_cancelled: bool
    # Whether the session may not be recorded. The festival keeps no recording consent, so
    # it is unknown (None): JSON `do_not_record: null`, and no <recording> in the XML (whose
    # <optout> must be true or false).
    do_not_record: bool | None
    persons: list[Speaker]


def schedule_event(edition: Edition, session: ProgrammeSession) -> ScheduleEvent:
    start = to_paris(session.starts_at)
    return ScheduleEvent(
        session=session, id=session.id, guid=session.guid, date=start,
        start=start.strftime("%H:%M"), duration=duration(session), room=session.room.name,
        slug=event_slug(edition, session),
        url=absolute_url("editions.session", year=edition.year, session_id=session.id),
        title=event_title(session), track=track_name(session) or None,
        type=session.kind.value, language=primary_language(session),
        abstract=session.text_in("abstract", primary_language(session)),
        is_cancelled=session.is_cancelled, do_not_record=None,
        persons=session.speakers)


@dataclass
class ScheduleDay:
    index: int
    day: date
    start: datetime   # the cut-off (05:00) in Paris
    end: datetime     # a minute before the next morning's cut-off
    rooms: list[tuple[Room, list[ScheduleEvent]]]


@dataclass
class Schedule:
    """The programme as the Frab exports write it."""
    version: str
    url: str              # the programme's page
    base_url: str         # the site, for relative addresses
    conference_url: str   # the edition's page
    time_zone_name: str
    days: list[ScheduleDay]


def festival_day_of(edition: Edition, session: ProgrammeSession) -> date | None:
    """The day of the edition a session is exported in (editions.days)."""
    return festival_day(edition, session.starts_at)


def schedule_days(edition: Edition, sessions: list[ProgrammeSession]) -> list[ScheduleDay]:
    days = edition.dates
    result = []
    for index, day in enumerate(days, start=1):
        start, next_start = (to_paris(b) for b in day_bounds(day, cutoff_of(edition)))
        end = next_start - timedelta(minutes=1)
        mine = [s for s in sessions if festival_day_of(edition, s) == day]
        rooms = []
        for room in edition.rooms:
            in_room = [schedule_event(edition, s) for s in mine if s.room_id == room.id]
            if in_room:
                rooms.append((room, in_room))
        result.append(ScheduleDay(index, day, start, end, rooms))
    return result


def schedule_version(edition: Edition, sessions: list[ProgrammeSession]) -> str:
    """Changes whenever the published programme changes (apps use it to refresh)."""
    stamps = [edition.updated_at] + [s.updated_at for s in sessions] + \
        [r.updated_at for r in edition.rooms]
    return to_paris(max(stamps)).strftime("%Y-%m-%d %H:%M")


def gather(edition: Edition, sessions: list[ProgrammeSession]) -> Schedule:
    """Everything both Frab writers need, computed once (call it in the export's locale)."""
    return Schedule(
        version=schedule_version(edition, sessions),
        url=absolute_url("editions.programme", year=edition.year),
        base_url=absolute_url("core.home"),
        conference_url=absolute_url("editions.edition", year=edition.year),
        time_zone_name=TIME_ZONE_NAME,
        days=schedule_days(edition, sessions))
