"""Dashboard API: the figures of an edition in one answer, for organisers' tools."""
from __future__ import annotations

from flask import Blueprint, jsonify

from festival.core.access import Role, roles
from festival.dashboard import rollups
from festival.dashboard.queries import api_summary
from festival.editions.queries import edition_for_year

bp = Blueprint("dashboard", __name__)


@bp.get("/editions/<int:year>/dashboard")
@roles(Role.ORGANISER)
def edition_dashboard(year: int):
    """Sold, reserved, checked in, inside now, capacity, revenue, per ticket type, arrivals per
    quarter hour (times in ISO 8601 with the Paris offset) and refusals by result."""
    edition = edition_for_year(year, include_drafts=True)
    rollups.settle_quietly(edition)
    rollups.read_consistently()
    response = jsonify(api_summary(edition))
    response.headers["Cache-Control"] = "no-store"
    return response
