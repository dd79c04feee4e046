"""Calls for sessions and their proposals, read by organisers (festival/proposals/api.py)."""
from __future__ import annotations

from festival.api.openapi.common import (
    BEARER,
    BOOLEAN,
    DATETIME,
    INTEGER,
    STRING,
    YEAR,
    array,
    enum,
    errors,
    nullable,
    obj,
    ok,
    operation,
    path_id,
    ref,
)
from festival.associations.models import Pole
from festival.editions.models import Language, SessionKind
from festival.proposals.models import DayPart, ProposalStatus

TAG = "Calls for sessions"

TEXTS = {"type": "object", "additionalProperties": {"type": "string"},
         "description": "The text per language (fr, en, ar); French is always there."}

SCHEMAS = {
    "SessionCall": obj({
        "year": INTEGER, "opens_at": DATETIME, "closes_at": DATETIME, "guidelines": TEXTS,
        "languages": array(enum(Language)), "poles": array(enum(Pole)),
        "is_open_to_accounts": BOOLEAN, "is_anonymised": BOOLEAN,
        "formats": array(obj({"id": INTEGER, "kind": enum(SessionKind), "name": TEXTS,
                              "duration_minutes": INTEGER})),
        "criteria": array(obj({"id": INTEGER, "name": TEXTS, "max_score": INTEGER})),
    }),
    "Proposal": obj({
        "id": INTEGER, "title": STRING, "abstract": STRING, "status": enum(ProposalStatus),
        "format_id": nullable(INTEGER), "language": enum(Language),
        "pole": nullable(enum(Pole)), "association": nullable(STRING),
        "proposer": nullable(STRING),
        "speakers": array(obj({"name": STRING, "speaker_id": nullable(INTEGER)})),
        "needs": obj({"audience": nullable(INTEGER), "projector": BOOLEAN,
                      "interpreter": BOOLEAN, "other": STRING}),
        "preferred_slots": array(obj({"day": {"type": "string", "format": "date"},
                                      "part": enum(DayPart)})),
        "average_score": nullable({"type": "number"}), "reviews": INTEGER,
        "session_id": nullable(INTEGER), "submitted_at": DATETIME,
        "history": array(obj({"from": nullable(enum(ProposalStatus)),
                              "to": enum(ProposalStatus), "at": DATETIME, "note": STRING})),
    }),
}

PATHS = {
    "/api/v1/editions/{year}/call": {"get": operation(
        "getSessionCall", "An edition's call for sessions", tag=TAG, security=BEARER,
        parameters=[YEAR], responses={"200": ok(ref("SessionCall")), **errors(403, 404)})},
    "/api/v1/editions/{year}/proposals": {"get": operation(
        "listProposals", "The proposals sent to an edition's call", tag=TAG,
        security=BEARER, parameters=[YEAR],
        responses={"200": ok(obj({"proposals": array(ref("Proposal")), "count": INTEGER})),
                   **errors(403, 404)})},
    "/api/v1/editions/{year}/proposals/{proposal_id}": {"get": operation(
        "getProposal", "One proposal, with its history", tag=TAG, security=BEARER,
        parameters=[YEAR, path_id("proposal_id", "The proposal's id.")],
        responses={"200": ok(ref("Proposal")), **errors(403, 404)})},
}
