"""Reads for the editions' pages, exports and API. Nothing here changes a row."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from festival.associations.models import Association, MembershipStatus, Pole
from festival.core.access import Role
from festival.core.errors import NotFound
from festival.core.timeutil import PARIS, to_paris, utcnow
from festival.editions import days as festival_days
from festival.editions.labels import POLE, track_label
from festival.editions.models import (
    PUBLIC_STATUSES,
    Edition,
    EditionStatus,
    Language,
    ProgrammeSession,
    Room,
    SessionSpeaker,
    SessionStatus,
    Speaker,
    StandRequest,
    StandStatus,
)
from festival.editions.services.editions import MAX_YEAR, MIN_YEAR
from festival.extensions import db

PREVIEW_ROLES = (Role.ADMIN, Role.ORGANISER)


def viewer_may_preview(user=None) -> bool:
    """Organisers (and admins) also see draft editions, marked as such."""
    user = current_user if user is None else user
    return bool(getattr(user, "is_authenticated", False)) and user.role in PREVIEW_ROLES


def edition_for_year(year: int, *, include_drafts: bool = False) -> Edition:
    """Errors: edition_not_found (a year out of MIN_YEAR…MAX_YEAR is never looked up: no
    database integer holds the year an address may carry)."""
    edition = (db.session.scalar(select(Edition).where(Edition.year == year))
               if MIN_YEAR <= year <= MAX_YEAR else None)
    if edition is None or (edition.status is EditionStatus.DRAFT and not include_drafts):
        raise NotFound("edition_not_found", _l("There is no edition in this year."))
    return edition


def visible_edition(year: int) -> Edition:
    """The edition of `year` as the current visitor may see it (drafts: organisers only)."""
    return edition_for_year(year, include_drafts=viewer_may_preview())


def public_editions() -> list[Edition]:
    return list(db.session.scalars(select(Edition).where(
        Edition.status != EditionStatus.DRAFT).order_by(Edition.year.desc())))


def all_editions() -> list[Edition]:
    return list(db.session.scalars(select(Edition).order_by(Edition.year.desc())))


def current_edition(today: date | None = None) -> Edition | None:
    """The edition the home page features: the next (or running) public one that is not
    archived, else the most recent public one."""
    now = utcnow()
    editions = public_editions()
    coming = [e for e in editions if e.status is not EditionStatus.ARCHIVED
              and e.last_day is not None
              and e.last_day >= (today or festival_days.today(e, now))]
    if coming:
        return min(coming, key=lambda e: e.first_day)
    return editions[0] if editions else None


def year_on_sale() -> int | None:
    """The year of the edition whose tickets are on sale (the earliest, should there be two),
    or None: the public menu links to its shop."""
    return db.session.scalar(select(Edition.year).where(Edition.status == EditionStatus.ON_SALE)
                             .order_by(Edition.year).limit(1))


def past_editions(current: Edition | None) -> list[Edition]:
    return [e for e in public_editions() if current is None or e.id != current.id]


def member_associations() -> list[Association]:
    return list(db.session.scalars(select(Association).where(
        Association.status == MembershipStatus.MEMBER).order_by(func.lower(Association.name))))


# Sessions -----------------------------------------------------------------------------------

def _sessions_query(edition: Edition):
    return select(ProgrammeSession).join(ProgrammeSession.room).where(
        ProgrammeSession.edition_id == edition.id).order_by(
        ProgrammeSession.starts_at, Room.position, Room.id, ProgrammeSession.id)


def published_sessions(edition: Edition) -> list[ProgrammeSession]:
    """What the public sees: never a draft session."""
    return list(db.session.scalars(_sessions_query(edition).where(
        ProgrammeSession.status == SessionStatus.PUBLISHED)).unique())


def spoken_in(sessions: list[ProgrammeSession], language: str | None) -> list[ProgrammeSession]:
    """The sessions held in `language` (a Language code: fr, ar, tzm, en); all when None."""
    if not language:
        return sessions
    return [s for s in sessions if any(lang.value == language for lang in s.languages)]


def language_code(raw: str | None) -> str | None:
    """A session language asked for in a query string, or None when it names none."""
    return raw if raw in {lang.value for lang in Language} else None


def listed_sessions(edition: Edition) -> list[ProgrammeSession]:
    """What the exports carry: the published sessions and the cancelled ones, so that
    calendars and schedule apps learn of a cancellation and drop the session."""
    return list(db.session.scalars(_sessions_query(edition).where(
        ProgrammeSession.status.in_(PUBLIC_STATUSES))).unique())


# A visitor's agenda holds at most this many sessions (the browser keeps it; the calendar
# export reads it from the address).
AGENDA_LIMIT = 200


def agenda_ids(raw: str) -> set[int]:
    """The session ids of an agenda's address (`12,15,40`). Errors: ValueError with a message
    for a reader, for anything but at most AGENDA_LIMIT whole numbers."""
    parts = [p for p in raw.split(",") if p.strip()] if raw else []
    if len(parts) > AGENDA_LIMIT:
        raise ValueError(str(_l("An agenda holds at most %(n)s sessions.", n=AGENDA_LIMIT)))
    if not all(p.strip().isascii() and p.strip().isdigit() and len(p.strip()) <= 10
               for p in parts):
        raise ValueError(str(_l("This agenda's address is not valid: it should list session "
                                "numbers separated by commas.")))
    return {int(p) for p in parts}


def all_sessions(edition: Edition) -> list[ProgrammeSession]:
    return list(db.session.scalars(_sessions_query(edition)).unique())


def public_session(edition: Edition, session_id: int) -> ProgrammeSession:
    """A published or cancelled session (a cancelled one says so). Errors: session_not_found."""
    session = db.session.get(ProgrammeSession, session_id)
    if session is None or session.edition_id != edition.id or not session.is_public:
        raise NotFound("session_not_found", _l("There is no such session in this programme."))
    return session


def session_in_edition(edition: Edition, session_id: int) -> ProgrammeSession:
    """Any of the edition's sessions, drafts included (back office). Errors: session_not_found."""
    session = db.session.get(ProgrammeSession, session_id)
    if session is None or session.edition_id != edition.id:
        raise NotFound("session_not_found", _l("There is no such session in this edition."))
    return session


def room_in_edition(edition: Edition, room_id: int) -> Room:
    """Errors: room_not_found (also for another edition's room)."""
    room = db.session.get(Room, room_id)
    if room is None or room.edition_id != edition.id:
        raise NotFound("room_not_found", _l("There is no such room in this edition."))
    return room


def speaker_or_404(speaker_id: int) -> Speaker:
    """Errors: speaker_not_found."""
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None:
        raise NotFound("speaker_not_found", _l("There is no such speaker."))
    return speaker


def highlights(edition: Edition, limit: int = 4) -> list[ProgrammeSession]:
    sessions = published_sessions(edition)
    chosen = [s for s in sessions if s.is_highlight] or sessions
    return chosen[:limit]


def day_of(session: ProgrammeSession) -> date:
    """The festival day a session belongs to (editions.days: 01:30 is the evening before)."""
    return festival_days.day_of(session.starts_at, festival_days.cutoff_of(session.edition))


def sessions_on(sessions: list[ProgrammeSession], day: date) -> list[ProgrammeSession]:
    return [s for s in sessions if day_of(s) == day]


@dataclass
class TimeGroup:
    """Sessions that start at the same time (the phone timeline)."""
    label: str         # "15:00"
    anchor: str        # "t-1500"
    hour: int
    sessions: list[ProgrammeSession]


def time_groups(sessions: list[ProgrammeSession]) -> list[TimeGroup]:
    groups = []
    for label, items in groupby(sessions, key=lambda s: to_paris(s.starts_at).strftime("%H:%M")):
        items = list(items)
        groups.append(TimeGroup(label, "t-" + label.replace(":", ""),
                                to_paris(items[0].starts_at).hour, items))
    return groups


def hour_anchors(groups: list[TimeGroup]) -> list[tuple[int, str]]:
    """For each hour of the day, where the timeline jumps: the first group at or after it."""
    anchors: list[tuple[int, str]] = []
    for group in groups:
        if not anchors or anchors[-1][0] != group.hour:
            anchors.append((group.hour, group.anchor))
    return anchors


def running_at(sessions: list[ProgrammeSession], moment: datetime) -> list[ProgrammeSession]:
    return [s for s in sessions if s.starts_at <= moment < s.ends_at]


def starting_within(sessions: list[ProgrammeSession], moment: datetime,
                    window: timedelta) -> list[ProgrammeSession]:
    return [s for s in sessions if moment < s.starts_at <= moment + window]


# The grid of one day (large screens), drawn to scale: one column per room, one grid line
# every GRID_STEP; a session spans the lines from its start to its end, so its height follows
# its duration and it starts at its time's line. Sessions that overlap in one room (a
# clash) sit side by side in lanes of that room's column.

GRID_STEP = timedelta(minutes=5)
# Grid row 1 holds the rooms' names, row 2 a little room for the first time's label.
FIRST_LINE = 3


@dataclass
class PlacedSession:
    session: ProgrammeSession
    room: Room
    row: int                   # first grid row (1-based; FIRST_LINE is the first time's)
    row_end: int               # grid row after its end
    column: int                # first grid column (1-based; column 1 holds the times)
    lanes: int = 1             # of its room's lanes, how many it spans (1)


@dataclass
class GridMark:
    row: int
    label: str                 # "15:00" on full and half hours
    anchor: str
    is_hour: bool


@dataclass
class GridRoom:
    room: Room
    column: int
    lanes: int


@dataclass
class DayGrid:
    rooms: list[GridRoom]
    rows: int                  # grid rows of the day (one per GRID_STEP)
    marks: list[GridMark]
    sessions: list[PlacedSession]   # in time order (the reading order)

    @property
    def columns(self) -> int:
        return 1 + sum(r.lanes for r in self.rooms)

    @property
    def step_minutes(self) -> int:
        """The minutes of one row: what a drop on the organisers' grid snaps to."""
        return int(GRID_STEP.total_seconds() // 60)


def _floor(moment: datetime, step: timedelta) -> datetime:
    local = to_paris(moment)
    minutes = (local.hour * 60 + local.minute) // int(step.total_seconds() // 60)
    base = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return base + step * minutes


def _lanes(sessions: list[ProgrammeSession]) -> tuple[dict[int, int], int]:
    """A lane per session so that overlapping sessions never share one: the first free lane
    in start order. Returns each session's lane and how many lanes the room needs."""
    ends: list[datetime] = []
    lane_of: dict[int, int] = {}
    for s in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.id)):
        lane = next((i for i, end in enumerate(ends) if end <= s.starts_at), len(ends))
        if lane == len(ends):
            ends.append(s.ends_at)
        else:
            ends[lane] = s.ends_at
        lane_of[s.id] = lane
    return lane_of, max(len(ends), 1)


def day_grid(sessions: list[ProgrammeSession], rooms: list[Room], *,
             every_room: bool = False, spans: tuple[datetime, datetime] | None = None
             ) -> DayGrid:
    """The day drawn to scale (see above). Rooms without a session that day are left out,
    unless `every_room` (the organisers' grid, to drop sessions into); `spans` widens the
    day to at least these two instants (the rooms' opening hours)."""
    placed_rooms = [r for r in rooms if every_room or any(s.room_id == r.id for s in sessions)]
    with_room = [s for s in sessions if any(s.room_id == r.id for r in placed_rooms)]
    if not with_room and spans is None:
        return DayGrid([], 0, [], [])
    starts = [s.starts_at for s in with_room] + ([spans[0]] if spans else [])
    ends = [s.ends_at for s in with_room] + ([spans[1]] if spans else [])
    first = _floor(min(starts), timedelta(hours=1))
    last = max(to_paris(e) for e in ends)
    step = GRID_STEP.total_seconds()

    def line(moment: datetime, up: bool = False) -> int:
        whole, rest = divmod((to_paris(moment) - first).total_seconds(), step)
        return FIRST_LINE + int(whole) + (1 if up and rest else 0)

    rows = max(line(last, up=True) - FIRST_LINE, 1)
    grid_rooms, placed, column = [], [], 2
    for room in placed_rooms:
        of_room = [s for s in with_room if s.room_id == room.id]
        lane_of, lanes = _lanes(of_room)
        grid_rooms.append(GridRoom(room, column, lanes))
        for s in of_room:
            start = line(s.starts_at)
            placed.append(PlacedSession(s, room, start, max(line(s.ends_at, up=True), start + 1),
                                        column + lane_of[s.id]))
        column += lanes
    placed.sort(key=lambda p: (p.session.starts_at, p.column))
    marks = []
    for index in range(0, rows + 1, int(timedelta(minutes=30).total_seconds() // step)):
        moment = first + GRID_STEP * index
        marks.append(GridMark(FIRST_LINE + index, moment.strftime("%H:%M"),
                              "g-" + moment.strftime("%H%M"), moment.minute == 0))
    return DayGrid(grid_rooms, rows, marks, placed)


# Tracks and speakers ------------------------------------------------------------------------

@dataclass
class TrackGroup:
    key: str
    name: str
    sessions: list[ProgrammeSession]


def by_track(sessions: list[ProgrammeSession]) -> list[TrackGroup]:
    """Pôles first (in their order), then free themes (alphabetical), then the rest."""
    groups: list[TrackGroup] = []
    for pole in Pole:
        items = [s for s in sessions if s.pole is pole]
        if items:
            groups.append(TrackGroup(f"pole-{pole.value}", str(POLE[pole]), items))
    themes = {s.theme: track_label(s) for s in sessions if s.pole is None and s.theme}
    for code, name in sorted(themes.items(), key=lambda item: item[1].lower()):
        groups.append(TrackGroup(f"theme-{code}", name,
                                 [s for s in sessions if s.pole is None and s.theme == code]))
    rest = [s for s in sessions if s.pole is None and not s.theme]
    if rest:
        groups.append(TrackGroup("other", "", rest))
    return groups


def speakers_of(sessions: list[ProgrammeSession]) -> list[tuple[Speaker, list[ProgrammeSession]]]:
    found: dict[int, tuple[Speaker, list[ProgrammeSession]]] = {}
    for session in sessions:
        for speaker in session.speakers:
            found.setdefault(speaker.id, (speaker, []))[1].append(session)
    return sorted(found.values(), key=lambda pair: pair[0].name.lower())


def all_speakers() -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).order_by(func.lower(Speaker.name))))


def speaker_session_counts() -> dict[int, int]:
    rows = db.session.execute(select(SessionSpeaker.speaker_id, func.count()).group_by(
        SessionSpeaker.speaker_id))
    return {speaker_id: count for speaker_id, count in rows}


# Now and next (screens at the venue) --------------------------------------------------------

@dataclass
class RoomNow:
    room: Room
    now: ProgrammeSession | None
    next: ProgrammeSession | None


def now_and_next(edition: Edition, moment: datetime) -> list[RoomNow]:
    sessions = published_sessions(edition)
    result = []
    for room in edition.rooms:
        mine = [s for s in sessions if s.room_id == room.id]
        running = [s for s in mine if s.starts_at <= moment < s.ends_at]
        coming = [s for s in mine if s.starts_at > moment
                  and day_of(s) == festival_days.today(edition, moment)]
        if mine:
            result.append(RoomNow(room, running[0] if running else None,
                                  coming[0] if coming else None))
    return result


def parse_moment(day: str | None, at: str | None) -> datetime | None:
    """A Paris wall-clock day and time from a query string, or None when malformed."""
    try:
        chosen = date.fromisoformat(day or "")
        hours, minutes = (int(part) for part in (at or "").split(":"))
        return datetime(chosen.year, chosen.month, chosen.day, hours, minutes, tzinfo=PARIS)
    except (ValueError, TypeError):
        return None


# Exhibitors ---------------------------------------------------------------------------------

def approved_exhibitors(edition: Edition) -> list[StandRequest]:
    rows = db.session.scalars(select(StandRequest).join(StandRequest.association).where(
        StandRequest.edition_id == edition.id,
        StandRequest.status == StandStatus.APPROVED).order_by(
        func.lower(Association.name))).unique()
    return list(rows)


def stand_requests(edition: Edition) -> list[StandRequest]:
    return list(db.session.scalars(select(StandRequest).where(
        StandRequest.edition_id == edition.id).options(
        selectinload(StandRequest.events)).order_by(StandRequest.created_at)).unique())


def stand_of(edition: Edition, association_id: int | None) -> StandRequest | None:
    if association_id is None:
        return None
    return db.session.scalar(select(StandRequest).where(
        StandRequest.edition_id == edition.id, StandRequest.association_id == association_id))


def home_page() -> dict:
    """What the home page shows: the current edition, its highlights, the past editions."""
    current = current_edition()
    return {"edition": current,
            "highlights": highlights(current, limit=3) if current else [],
            "past_editions": past_editions(current)}
