"""The waiting list's rules, on a database session (waitlist.services)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from festival.core.errors import Conflict, DomainError, NotFound, ValidationError
from festival.core.timeutil import utcnow
from festival.editions.models import EditionStatus
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders, quotas, shop
from festival.ticketing.models import Quota
from festival.waitlist import services
from festival.waitlist.models import EntryStatus, OfferState, WaitlistOffer
from tests.factories import gen_user
from tests.waitlist.conftest import buy, make_type, sold_out_type

NOW = datetime(2027, 4, 1, 10, 0, tzinfo=UTC)  # weeks before the festival (15 May)


def join(edition, ticket_type, name: str, quantity: int = 1, now=NOW):
    return services.join(edition, ticket_type.id, name=name, email=f"{name.lower()}@example.fr",
                         quantity=quantity, language="fr", now=now)


def organiser():
    user = gen_user("organiser")
    db.session.add(user)
    db.session.flush()
    return user


def free_one(order, now=NOW):
    orders.cancel_order(order, actor=organiser(), reason="test", now=now)


def used(ticket_type) -> int:
    db.session.flush()
    return db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == ticket_type.id)
                             .execution_options(populate_existing=True))


def test_join_only_when_sold_out_and_confirmation_mailed(edition):
    on_sale = make_type(edition, name="Samedi", quota=5)
    with pytest.raises(DomainError) as refused:
        join(edition, on_sale, "Amina")
    assert refused.value.code == "not_sold_out"
    ticket_type, _ = sold_out_type(edition)
    entry = join(edition, ticket_type, "Amina", 2)
    assert entry.status is EntryStatus.WAITING
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.template == "waitlist_joined"))
    assert mail.to_address == "amina@example.fr"
    assert f"/waiting-list/leave/{entry.secret}" in mail.text_body


def test_join_checks_its_input(edition, app):
    ticket_type, _ = sold_out_type(edition)
    limit = app.config["WAITLIST_MAX_QUANTITY"]
    with pytest.raises(ValidationError) as refused:
        services.join(edition, ticket_type.id, name="", email="not an address",
                      quantity=limit + 1, language="fr", now=NOW)
    assert set(refused.value.fields) == {"name", "email", "quantity"}
    join(edition, ticket_type, "Amina")
    with pytest.raises(DomainError) as twice:
        join(edition, ticket_type, "Amina")
    assert twice.value.code == "already_waiting"
    with pytest.raises(NotFound):
        services.join(edition, 99999, name="X", email="x@example.fr", quantity=1,
                      language="fr", now=NOW)


def test_offers_go_in_joining_order_and_hold_the_seats(edition):
    ticket_type, held = sold_out_type(edition, quota=2)
    first, second, third = (join(edition, ticket_type, n) for n in ("Amina", "Brahim", "Chadia"))
    free_one(held[0])
    assert used(ticket_type) == 1
    assert services.sweep(now=NOW) == (0, 1)
    assert first.status is EntryStatus.OFFERED
    assert second.status is third.status is EntryStatus.WAITING
    assert used(ticket_type) == 2  # the seat is held: no one else can buy it
    assert quotas.drift() == []    # and the counters agree with what holds seats
    offer = first.open_offer
    assert offer.expires_at == NOW + timedelta(hours=24)
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.template == "waitlist_offer"))
    assert mail.to_address == "amina@example.fr"
    assert f"/waiting-list/offer/{offer.token}" in mail.text_body
    with pytest.raises(Conflict):  # the shop sees it sold out
        buy(edition, ticket_type, 1, email="late@example.fr")


def test_an_unused_offer_expires_and_passes_to_the_next_person(edition):
    ticket_type, held = sold_out_type(edition, quota=1)
    first, second = join(edition, ticket_type, "Amina"), join(edition, ticket_type, "Brahim")
    free_one(held[0])
    services.sweep(now=NOW)
    offer = first.open_offer
    assert services.sweep(now=NOW + timedelta(hours=23)) == (0, 0)
    assert services.sweep(now=NOW + timedelta(hours=24)) == (1, 1)
    assert offer.state is OfferState.EXPIRED and first.status is EntryStatus.EXPIRED
    assert second.status is EntryStatus.OFFERED
    assert used(ticket_type) == 1 and quotas.drift() == []


def test_who_left_or_already_bought_is_skipped(edition):
    ticket_type, held = sold_out_type(edition, quota=2)
    left, bought, third = (join(edition, ticket_type, n) for n in ("Amina", "Brahim", "Chadia"))
    services.leave(left, now=NOW)
    free_one(held[0])
    # bought the freed seat at the box office (the shop keeps it for the line)
    buy(edition, ticket_type, 1, email="brahim@example.fr", box_office=True)
    free_one(held[1])
    services.sweep(now=NOW)
    assert left.status is EntryStatus.LEFT and not left.offers
    assert bought.status is EntryStatus.BOUGHT and not bought.offers
    assert third.status is EntryStatus.OFFERED


def test_the_line_is_strict_a_large_request_is_not_overtaken(edition):
    ticket_type, held = sold_out_type(edition, quota=2)
    big, small = join(edition, ticket_type, "Amina", 2), join(edition, ticket_type, "Brahim", 1)
    free_one(held[0])
    assert services.sweep(now=NOW) == (0, 0)
    assert big.status is small.status is EntryStatus.WAITING
    free_one(held[1])
    services.sweep(now=NOW)
    assert big.status is EntryStatus.OFFERED and big.open_offer.quantity == 2
    assert small.status is EntryStatus.WAITING


def test_no_offer_once_the_festival_has_started_or_sales_are_closed(edition):
    ticket_type, held = sold_out_type(edition, quota=1)
    entry = join(edition, ticket_type, "Amina")
    free_one(held[0])
    festival_morning = datetime(2027, 5, 15, 8, 0, tzinfo=UTC)
    assert services.sweep(now=festival_morning) == (0, 0)
    ticket_type.sales_close_at = NOW - timedelta(minutes=1)
    assert services.sweep(now=NOW) == (0, 0)
    ticket_type.sales_close_at = None
    edition.status = EditionStatus.CLOSED
    assert services.sweep(now=NOW) == (0, 0)
    with pytest.raises(DomainError) as refused:
        services.offer_by_hand(entry, actor=organiser(), now=NOW)
    assert refused.value.code == "sales_closed"
    edition.status = EditionStatus.ON_SALE
    assert services.sweep(now=NOW) == (0, 1)
    # An offer never lasts past the festival's start.
    assert entry.open_offer.expires_at <= services.festival_start(edition)


def test_an_offer_is_cut_short_by_the_end_of_sales(edition):
    ticket_type, held = sold_out_type(edition, quota=1)
    entry = join(edition, ticket_type, "Amina")
    free_one(held[0])
    ticket_type.sales_close_at = NOW + timedelta(hours=3)
    services.sweep(now=NOW)
    assert entry.open_offer.expires_at == NOW + timedelta(hours=3)


def test_one_person_never_holds_two_offers(edition):
    ticket_type, held = sold_out_type(edition, quota=2)
    entry = join(edition, ticket_type, "Amina")
    free_one(held[0])
    free_one(held[1])
    services.sweep(now=NOW)
    services.sweep(now=NOW)
    assert len(entry.offers) == 1
    with pytest.raises(DomainError) as refused:
        services.offer_by_hand(entry, actor=organiser(), now=NOW)
    assert refused.value.code == "already_offered"
    # The database says so too.
    db.session.add(WaitlistOffer(entry=entry, quantity=1, token="x" * 20,
                                 state=OfferState.OPEN, created_at=NOW, expires_at=NOW))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_using_an_offer_makes_the_order_with_the_held_seats(edition):
    ticket_type, held = sold_out_type(edition, quota=2)
    entry = join(edition, ticket_type, "Amina", 2)
    free_one(held[0])
    free_one(held[1])
    services.sweep(now=NOW)
    offer = entry.open_offer
    order = services.use_offer(offer, buyer_name="Amina", email="amina@example.fr",
                               quantity=1, attendees=[], language="ar", terms_accepted=True,
                               now=NOW + timedelta(hours=1))
    assert len(order.tickets) == 1 and order.language == "ar"
    assert offer.state is OfferState.USED and offer.order_id == order.id
    assert entry.status is EntryStatus.BOUGHT
    assert used(ticket_type) == 1  # the seat not taken went back
    assert quotas.drift() == []
    with pytest.raises(DomainError) as again:
        services.use_offer(offer, buyer_name="Amina", email="amina@example.fr", quantity=1,
                           attendees=[], language="fr", terms_accepted=True, now=NOW)
    assert again.value.code == "offer_used"


def test_an_expired_offer_cannot_be_used_even_before_the_sweep(edition):
    ticket_type, held = sold_out_type(edition, quota=1)
    entry = join(edition, ticket_type, "Amina")
    free_one(held[0])
    services.sweep(now=NOW)
    with pytest.raises(DomainError) as late:
        services.use_offer(entry.open_offer, buyer_name="Amina", email="amina@example.fr",
                           quantity=1, attendees=[], language="fr", terms_accepted=True,
                           now=NOW + timedelta(hours=25))
    assert late.value.code == "offer_expired"


def test_leaving_or_removal_gives_the_held_seats_back(edition):
    ticket_type, held = sold_out_type(edition, quota=1)
    first, second = join(edition, ticket_type, "Amina"), join(edition, ticket_type, "Brahim")
    free_one(held[0])
    services.sweep(now=NOW)
    services.remove(first, actor=organiser(), now=NOW)
    assert first.status is EntryStatus.REMOVED
    assert first.offers[0].state is OfferState.WITHDRAWN
    assert used(ticket_type) == 0
    services.sweep(now=NOW)
    assert second.status is EntryStatus.OFFERED
    services.leave(second, now=NOW)
    assert used(ticket_type) == 0 and quotas.drift() == []
    with pytest.raises(DomainError):
        services.remove(second, actor=organiser(), now=NOW)


def test_offer_by_hand_needs_free_seats(edition):
    ticket_type, held = sold_out_type(edition, quota=1)
    first, second = join(edition, ticket_type, "Amina"), join(edition, ticket_type, "Brahim")
    with pytest.raises(DomainError) as full:
        services.offer_by_hand(second, actor=organiser(), now=NOW)
    assert full.value.code == "sold_out"
    free_one(held[0])
    offer = services.offer_by_hand(second, actor=organiser(), now=NOW)
    assert offer.offered_by_id is not None and first.status is EntryStatus.WAITING


def test_a_day_that_is_full_is_a_sold_out_ticket_too(ctx):
    from tests.ticketing.conftest import make_edition
    edition = make_edition(capacity=1)
    saturday = make_type(edition, name="Samedi", quota=50, valid_days=["2027-05-15"])
    order = buy(edition, saturday, 1)
    entry = join(edition, saturday, "Amina")
    free_one(order)
    services.sweep(now=NOW)
    assert entry.status is EntryStatus.OFFERED
    assert quotas.drift() == []


def test_a_larger_quota_is_offered_to_the_line(edition):
    ticket_type, _ = sold_out_type(edition, quota=1)
    entry = join(edition, ticket_type, "Amina", 2)
    quotas.set_quota(edition.id, ticket_type.id, 3)
    services.sweep(now=NOW)
    assert entry.status is EntryStatus.OFFERED and entry.open_offer.quantity == 2
    assert used(ticket_type) == 3


def test_the_expiry_loop_runs_the_sweep(app, runner):
    """An order that expires frees its seat; the same round of the loop offers it."""
    from festival.ticketing.cli import expire_once
    from tests.waitlist.conftest import make_edition

    with app.app_context():
        edition = make_edition()
        ticket_type = make_type(edition, quota=1)
        unpaid = buy(edition, ticket_type, 1, paid=False)  # the last seat, held 30 minutes
        entry = services.join(edition, ticket_type.id, name="Amina", email="amina@example.fr",
                              quantity=1, language="fr")
        unpaid.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        entry_id = entry.id
    with app.app_context():
        assert expire_once() == 1
        from festival.waitlist.models import WaitlistEntry
        assert db.session.get(WaitlistEntry, entry_id).status is EntryStatus.OFFERED
    result = runner.invoke(args=["waitlist", "sweep"])
    assert result.exit_code == 0 and "offers made: 0" in result.output


def test_erasing_a_person_takes_them_off_the_lists(edition):
    from festival.privacy.services import erase_person, export_person

    ticket_type, held = sold_out_type(edition, quota=1)
    entry = join(edition, ticket_type, "Amina")
    free_one(held[0])
    services.sweep(now=NOW)
    exported = export_person("amina@example.fr")["waiting_lists"]
    assert [e["status"] for e in exported] == ["offered"]
    done = erase_person("amina@example.fr", actor=organiser(), now=NOW)
    assert done.waiting == 1
    assert entry.status is EntryStatus.LEFT and "amina" not in entry.email + entry.name.lower()
    assert used(ticket_type) == 0  # the seat held for her went back


def test_a_seat_freed_between_sweeps_is_kept_for_the_line(edition):
    """No sweep has run since the seat came back: the shop still says sold out and refuses
    the seat to a buyer; the box office may sell it; once no one waits it is on sale again."""
    ticket_type, held = sold_out_type(edition, quota=1)
    entry = join(edition, ticket_type, "Amina")
    free_one(held[0])
    offer = next(o for o in shop.offers(edition, None, NOW) if o.id == ticket_type.id)
    assert (offer.state, offer.available) == (shop.SOLD_OUT, 0)
    with pytest.raises(Conflict) as refused:
        orders.create_order(edition, buyer_name="Brahim", email="brahim@example.fr",
                            items=[orders.Item(ticket_type.id, 1, ["Brahim"])],
                            terms_accepted=True, now=NOW)
    assert refused.value.code == "sold_out" and "waiting list" in refused.value.message
    assert used(ticket_type) == 0
    services.leave(entry, now=NOW)
    offer = next(o for o in shop.offers(edition, None, NOW) if o.id == ticket_type.id)
    assert (offer.state, offer.available) == (shop.ON_SALE, 1)
    assert buy(edition, ticket_type, 1, email="brahim@example.fr").tickets


def test_the_box_office_and_the_offer_itself_are_not_held_back_by_the_line(edition):
    ticket_type, held = sold_out_type(edition, quota=2)
    first, _second = join(edition, ticket_type, "Amina"), join(edition, ticket_type, "Brahim")
    free_one(held[0])
    services.sweep(now=NOW)
    order = services.use_offer(first.open_offer, buyer_name="Amina", email="amina@example.fr",
                               quantity=1, attendees=["Amina"], language="fr",
                               terms_accepted=True, now=NOW)
    assert order.tickets  # Brahim still waits behind, yet Amina's offer is hers
    free_one(held[1])
    assert buy(edition, ticket_type, 1, email="door@example.fr", box_office=True).tickets


def test_a_day_seat_freed_for_the_line_is_not_taken_by_a_pass_nobody_waits_for(ctx):
    """Saturday is full, Amina waits for a Saturday ticket; a Saturday seat comes back. The
    two-day pass (nobody waits for it) admits on Saturday too: the shop shows it sold out
    and refuses it until the sweep has offered Amina the seat."""
    from tests.ticketing.conftest import make_edition
    edition = make_edition(capacity=1)
    saturday = make_type(edition, name="Samedi", quota=50, valid_days=["2027-05-15"])
    sunday = make_type(edition, name="Dimanche", quota=50, valid_days=["2027-05-16"])
    two_days = make_type(edition, name="Pass", quota=50)
    order = buy(edition, saturday, 1)
    entry = join(edition, saturday, "Amina")
    free_one(order)
    offers = {o.id: o for o in shop.offers(edition, None, NOW)}
    assert offers[two_days.id].state == shop.SOLD_OUT
    assert offers[sunday.id].state == shop.ON_SALE  # Sunday's seats are nobody's
    with pytest.raises(Conflict) as refused:
        orders.create_order(edition, buyer_name="Brahim", email="brahim@example.fr",
                            items=[orders.Item(two_days.id, 1)], terms_accepted=True, now=NOW)
    assert refused.value.code == "sold_out"
    services.sweep(now=NOW)
    assert entry.status is EntryStatus.OFFERED
    assert quotas.drift() == []


def test_a_line_held_back_by_its_own_quota_keeps_no_day_seat(ctx):
    """People wait for a ticket whose own quota is sold: the day's other seats stay on sale."""
    from tests.ticketing.conftest import make_edition
    edition = make_edition(capacity=10)
    saturday, _held = sold_out_type(edition, quota=1, name="Samedi", valid_days=["2027-05-15"])
    two_days = make_type(edition, name="Pass", quota=50)
    join(edition, saturday, "Amina")
    offers = {o.id: o for o in shop.offers(edition, None, NOW)}
    assert (offers[saturday.id].state, offers[two_days.id].state) == (shop.SOLD_OUT,
                                                                      shop.ON_SALE)
    assert buy(edition, two_days, 2, email="brahim@example.fr").tickets


def test_the_days_a_two_day_line_waits_for(ctx):
    """People wait for the two-day pass because Sunday is full: Saturday tickets stay on
    sale (the pass cannot use a Saturday seat alone); a Sunday seat that comes back is
    theirs."""
    from tests.ticketing.conftest import make_edition
    edition = make_edition(capacity=3)
    two_days = make_type(edition, name="Pass", quota=50)
    saturday = make_type(edition, name="Samedi", quota=50, valid_days=["2027-05-15"])
    sunday = make_type(edition, name="Dimanche", quota=50, valid_days=["2027-05-16"])
    sunday_orders = [buy(edition, sunday, 1, email=f"s{n}@example.fr") for n in range(3)]
    entry = join(edition, two_days, "Amina", 2)
    states = {o.id: o.state for o in shop.offers(edition, None, NOW)}
    assert (states[saturday.id], states[sunday.id]) == (shop.ON_SALE, shop.SOLD_OUT)
    free_one(sunday_orders[0])
    states = {o.id: o.state for o in shop.offers(edition, None, NOW)}
    assert (states[saturday.id], states[sunday.id]) == (shop.ON_SALE, shop.SOLD_OUT)
    free_one(sunday_orders[1])
    services.sweep(now=NOW)
    assert entry.status is EntryStatus.OFFERED


def test_a_day_sells_only_its_seats_beyond_what_the_line_keeps(ctx):
    """Two Saturday seats come back, Amina waits for one: one two-day pass is on sale, not
    two (an order of two would take hers)."""
    from tests.ticketing.conftest import make_edition
    edition = make_edition(capacity=4)
    saturday = make_type(edition, name="Samedi", quota=50, valid_days=["2027-05-15"])
    two_days = make_type(edition, name="Pass", quota=50)
    sold = [buy(edition, saturday, 2, email="first@example.fr"),
            buy(edition, saturday, 2, email="second@example.fr")]
    entry = join(edition, saturday, "Amina")
    free_one(sold[0])
    offers = {o.id: o for o in shop.offers(edition, None, NOW)}
    assert (offers[two_days.id].state, offers[two_days.id].available) == (shop.ON_SALE, 1)
    at_door = {o.id: o for o in shop.offers(edition, None, NOW, box_office=True)}
    assert at_door[two_days.id].available == 2  # the line has no say at the box office
    with pytest.raises(Conflict):
        orders.create_order(edition, buyer_name="Brahim", email="brahim@example.fr",
                            items=[orders.Item(two_days.id, 2)], terms_accepted=True, now=NOW)
    assert orders.create_order(edition, buyer_name="Brahim", email="brahim@example.fr",
                               items=[orders.Item(two_days.id, 1)], terms_accepted=True,
                               now=NOW).tickets
    services.sweep(now=NOW)
    assert entry.status is EntryStatus.OFFERED
    assert quotas.drift() == []
