"""Reads of the shift plan: for the volunteers' phone pages, the organisers' plan and its
"now" view, the reminders and the exports."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from festival.accounts.models import User
from festival.associations.models import Association, MembershipStatus
from festival.core.access import Role
from festival.editions.days import cutoff_of, day_of
from festival.editions.models import Edition
from festival.extensions import db
from festival.volunteers.models import Shift, ShiftAssignment

MAX_PEOPLE_LISTED = 1000  # people offered in the organisers' "assign" list, at most
SOON = timedelta(hours=2)  # the "now" view also shows shifts starting this soon


def _with_people():
    return selectinload(Shift.assignments).selectinload(ShiftAssignment.user)


def shifts_of(edition_id: int) -> list[Shift]:
    """Every shift of an edition, by start, with its people."""
    return list(db.session.scalars(
        select(Shift).where(Shift.edition_id == edition_id)
        .order_by(Shift.starts_at, Shift.id).options(_with_people())))


def shift_in_edition(edition_id: int, shift_id: int) -> Shift | None:
    shift = db.session.get(Shift, shift_id)
    return shift if shift is not None and shift.edition_id == edition_id else None


def assignment_of(shift: Shift, assignment_id: int) -> ShiftAssignment | None:
    return next((a for a in shift.people if a.id == assignment_id), None)


def shifts_of_user(user_id: int, edition_id: int | None = None) -> list[Shift]:
    """The shifts a person holds (not withdrawn), by start."""
    query = (select(Shift).join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
             .where(ShiftAssignment.user_id == user_id, ShiftAssignment.withdrawn_at.is_(None))
             .order_by(Shift.starts_at, Shift.id).options(_with_people()))
    if edition_id is not None:
        query = query.where(Shift.edition_id == edition_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Day:
    day: date
    shifts: list[Shift]


def by_day(edition: Edition, shifts: list[Shift]) -> list[Day]:
    """Shifts grouped by festival day (a shift at 01:00 belongs to the evening before)."""
    cutoff = cutoff_of(edition)
    days: dict[date, list[Shift]] = {}
    for shift in shifts:
        days.setdefault(day_of(shift.starts_at, cutoff), []).append(shift)
    return [Day(d, items) for d, items in sorted(days.items())]


def holds(shift: Shift, user_id: int) -> bool:
    return any(a.user_id == user_id for a in shift.people)


@dataclass(frozen=True)
class NowView:
    running: list[Shift]   # shifts in progress, with who is on each post
    missing: list[Shift]   # running or starting soon, with places left


def now_view(edition_id: int, now: datetime) -> NowView:
    shifts = [s for s in shifts_of(edition_id) if s.ends_at > now]
    running = [s for s in shifts if s.starts_at <= now]
    missing = [s for s in shifts if s.starts_at <= now + SOON and s.places_left > 0]
    return NowView(running, missing)


def placeable_people() -> list[User]:
    """Who an organiser may place on a shift: volunteers, member associations'
    representatives, organisers and admins with a live account, by name."""
    member = select(Association.id).where(Association.status == MembershipStatus.MEMBER)
    return list(db.session.scalars(
        select(User).where(User.is_enabled, or_(
            User.role.in_((Role.VOLUNTEER, Role.ORGANISER, Role.ADMIN)),
            (User.role == Role.ASSOCIATION) & User.association_id.in_(member)))
        .order_by(User.name, User.email).limit(MAX_PEOPLE_LISTED)))


def shift_in_edition_any(shift_id: int) -> Shift | None:
    """A shift by its id, with its people, whatever its edition."""
    return db.session.scalar(select(Shift).where(Shift.id == shift_id)
                             .options(_with_people()))


def placeable_person(user_id: int | None) -> User | None:
    """The person an organiser chose to place (services.assign checks they may be)."""
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def assignments_of_user(user_id: int) -> list[ShiftAssignment]:
    """Every place a person held or holds on a shift (withdrawn ones too), by start."""
    return list(db.session.scalars(
        select(ShiftAssignment).join(Shift, Shift.id == ShiftAssignment.shift_id)
        .where(ShiftAssignment.user_id == user_id)
        .order_by(Shift.starts_at, ShiftAssignment.id)))
