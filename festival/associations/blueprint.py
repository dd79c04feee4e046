"""The registry's blueprint; its routes live in views.py, manage_views.py and io_views.py."""
from __future__ import annotations

from flask import Blueprint

from festival.associations.labels import template_helpers
from festival.associations.logos import logo_url
from festival.associations.models import MembershipStatus
from festival.associations.queries import applied_at
from festival.associations.services import available_actions

bp = Blueprint("associations", __name__)


@bp.context_processor
def registry_helpers() -> dict:
    return dict(template_helpers(), logo_url=logo_url, status_enum=MembershipStatus,
                applied_at=applied_at, available_actions=available_actions)
