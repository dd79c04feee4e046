"""The membership process: applied → under_review → member or rejected; a member can be
suspended (and reinstated) or leave. Every change and every review note is a MembershipEvent
row (who, when, from, to, why). Impossible moves are refused with `invalid_transition`.

Re-exported by festival.associations.services, which callers use.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.associations.labels import STATUS_LABELS
from festival.associations.models import Association, MembershipEvent, MembershipStatus
from festival.core.access import Role
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db

S = MembershipStatus
NOTE_MAX = 5000


@dataclass(frozen=True)
class Action:
    sources: frozenset[MembershipStatus]
    target: MembershipStatus
    reason_required: bool


# The membership process. Anything not listed here is refused with `invalid_transition`.
ACTIONS: dict[str, Action] = {
    "start_review": Action(frozenset({S.APPLIED}), S.UNDER_REVIEW, False),
    "approve": Action(frozenset({S.UNDER_REVIEW}), S.MEMBER, False),
    "reject": Action(frozenset({S.APPLIED, S.UNDER_REVIEW}), S.REJECTED, True),
    "suspend": Action(frozenset({S.MEMBER}), S.SUSPENDED, True),
    "reinstate": Action(frozenset({S.SUSPENDED}), S.MEMBER, True),
    "mark_left": Action(frozenset({S.MEMBER, S.SUSPENDED}), S.LEFT, True),
}
TRANSITIONS: dict[MembershipStatus, frozenset[MembershipStatus]] = {
    status: frozenset(a.target for a in ACTIONS.values() if status in a.sources)
    for status in MembershipStatus
}


def available_actions(status: MembershipStatus) -> list[str]:
    """The actions that the process allows from `status`, in the table's order."""
    return [name for name, action in ACTIONS.items() if status in action.sources]


def is_organiser(actor: User | None) -> bool:
    return actor is not None and actor.role in (Role.ORGANISER, Role.ADMIN)


def require_organiser(actor: User | None) -> None:
    # None is the system itself (demo loader, commands).
    if actor is not None and not is_organiser(actor):
        raise DomainError("forbidden", _l("Only organisers may do this."), status=403)


def clean_note(note: str | None) -> str:
    text = (note or "").replace("\r\n", "\n").strip()
    if len(text) > NOTE_MAX:
        raise ValidationError({"note": [str(_l("At most %(n)s characters.", n=NOTE_MAX))]})
    return text


def record_event(association: Association, from_status: MembershipStatus | None,
            to_status: MembershipStatus | None, note: str, actor: User | None
            ) -> MembershipEvent:
    event = MembershipEvent(association=association, from_status=from_status,
                            to_status=to_status, note=note,
                            actor_id=actor.id if actor else None, created_at=utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def _lock(association: Association) -> Association:
    """Reload the row under a lock, so that two organisers cannot decide at the same time."""
    return db.session.execute(
        select(Association).where(Association.id == association.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()


# --- the membership process -------------------------------------------------------------------

def _transition(association: Association, action_name: str, note: str | None,
                actor: User | None) -> MembershipEvent:
    action = ACTIONS[action_name]
    require_organiser(actor)
    text = clean_note(note)
    if action.reason_required and not text:
        raise DomainError("reason_required", _l("Give the reason for this decision."),
                          fields={"note": [str(_l("Give the reason for this decision."))]},
                          status=422)
    association = _lock(association)
    current = association.status
    if current not in action.sources:
        raise DomainError(
            "invalid_transition",
            _l("%(name)s is “%(status)s”: this action is not possible any more.",
               name=association.name, status=STATUS_LABELS[current]), status=409)
    association.status = action.target
    if action.target is S.MEMBER and association.member_since is None:
        association.member_since = utcnow()
    return record_event(association, current, action.target, text, actor)


def start_review(association: Association, *, actor: User | None, note: str = ""
                 ) -> MembershipEvent:
    """applied → under_review: CNSM starts its in-depth study.
    Errors: forbidden, invalid_transition."""
    return _transition(association, "start_review", note, actor)


def approve(association: Association, *, actor: User | None, note: str = "") -> MembershipEvent:
    """under_review → member; sets member_since the first time.
    Errors: forbidden, invalid_transition."""
    return _transition(association, "approve", note, actor)


def reject(association: Association, *, actor: User | None, reason: str) -> MembershipEvent:
    """applied or under_review → rejected, with a reason.
    Errors: forbidden, reason_required, invalid_transition."""
    return _transition(association, "reject", reason, actor)


def suspend(association: Association, *, actor: User | None, reason: str) -> MembershipEvent:
    """member → suspended (no longer public), with a reason.
    Errors: forbidden, reason_required, invalid_transition."""
    return _transition(association, "suspend", reason, actor)


def reinstate(association: Association, *, actor: User | None, reason: str
              ) -> MembershipEvent:
    """suspended → member, with a reason; member_since is kept.
    Errors: forbidden, reason_required, invalid_transition."""
    return _transition(association, "reinstate", reason, actor)


def mark_left(association: Association, *, actor: User | None, reason: str) -> MembershipEvent:
    """member or suspended → left, with a reason.
    Errors: forbidden, reason_required, invalid_transition."""
    return _transition(association, "mark_left", reason, actor)


def perform(association: Association, action_name: str, *, actor: User | None,
            note: str = "") -> MembershipEvent:
    """Run a named action of the process, or add a note (`note`).
    Errors: unknown_action, and those of the action."""
    if action_name == "note":
        return add_review_note(association, note, actor=actor)
    if action_name not in ACTIONS:
        raise DomainError("unknown_action", _l("Unknown action."), status=400)
    return _transition(association, action_name, note, actor)


def add_review_note(association: Association, note: str, *, actor: User | None
                    ) -> MembershipEvent:
    """A note in the history without a change of status.
    Errors: forbidden, note_required, validation_failed (note too long)."""
    require_organiser(actor)
    text = clean_note(note)
    if not text:
        raise DomainError("note_required", _l("Write the note first."),
                          fields={"note": [str(_l("Write the note first."))]}, status=422)
    return record_event(association, None, None, text, actor)
