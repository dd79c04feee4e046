"""What the calls hold about a person, for the privacy export and erasure: the proposals they
sent from their account, and the proposals that name them as a speaker by their address."""
from __future__ import annotations

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.core.timeutil import to_paris
from festival.extensions import db
from festival.proposals.models import Proposal, ProposalSpeaker


def _iso(moment) -> str | None:
    return to_paris(moment).isoformat() if moment is not None else None


def _named(email: str) -> list[ProposalSpeaker]:
    return list(db.session.scalars(select(ProposalSpeaker).where(
        func.lower(ProposalSpeaker.email) == email).order_by(ProposalSpeaker.id)))


def proposals_of_person(email: str, users: list[User]) -> dict:
    """The export's part: {"proposals_sent": […], "proposals_naming_you": […]}."""
    sent = list(db.session.scalars(select(Proposal).where(
        Proposal.proposer_id.in_([u.id for u in users])).order_by(Proposal.id))) if users else []
    return {
        "proposals_sent": [{"edition": p.call.edition.year, "title": p.title,
                            "status": p.status.value, "language": p.mail_language,
                            "sent_at": _iso(p.created_at)} for p in sent],
        "proposals_naming_you": [
            {"edition": row.proposal.call.edition.year, "title": row.proposal.title,
             "name": row.name, "email": row.email,
             "available": [f"{a.day.isoformat()}/{a.part.value}" for a in row.availability]}
            for row in _named(email)],
    }


def forget_speaker_address(email: str) -> int:
    """Erasure: the address is taken off every proposal naming it (their links stop
    working); returns how many."""
    rows = _named(email)
    for row in rows:
        row.email = ""
        row.link_version = (row.link_version or 0) + 1
    return len(rows)
