"""Ticketing pages. Importing this module registers every route on the two blueprints:
the buyers' (`ticketing`) and the organisers' (`manage_tickets`)."""
from __future__ import annotations

from festival.questions import views as question_views  # noqa: F401 (its routes too)
from festival.seats import views as seat_views  # noqa: F401 (its routes too)
from festival.ticketing import (  # noqa: F401 (their routes register on import)
    box_office_views,
    catalog_views,
    change_views,
    manage_views,
    order_views,
    shop_views,
    terms_views,
)
from festival.ticketing.blueprints import bp, manage_bp

__all__ = ["bp", "manage_bp"]
