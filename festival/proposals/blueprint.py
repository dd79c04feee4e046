"""The calls' blueprint; its routes live in views.py (the call's page, proposing, the
speakers' own page) and manage_views.py (the organisers' and reviewers' pages)."""
from __future__ import annotations

from flask import Blueprint

from festival.proposals.labels import DAY_PART, PROFILE_CHANGE_STATUS, PROPOSAL_STATUS, STATUS_BADGE

bp = Blueprint("proposals", __name__)


@bp.record_once
def _labels(state) -> None:
    state.app.jinja_env.globals.update(
        PROPOSAL_STATUS=PROPOSAL_STATUS, DAY_PART=DAY_PART, PROPOSAL_BADGE=STATUS_BADGE,
        PROFILE_CHANGE_STATUS=PROFILE_CHANGE_STATUS)
