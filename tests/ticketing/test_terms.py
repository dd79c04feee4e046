"""The terms of sale: their page in every language, accepted before paying in the shop and
through the API (the order keeps which version and when), recorded as agreed at the desk
for a box-office sale and by mail for a bank transfer; linked from the e-mail."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders, sales
from festival.ticketing.models import Order, OrderStatus, PaymentMethod, TermsAcceptance
from festival.ticketing.orders import Item
from festival.ticketing.terms import TERMS_VERSION
from tests import factories
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=100)
        festival = make_type(edition, "Pass festival", 2500, quota=50,
                             requires_attendee_name=True)
        db.session.commit()
        return {"year": edition.year, "festival": festival.id,
                "url": f"/{edition.year}/tickets"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language, title", [("fr", "Conditions générales de vente"),
                                             ("en", "Terms of sale"),
                                             ("ar", "شروط البيع")])
def test_the_terms_of_sale_in_every_language(ctx, translated_app, language, title):
    client = translated_app.test_client()
    client.get(f"/lang/{language}")
    page = client.get("/terms-of-sale")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"<h1>{title}</h1>" in html
    text = _text(html)
    assert "L221-28 12°" in text  # no right of withdrawal for a leisure service on set dates
    for value in ("Coordination N’Souss Massa (CNSM)", "12 rue de l’Exemple, 75011 Paris",
                  "RNA W751000000", "contact@almoggar.example"):
        assert value in text
    assert "example-mark" in html  # the demo's details, marked
    assert "2026" in text  # its version's date
    assert "Stripe" in text


def test_the_vat_sentence_follows_the_setting(app, client, monkeypatch):
    assert "VAT not applicable" in client.get("/terms-of-sale").get_data(as_text=True)
    monkeypatch.setitem(app.config, "SELLER_VAT_NUMBER", "FR00123456789")
    html = client.get("/terms-of-sale").get_data(as_text=True)
    assert "VAT not applicable" not in html and "FR00123456789" in html


def _details(**fields):
    data = {"action": "pay", "language": "fr", "name": "Yasmine Amrani",
            "email": "yasmine@example.fr", "donation": "5"}
    data.update(fields)
    return data


def test_the_last_step_links_the_terms_and_asks_to_accept_them(client, shop):
    html = client.post(shop["url"], data={"action": "continue", f"qty-{shop['festival']}": "1",
                                          "language": "fr"}).get_data(as_text=True)
    assert 'href="/terms-of-sale"' in html
    assert re.search(r'<input type="checkbox" id="accept_terms" name="accept_terms"', html)
    assert "checked" not in html[html.index('id="accept_terms"'):][:200]  # never ticked for you


def test_paying_without_accepting_is_refused_next_to_the_box_with_nothing_lost(app, client,
                                                                             shop):
    page = client.post(shop["url"], data=_details(**{
        f"qty-{shop['festival']}": "2", f"attendee-{shop['festival']}-1": "Yasmine Amrani",
        f"attendee-{shop['festival']}-2": "Idir Amrani", "marketing_consent": "y"}))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    box = html[html.index('id="accept-terms-field"'):]
    box = box[:box.index("</div>")]
    assert 'aria-invalid="true"' in box and 'id="accept_terms-errors"' in box
    assert "Please tick the box to accept the terms of sale" in box
    for kept in ('value="Yasmine Amrani"', 'value="Idir Amrani"', 'value="yasmine@example.fr"',
                 'name="donation" value="5"'):
        assert kept in html
    assert re.search(r'<input checked id="marketing_consent"', html)
    with app.app_context():
        assert db.session.scalars(select(Order)).all() == []


def test_the_order_keeps_the_version_accepted_and_when(app, client, shop):
    page = client.post(shop["url"], data=_details(**{
        f"qty-{shop['festival']}": "1", f"attendee-{shop['festival']}-1": "Yasmine Amrani",
        "accept_terms": "y"}))
    assert page.status_code == 303
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.terms_acceptance is TermsAcceptance.ONLINE
        assert order.terms_version == TERMS_VERSION
        assert order.terms_accepted_at == order.created_at


def test_the_ticked_box_is_kept_when_going_back_to_the_tickets(client, shop):
    html = client.post(shop["url"], data=_details(**{
        "action": "back", f"qty-{shop['festival']}": "1",
        "accept_terms": "y"})).get_data(as_text=True)
    assert '<input type="hidden" name="accept_terms" value="y">' in html


def test_the_service_refuses_an_online_order_without_acceptance(ctx, shop):
    from festival.core.errors import ValidationError
    from festival.editions.models import Edition
    edition = db.session.scalar(select(Edition))
    with pytest.raises(ValidationError) as refused:
        orders.create_order(edition, buyer_name="Nora", email="nora@example.fr",
                            items=[Item(shop["festival"], 1, ["Nora"])])
    assert list(refused.value.fields) == ["accept_terms"]


def test_staff_sales_record_how_the_terms_were_agreed(ctx, shop):
    from festival.editions.models import Edition
    edition = db.session.scalar(select(Edition))
    organiser = factories.gen_user("organiser")
    door = sales.sell_at_door(edition, items=[Item(shop["festival"], 1)], method="cash",
                              actor=organiser)
    assert door.terms_acceptance is TermsAcceptance.AT_DESK
    assert door.terms_version == TERMS_VERSION and door.terms_accepted_at is None
    transfer = sales.create_transfer_order(edition, buyer_name="CE Renault",
                                           email="ce@example.fr",
                                           items=[Item(shop["festival"], 1)], actor=organiser)
    assert transfer.terms_acceptance is TermsAcceptance.BY_STAFF
    assert transfer.terms_accepted_at is None


def test_the_api_asks_for_an_explicit_acceptance(app, client, shop):
    url = f"/api/v1/editions/{shop['year']}/orders"
    body = {"name": "Nora", "email": "nora@example.fr",
            "items": [{"ticket_type_id": shop["festival"], "quantity": 1,
                       "attendees": ["Nora"]}]}
    for refused in (body, {**body, "accept_terms": False}, {**body, "accept_terms": "yes"}):
        response = client.post(url, json=refused)
        assert response.status_code == 422
        assert list(response.get_json()["fields"]) == ["accept_terms"]
    created = client.post(url, json={**body, "accept_terms": True})
    assert created.status_code == 201, created.get_json()
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.status is OrderStatus.PENDING
        assert order.terms_acceptance is TermsAcceptance.ONLINE
        assert order.terms_version == TERMS_VERSION and order.terms_accepted_at is not None


def test_the_confirmation_e_mail_links_the_terms(ctx, shop):
    from festival.editions.models import Edition
    from festival.mail.rendering import render
    edition = db.session.scalar(select(Edition))
    order = orders.create_order(edition, buyer_name="Nora", email="nora@example.fr",
                                items=[Item(shop["festival"], 1, ["Nora"])], terms_accepted=True)
    orders.mark_paid(order, PaymentMethod.DEMO)
    message = db.session.scalars(select(OutboxMessage)).one()
    render(message)
    # the version the order was made under
    assert f"/terms-of-sale/{TERMS_VERSION}" in message.text_body
    assert re.search(rf'href="[^"]*/terms-of-sale/{TERMS_VERSION}"', message.html_body)
