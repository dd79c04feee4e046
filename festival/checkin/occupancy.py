"""How full each room is now, from the entries and exits at its door (a check-in list with
the room's id, CheckinList.room_id).

A room's people inside are the tickets whose presence on the room's lists is `inside` and was
last changed during the current sitting: from a quarter of an hour before the session in
progress (or, between sessions, since the last one ended). People rarely scan out when a
session ends; counting only the current sitting keeps the last session's audience out of the
next one's count. A room is full when that count reaches the session's own capacity, or else
the room's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from festival.checkin.models import CheckinList, TicketPresence
from festival.core.timeutil import utcnow
from festival.editions.days import festival_days
from festival.editions.models import Edition, ProgrammeSession, Room, SessionStatus
from festival.extensions import db

# People come in a little before a session starts: they count for it.
EARLY = timedelta(minutes=15)


@dataclass(frozen=True)
class RoomOccupancy:
    room: Room
    inside: int
    capacity: int | None               # the session's own, else the room's
    session: ProgrammeSession | None   # the session in progress (or about to start)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.inside >= self.capacity

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.inside, 0)

    @property
    def percent(self) -> int | None:
        return round(100 * self.inside / self.capacity) if self.capacity else None

    @property
    def overflow(self) -> Room | None:
        return self.room.overflow_room

    @property
    def stream_url(self) -> str:
        return self.room.stream_url or ""


def _sitting(sessions: list[ProgrammeSession], day_start: datetime,
             now: datetime) -> tuple[ProgrammeSession | None, datetime]:
    """The session in progress in a room (from EARLY before its start) and since when its
    audience is counted; between sessions, none and the end of the last one."""
    current = next((s for s in sessions if s.starts_at - EARLY <= now < s.ends_at), None)
    if current is not None:
        return current, current.starts_at - EARLY
    ended = [s.ends_at for s in sessions if s.ends_at <= now]
    return None, max(ended + [day_start])


def room_occupancy(edition: Edition, now: datetime | None = None) -> dict[int, RoomOccupancy]:
    """Each room of the edition that has a check-in list at its door: how many are inside
    now, against its capacity (room id → RoomOccupancy). Empty outside the festival days."""
    now = now or utcnow()
    today = next((d for d in festival_days(edition) if d.holds(now)), None)
    lists = db.session.execute(select(CheckinList.id, CheckinList.room_id).where(
        CheckinList.edition_id == edition.id, CheckinList.room_id.is_not(None))).all()
    if today is None or not lists:
        return {}
    lists_of: dict[int, list[int]] = {}
    for list_id, room_id in lists:
        lists_of.setdefault(room_id, []).append(list_id)
    sessions = db.session.scalars(select(ProgrammeSession).where(
        ProgrammeSession.edition_id == edition.id,
        ProgrammeSession.room_id.in_(lists_of),
        ProgrammeSession.status == SessionStatus.PUBLISHED,
        ProgrammeSession.starts_at < today.ends_at, ProgrammeSession.ends_at > today.starts_at)
        .order_by(ProgrammeSession.starts_at)).all()
    found = {}
    for room in edition.rooms:
        if room.id not in lists_of:
            continue
        session, since = _sitting([s for s in sessions if s.room_id == room.id],
                                  today.starts_at, now)
        inside = db.session.scalar(select(func.count()).select_from(TicketPresence).where(
            TicketPresence.list_id.in_(lists_of[room.id]), TicketPresence.inside,
            TicketPresence.updated_at >= since)) or 0
        capacity = (session.capacity if session is not None and session.capacity
                    else room.capacity)
        found[room.id] = RoomOccupancy(room, inside, capacity, session)
    return found
