"""Ticketing fixtures: an edition on sale with its venue capacity and ticket types."""
from __future__ import annotations

from datetime import date

import pytest

from festival.extensions import db

# The application with its real catalogues: the shop's pages in French and Arabic.
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401


def make_edition(year: int = 2027, status: str = "on_sale", capacity: int | None = 1000):
    from festival.editions.models import Edition, EditionDay, EditionStatus
    from festival.ticketing import catalog

    edition = Edition(year=year, title=f"Almoggar {year}", status=EditionStatus(status))
    edition.days = [EditionDay(day=date(year, 5, 15)), EditionDay(day=date(year, 5, 16))]
    db.session.add(edition)
    db.session.flush()
    if capacity is not None:
        catalog.set_venue_capacity(edition, capacity)
    return edition


def make_type(edition, name: str = "Pass festival", price: int = 1500, quota: int = 100,
              **fields):
    from festival.ticketing import catalog

    data = {"name": name, "price_cents": price, "quota": quota,
            "requires_attendee_name": False}
    data.update(fields)
    return catalog.create_ticket_type(edition, data)


@pytest.fixture
def edition(ctx):
    return make_edition()
