"""On a phone, a buyer corrects a name on their order's page, then hands a ticket over: the
old ticket shows as handed over, the new one appears with its QR code, and nothing sticks
out sideways."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import Order, PaymentMethod, TicketStatus
from tests.browser.conftest import assert_no_horizontal_overflow
from tests.ticketing.conftest import make_edition, make_type

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def paid(app):
    with app.app_context():
        edition = make_edition()
        kind = make_type(edition, "Pass festival", 2500, quota=20, requires_attendee_name=True)
        order = orders.create_order(edition, terms_accepted=True, buyer_name="Amina Tazi",
                                    email="amina@example.fr",
                                    items=[orders.Item(kind.id, 2, ["Amina Tazi", "Smir"])])
        orders.mark_paid(order, PaymentMethod.CASH)
        db.session.commit()
        return {"id": order.id, "tickets": [t.id for t in order.tickets],
                "url": f"/orders/{order.code}?secret={order.secret}"}


def test_a_buyer_corrects_a_name_and_hands_a_ticket_over(phone, app, paid, screenshot):
    second = paid["tickets"][1]
    phone.goto(paid["url"])
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "order-changes-before")

    phone.fill(f"#name-{second}", "Samir Tazi")
    with phone.expect_navigation():
        phone.click("text=Save the corrections")
    expect(phone.locator(".flash-success")).to_contain_text("The names are corrected")
    expect(phone.locator(f"#name-{second}")).to_have_value("Samir Tazi")

    transfer = phone.locator("details.transfer").nth(1)
    transfer.locator("summary").click()
    transfer.get_by_label("Name of the new holder").fill("Yanis Amrani")
    transfer.get_by_label("Their e-mail address").fill("yanis-at-example.org")
    with phone.expect_navigation():
        transfer.get_by_role("button").click()
    # refused beside its field, with what was typed, the form still open
    reopened = phone.locator("details.transfer[open]")
    expect(reopened.locator(".errors")).to_be_visible()
    expect(reopened.get_by_label("Name of the new holder")).to_have_value("Yanis Amrani")
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "order-changes-transfer-error")

    reopened.get_by_label("Their e-mail address").fill("yanis@example.org")
    with phone.expect_navigation():
        reopened.get_by_role("button").click()
    expect(phone.locator(".flash-success")).to_contain_text("is handed over")
    expect(phone.locator(".ticket-card.is-revoked")).to_contain_text("Yanis Amrani")
    expect(phone.locator(".ticket-name", has_text="Yanis Amrani")).to_be_visible()
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "order-changes-after")

    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.id == paid["id"]))
        assert [(t.attendee_name, t.status) for t in order.tickets] == [
            ("Amina Tazi", TicketStatus.VALID), ("Samir Tazi", TicketStatus.REVOKED),
            ("Yanis Amrani", TicketStatus.VALID)]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_order_page_with_its_forms_has_no_serious_violation(phone, live_server, paid,
                                                                 language):
    pytest.importorskip("axe_playwright_python")
    from tests.browser.test_accessibility import _serious
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    phone.goto(paid["url"])
    phone.locator("details.transfer").first.locator("summary").click()
    assert _serious(phone) == []
    second = paid["tickets"][1]
    phone.fill(f"#name-{second}", "")
    phone.fill("#email", "pas-une-adresse")
    with phone.expect_navigation():
        phone.locator("#correct-h ~ form button[type=submit]").click()
    expect(phone.locator(f"#name-{second}")).to_be_focused()
    assert _serious(phone) == []
    assert_no_horizontal_overflow(phone)
