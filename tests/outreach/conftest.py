"""Outreach fixtures: an edition on sale (two festival days in May 2027, a venue), its ticket
types, paid orders at chosen instants, and the rules switched on."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from festival.core.timeutil import paris_to_utc
from festival.editions.models import Edition, EditionDay, EditionStatus, Venue
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.outreach import services
from festival.outreach.models import RuleKind
from festival.ticketing import orders
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_type

DAY1, DAY2 = date(2027, 5, 15), date(2027, 5, 16)


def at(day: date, hhmm: str) -> datetime:
    """The UTC instant of a Paris wall-clock time."""
    return paris_to_utc(day, time.fromisoformat(hhmm))


def make_edition(year: int = 2027, days=(DAY1, DAY2), status=EditionStatus.ON_SALE) -> Edition:
    from festival.ticketing import catalog
    edition = Edition(year=year, title=f"Almoggar {year}", status=status)
    edition.days = [EditionDay(day=d) for d in days]
    edition.venues = [Venue(name="Salle des fêtes", address="1 place de la Mairie",
                            postcode="93200", city="Saint-Denis")]
    db.session.add(edition)
    db.session.flush()
    catalog.set_venue_capacity(edition, 1000)
    return edition


def paid_order(edition, ticket_type, paid_at: datetime, *, email: str = "amina@example.fr",
               language: str = "fr", count: int = 1, consent: bool = False, extra=()):
    items = [Item(ticket_type.id, count), *[Item(t.id, 1) for t in extra]]
    order = orders.create_order(edition, buyer_name="Amina", email=email, items=items,
                                language=language, marketing_consent=consent, now=paid_at,
                                terms_accepted=True)
    orders.mark_paid(order, PaymentMethod.DEMO, now=paid_at)
    db.session.flush()
    return order


def switch_on(edition, kind: RuleKind, **texts):
    return services.save_rule(edition, kind, is_enabled=True,
                              subjects=texts.get("subjects", {}),
                              bodies=texts.get("bodies", {}), actor=None)


def rule_messages(template: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.batch.like("rule:%"))
    if template:
        query = query.where(OutboxMessage.template == template)
    return db.session.scalars(query.order_by(OutboxMessage.id)).all()


@pytest.fixture
def edition(ctx):
    return make_edition()


@pytest.fixture
def day_pass(edition):
    return make_type(edition, name="Pass festival", quota=100)


@pytest.fixture
def sunday_ticket(edition):
    return make_type(edition, name="Dimanche", quota=100, valid_days=[DAY2.isoformat()])
