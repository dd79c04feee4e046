"""The public menu shows "Tickets" (Billetterie) while an edition is on sale, in every
language, leading to its shop; not otherwise."""
from __future__ import annotations

import re

import pytest

from festival.editions.models import EditionStatus
from festival.extensions import db
from tests.ticketing.conftest import make_edition

LINK = re.compile(r'<a href="([^"]+)" class="menu-tickets"[^>]*>([^<]+)</a>')


@pytest.mark.parametrize("language, label", [("fr", "Billetterie"), ("en", "Tickets"),
                                             ("ar", "حجز التذاكر")])
def test_the_menu_leads_to_the_shop_while_sales_are_open(app, ctx, translated_app, language,
                                                          label):
    with app.app_context():
        make_edition(2027, status="on_sale")
        db.session.commit()
    client = translated_app.test_client()
    client.get(f"/lang/{language}")
    for page in ("/", "/associations", "/legal", "/2027/tickets"):
        found = LINK.search(client.get(page).get_data(as_text=True))
        assert found, page
        assert found.groups() == ("/2027/tickets", label)
    # Inside the menu's <nav>, so the phone's menu button opens it too.
    html = client.get("/").get_data(as_text=True)
    nav = html[html.index('<details class="menu">'):html.index("</details>")]
    assert "menu-tickets" in nav
    shop = client.get("/2027/tickets").get_data(as_text=True)
    assert re.search(r'class="menu-tickets" aria-current="page"', shop)


@pytest.mark.parametrize("status", ["published", "closed", "archived", None])
def test_no_tickets_in_the_menu_when_nothing_is_on_sale(app, client, status):
    if status:
        with app.app_context():
            make_edition(2027, status=status)
            db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "menu-tickets" not in html


def test_the_menu_follows_the_edition_when_its_sales_close(app, client):
    with app.app_context():
        edition = make_edition(2027, status="on_sale")
        db.session.commit()
        assert "menu-tickets" in client.get("/").get_data(as_text=True)
        edition.status = EditionStatus.PUBLISHED
        db.session.commit()
    assert "menu-tickets" not in client.get("/").get_data(as_text=True)
