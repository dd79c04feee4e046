"""JSON API of the calls for sessions: an edition's call and its proposals, for organisers'
tools (read only; organiser tokens). The proposals are given whole: organisers' tokens are
never anonymised."""
from __future__ import annotations

from flask import Blueprint, jsonify

from festival.core.access import Role, roles
from festival.core.timeutil import to_paris
from festival.editions.queries import edition_for_year
from festival.proposals import queries, services
from festival.proposals.models import Proposal, SessionCall

bp = Blueprint("proposals", __name__)


def _instant(moment) -> str | None:
    return to_paris(moment).isoformat() if moment is not None else None


def call_json(call: SessionCall) -> dict:
    return {
        "year": call.edition.year, "opens_at": _instant(call.opens_at),
        "closes_at": _instant(call.closes_at), "guidelines": call.texts_of("guidelines"),
        "languages": [v.value for v in call.language_values],
        "poles": [v.value for v in call.pole_values],
        "is_open_to_accounts": call.is_open_to_accounts,
        "is_anonymised": call.is_anonymised,
        "formats": [{"id": f.id, "kind": f.kind.value, "name": f.texts_of("name"),
                     "duration_minutes": f.duration_minutes} for f in call.formats],
        "criteria": [{"id": c.id, "name": c.texts_of("name"), "max_score": c.max_score}
                     for c in call.criteria],
    }


def proposal_json(p: Proposal) -> dict:
    return {
        "id": p.id, "title": p.title, "abstract": p.abstract, "status": p.status.value,
        "format_id": p.format_id, "language": p.language.value,
        "pole": p.pole.value if p.pole else None,
        "association": p.association.slug if p.association else None,
        "proposer": p.proposer.display_name if p.proposer else None,
        "speakers": [{"name": s.name, "speaker_id": s.speaker_id} for s in p.speakers],
        "needs": {"audience": p.audience, "projector": p.needs_projector,
                  "interpreter": p.needs_interpreter, "other": p.other_needs},
        "preferred_slots": [{"day": s.day.isoformat(), "part": s.part.value}
                            for s in p.ordered_slots],
        "average_score": services.average_score(p), "reviews": len(p.reviews),
        "session_id": p.session_id, "submitted_at": _instant(p.created_at),
        "history": [{"from": e.from_status.value if e.from_status else None,
                     "to": e.to_status.value, "at": _instant(e.created_at),
                     "note": e.note} for e in p.events],
    }


@bp.get("/editions/<int:year>/call")
@roles(Role.ORGANISER)
def get_call(year: int):
    """The edition's call for sessions: dates, formats, languages, pôles, rubric."""
    return jsonify(call_json(queries.call_or_404(edition_for_year(year, include_drafts=True))))


@bp.get("/editions/<int:year>/proposals")
@roles(Role.ORGANISER)
def list_proposals(year: int):
    """Every proposal of the edition's call, by status then as they came."""
    call = queries.call_or_404(edition_for_year(year, include_drafts=True))
    rows = queries.proposals_of_call(call)
    return jsonify(proposals=[proposal_json(p) for p in rows], count=len(rows))


@bp.get("/editions/<int:year>/proposals/<int:proposal_id>")
@roles(Role.ORGANISER)
def get_proposal(year: int, proposal_id: int):
    call = queries.call_or_404(edition_for_year(year, include_drafts=True))
    return jsonify(proposal_json(queries.proposal_in_call(call, proposal_id)))
