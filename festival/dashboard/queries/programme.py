"""Programme and associations of an edition: sessions per room and day, how full the rooms
were (where a check-in list named after the room scanned people in), speakers per
association; organisers, exhibitors and stands, membership applications waiting."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from festival.associations.models import Association, MembershipStatus
from festival.checkin.models import Scan
from festival.dashboard.queries.common import admission, room_lists
from festival.dashboard.sqltime import HOUR, bucket, from_epoch
from festival.editions.days import cutoff_of, day_of
from festival.editions.models import (
    Edition,
    EditionOrganiser,
    ProgrammeSession,
    Room,
    SessionSpeaker,
    SessionStatus,
    Speaker,
    StandRequest,
    StandStatus,
)
from festival.extensions import db

EARLY = 15 * 60  # people scanned this long before a session starts are counted for it


@dataclass
class RoomDays:
    id: int
    name: str
    capacity: int | None
    per_day: dict[date, int]     # published sessions starting that festival day
    has_list: bool               # a check-in list is named after the room

    @property
    def total(self) -> int:
        return sum(self.per_day.values())


@dataclass
class SessionFill:
    id: int
    title: str
    room: str
    starts_at: object
    capacity: int | None
    attendees: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.attendees / self.capacity) if self.capacity else None


def rooms_per_day(edition: Edition) -> tuple[list[date], list[RoomDays], int]:
    """Published sessions per room and festival day; also the number of drafts."""
    start = bucket(ProgrammeSession.starts_at, HOUR).label("start_hour")
    counts: dict[tuple[int, date], int] = {}
    for room_id, hour, n in db.session.execute(
            select(ProgrammeSession.room_id, start, func.count(ProgrammeSession.id))
            .where(ProgrammeSession.edition_id == edition.id,
                   ProgrammeSession.status == SessionStatus.PUBLISHED)
            .group_by(ProgrammeSession.room_id, "start_hour")):
        key = (room_id, day_of(from_epoch(hour), cutoff_of(edition)))
        counts[key] = counts.get(key, 0) + n
    listed = {room_id for _, room_id in db.session.execute(room_lists())}
    rooms = [RoomDays(r.id, r.name, r.capacity,
                      {d: counts.get((r.id, d), 0) for d in edition.dates}, r.id in listed)
             for r in db.session.execute(select(Room.id, Room.name, Room.capacity)
                                         .where(Room.edition_id == edition.id)
                                         .order_by(Room.position, Room.id))]
    drafts = db.session.scalar(select(func.count(ProgrammeSession.id)).where(
        ProgrammeSession.edition_id == edition.id,
        ProgrammeSession.status == SessionStatus.DRAFT))
    return list(edition.dates), rooms, drafts or 0


def room_fill(edition: Edition) -> list[SessionFill]:
    """Each published session in a room with a check-in list: distinct tickets admitted on
    that list from a quarter of an hour before it starts until it ends, against the room's
    capacity."""
    lists = room_lists().subquery()
    scanned = bucket(Scan.scanned_at, 1)
    attendees = func.count(func.distinct(case((and_(
        admission(), scanned >= bucket(ProgrammeSession.starts_at, 1) - EARLY,
        Scan.scanned_at < ProgrammeSession.ends_at), Scan.ticket_id))))
    rows = db.session.execute(
        select(ProgrammeSession.id, ProgrammeSession.title, Room.name,
               ProgrammeSession.starts_at, Room.capacity, attendees)
        .join(Room, Room.id == ProgrammeSession.room_id)
        .join(lists, lists.c.room_id == Room.id)
        .outerjoin(Scan, Scan.list_id == lists.c.list_id)
        .where(ProgrammeSession.edition_id == edition.id,
               ProgrammeSession.status == SessionStatus.PUBLISHED)
        .group_by(ProgrammeSession.id, ProgrammeSession.title, Room.name,
                  ProgrammeSession.starts_at, Room.capacity)
        .order_by(ProgrammeSession.starts_at, Room.name))
    return [SessionFill(*row) for row in rows]


def speakers_per_association(edition: Edition) -> list[tuple[str | None, int]]:
    """Distinct speakers of the edition's sessions per association (None: independent)."""
    rows = db.session.execute(
        select(Association.name, func.count(func.distinct(Speaker.id)))
        .select_from(Speaker)
        .join(SessionSpeaker, SessionSpeaker.speaker_id == Speaker.id)
        .join(ProgrammeSession, ProgrammeSession.id == SessionSpeaker.session_id)
        .outerjoin(Association, Association.id == Speaker.association_id)
        .where(ProgrammeSession.edition_id == edition.id)
        .group_by(Association.id, Association.name))
    return sorted(((name, n) for name, n in rows), key=lambda r: (-r[1], r[0] or "~"))


@dataclass
class AssociationFigures:
    organisers: list[tuple[str, str]]            # (association, role code)
    stands_by_status: dict[str, int]
    stands_assigned: int
    exhibitors: list[dict]                       # approved stands
    applications: dict[str, int]                 # applied, under_review
    members: int

    @property
    def applications_waiting(self) -> int:
        return sum(self.applications.values())


def association_figures(edition: Edition) -> AssociationFigures:
    organisers = [(name, role.value) for name, role in db.session.execute(
        select(Association.name, EditionOrganiser.role)
        .join(Association, Association.id == EditionOrganiser.association_id)
        .where(EditionOrganiser.edition_id == edition.id)
        .order_by(EditionOrganiser.role, Association.name))]
    found = dict(db.session.execute(
        select(StandRequest.status, func.count(StandRequest.id))
        .where(StandRequest.edition_id == edition.id).group_by(StandRequest.status)).all())
    by_status = {s.value: found.get(s, 0) for s in StandStatus}
    assigned = db.session.scalar(select(func.count(StandRequest.id)).where(
        StandRequest.edition_id == edition.id, StandRequest.status == StandStatus.APPROVED,
        StandRequest.stand_number.is_not(None)))
    exhibitors = [dict(association=name, stand_number=number or "", zone=zone,
                       size=size.value, electricity=electricity)
                  for name, number, zone, size, electricity in db.session.execute(
                      select(Association.name, StandRequest.stand_number, StandRequest.zone,
                             StandRequest.size, StandRequest.needs_electricity)
                      .join(Association, Association.id == StandRequest.association_id)
                      .where(StandRequest.edition_id == edition.id,
                             StandRequest.status == StandStatus.APPROVED)
                      .order_by(StandRequest.stand_number.is_(None),
                                StandRequest.stand_number, Association.name))]
    waiting = (MembershipStatus.APPLIED, MembershipStatus.UNDER_REVIEW)
    status_counts = dict(db.session.execute(
        select(Association.status, func.count(Association.id))
        .group_by(Association.status)).all())
    return AssociationFigures(
        organisers=organisers, stands_by_status=by_status, stands_assigned=assigned or 0,
        exhibitors=exhibitors,
        applications={s.value: status_counts.get(s, 0) for s in waiting},
        members=status_counts.get(MembershipStatus.MEMBER, 0))
