from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.core.errors import Conflict, DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.ticketing import catalog, orders
from festival.ticketing.models import (Order, OrderStatus, PaymentMethod, Quota, Ticket,
                                       TicketStatus, Voucher)
from festival.ticketing.orders import Item
from tests.ticketing.conftest import make_edition, make_type


def _order(edition, items, **kw):
    kw.setdefault("buyer_name", "Aïcha Ben")
    kw.setdefault("email", "aicha@example.fr")
    return orders.create_order(edition, terms_accepted=True, items=items, **kw)


def _used(type_or_none, edition):
    return db.session.scalar(select(Quota.used).where(
        Quota.edition_id == edition.id,
        Quota.ticket_type_id.is_(None) if type_or_none is None
        else Quota.ticket_type_id == type_or_none.id))


def test_an_order_holds_its_seats_for_30_minutes(edition):
    pass_type = make_type(edition, quota=10)
    now = utcnow()
    order = _order(edition, [Item(pass_type.id, 3)], now=now)
    assert order.status is OrderStatus.PENDING
    assert order.expires_at == now + timedelta(minutes=30)
    assert order.total_cents == 4500 and len(order.tickets) == 3
    assert _used(pass_type, edition) == 3 and _used(None, edition) == 3
    assert set(order.code) <= set(orders.CODE_ALPHABET) and len(order.code) == 7
    assert [e.kind for e in order.events] == ["created"]


def test_a_free_order_is_paid_at_once(edition):
    child = make_type(edition, name="Enfant", price=0)
    order = _order(edition, [Item(child.id, 2)])
    assert order.status is OrderStatus.PAID and order.payment_method is PaymentMethod.FREE
    assert [e.kind for e in order.events] == ["created", "paid"]


def test_sold_out_is_a_conflict_and_takes_nothing(edition):
    pass_type = make_type(edition, quota=2)
    _order(edition, [Item(pass_type.id, 2)])
    db.session.commit()
    with pytest.raises(Conflict) as info:
        _order(edition, [Item(pass_type.id, 1)])
    assert info.value.code == "sold_out" and info.value.status == 409
    db.session.rollback()
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert _used(pass_type, edition) == 2


def test_the_venue_capacity_is_a_quota_for_every_type(ctx):
    edition = make_edition(capacity=3)
    a = make_type(edition, name="Samedi", quota=10)
    b = make_type(edition, name="Dimanche", quota=10)
    _order(edition, [Item(a.id, 2)])
    with pytest.raises(Conflict):
        _order(edition, [Item(b.id, 2)])


def test_a_quota_cannot_shrink_below_what_is_held(edition):
    pass_type = make_type(edition, quota=5)
    _order(edition, [Item(pass_type.id, 4)])
    with pytest.raises(ValidationError):
        catalog.update_ticket_type(edition, pass_type, {"quota": 3})
    catalog.update_ticket_type(edition, pass_type, {"quota": 4})
    assert pass_type.quota.size == 4


@pytest.mark.parametrize("items, kw, field", [
    ([], {}, "items"),
    ([Item(999, 1)], {}, "items.0.ticket_type_id"),
    (None, {"buyer_name": " "}, "name"),
    (None, {"email": "nope"}, "email"),
    (None, {"donation_cents": -5}, "donation_cents"),
    (None, {"voucher_code": "NOPE"}, "voucher"),
])
def test_bad_orders_name_the_field(edition, items, kw, field):
    pass_type = make_type(edition)
    with pytest.raises(ValidationError) as info:
        _order(edition, items if items is not None else [Item(pass_type.id, 1)], **kw)
    assert field in info.value.fields


def test_attendee_names_and_per_order_limit(edition):
    named = make_type(edition, requires_attendee_name=True, max_per_order=2)
    with pytest.raises(ValidationError) as info:
        _order(edition, [Item(named.id, 2, ["Ali", ""])])
    assert "items.0.attendees" in info.value.fields
    with pytest.raises(ValidationError) as info:
        _order(edition, [Item(named.id, 3, ["A", "B", "C"])])
    assert "items.0.quantity" in info.value.fields
    order = _order(edition, [Item(named.id, 2, ["Ali", "Itto"])])
    assert [t.attendee_name for t in order.tickets] == ["Ali", "Itto"]


def test_hidden_types_need_their_voucher_which_sets_the_price(edition):
    reduced = make_type(edition, name="Réduit", price=1500, is_hidden=True)
    with pytest.raises(ValidationError):
        _order(edition, [Item(reduced.id, 1)])
    catalog.create_voucher(edition, {"code": "etudiant-27", "ticket_type_id": reduced.id,
                                     "max_uses": 1, "price_override_cents": 500})
    order = _order(edition, [Item(reduced.id, 1)], voucher_code="ETUDIANT-27")
    assert order.total_cents == 500 and order.voucher.used_count == 1
    with pytest.raises(ValidationError) as info:
        _order(edition, [Item(reduced.id, 1)], voucher_code="etudiant-27")
    assert "voucher" in info.value.fields


def test_pay_what_you_want_has_a_minimum_and_donation_is_its_own_line(edition):
    support = make_type(edition, name="Soutien", price=1000, is_pay_what_you_want=True)
    with pytest.raises(ValidationError):
        _order(edition, [Item(support.id, 1, price_cents=500)])
    order = _order(edition, [Item(support.id, 1, price_cents=2500)], donation_cents=1000)
    assert (order.tickets_cents, order.donation_cents, order.total_cents) == (2500, 1000, 3500)
    assert len(order.tickets) == 1


def test_sales_window_and_edition_status(ctx):
    edition = make_edition(status="published")
    pass_type = make_type(edition)
    with pytest.raises(DomainError) as info:
        _order(edition, [Item(pass_type.id, 1)])
    assert info.value.code == "sales_closed"
    edition2 = make_edition(year=2028)
    later = make_type(edition2, sales_open_at=(utcnow() + timedelta(days=1)).isoformat())
    with pytest.raises(ValidationError):
        _order(edition2, [Item(later.id, 1)])
    assert _order(edition2, [Item(later.id, 1)], box_office=True).status is OrderStatus.PENDING


def test_expiry_frees_the_seats_and_the_voucher(edition):
    pass_type = make_type(edition, quota=4)
    voucher = catalog.create_voucher(edition, {"code": "AMIS-2027", "ticket_type_id": pass_type.id,
                                               "max_uses": 1, "price_override_cents": 1000})
    now = utcnow()
    order = _order(edition, [Item(pass_type.id, 2)], voucher_code="amis-2027", now=now)
    assert voucher.used_count == 1 or db.session.scalar(
        select(Voucher.used_count).where(Voucher.id == voucher.id)) == 1
    assert not orders.expire_order(order, now=now + timedelta(minutes=29))
    assert orders.expire_due(now=now + timedelta(minutes=31)) == 1
    db.session.expire_all()
    assert order.status is OrderStatus.EXPIRED and order.events[-1].kind == "expired"
    assert _used(pass_type, edition) == 0 and _used(None, edition) == 0
    assert db.session.scalar(select(Voucher.used_count).where(Voucher.id == voucher.id)) == 0
    assert orders.expire_due(now=now + timedelta(minutes=31)) == 0


def test_paid_after_expiry_is_honoured_while_seats_remain(edition):
    pass_type = make_type(edition, quota=1)
    now = utcnow()
    order = _order(edition, [Item(pass_type.id, 1)], now=now)
    orders.expire_order(order, now=now + timedelta(hours=1))
    assert orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=1500,
                            now=now + timedelta(hours=1)) == "revived"
    assert order.status is OrderStatus.PAID and _used(pass_type, edition) == 1


def test_paid_after_expiry_with_the_seats_gone_needs_a_refund(edition):
    pass_type = make_type(edition, quota=1)
    now = utcnow()
    late = _order(edition, [Item(pass_type.id, 1)], now=now)
    orders.expire_order(late, now=now + timedelta(hours=1))
    _order(edition, [Item(pass_type.id, 1)], email="other@example.fr")
    assert orders.mark_paid(late, PaymentMethod.STRIPE, amount_cents=1500) == "refund_needed"
    assert late.status is OrderStatus.EXPIRED and _used(pass_type, edition) == 1


def test_the_amount_paid_must_match(edition):
    pass_type = make_type(edition)
    order = _order(edition, [Item(pass_type.id, 1)])
    with pytest.raises(DomainError) as info:
        orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=100)
    assert info.value.code == "payment_mismatch" and order.status is OrderStatus.PENDING
    with pytest.raises(DomainError):
        orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=1500, currency="usd")
    assert orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=1500) == "paid"
    assert orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=1500) == "already_paid"


def test_cancel_frees_seats_and_revokes_tickets(edition):
    from tests.factories import gen_user
    organiser = gen_user("organiser")
    pass_type = make_type(edition, quota=3)
    order = _order(edition, [Item(pass_type.id, 2)])
    orders.mark_paid(order, PaymentMethod.CASH, actor=organiser)
    orders.cancel_order(order, actor=organiser, reason="doublon")
    assert order.status is OrderStatus.CANCELLED
    assert {t.status for t in order.tickets} == {TicketStatus.REVOKED}
    assert _used(pass_type, edition) == 0
    with pytest.raises(DomainError):
        orders.cancel_order(order, actor=organiser, reason="again")


def test_orders_paid_online_are_refunded_not_cancelled(edition):
    from tests.factories import gen_user
    pass_type = make_type(edition)
    order = _order(edition, [Item(pass_type.id, 1)])
    orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=1500)
    with pytest.raises(DomainError) as info:
        orders.cancel_order(order, actor=gen_user("organiser"), reason="x")
    assert info.value.code == "refund_instead"


def test_codes_are_read_back_forgivingly(edition):
    pass_type = make_type(edition)
    order = _order(edition, [Item(pass_type.id, 1)])
    spaced = f" {order.code[:3].lower()}-{order.code[3:]} "
    assert orders.find_order(spaced) is order
    assert orders.find_order("") is None
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_lock_order_refuses_to_run_outside_a_transaction(app):
    with app.app_context():
        edition = make_edition()
        order = _order(edition, [Item(make_type(edition).id, 1)])
        order_id = order.id
        db.session.commit()
        with pytest.raises(RuntimeError, match="locking a Order needs a transaction"):
            orders.lock_order(order_id)
        db.session.scalar(select(Order.id).where(Order.id == order_id))  # the unit of work
        assert orders.lock_order(order_id).id == order_id
        db.session.rollback()


def _uses(voucher) -> int:
    return db.session.scalar(select(Voucher.used_count).where(Voucher.id == voucher.id))


def test_free_orders_spend_a_voucher_use_only_when_they_take_its_ticket(edition):
    invitation = make_type(edition, name="Invitation", price=0, is_hidden=True)
    child = make_type(edition, name="Enfant", price=0)
    voucher = catalog.create_voucher(edition, {"code": "INVITE-27",
                                               "ticket_type_id": invitation.id,
                                               "max_uses": 20})
    guests = [_order(edition, [Item(invitation.id, 1)], voucher_code="invite-27",
                     email=f"guest{n}@example.fr") for n in range(6)]
    parents = [_order(edition, [Item(child.id, 1)], voucher_code="invite-27",
                      email=f"parent{n}@example.fr")  # the code sent along, for a
               for n in range(5)]                     # ticket it does not open
    assert _uses(voucher) == 6  # not 11
    assert {o.status for o in guests + parents} == {OrderStatus.PAID}
    assert {o.voucher_id for o in guests} == {voucher.id}
    assert {o.voucher_id for o in parents} == {None}


def test_an_order_not_taking_a_used_up_voucher_is_not_refused(edition):
    reduced = make_type(edition, name="Réduit", is_hidden=True)
    public = make_type(edition, name="Pass")
    voucher = catalog.create_voucher(edition, {"code": "UNE-FOIS", "ticket_type_id": reduced.id,
                                               "max_uses": 1})
    _order(edition, [Item(reduced.id, 1)], voucher_code="UNE-FOIS")
    assert _order(edition, [Item(public.id, 1)], voucher_code="UNE-FOIS").voucher_id is None
    assert _uses(voucher) == 1


def test_a_revived_order_takes_its_voucher_use_again(edition):
    pass_type = make_type(edition, quota=10)
    voucher = catalog.create_voucher(edition, {"code": "AMIS", "ticket_type_id": pass_type.id,
                                               "max_uses": 2, "price_override_cents": 1000})
    now = utcnow()
    order = _order(edition, [Item(pass_type.id, 1)], voucher_code="AMIS", now=now)
    assert orders.expire_order(order, now=now + timedelta(hours=1))
    assert _uses(voucher) == 0
    assert orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=1000,
                            now=now + timedelta(hours=1)) == "revived"
    assert _uses(voucher) == 1 and _used(pass_type, edition) == 1


def test_a_late_payment_is_refused_when_the_voucher_has_no_use_left(edition):
    pass_type = make_type(edition, quota=10)
    voucher = catalog.create_voucher(edition, {"code": "AMIS", "ticket_type_id": pass_type.id,
                                               "max_uses": 1, "price_override_cents": 1000})
    now = utcnow()
    late = _order(edition, [Item(pass_type.id, 1)], voucher_code="AMIS", now=now)
    assert orders.expire_order(late, now=now + timedelta(hours=1))
    _order(edition, [Item(pass_type.id, 1)], voucher_code="AMIS", email="b@example.fr")
    assert orders.mark_paid(late, PaymentMethod.STRIPE, amount_cents=1000,
                            now=now + timedelta(hours=1)) == "refund_needed"
    assert late.status is OrderStatus.EXPIRED and late.events[-1].kind == "paid_too_late"
    assert _uses(voucher) == 1
    assert _used(pass_type, edition) == 1 and _used(None, edition) == 1  # no seat taken
