"""The treasurer's totals, reached from the register as a treasurer does: the period's sums
and the cancelled order whose money the dashboards leave out, on a laptop and a phone."""
from __future__ import annotations

import re

import pytest

from festival.extensions import db
from festival.ticketing import orders
from festival.ticketing.models import PaymentMethod
from festival.ticketing.orders import Item
from tests import factories
from tests.browser.conftest import assert_no_horizontal_overflow
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def books(app):
    user = factories.user_in_db(app, "organiser")
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, "Pass festival", 1500, quota=10)
        organiser = factories.gen_user("organiser")
        made = []
        for method, donation in ((PaymentMethod.CASH, 0), (PaymentMethod.BANK_TRANSFER, 500)):
            order = orders.create_order(edition, buyer_name="Amina", email="",
                                        items=[Item(pass_type.id, 1)],
                                        donation_cents=donation, terms_accepted=True,
                                        box_office=True, actor=organiser)
            orders.mark_paid(order, method)
            made.append(order)
        orders.cancel_order(made[0], actor=organiser, reason="erreur de caisse")
        db.session.commit()
        return {"email": user["email"], "kept": made[0].code}


@pytest.mark.parametrize("device", ["laptop", "phone"])
def test_the_totals_from_the_register(request, books, screenshot, device):
    page = request.getfixturevalue(device)
    page.goto("/login")
    page.fill("#email", books["email"])
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))
    page.goto("/manage/receipts")
    page.get_by_role("button", name="Show the totals").click()
    page.wait_for_url(re.compile(r".*fmt=summary.*"))
    totals = page.locator("#totals-h + dl")
    assert "35,00" in totals.inner_text()  # 15 + 20 received
    row = page.get_by_role("row").filter(has_text=books["kept"])
    assert "Cancelled" in row.inner_text() and "15,00" in row.inner_text()
    if device == "phone":  # a card: each amount says what it is
        labels = row.locator("td").evaluate_all(
            "cells => cells.map(c => getComputedStyle(c, '::before').content)")
        assert labels[1:] == ['"Status · "', '"Received · "', '"Given back · "', '"Kept · "']
    assert_no_horizontal_overflow(page)
    screenshot(page, f"books-totals-{device}")
    row.get_by_role("link", name=books["kept"]).click()
    page.wait_for_url(re.compile(rf".*/orders/{books['kept']}$"))
