"""The box office's cash helper in Chromium: the change to give follows the quantity and the
cash received as they are typed, with no submission."""
from __future__ import annotations

import re

import pytest

from festival.extensions import db
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(app):
    from tests.checkin.conftest import make_door_edition, make_list, make_ticket_type
    with app.app_context():
        edition = make_door_edition(2034)
        pass_type = make_ticket_type(edition, "Pass festival")  # 15,00 €
        make_list(edition, "Entrée")
        db.session.commit()
        year, type_id = edition.year, pass_type.id
    user = factories.user_in_db(app, "organiser")
    return {"year": year, "type_id": type_id, "email": user["email"]}


def test_the_change_to_give_is_shown_as_it_is_typed(laptop, desk):
    page = laptop
    page.goto("/login")
    page.fill("#email", desk["email"])
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))
    page.goto(f"/manage/{desk['year']}/box-office")
    assert page.locator("[data-change-button]").is_hidden()  # live: no button needed
    page.click(f"button[data-step='1'][aria-controls='qty-{desk['type_id']}']")
    page.click(f"button[data-step='1'][aria-controls='qty-{desk['type_id']}']")
    page.check("input[name='method'][value='cash']")
    page.fill("#received", "50")
    change = page.locator("[data-change]")
    page.wait_for_function("() => document.querySelector('[data-change]').textContent")
    assert re.fullmatch(r"20,00\W€", change.inner_text())
    page.fill("#received", "20")
    short = page.locator("[data-short]")
    short.wait_for(state="visible")
    assert re.fullmatch(r"10,00\W€ missing", short.inner_text())
    assert change.inner_text() == ""
    page.check("input[name='method'][value='card_terminal']")
    assert page.locator("[data-cash]").is_hidden()
