"""Reads for the editions' pages, exports and API. Nothing here changes a row."""
from __future__ import annotations

from dataclasses import dataclass, field
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
from festival.editions.labels import POLE
from festival.editions.models import (
    PUBLIC_STATUSES,
    Edition,
    EditionStatus,
    ProgrammeSession,
    Room,
    SessionSpeaker,
    SessionStatus,
    Speaker,
    StandRequest,
    StandStatus,
)
from festival.extensions import db

SLOT = timedelta(minutes=15)
PREVIEW_ROLES = (Role.ADMIN, Role.ORGANISER)


def viewer_may_preview(user=None) -> bool:
    """Organisers (and admins) also see draft editions, marked as such."""
    user = current_user if user is None else user
    return bool(getattr(user, "is_authenticated", False)) and user.role in PREVIEW_ROLES


def edition_for_year(year: int, *, include_drafts: bool = False) -> Edition:
    edition = db.session.scalar(select(Edition).where(Edition.year == year))
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


def listed_sessions(edition: Edition) -> list[ProgrammeSession]:
    """What the exports carry: the published sessions and the cancelled ones, so that
    calendars and schedule apps learn of a cancellation and drop the session."""
    return list(db.session.scalars(_sessions_query(edition).where(
        ProgrammeSession.status.in_(PUBLIC_STATUSES))).unique())


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


# The grid of one day (large screens): a table with one column per room, one row per slot.

@dataclass
class GridCell:
    start: int                 # first slot
    end: int                   # slot after the last
    sessions: list[ProgrammeSession] = field(default_factory=list)

    @property
    def span(self) -> int:
        return self.end - self.start


@dataclass
class GridRow:
    label: str                 # "15:00" on full and half hours, else ""
    anchor: str
    cells: list[GridCell | None | str]  # a cell starting here, None (empty), "covered"


@dataclass
class DayGrid:
    rooms: list[Room]
    rows: list[GridRow]


def _floor(moment: datetime, step: timedelta) -> datetime:
    local = to_paris(moment)
    minutes = (local.hour * 60 + local.minute) // int(step.total_seconds() // 60)
    base = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return base + step * minutes


def day_grid(sessions: list[ProgrammeSession], rooms: list[Room]) -> DayGrid:
    """The day as a table: sessions overlapping in one room (a confirmed clash) share a cell."""
    used = [r for r in rooms if any(s.room_id == r.id for s in sessions)]
    if not sessions:
        return DayGrid(used, [])
    first = _floor(min(s.starts_at for s in sessions), timedelta(hours=1))
    last = max(to_paris(s.ends_at) for s in sessions)

    def slot(moment: datetime, up: bool = False) -> int:
        seconds = (to_paris(moment) - first).total_seconds()
        whole, rest = divmod(seconds, SLOT.total_seconds())
        return int(whole) + (1 if up and rest else 0)

    count = max(slot(last, up=True), 1)
    columns: list[dict[int, GridCell]] = []
    for room in used:
        cells: dict[int, GridCell] = {}
        current: GridCell | None = None
        for s in (s for s in sessions if s.room_id == room.id):
            start, end = slot(s.starts_at), max(slot(s.ends_at, up=True), slot(s.starts_at) + 1)
            if current is not None and start < current.end:
                current.sessions.append(s)
                current.end = max(current.end, end)
            else:
                current = GridCell(start, end, [s])
                cells[start] = current
        columns.append(cells)
    rows: list[GridRow] = []
    covered_until = [0] * len(used)
    for index in range(count):
        moment = first + SLOT * index
        label = moment.strftime("%H:%M") if moment.minute in (0, 30) else ""
        row_cells: list[GridCell | None | str] = []
        for col, cells in enumerate(columns):
            if index in cells:
                row_cells.append(cells[index])
                covered_until[col] = cells[index].end
            elif index < covered_until[col]:
                row_cells.append("covered")
            else:
                row_cells.append(None)
        rows.append(GridRow(label, "g-" + moment.strftime("%H%M"), row_cells))
    return DayGrid(used, rows)


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
    themes = sorted({s.theme for s in sessions if s.pole is None and s.theme}, key=str.lower)
    for index, theme in enumerate(themes):
        groups.append(TrackGroup(f"theme-{index + 1}", theme,
                                 [s for s in sessions if s.pole is None and s.theme == theme]))
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
