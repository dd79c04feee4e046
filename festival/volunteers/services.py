"""The rules of volunteer shifts: organisers define shifts and place people on them;
volunteers sign up and withdraw.

Who may hold a shift: a volunteer (role volunteer), or the representative of a member
association (role association, their association a member: signing up is how they offer
help). Organisers and admins may also be placed on a shift by an organiser.

The rules, checked on every change of a shift's people:
- a shift never has more people than it needs (`shift_full`);
- no one is on two shifts that overlap in time (`shift_clash`, naming the other shift);
- volunteers sign up and withdraw only until VOLUNTEER_DEADLINE_HOURS before the shift
  starts (`deadline_passed`); organisers still place and move people until the shift ends.

Concurrency: every change of a shift's people first locks the person's user row, then the
shift's row (core.unit_of_work.lock_row), always in that order, and only then counts and
looks for clashes. Two sign-ups for the last place queue on the shift's lock, and the second
counts the first; one person signing up to two overlapping shifts at once queues on their own
user row, and the second sees the first. A partial unique index keeps one live assignment per
person and shift whatever happens. Services flush and never commit.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.checkin.devices import revoke_device
from festival.checkin.models import CheckinList, Device
from festival.core.access import Role
from festival.core.errors import Conflict, DomainError, NotFound, ValidationError
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import lock_row
from festival.editions.models import Edition, EditionStatus, Room
from festival.extensions import db
from festival.volunteers.labels import shift_name
from festival.volunteers.models import Shift, ShiftAssignment, ShiftTask
from festival.volunteers.notifications import queue_placed, queue_removed

LANGUAGES = ("fr", "en", "ar", "tzm")
MAX_PEOPLE = 200
MAX_NOTES = 2000
MAX_TITLE = 120
MAX_LENGTH = timedelta(hours=24)
PHONE = re.compile(r"^\+?[0-9 ().\-]{4,39}$")
DEFAULT_DEADLINE_HOURS = 24


def deadline_hours() -> int:
    return int(current_app.config.get("VOLUNTEER_DEADLINE_HOURS", DEFAULT_DEADLINE_HOURS))


def deadline_of(shift: Shift) -> datetime:
    """Until when volunteers may sign up for or withdraw from `shift`."""
    return shift.starts_at - timedelta(hours=deadline_hours())


def may_volunteer(user: User | None) -> bool:
    """Whether `user` may sign up for shifts: a volunteer, or the representative of a member
    association, with a live account."""
    if user is None or not user.is_enabled:
        return False
    if user.role is Role.VOLUNTEER:
        return True
    return user.role is Role.ASSOCIATION and user.association is not None \
        and user.association.is_member


def may_be_placed(user: User | None) -> bool:
    """Whether an organiser may place `user` on a shift: anyone who may volunteer, and the
    organisers and admins themselves."""
    return may_volunteer(user) or (user is not None and user.is_enabled
                                   and user.role in (Role.ORGANISER, Role.ADMIN))


def open_to_volunteers(edition: Edition) -> bool:
    """Volunteers see and sign up for the shifts of a public edition that is not archived."""
    return edition.status in (EditionStatus.PUBLISHED, EditionStatus.ON_SALE,
                              EditionStatus.CLOSED)


# Defining shifts --------------------------------------------------------------------------

def _notes(raw, errors: dict) -> dict[str, str]:
    raw = raw if isinstance(raw, Mapping) else {}
    notes = {}
    for lang in LANGUAGES:
        text = str(raw.get(lang) or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_NOTES:
            errors[f"notes_{lang}"] = [_l("At most %(n)s characters.", n=MAX_NOTES)]
        elif text:
            notes[lang] = text
    return notes


def _apply(shift: Shift, edition: Edition, data: Mapping, errors: dict) -> None:
    task = data.get("task")
    try:
        task = ShiftTask(task)
    except ValueError:
        errors["task"] = [_l("Choose a task.")]
        task = None
    title = " ".join(str(data.get("title") or "").split())
    if len(title) > MAX_TITLE:
        errors["title"] = [_l("At most %(n)s characters.", n=MAX_TITLE)]
    list_id = data.get("checkin_list_id") or None
    checkin_list = db.session.get(CheckinList, list_id) if isinstance(list_id, int) else None
    if task is ShiftTask.DOOR and (checkin_list is None
                                   or checkin_list.edition_id != edition.id):
        errors["checkin_list_id"] = [_l("Choose the check-in list of this door.")]
    room_id = data.get("room_id") or None
    room = db.session.get(Room, room_id) if isinstance(room_id, int) else None
    if task is ShiftTask.ROOM_STEWARD and (room is None or room.edition_id != edition.id):
        errors["room_id"] = [_l("Choose the room to steward.")]
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = [_l("Give the start, date and time.")]
    if not isinstance(ends_at, datetime) or ends_at.tzinfo is None:
        errors["ends_at"] = [_l("Give the end, date and time.")]
    elif "starts_at" not in errors and not starts_at < ends_at <= starts_at + MAX_LENGTH:
        errors["ends_at"] = [_l("The end comes after the start, within 24 hours.")]
    if "starts_at" not in errors and abs(starts_at.year - edition.year) > 1:
        errors["starts_at"] = [_l("Choose a day around the edition.")]
    people = data.get("people_needed")
    if isinstance(people, bool) or not isinstance(people, int) \
            or not 1 <= people <= MAX_PEOPLE:
        errors["people_needed"] = [_l("Between 1 and %(n)s people.", n=MAX_PEOPLE)]
    notes = _notes(data.get("notes"), errors)
    lead_id = data.get("lead_id") or None
    lead = db.session.get(User, lead_id) if isinstance(lead_id, int) else None
    if lead_id is not None and not may_be_placed(lead):
        errors["lead_id"] = [_l("Choose a volunteer or an organiser as the lead.")]
    phone = " ".join(str(data.get("lead_phone") or "").split())
    if phone and not PHONE.match(phone):
        errors["lead_phone"] = [_l("A phone number: digits, spaces and +, at most 40.")]
    if errors:
        return
    shift.task, shift.title = task, title
    shift.checkin_list_id = checkin_list.id if task is ShiftTask.DOOR else None
    shift.room_id = room.id if task is ShiftTask.ROOM_STEWARD else None
    shift.starts_at, shift.ends_at = starts_at, ends_at
    shift.people_needed, shift.notes = people, notes
    shift.lead_id, shift.lead_phone = (lead.id if lead else None), phone


def create_shift(edition: Edition, data: Mapping, *, actor: User | None) -> Shift:
    """A shift of `edition`. `data`: task (ShiftTask value), title, checkin_list_id (door),
    room_id (room steward), starts_at and ends_at (aware datetimes, at most 24 h apart),
    people_needed (1–200), notes ({lang: text}), lead_id, lead_phone.
    Error: validation_failed."""
    shift = Shift(edition_id=edition.id)
    errors: dict[str, list] = {}
    _apply(shift, edition, data, errors)
    if errors:
        raise ValidationError(errors)
    db.session.add(shift)
    db.session.flush()
    return shift


def update_shift(shift: Shift, data: Mapping, *, actor: User | None) -> Shift:
    """Change a shift. Its people stay on it: the new times must not make any of them be in
    two places (shift_clash, naming them), nor its places fall below those taken
    (too_few_places). Moving a shift's times makes its reminders due again; moving it to
    other hours or another door unpairs the phones paired from it (they pair again from the
    shift's page). Errors: validation_failed, shift_clash (409), too_few_places (409)."""
    people_ids = sorted(a.user_id for a in shift.people)
    for user_id in people_ids:
        lock_row(User, user_id)
    shift = _lock_shift(shift.id)
    old_times = (shift.starts_at, shift.ends_at)
    old_door = (shift.task, shift.checkin_list_id)
    errors: dict[str, list] = {}
    _apply(shift, shift.edition, data, errors)
    if errors:
        raise ValidationError(errors)
    taken = _live_count(shift.id)
    if shift.people_needed < taken:
        raise Conflict("too_few_places", _l(
            "%(n)s people are on this shift: remove some before asking for fewer.", n=taken),
            fields={"people_needed": [_l("At least %(n)s.", n=taken)]})
    if (shift.starts_at, shift.ends_at) != old_times:
        for assignment in shift.people:
            _refuse_clash(assignment.user, shift, by_organiser=True)
            assignment.day_reminder_at = assignment.hour_reminder_at = None
    if (shift.starts_at, shift.ends_at) != old_times \
            or (shift.task, shift.checkin_list_id) != old_door:
        for assignment in shift.people:
            unpair(assignment, actor, utcnow())
    db.session.flush()
    return shift


def delete_shift(shift: Shift, *, actor: User | None) -> None:
    """Delete a shift that nobody holds. Error: shift_has_people (409)."""
    shift = _lock_shift(shift.id)
    if _live_count(shift.id):
        raise Conflict("shift_has_people", _l("People are on this shift: remove them first."))
    db.session.delete(shift)
    db.session.flush()


# People on shifts -------------------------------------------------------------------------

def _lock_shift(shift_id: int) -> Shift:
    shift = lock_row(Shift, shift_id)
    if shift is None:
        raise NotFound("shift_not_found", _l("This shift does not exist."))
    return shift


def _live_count(shift_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(ShiftAssignment).where(
        ShiftAssignment.shift_id == shift_id, ShiftAssignment.withdrawn_at.is_(None))) or 0


def live_assignment(shift_id: int, user_id: int) -> ShiftAssignment | None:
    return db.session.scalar(select(ShiftAssignment).where(
        ShiftAssignment.shift_id == shift_id, ShiftAssignment.user_id == user_id,
        ShiftAssignment.withdrawn_at.is_(None)))


def clashing_shift(user_id: int, shift: Shift, *, leaving: int | None = None) -> Shift | None:
    """A shift `user_id` holds that overlaps `shift` in time (touching ends do not), if any;
    `leaving`: a shift they are about to leave, which does not count."""
    return db.session.scalar(
        select(Shift).join(ShiftAssignment, ShiftAssignment.shift_id == Shift.id)
        .where(ShiftAssignment.user_id == user_id, ShiftAssignment.withdrawn_at.is_(None),
               Shift.id != shift.id, Shift.id != (leaving or 0),
               Shift.starts_at < shift.ends_at,
               Shift.ends_at > shift.starts_at)
        .order_by(Shift.starts_at).limit(1))


def _refuse_clash(user: User, shift: Shift, *, by_organiser: bool,
                  leaving: int | None = None) -> None:
    other = clashing_shift(user.id, shift, leaving=leaving)
    if other is None:
        return
    if by_organiser:
        message = _l("%(name)s is already on %(shift)s at that time.",
                     name=user.display_name, shift=shift_name(other))
    else:
        message = _l("You are already on %(shift)s at that time.", shift=shift_name(other))
    raise DomainError("shift_clash", message, status=409)


def _refuse_full(shift: Shift) -> None:
    if _live_count(shift.id) >= shift.people_needed:
        raise Conflict("shift_full", _l("This shift has all the people it needs."))


def _refuse_placing(shift: Shift, user: User, actor: User | None,
                    leaving: int | None = None) -> None:
    if live_assignment(shift.id, user.id) is not None:
        raise Conflict("already_on_shift", _l("%(name)s is already on this shift.",
                                              name=user.display_name) if actor
                       else _l("You are already on this shift."))
    _refuse_full(shift)
    _refuse_clash(user, shift, by_organiser=actor is not None, leaving=leaving)


def _place(shift: Shift, user: User, now: datetime, actor: User | None,
           checked: bool = False) -> ShiftAssignment:
    if not checked:
        _refuse_placing(shift, user, actor)
    assignment = ShiftAssignment(shift=shift, user=user, created_at=now,
                                 assigned_by_id=actor.id if actor else None)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def lock_person_and_shift(user: User, shift: Shift) -> tuple[User, Shift]:
    """The person's row, then the shift's: the one order every change takes its locks in."""
    locked_user = lock_row(User, user.id)
    if locked_user is None:
        raise NotFound("user_not_found", _l("This person has no account."))
    return locked_user, _lock_shift(shift.id)


def _refuse_after_deadline(shift: Shift, now: datetime) -> None:
    if now >= shift.starts_at:
        raise DomainError("shift_started", _l("This shift has started: ask its lead or an "
                                              "organiser."), status=409)
    if now >= deadline_of(shift):
        raise DomainError("deadline_passed", lazy_ngettext(
            "Changes close %(num)s hour before a shift starts: ask an organiser.",
            "Changes close %(num)s hours before a shift starts: ask an organiser.",
            deadline_hours()), status=409)


def sign_up(shift: Shift, user: User, *, now: datetime | None = None) -> ShiftAssignment:
    """A volunteer takes a place on a shift. Errors: not_a_volunteer (403), shift_not_found
    (404: also a shift of an edition not open to volunteers), deadline_passed, shift_started,
    already_on_shift, shift_full, shift_clash (409)."""
    now = now or utcnow()
    if not may_volunteer(user):
        raise DomainError("not_a_volunteer", _l("Only volunteers and member associations' "
                                                "representatives sign up for shifts."),
                          status=403)
    user, shift = lock_person_and_shift(user, shift)
    if not open_to_volunteers(shift.edition):
        raise NotFound("shift_not_found", _l("This shift does not exist."))
    _refuse_after_deadline(shift, now)
    return _place(shift, user, now, None)


def withdraw(shift: Shift, user: User, *, now: datetime | None = None) -> ShiftAssignment:
    """A volunteer gives their place back. Errors: not_on_shift (404), deadline_passed,
    shift_started (409)."""
    now = now or utcnow()
    user, shift = lock_person_and_shift(user, shift)
    assignment = live_assignment(shift.id, user.id)
    if assignment is None:
        raise NotFound("not_on_shift", _l("You are not on this shift."))
    _refuse_after_deadline(shift, now)
    _end(assignment, now, user)
    return assignment


def _end(assignment: ShiftAssignment, now: datetime, actor: User | None) -> None:
    assignment.withdrawn_at = now
    assignment.withdrawn_by_id = actor.id if actor else None
    unpair(assignment, actor, now)  # a phone paired for this place stops scanning
    db.session.flush()


def unpair(assignment: ShiftAssignment, actor: User | None, now: datetime) -> None:
    """Revoke the phone paired from this place (pairing.py), if it still scans."""
    device = db.session.get(Device, assignment.device_id) if assignment.device_id else None
    if device is not None and device.revoked_at is None:
        revoke_device(device, actor=actor, now=now)


def _refuse_ended(shift: Shift, now: datetime) -> None:
    if now >= shift.ends_at:
        raise DomainError("shift_over", _l("This shift is over."), status=409)


def assign(shift: Shift, user: User | None, *, actor: User,
           now: datetime | None = None) -> ShiftAssignment:
    """An organiser places someone on a shift (past the volunteers' deadline too, until it
    ends); they are told by e-mail. Errors: not_placeable (422), shift_over, already_on_shift, shift_full,
    shift_clash (409)."""
    now = now or utcnow()
    if not may_be_placed(user):
        raise ValidationError({"user_id": [_l("Choose a volunteer.")]})
    user, shift = lock_person_and_shift(user, shift)
    _refuse_ended(shift, now)
    assignment = _place(shift, user, now, actor)
    if actor is not None:
        queue_placed(assignment)
    return assignment


def unassign(assignment: ShiftAssignment, *, actor: User,
             now: datetime | None = None) -> None:
    """An organiser takes someone off a shift; they are told by e-mail.
    Error: not_on_shift (404)."""
    now = now or utcnow()
    _user, _shift = lock_person_and_shift(assignment.user, assignment.shift)
    live = live_assignment(assignment.shift_id, assignment.user_id)
    if live is None or live.id != assignment.id:
        raise NotFound("not_on_shift", _l("This person is no longer on this shift."))
    _end(live, now, actor)
    queue_removed(live)


def move(assignment: ShiftAssignment, to: Shift, *, actor: User,
         now: datetime | None = None) -> ShiftAssignment:
    """An organiser moves someone to another shift of the same edition, in one step: they
    are off the first only if they are on the second; they are told by e-mail. Errors: not_on_shift (404),
    same_shift (422), shift_over, shift_full, shift_clash, already_on_shift (409)."""
    now = now or utcnow()
    if to.id == assignment.shift_id or to.edition_id != assignment.shift.edition_id:
        raise ValidationError({"to_shift_id": [_l("Choose another shift of this edition.")]})
    user = lock_row(User, assignment.user_id)
    first, second = sorted((assignment.shift_id, to.id))
    _lock_shift(first)
    _lock_shift(second)
    to = db.session.get(Shift, to.id)
    live = live_assignment(assignment.shift_id, assignment.user_id)
    if live is None or live.id != assignment.id:
        raise NotFound("not_on_shift", _l("This person is no longer on this shift."))
    _refuse_ended(to, now)
    _refuse_placing(to, user, actor, leaving=live.shift_id)
    _end(live, now, actor)
    placed = _place(to, user, now, actor, checked=True)
    queue_placed(placed, moved_from=live.shift)
    return placed


def withdraw_everywhere(user: User, *, actor: User | None,
                        now: datetime | None = None) -> int:
    """Take someone off every shift that has not ended (their account is being erased):
    the places are freed and phones paired from them stop scanning. Returns how many."""
    now = now or utcnow()
    lock_row(User, user.id)
    live = db.session.scalars(
        select(ShiftAssignment).join(Shift, Shift.id == ShiftAssignment.shift_id)
        .where(ShiftAssignment.user_id == user.id, ShiftAssignment.withdrawn_at.is_(None),
               Shift.ends_at > now).order_by(Shift.id)).all()
    for assignment in live:
        _lock_shift(assignment.shift_id)
        _end(assignment, now, actor)
    return len(live)
