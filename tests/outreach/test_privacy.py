"""A person's export and erasure include what the rules hold about them."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from festival.extensions import db
from festival.outreach import unsubscribe as optout
from festival.outreach.feedback import give_feedback
from festival.outreach.models import RuleDelivery, Unsubscribe
from festival.privacy.services import erase_person, export_person
from tests.outreach.conftest import at, make_edition, paid_order
from tests.ticketing.conftest import make_type


def test_export_then_erasure(ctx):
    day = date(2020, 5, 15)
    edition = make_edition(2020, days=(day,))
    order = paid_order(edition, make_type(edition, quota=5), at(day - timedelta(days=2), "12:00"))
    give_feedback(order, 5, None, "Superbe soirée", "fr", now=at(day, "23:00"))
    optout.unsubscribe("amina@example.fr")
    db.session.add(RuleDelivery(rule_id=_rule(edition), recipient="address:amina@example.fr",
                                occasion="published"))
    db.session.flush()
    exported = export_person("Amina@example.fr")
    assert exported["feedback"][0]["comment"] == "Superbe soirée"
    assert exported["unsubscribed_from_announcements"] is True
    erase_person("amina@example.fr", actor=None)
    assert db.session.scalars(select(Unsubscribe)).all() == []
    assert db.session.scalar(select(RuleDelivery.recipient)).startswith("address:erased-")


def _rule(edition) -> int:
    from festival.outreach import services
    from festival.outreach.models import RuleKind
    return services.switch_rule(edition, RuleKind.ANNOUNCEMENT, False, actor=None).id
