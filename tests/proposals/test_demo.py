"""The demo's call for sessions: made once, with its three proposals in three statuses."""
from __future__ import annotations

from festival.demo.proposals import PROPOSALS, load_proposals
from festival.proposals.calls import call_of
from festival.proposals.models import ProposalStatus
from festival.proposals.queries import proposals_of_call
from tests.factories import gen_association, gen_edition, gen_user


def test_the_demo_call_is_made_once_with_its_proposals(ctx):
    edition = gen_edition(2027, status="on_sale")
    for slug, *_rest in PROPOSALS:
        gen_association(slug=slug)
    organiser, reviewer = gen_user("organiser"), gen_user("volunteer")
    load_proposals(edition, organiser, reviewer)
    lines = load_proposals(edition, organiser, reviewer)
    call = call_of(edition)
    assert "/2027/call" in lines[0] and call.is_anonymised
    assert [r.user_id for r in call.reviewers] == [reviewer.id]
    assert sorted(p.status for p in proposals_of_call(call)) == sorted([
        ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.DECLINED])
