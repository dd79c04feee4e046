"""The waiting list on a phone, from sold out to paid: the sold-out shop offers the list,
the person joins; a seat comes back and the sweep offers it; the link of the offer e-mail
(read from the outbox) opens the held ticket, and the demo payment pays it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders
from festival.ticketing.models import Order, OrderStatus, PaymentMethod
from festival.ticketing.orders import Item
from festival.waitlist import services
from festival.waitlist.models import EntryStatus, OfferState, WaitlistEntry, WaitlistOffer
from tests.browser.conftest import assert_no_horizontal_overflow
from tests.factories import gen_user
from tests.ticketing.conftest import make_edition, make_type

pytestmark = pytest.mark.browser


@pytest.fixture
def sold_out(app):
    with app.app_context():
        edition = make_edition(capacity=300)
        ticket_type = make_type(edition, "Soirée gnaoua", 2000, quota=1,
                                requires_attendee_name=True, position=1)
        make_type(edition, "Entrée enfant", 0, quota=50, position=2)
        order = orders.create_order(edition, buyer_name="Early", email="early@example.fr",
                                    items=[Item(ticket_type.id, 1, ["Early"])],
                                    terms_accepted=True)
        orders.mark_paid(order, PaymentMethod.BANK_TRANSFER)
        db.session.commit()
        return {"year": edition.year, "type": ticket_type.id, "order": order.id,
                "url": f"/{edition.year}/tickets"}


def test_a_phone_goes_from_sold_out_to_paid_through_the_waiting_list(phone, app, sold_out,
                                                                     screenshot):
    phone.goto(sold_out["url"])
    offer_card = phone.locator(f"#offer-{sold_out['type']}")
    assert offer_card.get_by_text("Sold out").is_visible()
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "waitlist-1-sold-out-shop")
    offer_card.get_by_role("link", name="Join the waiting list").click()
    phone.fill("#name", "Nadia Ait Ali")
    phone.fill("#email", "nadia@example.fr")
    phone.select_option("#quantity", "1")
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "waitlist-2-join")
    phone.get_by_role("button", name="Join the waiting list").click()
    phone.wait_for_selector("text=You are on the waiting list")
    screenshot(phone, "waitlist-3-joined")

    with app.app_context():  # the seat comes back; the expiry loop's sweep offers it
        orders.cancel_order(db.session.get(Order, sold_out["order"]), actor=gen_user(),
                            reason="Cannot come")
        assert services.sweep() == (0, 1)
        db.session.commit()
        mail = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.template == "waitlist_offer"))
        assert mail.to_address == "nadia@example.fr"
        link = re.search(r"https?://\S+/waiting-list/offer/\S+", mail.text_body)[0]

    phone.goto(link)
    assert phone.get_by_text("1 ticket “Soirée gnaoua” is held for you").is_visible()
    assert phone.input_value("#email") == "nadia@example.fr"
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "waitlist-4-offer")
    phone.get_by_role("button", name="Continue to payment").click()  # nothing filled yet
    phone.wait_for_selector("[data-error-summary]")
    phone.fill("#attendee-1", "Nadia Ait Ali")
    phone.check("#accept_terms")
    phone.get_by_role("button", name="Continue to payment").click()
    phone.wait_for_url(re.compile(r"/orders/\w+/demo-payment"))
    phone.locator("button[value=pay]").click()
    phone.wait_for_selector("text=Your order is confirmed")
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "waitlist-5-paid")

    with app.app_context():
        offer = db.session.scalar(select(WaitlistOffer))
        entry = db.session.scalar(select(WaitlistEntry))
        assert offer.state is OfferState.USED and entry.status is EntryStatus.BOUGHT
        assert offer.order.status is OrderStatus.PAID
        assert [t.attendee_name for t in offer.order.tickets] == ["Nadia Ait Ali"]
    phone.goto(link)  # the link has done its work
    assert phone.get_by_text("This offer has already been used").is_visible()
