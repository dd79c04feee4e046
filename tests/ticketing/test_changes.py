"""Corrections and transfers (ticketing/changes.py): deadlines at the edge with the clock
passed in, limits, quotas that do not move, the old token refused at the door by the real
check-in service, history rows in words, and the e-mails."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.core.errors import DomainError, ValidationError
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import changes, orders
from festival.ticketing.labels import EVENT_KIND, describe_event
from festival.ticketing.models import OrderStatus, PaymentMethod, Quota, Ticket, TicketStatus
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_type

LIMITS = changes.Limits(close_hours=48, per_ticket=2, per_order=3)


def _paid_order(edition, kind, quantity=2, **kw):
    order = orders.create_order(edition, buyer_name="Aïcha Ben", email="aicha@example.fr",
                                items=[Item(kind.id, quantity)], terms_accepted=True, **kw)
    orders.mark_paid(order, PaymentMethod.CASH)
    return order


def _used(edition, kind=None):
    return db.session.scalar(select(Quota.used).where(
        Quota.edition_id == edition.id,
        Quota.ticket_type_id == kind.id if kind else Quota.day.isnot(None)).limit(1))


def _mails(to=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


@pytest.fixture
def organiser(ctx):
    from tests.factories import gen_user
    return gen_user("organiser")


@pytest.fixture
def order(edition):
    return _paid_order(edition, make_type(edition, quota=10))


def _start(order):
    return changes.festival_starts_at(order)


# Corrections ------------------------------------------------------------------------------

def test_the_buyer_corrects_until_the_delay_before_the_festival(order):
    closes = _start(order) - timedelta(hours=48)
    assert changes.corrections_close_at(order, LIMITS) == closes
    ticket = order.tickets[0]
    done = changes.correct_order(order, names={ticket.id: "  Samir   Haddad "},
                                 now=closes - timedelta(seconds=1), limits=LIMITS)
    assert done == ["names"] and ticket.attendee_name == "Samir Haddad"
    with pytest.raises(DomainError) as info:
        changes.correct_order(order, names={ticket.id: "Samira"}, now=closes, limits=LIMITS)
    assert info.value.code == "changes_closed"
    assert ticket.attendee_name == "Samir Haddad"


def test_an_organiser_corrects_at_any_time_with_a_reason(order, organiser):
    late = _start(order) + timedelta(hours=1)
    ticket = order.tickets[0]
    with pytest.raises(ValidationError) as info:
        changes.correct_order(order, names={ticket.id: "Nadia"}, actor=organiser, now=late,
                              limits=LIMITS)
    assert "reason" in info.value.fields
    changes.correct_order(order, names={ticket.id: "Nadia"}, actor=organiser,
                          reason="Faute de frappe au guichet", now=late, limits=LIMITS)
    event = order.events[-1]
    assert event.kind == "names_corrected" and event.actor_id == organiser.id
    assert event.note == "Faute de frappe au guichet"


def test_bad_names_and_foreign_tickets_change_nothing(edition, order):
    other = _paid_order(edition, order.tickets[0].ticket_type, quantity=1)
    first, second = order.tickets
    now = _start(order) - timedelta(days=10)
    with pytest.raises(ValidationError) as info:
        changes.correct_order(order, names={first.id: "Ok", second.id: "x" * 201}, now=now,
                              limits=LIMITS)
    assert set(info.value.fields) == {f"name-{second.id}"}
    assert first.attendee_name == ""
    with pytest.raises(ValidationError) as info:
        changes.correct_order(order, names={other.tickets[0].id: "Intrus"}, now=now,
                              limits=LIMITS)
    assert "tickets" in info.value.fields


def test_a_required_name_cannot_be_emptied(edition):
    named = make_type(edition, name="Dîner", requires_attendee_name=True)
    order = orders.create_order(edition, buyer_name="Aïcha", email="aicha@example.fr",
                                items=[Item(named.id, 1, attendees=["Aïcha"])],
                                terms_accepted=True)
    with pytest.raises(ValidationError) as info:
        changes.correct_order(order, names={order.tickets[0].id: "  "},
                              now=_start(order) - timedelta(days=5), limits=LIMITS)
    assert set(info.value.fields) == {f"name-{order.tickets[0].id}"}
    assert order.tickets[0].attendee_name == "Aïcha"


def test_a_new_address_gets_the_tickets_and_the_old_one_is_told(order):
    now = _start(order) - timedelta(days=5)
    before = len(_mails())
    done = changes.correct_order(order, email="  Nouvelle@Example.FR ", now=now, limits=LIMITS)
    assert done == ["email"] and order.email == "nouvelle@example.fr"
    new = _mails()[before:]
    assert [(m.to_address, m.template) for m in new] == [
        ("aicha@example.fr", "order_email_changed"),
        ("nouvelle@example.fr", "order_confirmation")]
    assert all(m.language == "fr" for m in new)
    event = order.events[-1]
    assert event.kind == "email_corrected" and "aicha" not in str(event.data) + event.note
    # the same address again changes nothing and sends nothing
    assert changes.correct_order(order, email="nouvelle@example.fr", now=now,
                                 limits=LIMITS) == []
    assert len(_mails()) == before + 2


def test_a_bad_address_is_refused_beside_its_field(order):
    with pytest.raises(ValidationError) as info:
        changes.correct_order(order, email="pas-une-adresse",
                              now=_start(order) - timedelta(days=5), limits=LIMITS)
    assert "email" in info.value.fields and order.email == "aicha@example.fr"


def test_a_closed_order_cannot_be_corrected(order, organiser):
    orders.cancel_order(order, actor=organiser, reason="test")
    with pytest.raises(DomainError) as info:
        changes.correct_order(order, names={}, now=_start(order) - timedelta(days=5),
                              limits=LIMITS)
    assert info.value.code == "order_closed"


# Transfers --------------------------------------------------------------------------------

def test_a_transfer_revokes_the_ticket_and_issues_one_without_moving_quotas(edition, order):
    kind = order.tickets[0].ticket_type
    used, day_used = _used(edition, kind), _used(edition)
    old = order.tickets[0]
    before = len(_mails())
    new = changes.transfer_ticket(order, old.id, name="Yanis Amrani",
                                  email="Yanis@Example.org", language="ar",
                                  now=_start(order) - timedelta(days=3), limits=LIMITS)
    assert old.status is TicketStatus.REVOKED and new.status is TicketStatus.VALID
    assert (new.order_id, new.ticket_type_id, new.price_cents) == \
        (order.id, old.ticket_type_id, old.price_cents)
    assert new.holder_email == "yanis@example.org" and new.transferred_from_id == old.id
    assert new.transfer_count == 1
    assert (_used(edition, kind), _used(edition)) == (used, day_used)
    assert orders.seats_of(order) == orders.seats_of(order, [old, order.tickets[1]])
    [mail] = _mails()[before:]
    assert (mail.to_address, mail.template, mail.language) == \
        ("yanis@example.org", "ticket_transferred", "ar")
    assert mail.context == {"order_id": order.id, "ticket_id": new.id, "language": "ar"}
    event = order.events[-1]
    assert event.kind == "ticket_transferred"
    assert event.data == {"ticket_id": old.id, "new_ticket_id": new.id}
    assert "yanis" not in str(event.data).lower() + event.note.lower()
    assert changes.successors(order) == {old.id: new}


def test_limits_per_ticket_and_per_order(edition):
    order = _paid_order(edition, make_type(edition), quantity=3)
    now = _start(order) - timedelta(days=3)
    first, second, third = order.tickets
    t = changes.transfer_ticket(order, first.id, name="A", email="a@example.org", now=now,
                                limits=LIMITS)
    t = changes.transfer_ticket(order, t.id, name="B", email="b@example.org", now=now,
                                limits=LIMITS)
    with pytest.raises(DomainError) as info:  # this seat has changed hands twice
        changes.transfer_ticket(order, t.id, name="C", email="c@example.org", now=now,
                                limits=LIMITS)
    assert info.value.code == "transfer_limit"
    changes.transfer_ticket(order, second.id, name="C", email="c@example.org", now=now,
                            limits=LIMITS)
    with pytest.raises(DomainError) as info:  # three in the order
        changes.transfer_ticket(order, third.id, name="D", email="d@example.org", now=now,
                                limits=LIMITS)
    assert info.value.code == "transfer_limit"
    assert not changes.buyer_can_transfer(order, now, LIMITS)


def test_no_transfer_of_a_revoked_ticket_nor_once_the_festival_has_begun(order):
    start = _start(order)
    old = order.tickets[0]
    changes.transfer_ticket(order, old.id, name="A", email="a@example.org",
                            now=start - timedelta(days=3), limits=LIMITS)
    with pytest.raises(DomainError) as info:
        changes.transfer_ticket(order, old.id, name="B", email="b@example.org",
                                now=start - timedelta(days=3), limits=LIMITS)
    assert info.value.code == "ticket_not_transferable"
    # after the corrections' delay, until the festival begins
    late = changes.transfer_ticket(order, order.tickets[1].id, name="B", email="b@example.org",
                                   now=start - timedelta(seconds=1), limits=LIMITS)
    assert late.status is TicketStatus.VALID
    assert not changes.buyer_can_correct(order, start - timedelta(seconds=1), LIMITS)
    assert changes.buyer_can_transfer(order, start - timedelta(seconds=1), LIMITS)
    assert not changes.buyer_can_transfer(order, start, LIMITS)
    with pytest.raises(DomainError) as info:
        changes.transfer_ticket(order, late.id, name="C", email="c@example.org",
                                now=start, limits=LIMITS)
    assert info.value.code == "changes_closed"


def test_an_organiser_may_not_transfer_once_the_festival_has_begun(order, organiser):
    start = _start(order)
    with pytest.raises(DomainError) as info:
        changes.transfer_ticket(order, order.tickets[0].id, name="B", email="b@example.org",
                                actor=organiser, now=start, limits=LIMITS)
    assert info.value.code == "changes_closed"
    new = changes.transfer_ticket(order, order.tickets[0].id, name="B", email="b@example.org",
                                  actor=organiser, now=start - timedelta(seconds=1),
                                  limits=LIMITS)
    assert new.status is TicketStatus.VALID


def test_a_transfer_asks_for_a_name_and_an_address(order):
    with pytest.raises(ValidationError) as info:
        changes.transfer_ticket(order, order.tickets[0].id, name=" ", email="non",
                                now=_start(order) - timedelta(days=3), limits=LIMITS)
    assert set(info.value.fields) == {"name", "email"}
    assert order.tickets[0].status is TicketStatus.VALID


def test_a_pending_order_cannot_hand_tickets_over(edition):
    kind = make_type(edition)
    order = orders.create_order(edition, buyer_name="A", email="a@example.fr",
                                items=[Item(kind.id, 1)], terms_accepted=True)
    assert order.status is OrderStatus.PENDING
    with pytest.raises(DomainError) as info:
        changes.transfer_ticket(order, order.tickets[0].id, name="B", email="b@example.org",
                                now=_start(order) - timedelta(days=3), limits=LIMITS)
    assert info.value.code == "order_closed"


def test_a_refund_after_a_transfer_pays_back_the_new_ticket(order, organiser):
    from festival.ticketing import refunds
    new = changes.transfer_ticket(order, order.tickets[0].id, name="B", email="b@example.org",
                                  now=_start(order) - timedelta(days=3), limits=LIMITS)
    done = refunds.refund(order, None, ticket_ids=[new.id], actor=organiser,
                          reason="test", confirmed=True)
    assert done.amount_cents == new.price_cents and new.status is TicketStatus.REVOKED


# History in words -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["names_corrected", "email_corrected", "ticket_transferred"])
def test_the_new_kinds_have_their_words(kind):
    assert str(EVENT_KIND[kind])


def test_the_facts_of_a_change_are_in_words(ctx):
    from festival.ticketing.models import OrderEvent
    assert describe_event(OrderEvent(kind="names_corrected",
                                     data={"ticket_ids": [3, 4], "by_organiser": False})) \
        == "tickets #3, #4 · by the buyer, from the order's page"
    assert describe_event(OrderEvent(kind="ticket_transferred",
                                     data={"ticket_id": 3, "new_ticket_id": 9})) \
        == "ticket #3 revoked, ticket #9 issued and sent to the new holder"


def test_transfers_need_the_ticket_of_this_order(edition, order):
    other = _paid_order(edition, order.tickets[0].ticket_type, quantity=1)
    with pytest.raises(DomainError) as info:
        changes.transfer_ticket(order, other.tickets[0].id, name="B", email="b@example.org",
                                now=_start(order) - timedelta(days=3), limits=LIMITS)
    assert info.value.code == "ticket_not_transferable"
    assert db.session.get(Ticket, other.tickets[0].id).status is TicketStatus.VALID
