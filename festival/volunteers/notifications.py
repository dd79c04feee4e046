"""E-mails to a volunteer when an organiser changes their shifts: placed on one (or moved to
it), or taken off one. Queued in the outbox within the transaction that made the change, in
the volunteer's language; the reminders before a shift are in reminders.py."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from festival.core.i18n import in_language
from festival.core.urls import absolute_url
from festival.mail.services import mail_language, queue_mail
from festival.volunteers.labels import hours_of, post_of, shift_name
from festival.volunteers.models import Shift, ShiftAssignment


def _language(assignment: ShiftAssignment) -> str:
    return mail_language(assignment.user.language)


def queue_placed(assignment: ShiftAssignment, moved_from: Shift | None = None) -> None:
    """An organiser put this person on the shift (from `moved_from`, for a move)."""
    shift, language = assignment.shift, _language(assignment)
    with force_locale(language):
        post, hours = post_of(shift), hours_of(shift)
        before = shift_name(moved_from) if moved_from is not None else ""
    queue_mail(assignment.user.email, "shift_placed", {
        "name": assignment.first_name, "post": post, "hours": hours, "before": before,
        "notes": in_language(shift.notes, language), "edition": shift.edition,
        "shift_url": absolute_url("volunteers.shift", shift_id=shift.id)}, language,
        _l("You are on a volunteer shift: %(post)s", post=post),
        dedupe_key=f"shift-placed-{assignment.id}")


def queue_removed(assignment: ShiftAssignment) -> None:
    """An organiser took this person off the shift."""
    shift, language = assignment.shift, _language(assignment)
    with force_locale(language):
        post, hours = post_of(shift), hours_of(shift)
    queue_mail(assignment.user.email, "shift_removed", {
        "name": assignment.first_name, "post": post, "hours": hours,
        "edition": shift.edition, "home_url": absolute_url("volunteers.home")}, language,
        _l("You are no longer on a volunteer shift: %(post)s", post=post),
        dedupe_key=f"shift-removed-{assignment.id}")
