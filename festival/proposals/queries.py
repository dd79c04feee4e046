"""Reads for the calls' pages and the API."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from festival.accounts.models import User
from festival.core.errors import NotFound
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db
from festival.proposals.calls import call_of
from festival.proposals.models import (
    CallReviewer,
    ProfileChangeStatus,
    Proposal,
    ProposalStatus,
    SessionCall,
    SpeakerProfileChange,
)

STATUS_ORDER = list(ProposalStatus)


def call_or_404(edition: Edition) -> SessionCall:
    call = call_of(edition)
    if call is None:
        raise NotFound("call_not_found", _("%(year)s has no call for sessions.",
                                           year=edition.year))
    return call


def proposals_of_call(call: SessionCall, status: ProposalStatus | None = None
                      ) -> list[Proposal]:
    query = select(Proposal).where(Proposal.call_id == call.id)
    if status is not None:
        query = query.where(Proposal.status == status)
    rows = list(db.session.scalars(query.order_by(Proposal.created_at, Proposal.id)))
    return sorted(rows, key=lambda p: STATUS_ORDER.index(p.status))


def proposal_in_call(call: SessionCall, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.call_id != call.id:
        raise NotFound("proposal_not_found", _("There is no such proposal."))
    return proposal


def proposals_of_user(user: User) -> list[Proposal]:
    condition = Proposal.proposer_id == user.id
    if user.association_id is not None:
        condition = condition | (Proposal.association_id == user.association_id)
    return list(db.session.scalars(select(Proposal).where(condition)
                                   .order_by(Proposal.created_at.desc()).limit(200)))


def open_calls(now) -> list[SessionCall]:
    """The calls taking proposals now, of public editions only (a draft edition's title and
    year are the organisers'; an archived one takes no proposal)."""
    return list(db.session.scalars(select(SessionCall).join(Edition).where(
        SessionCall.opens_at <= now, SessionCall.closes_at > now,
        Edition.status.not_in((EditionStatus.DRAFT, EditionStatus.ARCHIVED)))
        .order_by(SessionCall.closes_at)))


def calls_reviewed_by(user: User) -> list[SessionCall]:
    return list(db.session.scalars(select(SessionCall).join(CallReviewer).where(
        CallReviewer.user_id == user.id).order_by(SessionCall.closes_at.desc())))


def pending_profile_changes() -> list[SpeakerProfileChange]:
    return list(db.session.scalars(select(SpeakerProfileChange).where(
        SpeakerProfileChange.status == ProfileChangeStatus.PENDING)
        .order_by(SpeakerProfileChange.created_at).limit(200)))
