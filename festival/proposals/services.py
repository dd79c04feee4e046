"""Proposals: sent by member associations' representatives (and, if the call allows, anyone
with an account), reviewed with the call's rubric, and decided by organisers.

Every status change locks the proposal's row (core.unit_of_work.lock_row), re-checks its
status on what it read and writes one history row; a decision queues its e-mail in the
proposer's language in the same transaction (festival/mail), sent after the commit.
Accepting makes a draft session of the programme with its speakers (new ones become
Speaker rows), through the programme's own service and its clash rules.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.associations.models import MembershipStatus, Pole
from festival.core.access import Role
from festival.core.errors import Conflict, DomainError
from festival.core.unit_of_work import lock_row
from festival.editions.clashes import Clash
from festival.editions.models import (
    PUBLIC_STATUSES,
    Language,
    ProgrammeSession,
    SessionSpeaker,
    SessionStatus,
    Speaker,
)
from festival.editions.services import create_session
from festival.editions.services._checks import Fields, is_id, refuse_if_archived
from festival.extensions import db
from festival.mail.services import mail_language
from festival.proposals import notifications
from festival.proposals.calls import is_organiser, may_review, refuse_unless_organiser
from festival.proposals.models import (
    TRANSITIONS,
    DayPart,
    PreferredSlot,
    Proposal,
    ProposalEvent,
    ProposalReview,
    ProposalSpeaker,
    ProposalStatus,
    SessionCall,
)

MAX_SPEAKERS = 6
MAX_SLOTS = 12
MAX_PROPOSALS = 20  # per proposer and call
MAX_ABSTRACT = 5000
MAX_NEEDS = 2000
MAX_NOTE = 2000
MAX_COMMENT = 5000
MAX_AUDIENCE = 5000
PROPOSAL_FIELDS = ("title", "abstract", "format_id", "language", "pole", "speakers", "slots",
                   "audience", "needs_projector", "needs_interpreter", "other_needs")


# Who may propose ----------------------------------------------------------------------------

def member_association_of(user: User | None):
    """The member association this person represents, if any."""
    if user is None or user.role is not Role.ASSOCIATION or user.association is None:
        return None
    association = user.association
    return association if association.status is MembershipStatus.MEMBER else None


def may_propose(call: SessionCall, user: User | None) -> bool:
    if user is None or not user.is_active:
        return False
    return member_association_of(user) is not None or call.is_open_to_accounts


def speakers_offered(user: User | None) -> list[Speaker]:
    """The registry's speakers a proposer may name: those of their association and those of
    the public programme (nobody's private rows)."""
    association = member_association_of(user)
    public = select(SessionSpeaker.speaker_id).join(ProgrammeSession).where(
        ProgrammeSession.status.in_(PUBLIC_STATUSES))
    condition = Speaker.id.in_(public)
    if association is not None:
        condition = condition | (Speaker.association_id == association.id)
    return list(db.session.scalars(select(Speaker).where(condition).order_by(Speaker.name)
                                   .limit(500)))


def slot_choices(call: SessionCall) -> list[tuple[date, DayPart]]:
    return [(day, part) for day in call.edition.dates for part in DayPart]


# Proposing ----------------------------------------------------------------------------------

def proposals_sent(call: SessionCall, user: User) -> int:
    return db.session.scalar(select(func.count(Proposal.id)).where(
        Proposal.call_id == call.id, Proposal.proposer_id == user.id))


def _speakers(fields: Fields, raw: Any, offered: set[int]) -> list[dict]:
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, (list, tuple)):
        fields.add("speakers", _l("Give a list of speakers."))
        return []
    if not raw:
        fields.add("speakers", _l("Name at least one speaker."))
        return []
    if len(raw) > MAX_SPEAKERS:
        fields.add("speakers", _l("%(n)s speakers at most.", n=MAX_SPEAKERS))
        return []
    found: list[dict] = []
    rows: list[int] = []  # each found speaker's row in the form, for its errors
    for index, item in enumerate(raw):
        key = f"speakers-{index}"
        if not isinstance(item, Mapping):
            fields.add("speakers", _l("Give each speaker as an object."))
            continue
        speaker_id = item.get("speaker_id")
        if speaker_id not in (None, ""):
            if not is_id(speaker_id) or speaker_id not in offered:
                fields.add(f"{key}-speaker_id", _l("Choose one of the speakers offered."))
            elif any(s["speaker_id"] == speaker_id for s in found):
                fields.add(f"{key}-speaker_id", _l("This speaker is named twice."))
            else:
                speaker = db.session.get(Speaker, speaker_id)
                found.append({"speaker_id": speaker_id, "name": speaker.name,
                              "email": fields.text(f"{key}-email", item.get("email"),
                                                   max_length=254)})
                rows.append(index)
            continue
        name = fields.text(f"{key}-name", item.get("name"), max_length=200, required=True)
        email = fields.text(f"{key}-email", item.get("email"), max_length=254, required=True)
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                fields.add(f"{key}-email", _l("This is not a valid e-mail address."))
        found.append({"speaker_id": None, "name": name, "email": email})
        rows.append(index)
    for index, item in zip(rows, found):
        if item["email"] and item["speaker_id"] is not None:
            try:
                item["email"] = validate_email(item["email"],
                                               check_deliverability=False).normalized
            except EmailNotValidError:
                fields.add(f"speakers-{index}-email", _l("This is not a valid e-mail address."))
    return found


def _slots(fields: Fields, raw: Any, allowed: list[tuple[date, DayPart]],
           limit: int = MAX_SLOTS) -> list[tuple]:
    if raw is None:
        return []
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, (list, tuple)):
        fields.add("slots", _l("Give a list of slots."))
        return []
    if len(raw) > limit:
        fields.add("slots", _l("%(n)s slots at most.", n=limit))
        return []
    chosen = []
    for item in raw:
        day, part = _slot(item)
        if (day, part) not in allowed:
            fields.add("slots", _l("Choose slots among the festival's days."))
            return []
        if (day, part) not in chosen:
            chosen.append((day, part))
    return chosen


def _slot(item: Any) -> tuple[date | None, DayPart | None]:
    """"2027-05-15/morning" or {"day": "2027-05-15", "part": "morning"}."""
    if isinstance(item, str):
        day, _, part = item.partition("/")
    elif isinstance(item, Mapping):
        day, part = item.get("day"), item.get("part")
    else:
        return None, None
    try:
        return date.fromisoformat(str(day)), DayPart(part)
    except ValueError:
        return None, None


def propose(call: SessionCall, data: Mapping[str, Any], *, actor: User, language: str,
            now: datetime) -> Proposal:
    """A session proposed to the call: title, abstract, format, language (those the call
    offers), optional pôle, 1 to 6 speakers (the registry's, or new people with their
    e-mail), needs (audience expected, projector, interpreter, other) and preferred slots
    (festival days × morning/afternoon/evening, 12 at most). `language` is the proposer's,
    for the decision's e-mail. MAX_PROPOSALS per person and call, counted under the
    person's lock. Errors: not_allowed_to_propose (403), call_closed (409),
    too_many_proposals (409), validation_failed."""
    if not may_propose(call, actor):
        raise DomainError("not_allowed_to_propose",
                          _l("Only the representatives of member associations can propose a "
                             "session to this call."), status=403)
    if not call.is_open_at(now) or call.edition.is_archived:
        raise Conflict("call_closed", _l("This call for sessions is not open."))
    # The proposer's row is locked so that two sends at once are counted one after the other.
    lock_row(User, actor.id)
    if proposals_sent(call, actor) >= MAX_PROPOSALS:
        raise Conflict("too_many_proposals", _l("You have sent %(n)s proposals to this call: "
                                                "that is the most one person can send.",
                                                n=MAX_PROPOSALS))
    fields = Fields()
    for name in sorted(set(data) - set(PROPOSAL_FIELDS)):
        fields.add(name, _l("Unknown field."))
    title = fields.text("title", data.get("title"), max_length=250, required=True)
    abstract = fields.text("abstract", data.get("abstract"), max_length=MAX_ABSTRACT,
                           required=True)
    format_id = data.get("format_id")
    chosen = next((f for f in call.formats if is_id(format_id) and f.id == format_id), None)
    if chosen is None:
        fields.add("format_id", _l("Choose one of the call's formats."))
    spoken = fields.choice("language", data.get("language"), Language)
    if spoken is not None and spoken not in call.language_values:
        fields.add("language", _l("Choose one of the call's languages."))
    pole = fields.choice("pole", data.get("pole"), Pole, required=False)
    if pole is not None and pole not in call.pole_values:
        fields.add("pole", _l("Choose one of the call's pôles."))
    speakers = _speakers(fields, data.get("speakers"),
                         {s.id for s in speakers_offered(actor)})
    slots = _slots(fields, data.get("slots"), slot_choices(call))
    audience = fields.whole_number("audience", data.get("audience"), minimum=1,
                                   maximum=MAX_AUDIENCE)
    other_needs = fields.text("other_needs", data.get("other_needs"), max_length=MAX_NEEDS)
    fields.raise_if_any()
    proposal = Proposal(
        call=call, format=chosen, association=member_association_of(actor), proposer=actor,
        mail_language=mail_language(language), title=title,
        abstract=abstract, language=spoken, pole=pole, audience=audience,
        needs_projector=data.get("needs_projector") is True,
        needs_interpreter=data.get("needs_interpreter") is True, other_needs=other_needs,
        status=ProposalStatus.SUBMITTED)
    proposal.speakers = [ProposalSpeaker(position=i, **s) for i, s in enumerate(speakers)]
    proposal.slots = [PreferredSlot(day=day, part=part) for day, part in slots]
    proposal.events.append(ProposalEvent(from_status=None, to_status=ProposalStatus.SUBMITTED,
                                         actor_id=actor.id))
    db.session.add(proposal)
    db.session.flush()
    return proposal


# Status changes -----------------------------------------------------------------------------

def _lock(proposal: Proposal) -> Proposal:
    locked = lock_row(Proposal, proposal.id)
    assert locked is not None  # a row we hold cannot vanish within our transaction
    return locked


def _move(proposal: Proposal, to: ProposalStatus, actor: User | None, note: str) -> None:
    if to not in TRANSITIONS[proposal.status]:
        raise Conflict("invalid_transition",
                       _l("This proposal is %(status)s: it cannot change to %(to)s.",
                          status=proposal.status.value, to=to.value))
    proposal.events.append(ProposalEvent(from_status=proposal.status, to_status=to, note=note,
                                         actor_id=actor.id if actor else None))
    proposal.status = to


def _note(note: Any) -> str:
    fields = Fields()
    text = fields.text("note", note, max_length=MAX_NOTE)
    fields.raise_if_any()
    return text


def is_proposers(proposal: Proposal, user: User | None) -> bool:
    """The person who proposed it, or a representative of the association it was proposed
    for."""
    if user is None:
        return False
    if proposal.proposer_id == user.id:
        return True
    return (proposal.association_id is not None and user.role is Role.ASSOCIATION
            and user.association_id == proposal.association_id)


def withdraw_proposal(proposal: Proposal, *, actor: User, note: Any = "") -> Proposal:
    """The proposer withdraws a proposal not yet decided. Errors: not_yours (403),
    invalid_transition (409), validation_failed (note)."""
    if not is_proposers(proposal, actor):
        raise DomainError("not_yours", _l("This proposal is not yours."), status=403)
    text = _note(note)
    proposal = _lock(proposal)
    _move(proposal, ProposalStatus.WITHDRAWN, actor, text)
    db.session.flush()
    return proposal


def start_review(proposal: Proposal, *, actor: User, note: Any = "") -> Proposal:
    """An organiser marks a submitted proposal as under review. Errors: organisers_only
    (403), invalid_transition (409)."""
    refuse_unless_organiser(actor)
    text = _note(note)
    proposal = _lock(proposal)
    _move(proposal, ProposalStatus.UNDER_REVIEW, actor, text)
    db.session.flush()
    return proposal


def decline_proposal(proposal: Proposal, *, actor: User, note: Any = "") -> Proposal:
    """An organiser declines the proposal; the proposer is told by e-mail in their language
    (with the note, if any). Errors: organisers_only (403), invalid_transition (409),
    edition_archived (409)."""
    refuse_unless_organiser(actor)
    refuse_if_archived(proposal.call.edition)
    text = _note(note)
    proposal = _lock(proposal)
    _move(proposal, ProposalStatus.DECLINED, actor, text)
    db.session.flush()
    notifications.queue_decision(proposal, text)
    return proposal


def accept_proposal(proposal: Proposal, *, actor: User, room_id: Any, starts_at: Any,
                    note: Any = "", confirm_clashes: bool = False
                    ) -> tuple[Proposal, ProgrammeSession, list[Clash]]:
    """An organiser accepts the proposal: a draft session (never public until published) is
    made in `room_id` from `starts_at` for the format's duration, with the proposal's title,
    abstract, language, pôle and speakers (new speakers become Speaker rows of the
    proposer's association). The programme's clash rules apply as for any session (clash
    409 unless `confirm_clashes`). The proposer is told by e-mail in their language, and
    every new speaker, or one of the proposer's association, with an address gets a link to
    keep their own page (a known speaker of someone else's keeps theirs as it is). Errors:
    organisers_only (403), invalid_transition (409), no_format (409), clash (409),
    validation_failed, edition_archived (409)."""
    refuse_unless_organiser(actor)
    text = _note(note)
    proposal = _lock(proposal)
    if ProposalStatus.ACCEPTED not in TRANSITIONS[proposal.status]:
        _move(proposal, ProposalStatus.ACCEPTED, actor, text)  # raises invalid_transition
    if proposal.format is None:
        raise Conflict("no_format", _l("This proposal's format was removed from the call: "
                                       "schedule it from the programme instead."))
    edition = proposal.call.edition
    speakers, invited = [], []
    for row in proposal.speakers:
        if row.speaker is None:
            row.speaker = Speaker(name=row.name, association_id=proposal.association_id)
            db.session.add(row.speaker)
            invited.append(row)
        elif (proposal.association_id is not None
              and row.speaker.association_id == proposal.association_id):
            invited.append(row)
        speakers.append(row.speaker)
    db.session.flush()
    if not isinstance(starts_at, datetime):
        starts_at = None
    data = {"kind": proposal.format.kind.value, "title": proposal.title,
            "abstract": proposal.abstract, "languages": [proposal.language.value],
            "pole": proposal.pole.value if proposal.pole else None, "room_id": room_id,
            "starts_at": starts_at, "status": SessionStatus.DRAFT.value,
            "ends_at": starts_at + timedelta(minutes=proposal.format.duration_minutes)
            if starts_at else None, "speaker_ids": [s.id for s in speakers]}
    session, clashes = create_session(edition, data, actor=actor,
                                      confirm_clashes=confirm_clashes)
    proposal.session = session
    _move(proposal, ProposalStatus.ACCEPTED, actor, text)
    db.session.flush()
    notifications.queue_decision(proposal, text)
    # The link lets whoever holds it rewrite the speaker's public page: it goes to the
    # address a proposer typed only for a speaker this acceptance made, or one of the
    # proposer's own association; never for someone else's speaker of the public programme.
    for row in invited:
        if row.email:
            notifications.queue_speaker_invitation(row)
    return proposal, session, clashes


# Review -------------------------------------------------------------------------------------

def review_proposal(proposal: Proposal, *, actor: User, scores: Mapping[Any, Any],
                    comment: Any = "") -> ProposalReview:
    """An organiser or a named reviewer scores every criterion of the rubric (0 to its
    scale) and comments; scoring again replaces their review. The first review of a
    submitted proposal puts it under review (a history row). Nobody scores a proposal of
    their own or of their association (in an anonymised call, nobody would know). Errors:
    not_a_reviewer (403), own_proposal (403), proposal_decided (409), validation_failed
    (scores, comment)."""
    call = proposal.call
    if not may_review(call, actor):
        raise DomainError("not_a_reviewer", _l("Only organisers and the call's reviewers can "
                                               "review proposals."), status=403)
    if is_proposers(proposal, actor):
        raise DomainError("own_proposal", _l("You cannot review a proposal sent by you or "
                                             "your association."), status=403)
    fields = Fields()
    text = fields.text("comment", comment, max_length=MAX_COMMENT)
    given = scores if isinstance(scores, Mapping) else {}
    if not isinstance(scores, Mapping):
        fields.add("scores", _l("Give a score for each criterion."))
    clean: dict[str, int] = {}
    for criterion in call.criteria:
        raw = given.get(str(criterion.id), given.get(criterion.id))
        if isinstance(raw, str) and raw.strip().isdigit():
            raw = int(raw)
        value = fields.whole_number(f"score-{criterion.id}", raw, minimum=0,
                                    maximum=criterion.max_score, required=True)
        if value is not None:
            clean[str(criterion.id)] = value
    if len(given) > len(call.criteria) and isinstance(scores, Mapping):
        known = {str(c.id) for c in call.criteria}
        if any(str(key) not in known for key in given):
            fields.add("scores", _l("Score only the rubric's criteria."))
    fields.raise_if_any()
    proposal = _lock(proposal)
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW):
        raise Conflict("proposal_decided", _l("This proposal is already decided or "
                                              "withdrawn."))
    if proposal.status is ProposalStatus.SUBMITTED:
        _move(proposal, ProposalStatus.UNDER_REVIEW, actor, "")
    review = db.session.scalar(select(ProposalReview).where(
        ProposalReview.proposal_id == proposal.id, ProposalReview.reviewer_id == actor.id))
    if review is None:
        review = ProposalReview(proposal=proposal, reviewer_id=actor.id)
        db.session.add(review)
    review.scores, review.comment = clean, text
    db.session.flush()
    return review


def average_score(proposal: Proposal) -> float | None:
    totals = [review.total for review in proposal.reviews]
    return round(sum(totals) / len(totals), 1) if totals else None


def visible_to(proposal: Proposal, user: User | None) -> bool:
    """Organisers, the call's reviewers and the proposer's side see a proposal."""
    return is_organiser(user) or may_review(proposal.call, user) or is_proposers(proposal,
                                                                                 user)
