"""Reminders of a shift, through the outbox: the day before (24 hours before it starts) and
one hour before. `flask mail schedule` (outreach/cli.py) queues what is due at each round.

Each reminder is queued once per assignment and start time, whatever the concurrency: the
assignment's row is marked by a conditional UPDATE (… WHERE day_reminder_at IS NULL), and
only the scheduler whose UPDATE changed the row queues the message; its outbox dedupe key
(assignment, kind, start) is a second guard. A shift moved to other times makes its
reminders due again (services.update_shift clears the marks). A reminder whose moment has
passed is not sent late: one that could not be queued before the shift starts is dropped,
and the day-before one is skipped when the hour-before one is already due.
"""
from __future__ import annotations

import enum
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from festival.core.i18n import in_language
from festival.core.timeutil import utcnow
from festival.core.urls import absolute_url
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db
from festival.mail.batches import BatchInfo
from festival.mail.services import mail_language, queue_mail
from festival.volunteers.labels import hours_of, post_of
from festival.volunteers.models import Shift, ShiftAssignment

BATCH_PREFIX = "shifts"
TEMPLATE = "shift_reminder"
BATCH_SIZE = 200


class Reminder(str, enum.Enum):
    DAY = "day"    # the day before
    HOUR = "hour"  # one hour before


BEFORE = {Reminder.DAY: timedelta(hours=24), Reminder.HOUR: timedelta(hours=1)}
MARK = {Reminder.DAY: ShiftAssignment.day_reminder_at,
        Reminder.HOUR: ShiftAssignment.hour_reminder_at}
LABEL = {Reminder.DAY: _l("Volunteer shifts: reminders the day before"),
         Reminder.HOUR: _l("Volunteer shifts: reminders one hour before")}


def batch_of(edition_id: int, kind: Reminder) -> str:
    return f"{BATCH_PREFIX}:{edition_id}:{kind.value}"


def describe_batches(batches: list[str]) -> dict[str, BatchInfo]:
    """The mailings "shifts:<edition id>:<day|hour>" in words, with their edition."""
    infos = {}
    for batch in batches:
        _prefix, edition_id, kind = (batch.split(":") + ["", ""])[:3]
        if edition_id.isdigit() and kind in {k.value for k in Reminder}:
            infos[batch] = BatchInfo(label=str(LABEL[Reminder(kind)]),
                                     edition_id=int(edition_id), kind=BATCH_PREFIX)
    return infos


def due(kind: Reminder, now: datetime, limit: int = BATCH_SIZE) -> list[int]:
    """The live assignments whose `kind` reminder is due at `now` and not queued yet, of
    editions that are not archived."""
    # The day-before reminder gives way to the hour-before one once that is due.
    not_after = now + BEFORE[Reminder.HOUR] if kind is Reminder.DAY else now
    query = (select(ShiftAssignment.id)
             .join(Shift, Shift.id == ShiftAssignment.shift_id)
             .join(Edition, Edition.id == Shift.edition_id)
             .where(ShiftAssignment.withdrawn_at.is_(None), MARK[kind].is_(None),
                    Edition.status != EditionStatus.ARCHIVED,
                    Shift.starts_at <= now + BEFORE[kind], Shift.starts_at > not_after)
             .order_by(ShiftAssignment.id).limit(limit))
    return list(db.session.scalars(query))


def send(assignment_id: int, kind: Reminder, now: datetime) -> bool:
    """Mark the assignment's reminder as queued and queue it, if no one did before and it is
    still live. Returns whether this call queued it."""
    marked = db.session.execute(
        update(ShiftAssignment)
        .where(ShiftAssignment.id == assignment_id, MARK[kind].is_(None),
               ShiftAssignment.withdrawn_at.is_(None))
        .values({MARK[kind].key: now})
        .execution_options(synchronize_session=False)).rowcount
    if marked != 1:
        return False
    assignment = db.session.get(ShiftAssignment, assignment_id)
    db.session.refresh(assignment)
    shift = assignment.shift
    user = assignment.user
    language = mail_language(user.language)
    with force_locale(language):  # the post and hours in the volunteer's language
        post, hours = post_of(shift), hours_of(shift)
    subject = (_l("Your volunteer shift tomorrow: %(post)s", post=post)
               if kind is Reminder.DAY
               else _l("Your volunteer shift in one hour: %(post)s", post=post))
    queue_mail(user.email, TEMPLATE, {
        "kind": kind.value, "name": assignment.first_name, "post": post, "hours": hours,
        "notes": in_language(shift.notes, language), "lead": shift.lead,
        "lead_phone": shift.lead_phone,
        "others": [a.first_name for a in shift.people if a.id != assignment.id],
        "shift_url": absolute_url("volunteers.shift", shift_id=shift.id),
        "edition": shift.edition}, language, subject,
        dedupe_key=f"shift-{kind.value}-{assignment.id}-{int(shift.starts_at.timestamp())}",
        batch=batch_of(shift.edition_id, kind))
    return True


def queue_due(now: datetime | None = None, limit: int = BATCH_SIZE) -> int:
    """Queue the reminders due at `now` (at most `limit` of each kind); the caller's
    transaction commits them. Returns how many were queued."""
    now = now or utcnow()
    return sum(send(assignment_id, kind, now)
               for kind in (Reminder.HOUR, Reminder.DAY)
               for assignment_id in due(kind, now, limit))
