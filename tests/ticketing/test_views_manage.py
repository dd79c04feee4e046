"""The organisers' back office: orders (search, one order and its history, cancel, refund,
resend, bank transfer), the box office, ticket types, venue capacity and vouchers."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders
from festival.ticketing.models import (
    Order,
    OrderStatus,
    PaymentMethod,
    Quota,
    TicketStatus,
    TicketType,
    Voucher,
)
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def office(app, auth):
    auth.login_as("organiser")
    with app.app_context():
        edition = make_edition(capacity=100)
        pass_type = make_type(edition, "Pass festival", 2500, quota=20)
        child = make_type(edition, "Entrée enfant", 0, quota=20)
        hidden = make_type(edition, "Invité", 0, quota=5, is_hidden=True)

        def buy(name, email, n=1, pay=None):
            order = orders.create_order(edition, terms_accepted=True, buyer_name=name,
                                        email=email, items=[orders.Item(pass_type.id, n)])
            if pay:
                orders.mark_paid(order, pay, amount_cents=order.total_cents)
            return order
        paid = buy("Khadija Ait Ali", "khadija@example.fr", 2, PaymentMethod.CASH)
        pending = buy("Brahim Oubella", "brahim@example.org")
        db.session.commit()
        return {"year": edition.year, "pass": pass_type.id, "child": child.id,
                "hidden": hidden.id, "paid": paid.code, "pending": pending.code,
                "base": f"/manage/{edition.year}"}


def _order(app, code):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == code))
        return {"status": order.status, "tickets": [t.status for t in order.tickets],
                "events": [e.kind for e in order.events], "refunded": order.refunded_cents,
                "method": order.payment_method, "expires_at": order.expires_at,
                "email": order.email, "total": order.total_cents}


# What the refund's confirmation page sends with its box ticked.
CONFIRMED = {"reviewed": "1", "confirm": "y"}


def _used(app, type_id):
    with app.app_context():
        return db.session.scalar(select(Quota.used).where(Quota.ticket_type_id == type_id))


def test_the_ticketing_home_goes_to_the_current_edition(client, office):
    page = client.get("/manage/tickets")
    assert page.status_code == 302 and page.headers["Location"].endswith(
        f"{office['base']}/orders")


@pytest.mark.parametrize("query,found", [("khadija", "paid"), ("EXAMPLE.ORG", "pending"),
                                         ("oubella", "pending")])
def test_search_orders_by_name_or_email(client, office, query, found):
    html = client.get(f"{office['base']}/orders?q={query}").get_data(as_text=True)
    other = "pending" if found == "paid" else "paid"
    assert office[found] in html and office[other] not in html
    assert "1 order" in html


def test_search_by_code_and_by_status(client, office):
    code = office["paid"]
    html = client.get(f"{office['base']}/orders?q={code[:4].lower()}").get_data(as_text=True)
    assert code in html
    html = client.get(f"{office['base']}/orders?status=pending").get_data(as_text=True)
    assert office["pending"] in html and office["paid"] not in html
    assert client.get(f"{office['base']}/orders?status=bogus&page=x").status_code == 200


def test_one_order_shows_its_tickets_and_history(client, office):
    page = client.get(f"{office['base']}/orders/{office['paid']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Khadija Ait Ali" in html
    assert "Order placed" in html and "Paid" in html and "Cash" in html
    assert re.search(r"<dt>Terms of sale</dt><dd>Accepted online, [^<]*· "
                     r'<a href="/terms-of-sale/20\d\d-[^"]*">version 20\d\d-', html)
    assert client.get(f"{office['base']}/orders/NOSUCH1").status_code == 404


def test_cancel_needs_a_reason_and_frees_the_seats(client, app, office):
    url = f"{office['base']}/orders/{office['pending']}/cancel"
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 422 and 'id="reason-errors"' in refused.get_data(True)
    assert _used(app, office["pass"]) == 3
    done = client.post(url, data={"reason": "Asked by phone"}, follow_redirects=True)
    assert "cancelled; its seats are free again" in done.get_data(as_text=True)
    assert "Asked by phone" in done.get_data(as_text=True)  # in the history
    assert _order(app, office["pending"])["status"] is OrderStatus.CANCELLED
    assert _used(app, office["pass"]) == 2


def test_refund_one_ticket_then_the_rest(client, app, office):
    with app.app_context():
        first = db.session.scalar(select(Order).where(Order.code == office["paid"])).tickets[0].id
    url = f"{office['base']}/orders/{office['paid']}/refund"
    page = client.post(url, data={"ticket_ids": [str(first)], "reason": "ill", **CONFIRMED},
                       follow_redirects=True)
    assert "25,00" in page.get_data(as_text=True)
    state = _order(app, office["paid"])
    assert state["status"] is OrderStatus.PAID and state["refunded"] == 2500
    assert state["tickets"] == [TicketStatus.REVOKED, TicketStatus.VALID]
    client.post(url, data={"reason": "the rest", **CONFIRMED})
    state = _order(app, office["paid"])
    assert state["status"] is OrderStatus.REFUNDED and state["refunded"] == 5000
    assert _used(app, office["pass"]) == 1  # only the pending order holds a seat


def test_a_refund_needs_a_reason_and_a_confirmation(client, app, office):
    url = f"{office['base']}/orders/{office['paid']}/refund"
    before = _order(app, office["paid"])
    review = client.post(url, data={"reason": "Festival annulé pour elle"})
    assert review.status_code == 200 and 'name="confirm"' in review.get_data(as_text=True)
    unticked = client.post(url, data={"reason": "Festival annulé pour elle", "reviewed": "1"})
    assert unticked.status_code == 422
    assert "Tick the box to confirm the refund." in unticked.get_data(as_text=True)
    for data in ({**CONFIRMED}, {"reason": "   ", **CONFIRMED}):
        reasonless = client.post(url, data=data)
        assert reasonless.status_code == 422
        assert 'id="reason-errors"' in reasonless.get_data(as_text=True)
    assert _order(app, office["paid"]) == before  # nothing happened

    done = client.post(url, data={"reason": "Festival annulé pour elle", **CONFIRMED})
    assert done.status_code == 302
    with app.app_context():
        from festival.audit.models import AuditEntry
        order = db.session.scalar(select(Order).where(Order.code == office["paid"]))
        assert order.status is OrderStatus.REFUNDED
        assert "Festival annulé pour elle" in order.events[-1].note
        audit = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "manage_tickets.refund"))
        assert "Festival annulé pour elle" in audit.details


def test_the_refund_confirmation_names_the_tickets_already_inside(client, app, office):
    from datetime import UTC, datetime

    from festival.checkin import queries as checkin_queries
    from festival.checkin import services as checkin
    from tests.checkin.conftest import make_list

    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == office["paid"]))
        inside, outside = order.tickets
        inside.attendee_name = "Youssef Ait Baha"
        door = checkin_queries.door_for_list(make_list(order.edition, "Entrée").id,
                                             gate="Porte Sud")
        at = datetime(office["year"], 5, 15, 18, 30, tzinfo=UTC)
        assert checkin.check_in(door, ticket_id=inside.id, now=at).result.value == "ok"
        db.session.commit()
        ids = (inside.id, outside.id)
    url = f"{office['base']}/orders/{office['paid']}/refund"
    page = client.post(url, data={"reason": "Double achat"}).get_data(as_text=True)
    assert "Already checked in" in page
    named = page.split("Already checked in", 1)[1].split("</section>", 1)[0]
    assert "Youssef Ait Baha" in named and f"#{ids[0]}" in named and f"#{ids[1]}" not in named
    assert "Porte Sud" in named and "Entrée" in named and f"{office['year']}-05-15T18:30" in named
    alone = client.post(url, data={"reason": "Double achat", "ticket_ids": [str(ids[1])]})
    assert "Already checked in" not in alone.get_data(as_text=True)
    client.post(url, data={"reason": "Double achat", **CONFIRMED})
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == office["paid"]))
        assert f"already checked in: #{ids[0]} (Porte Sud" in order.events[-1].note


def _paid_by_card(client, app, code, stripe_double) -> str:
    """Pay an order through the Stripe double as a buyer would; returns its PaymentIntent."""
    with app.app_context():
        secret = db.session.scalar(select(Order.secret).where(Order.code == code))
    client.post(f"/orders/{code}/pay", data={"secret": secret})
    (session_id,) = stripe_double.sessions
    session = stripe_double.mark_paid(session_id)
    body, headers = stripe_double.signed_event("checkout.session.completed", session)
    assert client.post("/stripe/webhook", data=body, headers=headers).status_code == 200
    return session["payment_intent"]


def test_refund_a_card_payment_goes_through_stripe(client, app, office, stripe_double):
    intent = _paid_by_card(client, app, office["pending"], stripe_double)
    assert _order(app, office["pending"])["method"] is PaymentMethod.STRIPE
    page = client.post(f"{office['base']}/orders/{office['pending']}/refund",
                       data={"reason": "double", **CONFIRMED})
    assert page.status_code == 302
    (refund,) = stripe_double.requests_to("POST", "/v1/refunds")
    assert refund.form["payment_intent"] == intent and refund.form["amount"] == "2500"
    assert _order(app, office["pending"])["status"] is OrderStatus.REFUNDED


def test_refund_of_a_card_payment_without_stripe_is_refused_clearly(client, app, office):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == office["pending"]))
        order.stripe_payment_intent = "pi_test123456"
        orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=order.total_cents)
        db.session.commit()
    page = client.post(f"{office['base']}/orders/{office['pending']}/refund",
                       data={"reason": "double", **CONFIRMED}, follow_redirects=True)
    assert page.status_code == 200 and "Stripe dashboard" in page.get_data(as_text=True)
    assert _order(app, office["pending"])["status"] is OrderStatus.PAID


def test_cancelling_a_card_payment_is_refused(client, app, office):
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.code == office["pending"]))
        orders.mark_paid(order, PaymentMethod.STRIPE, amount_cents=order.total_cents)
        db.session.commit()
    page = client.post(f"{office['base']}/orders/{office['pending']}/cancel",
                       data={"reason": "no"}, follow_redirects=True)
    assert "refund it instead" in page.get_data(as_text=True)
    assert _order(app, office["pending"])["status"] is OrderStatus.PAID


def test_resend_from_the_back_office(client, app, office):
    url = f"{office['base']}/orders/{office['paid']}/resend"
    page = client.post(url, follow_redirects=True)
    assert "queued for khadija@example.fr" in page.get_data(as_text=True)
    again = client.post(url, follow_redirects=True)
    assert "You can ask again in" in again.get_data(as_text=True)
    assert "E-mail sent again" in again.get_data(as_text=True)


def test_a_bank_transfer_order_waits_then_is_marked_paid(client, app, office):
    new = client.post(f"{office['base']}/orders/new", data={
        "action": "create", "buyer_name": "Comité d'entreprise", "email": "ce@example.fr",
        "language": "fr", f"qty-{office['pass']}": "4"})
    assert new.status_code == 303
    code = new.headers["Location"].rsplit("/", 1)[1]
    state = _order(app, code)
    assert state["status"] is OrderStatus.PENDING and state["expires_at"] is None
    assert state["total"] == 10000 and "awaiting_bank_transfer" in state["events"]
    from festival.ticketing.cli import expire_once
    with app.app_context():
        assert expire_once() == 0  # no hold to run out
    page = client.post(f"{office['base']}/orders/{code}/mark-paid", follow_redirects=True)
    assert "Bank transfer recorded" in page.get_data(as_text=True)
    state = _order(app, code)
    assert state["status"] is OrderStatus.PAID and state["method"] is PaymentMethod.BANK_TRANSFER
    again = client.post(f"{office['base']}/orders/{code}/mark-paid", follow_redirects=True)
    assert "not waiting for a payment" in again.get_data(as_text=True)


def test_the_transfer_order_form_shows_errors_in_place(client, office):
    page = client.post(f"{office['base']}/orders/new", data={
        "action": "create", "buyer_name": "", "email": "x", f"qty-{office['pass']}": "0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'id="buyer_name-errors"' in html and 'id="email-errors"' in html


def test_box_office_sells_for_cash_and_issues_the_tickets_at_once(client, app, office):
    page = client.post(f"{office['base']}/box-office", data={
        "action": "sell", "method": "cash", f"qty-{office['pass']}": "2",
        f"qty-{office['child']}": "1", "language": "fr"})
    assert page.status_code == 303
    code = page.headers["Location"].rsplit("/", 1)[1]
    state = _order(app, code)
    assert state["status"] is OrderStatus.PAID and state["method"] is PaymentMethod.CASH
    assert state["tickets"] == [TicketStatus.VALID] * 3 and state["email"] == ""
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # the fixture's
        order = db.session.scalar(select(Order).where(Order.code == code))
        assert order.is_box_office and order.tickets[0].attendee_name == "Box office sale"
    receipt = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "50,00" in receipt and receipt.count(".png?secret=") == 3 and "Next sale" in receipt


def test_box_office_with_an_email_sends_the_tickets(client, app, office):
    client.post(f"{office['base']}/box-office", data={
        "action": "sell", "method": "card_terminal", f"qty-{office['pass']}": "1",
        "email": "visiteur@example.fr", "buyer_name": "Hassan", "language": "en"})
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
        assert message.to_address == "visiteur@example.fr" and message.language == "en"


def test_box_office_steppers_and_errors(client, office):
    url = f"{office['base']}/box-office"
    step = client.post(url, data={"action": f"add:{office['pass']}", f"qty-{office['pass']}": "1"})
    assert step.status_code == 200 and 'value="2"' in step.get_data(as_text=True)
    empty = client.post(url, data={"action": "sell", "method": "cash"})
    assert empty.status_code == 422 and "Choose at least one ticket." in empty.get_data(True)
    bad = client.post(url, data={"action": "sell", "method": "bitcoin",
                                 f"qty-{office['pass']}": "1"})
    assert bad.status_code == 422
    short = client.post(url, data={"action": "sell", "method": "cash",
                                   f"qty-{office['pass']}": "18"})
    assert short.status_code == 422 and "Only 17 left" in short.get_data(True)


def test_box_office_refuses_an_absurd_quantity_before_building_anything(client, app, office,
                                                                       monkeypatch):
    from festival.ticketing import sales, shop
    read, original = [], shop.Cart.from_form.__func__

    def from_form(cls, *args, **kwargs):
        read.append(original(cls, *args, **kwargs))
        return read[-1]
    monkeypatch.setattr(shop.Cart, "from_form", classmethod(from_form))
    monkeypatch.setattr(sales, "sell_at_door", lambda *a, **k: pytest.fail("sold"))
    page = client.post(f"{office['base']}/box-office", data={
        "action": "sell", "method": "cash", f"qty-{office['child']}": "10000000"})
    assert page.status_code == 422 and "At most 20 tickets per order." in page.get_data(True)
    assert read and all(len(line.attendees) <= orders.MAX_TICKETS_PER_ORDER
                        for cart in read for line in cart.lines)
    assert _used(app, office["child"]) == 0


def test_ticket_types_page_shows_gauges_and_sets_the_capacity(client, app, office):
    html = client.get(f"{office['base']}/ticket-types").get_data(as_text=True)
    assert "Pass festival" in html and "2 sold" in html and "1 reserved" in html
    assert "17 left of 20" in html and "Hidden: voucher only" in html
    small = client.post(f"{office['base']}/capacity", data={"capacity": "2"})
    assert small.status_code == 422 and "already sold or reserved" in small.get_data(True)
    client.post(f"{office['base']}/capacity", data={"capacity": "250"})
    with app.app_context():
        assert db.session.scalars(select(Quota.size).where(Quota.day.is_not(None))).all() == [
            250, 250]
    html = client.get(f"{office['base']}/ticket-types").get_data(as_text=True)
    venue = html.split('id="venue-h"')[1].split("</section>")[0]
    # A gauge per festival day; the passes for every day count on both.
    assert "Samedi 15 mai" in venue and "Dimanche 16 mai" in venue  # French, the default
    assert venue.count("247 left of 250") == 2


def test_create_edit_and_delete_a_ticket_type(client, app, office):
    base = office["base"]
    form = {"name": "Pass nocturne", "description": "Le concert", "price": "12,50",
            "quota": "40", "max_per_order": "4", "valid_days": ["2027-05-15"],
            "requires_attendee_name": "y", "is_active": "y", "position": "9",
            "sales_open_at": "2027-03-01T10:00"}
    assert client.post(f"{base}/ticket-types/new", data=form).status_code == 302
    with app.app_context():
        created = db.session.scalar(select(TicketType).where(TicketType.name == "Pass nocturne"))
        assert created.price_cents == 1250 and created.valid_days == ["2027-05-15"]
        assert created.quota.size == 40 and created.sales_open_at.hour == 9  # 10:00 in Paris
        type_id = created.id
    edit = client.get(f"{base}/ticket-types/{type_id}").get_data(as_text=True)
    assert 'value="12,50"' in edit and 'value="2027-03-01T10:00"' in edit
    bad = client.post(f"{base}/ticket-types/{type_id}", data={**form, "price": "douze"})
    assert bad.status_code == 422 and "Give an amount in euros" in bad.get_data(True)
    free = client.post(f"{base}/ticket-types/{type_id}", data={**form, "price": "0"})
    assert free.status_code == 302
    shrink = client.post(f"{base}/ticket-types/{office['pass']}",
                         data={**form, "name": "Pass festival", "quota": "1"})
    assert shrink.status_code == 422 and "cannot be smaller" in shrink.get_data(True)
    assert client.post(f"{base}/ticket-types/{type_id}/delete").status_code == 302
    sold = client.post(f"{base}/ticket-types/{office['pass']}/delete", follow_redirects=True)
    assert "deactivate it instead" in sold.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TicketType, type_id) is None
        assert db.session.get(TicketType, office["pass"]) is not None


def test_vouchers_are_listed_and_created(client, app, office):
    url = f"{office['base']}/vouchers"
    data = {"code": "invite-2027", "ticket_type_id": str(office["hidden"]), "max_uses": "3",
            "price_override": "", "note": "Intervenants"}
    assert client.post(url, data=data).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "INVITE-2027" in html and "0 / 3" in html
    again = client.post(url, data=data)
    assert again.status_code == 422 and "This code already exists." in again.get_data(True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Voucher.id))) == 1


@pytest.mark.parametrize("role", ["volunteer", "association"])
def test_the_back_office_is_for_organisers(app, role, office):
    client = app.test_client()
    from tests import factories
    user = factories.user_in_db(app, role)
    client.post("/login", data={"email": user["email"], "password": factories.PASSWORD})
    for path in ("/orders", "/box-office", "/ticket-types", "/vouchers"):
        assert client.get(office["base"] + path).status_code == 403


@pytest.fixture
def door_office(app, auth):
    """An edition open today with a check-in list, seen by an organiser at the box office."""
    from tests.checkin.conftest import make_door_edition, make_list, make_ticket_type
    auth.login_as("organiser")
    with app.app_context():
        edition = make_door_edition(2033)
        pass_type = make_ticket_type(edition, "Pass festival")
        checkin_list = make_list(edition, "Entrée")
        closed = make_list(edition, "Fermée", is_active=False)
        db.session.commit()
        return {"base": f"/manage/{edition.year}", "pass": pass_type.id,
                "list_id": checkin_list.id, "closed_id": closed.id}


def test_box_office_admits_the_tickets_sold_at_once(client, app, door_office):
    from festival.checkin.models import Scan, ScanResult, TicketPresence
    url = f"{door_office['base']}/box-office"
    form = client.get(url, query_string={"admit": door_office["list_id"]}).get_data(True)
    assert f'<option selected value="{door_office["list_id"]}">Entrée</option>' in form
    assert "Fermée" not in form
    sold = client.post(url, data={"action": "sell", "method": "cash",
                                  f"qty-{door_office['pass']}": "2",
                                  "admit_list_id": door_office["list_id"], "received": "40"})
    assert sold.status_code == 303, sold.get_data(True)[:2000]
    receipt = client.get(sold.headers["Location"]).get_data(as_text=True)
    assert "2 tickets checked in." in receipt and receipt.count("Checked in at Entrée") == 2
    assert "give back 10,00" in receipt
    assert f"admit={door_office['list_id']}" in receipt  # the next sale keeps the desk's list
    with app.app_context():
        scans = list(db.session.scalars(select(Scan)))
        assert [s.result for s in scans] == [ScanResult.OK] * 2
        assert all(s.list_id == door_office["list_id"] and s.user_id for s in scans)
        assert db.session.scalar(select(func.count()).select_from(TicketPresence)) == 2


def test_box_office_sells_only_without_admitting(client, app, door_office):
    from festival.checkin.models import Scan
    sold = client.post(f"{door_office['base']}/box-office", data={
        "action": "sell", "method": "card_terminal", f"qty-{door_office['pass']}": "1",
        "admit_list_id": "0"})
    assert sold.status_code == 303
    assert "Checked in at" not in client.get(sold.headers["Location"]).get_data(True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Scan)) == 0


def test_box_office_cash_helper_works_without_javascript(client, app, door_office):
    url = f"{door_office['base']}/box-office"
    item = {f"qty-{door_office['pass']}": "1", "method": "cash"}
    change = client.post(url, data={**item, "action": "change", "received": "20"})
    assert change.status_code == 200
    assert re.search(r'<output data-change[^>]*>5,00\W€</output>', change.get_data(True))
    short = client.post(url, data={**item, "action": "change", "received": "10"})
    assert re.search(r"5,00\W€ missing", short.get_data(True))
    refused = client.post(url, data={**item, "action": "sell", "received": "10"})
    assert refused.status_code == 422
    assert "That is less than the amount to collect." in refused.get_data(True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_box_office_says_which_tickets_the_list_refused(client, app, door_office):
    from festival.editions.models import Edition
    from festival.ticketing.models import TicketType
    from tests.checkin.conftest import make_ticket_type, today_iso
    with app.app_context():
        edition_id = db.session.get(TicketType, door_office["pass"]).edition_id
        tomorrow = make_ticket_type(db.session.get(Edition, edition_id), "Pass demain",
                                    valid_days=[today_iso(1)], position=1)
        db.session.commit()
        tomorrow_id = tomorrow.id
    sold = client.post(f"{door_office['base']}/box-office", data={
        "action": "sell", "method": "cash", f"qty-{door_office['pass']}": "1",
        f"qty-{tomorrow_id}": "1", "admit_list_id": door_office["list_id"]},
        follow_redirects=True)
    html = sold.get_data(as_text=True)
    assert sold.status_code == 200 and "Checked in: 1 of 2. Not valid today" in html
    assert html.count("Checked in at Entrée") == 1
