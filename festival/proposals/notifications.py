"""E-mails of the calls for sessions, queued in the outbox within the transaction that made
the change (festival/mail) and sent after its commit: the decision to the proposer in the
language they proposed in, and to each speaker of an accepted proposal the link to their
own page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.core.urls import absolute_url
from festival.mail.services import mail_language, queue_mail
from festival.proposals.links import LINK_DAYS, link_token
from festival.proposals.models import Proposal, ProposalSpeaker, ProposalStatus


def queue_decision(proposal: Proposal, note: str) -> None:
    """The proposal was accepted or declined: tell the person who proposed it."""
    proposer = proposal.proposer
    if proposer is None:
        return
    accepted = proposal.status is ProposalStatus.ACCEPTED
    edition = proposal.call.edition
    subject = (_l("Your proposal is accepted: %(title)s", title=proposal.title) if accepted
               else _l("Your proposal was not retained: %(title)s", title=proposal.title))
    queue_mail(proposer.email, "proposal_decision", {
        "name": proposer.display_name, "proposal": proposal, "accepted": accepted,
        "note": note, "edition": edition,
        "proposals_url": absolute_url("proposals.mine")},
        mail_language(proposal.mail_language), subject,
        dedupe_key=f"proposal-decision-{proposal.id}")


def queue_speaker_invitation(row: ProposalSpeaker) -> None:
    """A speaker of an accepted proposal: the link to keep their page (a new link each time,
    the older ones stop working)."""
    row.link_version = (row.link_version or 0) + 1
    proposal = row.proposal
    queue_mail(row.email, "speaker_invitation", {
        "name": row.name, "proposal": proposal, "edition": proposal.call.edition,
        "days": LINK_DAYS,
        "page_url": absolute_url("proposals.speaker_page", token=link_token(row))},
        mail_language(proposal.mail_language),
        _l("Your page as a speaker at %(title)s", title=proposal.call.edition.title),
        dedupe_key=f"speaker-invitation-{row.id}-{row.link_version}")
