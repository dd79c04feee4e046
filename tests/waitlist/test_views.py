"""The waiting list through the test client: join from the sold-out shop, leave, use an
offer up to payment, and the organisers' list."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders
from festival.ticketing.models import Order, OrderStatus
from festival.waitlist import services
from festival.waitlist.models import EntryStatus, OfferState, WaitlistEntry, WaitlistOffer
from tests.factories import gen_user
from tests.waitlist.conftest import make_edition, make_type, sold_out_type


@pytest.fixture
def full(app):
    with app.app_context():
        edition = make_edition()
        ticket_type, held = sold_out_type(edition, quota=1, requires_attendee_name=True)
        make_type(edition, "Samedi", quota=10)
        db.session.commit()
        return {"year": edition.year, "type": ticket_type.id, "order": held[0].id,
                "join": f"/{edition.year}/tickets/waiting-list/{ticket_type.id}"}


def _entry(app, email="amina@example.fr"):
    with app.app_context():
        return db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.email == email))


def _join(client, full, **fields):
    data = {"name": "Amina Tazi", "email": "amina@example.fr", "quantity": "1"}
    data.update(fields)
    return client.post(full["join"], data=data)


def _offer(app, full):
    """Free the sold seat and run the sweep: the offer's token."""
    with app.app_context():
        user = gen_user("organiser")
        order = db.session.get(Order, full["order"])
        orders.cancel_order(order, actor=user, reason="test")
        services.sweep()
        db.session.commit()
        return db.session.scalar(select(WaitlistOffer.token))


def test_the_sold_out_shop_offers_the_waiting_list(client, full):
    page = client.get(f"/{full['year']}/tickets").get_data(as_text=True)
    assert full["join"] in page
    assert page.count("/waiting-list/") == 1  # only the sold-out type


def test_joining_confirms_on_the_page_and_by_e_mail(client, app, full):
    client.get("/lang/ar")
    response = _join(client, full, quantity="2")
    assert response.status_code == 200
    entry = _entry(app)
    assert entry.quantity == 2 and entry.status is EntryStatus.WAITING
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.template == "waitlist_joined"))
    assert mail.language == entry.language == "ar"  # the page's language
    assert f"/waiting-list/leave/{entry.secret}" in mail.text_body


def test_joining_errors_are_shown_next_to_their_fields(client, app, full):
    response = _join(client, full, name="", email="nope", quantity="99")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count('aria-invalid="true"') >= 2
    assert _entry(app, "nope") is None
    _join(client, full)
    again = _join(client, full)
    assert again.status_code == 409
    assert "already on the waiting list" in again.get_data(as_text=True)


def test_a_ticket_on_sale_has_no_waiting_list(client, app, full):
    with app.app_context():
        from festival.ticketing.models import TicketType
        other = db.session.scalar(select(TicketType.id).where(TicketType.name == "Samedi"))
    url = f"/{full['year']}/tickets/waiting-list/{other}"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"name": "A", "email": "a@example.fr",
                                  "quantity": "1"}).status_code == 409
    assert client.get(f"/{full['year']}/tickets/waiting-list/99999").status_code == 404


def test_leaving_asks_then_leaves(client, app, full):
    _join(client, full)
    secret = _entry(app).secret
    page = client.get(f"/waiting-list/leave/{secret}")
    assert page.status_code == 200 and _entry(app).status is EntryStatus.WAITING
    assert client.post(f"/waiting-list/leave/{secret}").status_code == 200
    assert _entry(app).status is EntryStatus.LEFT
    assert client.get("/waiting-list/leave/nope").status_code == 404


def test_an_offer_opens_the_held_tickets_and_goes_to_payment(client, app, full):
    _join(client, full)
    token = _offer(app, full)
    url = f"/waiting-list/offer/{token}"
    page = client.get(url).get_data(as_text=True)
    assert "amina@example.fr" in page and "attendee-1" in page
    refused = client.post(url, data={"name": "Amina Tazi", "email": "amina@example.fr",
                                     "language": "fr", "quantity": "1",
                                     "attendee-1": "Amina Tazi"})
    assert refused.status_code == 422
    assert "accept the terms of sale" in refused.get_data(as_text=True)
    response = client.post(url, data={"name": "Amina Tazi", "email": "amina@example.fr",
                                      "language": "ar", "quantity": "1",
                                      "attendee-1": "Amina Tazi", "accept_terms": "y"})
    assert response.status_code == 303
    with app.app_context():
        offer = db.session.scalar(select(WaitlistOffer))
        assert offer.state is OfferState.USED
        assert offer.order.status is OrderStatus.PENDING and offer.order.language == "ar"
        assert [t.attendee_name for t in offer.order.tickets] == ["Amina Tazi"]
    gone = client.get(url)
    assert gone.status_code == 410


def test_a_missing_name_keeps_the_seats_held(client, app, full):
    _join(client, full)
    token = _offer(app, full)
    response = client.post(f"/waiting-list/offer/{token}", data={
        "name": "Amina", "email": "amina@example.fr", "language": "fr", "quantity": "1",
        "attendee-1": "", "accept_terms": "y"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(WaitlistOffer.state)) is OfferState.OPEN
    assert client.get("/waiting-list/offer/unknown").status_code == 404


def test_organisers_see_the_list_offer_by_hand_and_remove(client, app, auth, full):
    _join(client, full)
    _join(client, full, name="Brahim", email="brahim@example.fr")
    auth.login_as("organiser")
    page = client.get(f"/manage/{full['year']}/waiting-list").get_data(as_text=True)
    assert "Amina Tazi" in page and "brahim@example.fr" in page
    brahim = _entry(app, "brahim@example.fr")
    full_now = client.post(f"/manage/{full['year']}/waiting-list/{brahim.id}/offer",
                           follow_redirects=True)
    assert "Not enough seats" in full_now.get_data(as_text=True)
    with app.app_context():
        orders.cancel_order(db.session.get(Order, full["order"]), actor=gen_user(),
                            reason="test")
        db.session.commit()
    client.post(f"/manage/{full['year']}/waiting-list/{brahim.id}/offer")
    assert _entry(app, "brahim@example.fr").status is EntryStatus.OFFERED
    amina = _entry(app)
    client.post(f"/manage/{full['year']}/waiting-list/{amina.id}/remove")
    assert _entry(app).status is EntryStatus.REMOVED
    with app.app_context():
        from festival.audit.models import AuditEntry
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"waitlist.offer_now", "waitlist.remove"} <= actions
    assert client.post(f"/manage/{full['year']}/waiting-list/99999/remove").status_code == 404


@pytest.mark.parametrize("fields", [
    {"quantity": "abc"}, {"quantity": "-1"}, {"name": "x" * 5000},
    {"email": "a@" + "b" * 300 + ".fr"}, {"name": "Nul\x00"}])
def test_bad_input_is_refused_clearly(client, app, full, fields):
    response = _join(client, full, **fields)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(WaitlistEntry)) is None


def test_an_offer_refuses_a_quantity_beyond_it(client, app, full):
    _join(client, full)
    token = _offer(app, full)
    response = client.post(f"/waiting-list/offer/{token}", data={
        "name": "Amina", "email": "amina@example.fr", "language": "fr", "quantity": "5",
        "attendee-1": "Amina", "accept_terms": "y"})
    assert response.status_code == 422
    assert "Choose between 1 and 1 tickets" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Order).where(Order.email == "amina@example.fr")) is None
    assert client.get(f"/waiting-list/offer/{'x' * 500}").status_code == 404


def test_an_offer_asks_the_checkout_questions_too(client, app, full):
    from festival.editions.models import Edition
    from festival.questions import services as questions
    from festival.questions.models import Answer

    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.year == full["year"]))
        dinner = questions.create_question(edition, {
            "texts": {"fr": "Dîner végétarien ?", "en": "Vegetarian dinner?"},
            "kind": "yes_no", "scope": "ticket", "is_required": True}).id
        db.session.commit()
    _join(client, full)
    token = _offer(app, full)
    url = f"/waiting-list/offer/{token}"
    client.set_cookie("lang", "en")
    field = f"answer-{dinner}-{full['type']}-1"
    assert f'name="{field}"' in client.get(url).get_data(as_text=True)
    data = {"name": "Amina Tazi", "email": "amina@example.fr", "language": "fr",
            "quantity": "1", "attendee-1": "Amina Tazi", "accept_terms": "y"}
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    assert f'id="{field}-errors"' in refused.get_data(as_text=True)
    assert client.post(url, data={**data, field: "yes"}).status_code == 303
    with app.app_context():
        assert [a.value for a in db.session.scalars(select(Answer))] == ["yes"]
