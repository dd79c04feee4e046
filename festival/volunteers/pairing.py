"""Pairing a volunteer's phone to the gate of their door shift, from the shift's page, in
one tap: checkin.devices' pair_own_phone makes the device and its token, and the pairing
lasts as long as the shift. The scheduler's round (`flask mail schedule`) revokes the phones
of shifts that have ended, and leaving a shift revokes its phone at once
(services.unpair), so a lost phone stops scanning."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.checkin.devices import pair_own_phone
from festival.checkin.models import Device
from festival.core.errors import DomainError, NotFound
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.volunteers.labels import post_of
from festival.volunteers.models import Shift, ShiftAssignment, ShiftTask
from festival.volunteers.services import live_assignment, lock_person_and_shift, unpair

PAIRING_OPENS = timedelta(minutes=30)  # before the shift starts


def pairing_offered(shift: Shift, user: User, now: datetime) -> bool:
    """Whether the shift's page offers `user` to pair their phone to its gate: a door shift
    they hold, whose check-in list is open and lets volunteers pair themselves, from
    PAIRING_OPENS before it starts until it ends."""
    door = shift.checkin_list
    return (shift.task is ShiftTask.DOOR and door is not None and door.is_active
            and door.allow_self_pairing
            and shift.starts_at - PAIRING_OPENS <= now < shift.ends_at
            and any(a.user_id == user.id for a in shift.people))


def pair_for_shift(shift: Shift, user: User, *,
                   now: datetime | None = None) -> tuple[Device, str]:
    """Pair the phone in the volunteer's hand to the shift's gate (checkin.devices'
    pair_own_phone, at the gate named after the post), for the shift only: the device is
    revoked when the shift ends (end_pairings), or when they leave it. A phone paired
    before from this shift is unpaired: one phone per person and shift. Returns the device
    and the plain token. Errors: not_on_shift (404), pairing_closed (409), those of
    pair_own_phone."""
    now = now or utcnow()
    user, shift = lock_person_and_shift(user, shift)
    assignment = live_assignment(shift.id, user.id)
    if assignment is None:
        raise NotFound("not_on_shift", _l("You are not on this shift."))
    if not pairing_offered(shift, user, now):
        raise DomainError("pairing_closed", _l(
            "This phone can scan for this shift from 30 minutes before it starts until it "
            "ends, at a door whose list lets volunteers pair themselves."), status=409)
    unpair(assignment, user, now)
    device, token = pair_own_phone(shift.edition, shift.checkin_list_id,
                                   gate=post_of(shift), actor=user, now=now)
    assignment.device_id = device.id
    db.session.flush()
    return device, token


def end_pairings(now: datetime | None = None, limit: int = 200) -> int:
    """Revoke the phones paired from shifts that have ended, or from places given up:
    they stop scanning. Returns how many."""
    now = now or utcnow()
    found = db.session.scalars(
        select(ShiftAssignment).join(Shift, Shift.id == ShiftAssignment.shift_id)
        .join(Device, Device.id == ShiftAssignment.device_id)
        .where(Device.revoked_at.is_(None),
               (Shift.ends_at <= now) | ShiftAssignment.withdrawn_at.is_not(None))
        .order_by(ShiftAssignment.id).limit(limit)).all()
    for assignment in found:
        unpair(assignment, None, now)
    return len(found)
