"""The buyer's order page and its downloads: states in words, the secret, paying, QR codes,
PDFs, the calendar, resending the e-mail, and the demo payment page."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.ticketing import orders
from festival.ticketing.models import Order, OrderEvent, OrderStatus, PaymentMethod
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def order(app):
    """A pending order of two named passes; returns plain values."""
    with app.app_context():
        edition = make_edition()
        pass_type = make_type(edition, quota=10, requires_attendee_name=True)
        made = orders.create_order(edition, terms_accepted=True,
                                   buyer_name="Amina Tazi", email="amina@example.fr",
                                   items=[orders.Item(pass_type.id, 2, ["Amina", "Samir"])],
                                   donation_cents=300)
        db.session.commit()
        return {"code": made.code, "secret": made.secret, "id": made.id,
                "tickets": [t.id for t in made.tickets], "year": edition.year,
                "url": f"/orders/{made.code}?secret={made.secret}"}


def _pay(app, order, method=PaymentMethod.DEMO):
    with app.app_context():
        found = db.session.get(Order, order["id"])
        orders.mark_paid(found, method, amount_cents=found.total_cents)
        db.session.commit()


def _page(client, order, **args):
    query = "".join(f"&{k}={v}" for k, v in args.items())
    return client.get(order["url"] + query)


def test_a_pending_order_shows_its_time_left_and_a_pay_button(client, order):
    page = _page(client, order)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-order-status="pending"' in html
    assert "Waiting for payment" in html and "minutes left" in html
    assert "Pay 33,00" in html and f'action="/orders/{order["code"]}/pay"' in html
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_the_secret_is_required_everywhere(client, app, order):
    _pay(app, order)
    code, ticket = order["code"], order["tickets"][0]
    for path in (f"/orders/{code}", f"/orders/{code}/status.json", f"/orders/{code}/tickets.pdf",
                 f"/orders/{code}/tickets/{ticket}.png", f"/orders/{code}/tickets/{ticket}.pdf",
                 f"/orders/{code}/calendar.ics", f"/orders/{code}/demo-payment"):
        assert client.get(path).status_code == 404, path
        assert client.get(path + "?secret=wrong").status_code == 404, path
    for path in (f"/orders/{code}/pay", f"/orders/{code}/resend",
                 f"/orders/{code}/demo-payment"):
        assert client.post(path, data={"secret": "wrong"}).status_code == 404, path
    assert client.get(f"/orders/ZZZZZZZ?secret={order['secret']}").status_code == 404


def test_pay_sends_to_the_demo_payment_page(client, order):
    page = client.post(f"/orders/{order['code']}/pay", data={"secret": order["secret"]})
    assert page.status_code == 303 and "/demo-payment?secret=" in page.headers["Location"]


def test_pay_twice_makes_one_stripe_session(client, app, order, stripe_double):
    first = client.post(f"/orders/{order['code']}/pay", data={"secret": order["secret"]})
    second = client.post(f"/orders/{order['code']}/pay", data={"secret": order["secret"]})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert first.headers["Location"].startswith(stripe_double.base_url + "/pay/")
    assert len(stripe_double.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_stripe_unreachable_keeps_the_buyer_on_the_order_page(client, order, stripe_double):
    stripe_double.fail_next(503, times=10)
    page = client.post(f"/orders/{order['code']}/pay", data={"secret": order["secret"]})
    assert page.status_code == 303 and page.headers["Location"].startswith("/orders/")
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "Online payment is unavailable right now" in html


def test_back_from_checkout_before_the_webhook_says_payment_being_confirmed(client, app, order):
    page = _page(client, order, checkout="success")
    html = page.get_data(as_text=True)
    assert "Payment being confirmed" in html
    assert f'data-poll="/orders/{order["code"]}/status.json?secret=' in html
    assert '<meta http-equiv="refresh" content="5">' in html  # without JavaScript
    assert "order-status.js" in html
    status = client.get(f"/orders/{order['code']}/status.json?secret={order['secret']}")
    assert status.get_json() == {"code": order["code"], "status": "pending"}
    _pay(app, order)
    assert client.get(f"/orders/{order['code']}/status.json?secret={order['secret']}"
                      ).get_json()["status"] == "paid"
    html = _page(client, order, checkout="success").get_data(as_text=True)
    assert "Payment being confirmed" not in html and "Your order is confirmed" in html


def test_cancelled_checkout_says_so_and_offers_to_pay(client, order):
    html = _page(client, order, checkout="cancelled").get_data(as_text=True)
    assert "You left the payment page without paying." in html and "Pay 33,00" in html


def test_a_paid_order_shows_each_ticket_with_its_qr_code(client, app, order):
    import zxingcpp
    from PIL import Image

    from festival.editions.models import Edition
    from festival.ticketing.tickets import ticket_from_token

    _pay(app, order)
    html = _page(client, order).get_data(as_text=True)
    assert "Your order is confirmed" in html and "Samir" in html
    for ticket_id in order["tickets"]:
        assert f"/tickets/{ticket_id}.png?secret=" in html
    png = client.get(f"/orders/{order['code']}/tickets/{order['tickets'][1]}.png"
                     f"?secret={order['secret']}")
    assert png.status_code == 200 and png.mimetype == "image/png"
    token = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))[0].text
    with app.app_context():
        edition = db.session.scalar(select(Edition))
        assert ticket_from_token(edition, token).id == order["tickets"][1]


@pytest.mark.parametrize("size", ["a4", "phone"])
def test_pdf_downloads_of_all_tickets_and_of_one(client, app, order, size):
    _pay(app, order)
    secret = f"secret={order['secret']}&size={size}"
    every = client.get(f"/orders/{order['code']}/tickets.pdf?{secret}")
    one = client.get(f"/orders/{order['code']}/tickets/{order['tickets'][0]}.pdf?{secret}")
    for response in (every, one):
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
        assert "attachment" in response.headers["Content-Disposition"]
    assert re.search(rb"/Count\s+2\b", every.data) and re.search(rb"/Count\s+1\b", one.data)
    assert client.get(f"/orders/{order['code']}/tickets.pdf?secret={order['secret']}"
                      "&size=letter").status_code == 404


def test_nothing_to_download_before_payment(client, order):
    secret = f"secret={order['secret']}"
    assert client.get(f"/orders/{order['code']}/tickets.pdf?{secret}").status_code == 404
    assert client.get(f"/orders/{order['code']}/tickets/{order['tickets'][0]}.png?{secret}"
                      ).status_code == 404
    assert client.get(f"/orders/{order['code']}/calendar.ics?{secret}").status_code == 404


def test_add_to_calendar_gives_the_festival_days(client, app, order):
    _pay(app, order)
    html = _page(client, order).get_data(as_text=True)
    assert "calendar.ics" in html
    ics = client.get(f"/orders/{order['code']}/calendar.ics?secret={order['secret']}")
    body = ics.get_data(as_text=True)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert body.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20270515" in body and "DTSTART;VALUE=DATE:20270516" in body


def test_the_calendar_says_each_days_venue_and_door_hours(client, app, order):
    from icalendar import Calendar

    from tests.factories import gen_where_and_when
    with app.app_context():
        gen_where_and_when(db.session.get(Order, order["id"]).edition, sunday_venue=True)
        db.session.commit()
    _pay(app, order)
    ics = client.get(f"/orders/{order['code']}/calendar.ics?secret={order['secret']}")
    events = {str(e["DTSTART"].dt): e for e in Calendar.from_ical(ics.get_data()).walk("VEVENT")}
    assert str(events["2027-05-15"]["DESCRIPTION"]).startswith("Doors 18:00 – 01:30\n")
    assert str(events["2027-05-15"]["LOCATION"]) == \
        "Espace Léo-Lagrange, 12 avenue Gabriel-Péri, 92230 Gennevilliers"
    assert str(events["2027-05-16"]["DESCRIPTION"]).startswith("Doors 10:00 – 20:00\n")
    assert str(events["2027-05-16"]["LOCATION"]) == "Parc des sports, Bobigny"


def test_an_order_past_its_hold_is_expired_when_read(client, app, order):
    with app.app_context():
        db.session.execute(update(Order).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    html = _page(client, order).get_data(as_text=True)
    assert "This order has expired" in html and "Order again" in html
    with app.app_context():
        assert db.session.get(Order, order["id"]).status is OrderStatus.EXPIRED


@pytest.mark.parametrize("state,text", [("cancelled", "has been cancelled"),
                                        ("refunded", "has been refunded")])
def test_cancelled_and_refunded_orders_are_explained(client, app, order, state, text):
    with app.app_context():
        found = db.session.get(Order, order["id"])
        if state == "cancelled":
            orders.cancel_order(found, actor=None, reason="test")
        else:
            orders.mark_paid(found, PaymentMethod.CASH, amount_cents=found.total_cents)
            from festival.ticketing.refunds import refund
            refund(found, None, actor=None, reason="test", confirmed=True)
        db.session.commit()
    html = _page(client, order).get_data(as_text=True)
    assert text in html and "/tickets.pdf" not in html


def _mails(app):
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_resend_queues_a_new_email_at_most_once_per_interval(client, app, order):
    _pay(app, order)
    assert _mails(app) == 1
    form = {"secret": order["secret"]}
    first = client.post(f"/orders/{order['code']}/resend", data=form, follow_redirects=True)
    assert "is on its way to amina@example.fr" in first.get_data(as_text=True)
    assert _mails(app) == 2
    again = client.post(f"/orders/{order['code']}/resend", data=form, follow_redirects=True)
    assert "You can ask again in" in again.get_data(as_text=True)
    assert _mails(app) == 2
    with app.app_context():  # the interval passes
        db.session.execute(update(OrderEvent).where(OrderEvent.kind == "email_resent")
                           .values(created_at=utcnow() - timedelta(minutes=6)))
        db.session.commit()
    client.post(f"/orders/{order['code']}/resend", data=form)
    assert _mails(app) == 3


def test_resend_of_an_unpaid_order_is_refused(client, app, order):
    page = client.post(f"/orders/{order['code']}/resend", data={"secret": order["secret"]},
                       follow_redirects=True)
    assert "Only the tickets of a paid order can be sent." in page.get_data(as_text=True)
    assert _mails(app) == 0


def test_demo_payment_cancel_goes_back_to_the_order(client, order):
    page = client.post(f"/orders/{order['code']}/demo-payment",
                       data={"secret": order["secret"], "action": "cancel"})
    assert page.status_code == 303 and "checkout=cancelled" in page.headers["Location"]


def test_demo_payment_is_refused_when_demo_payments_are_off(client, app, order):
    app.config["DEMO_PAYMENTS"] = False
    try:
        url = f"/orders/{order['code']}/demo-payment?secret={order['secret']}"
        assert client.get(url).status_code == 404
        assert client.post(url, data={"action": "pay"}).status_code == 404
    finally:
        app.config["DEMO_PAYMENTS"] = True
    with app.app_context():
        assert db.session.get(Order, order["id"]).status is OrderStatus.PENDING


def test_guessing_codes_and_secrets_is_rate_limited(test_environ, app, order):
    """Only wrong answers count: the buyer's own page and its polling never reach the limit."""
    from festival.core.security import limiter
    from tests.conftest import make_app

    limited = make_app(dict(test_environ, RATE_LIMIT_ORDER_LOOKUP="3 per minute"),
                       RATELIMIT_ENABLED=True)
    client = limited.test_client()
    try:
        for _ in range(5):
            assert client.get(order["url"]).status_code == 200
        wrong = [client.get(f"/orders/{order['code']}?secret=guess{n}").status_code
                 for n in range(4)]
        assert wrong == [404, 404, 404, 429]
        assert client.get(f"/orders/{order['code']}/status.json?secret=x").status_code == 429
    finally:
        limiter.reset()


@pytest.fixture
def renders(monkeypatch):
    """Count the PDF renders (each costs about 1.5 CPU-s)."""
    from festival.ticketing import pdf_cache
    calls, render = [], pdf_cache.render_prints

    def counted(prints, size="a4"):
        calls.append((len(prints), size))
        return render(prints, size)
    monkeypatch.setattr(pdf_cache, "render_prints", counted)
    return calls


def test_a_pdf_is_rendered_once_per_version_of_the_order(client, app, order, renders):
    from festival.ticketing.models import Ticket, TicketStatus
    _pay(app, order)
    every = f"/orders/{order['code']}/tickets.pdf?secret={order['secret']}"
    first, again = client.get(every), client.get(every)
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert renders == [(2, "a4")]
    client.get(every + "&size=phone")
    client.get(every + "&size=phone")
    one = f"/orders/{order['code']}/tickets/{order['tickets'][0]}.pdf?secret={order['secret']}"
    client.get(one)
    client.get(one)
    assert renders == [(2, "a4"), (2, "phone"), (1, "a4")]
    with app.app_context():
        db.session.execute(update(Ticket).where(Ticket.id == order["tickets"][0])
                           .values(attendee_name="Amina Ait"))
        db.session.commit()
    renamed = client.get(every)
    assert renders[-1] == (2, "a4") and len(renders) == 4 and renamed.data != first.data
    with app.app_context():
        db.session.execute(update(Ticket).where(Ticket.id == order["tickets"][1])
                           .values(status=TicketStatus.REVOKED))
        db.session.commit()
    assert re.search(rb"/Count\s+1\b", client.get(every).data) and renders[-1] == (1, "a4")
    assert len(renders) == 5


def test_pdf_downloads_are_rate_limited_for_the_buyer_too(test_environ, app, order, tmp_path):
    from festival.core.security import limiter
    from tests.conftest import make_app

    _pay(app, order)
    limited = make_app(dict(test_environ, RATE_LIMIT_TICKET_PDF="3 per minute"),
                       RATELIMIT_ENABLED=True, CACHE_FOLDER=str(tmp_path))
    client = limited.test_client()
    secret = f"secret={order['secret']}"
    try:
        codes = [client.get(f"/orders/{order['code']}/tickets.pdf?{secret}").status_code,
                 client.get(f"/orders/{order['code']}/tickets.pdf?{secret}&size=phone")
                 .status_code,
                 client.get(f"/orders/{order['code']}/tickets/{order['tickets'][0]}.pdf?"
                            f"{secret}&size=phone").status_code,
                 client.get(f"/orders/{order['code']}/tickets.pdf?{secret}").status_code]
        assert codes == [200, 200, 200, 429]
        assert client.get(order["url"]).status_code == 200  # the order page is not counted
    finally:
        limiter.reset()


def test_erasing_the_buyer_removes_the_cached_pdfs(client, app, order):
    from festival.privacy.services import erase_person
    from festival.ticketing.pdf_cache import cache_folder
    _pay(app, order)
    assert client.get(f"/orders/{order['code']}/tickets.pdf?secret={order['secret']}"
                      ).status_code == 200
    with app.app_context():
        folder = cache_folder() / str(order["id"])
        assert any(folder.rglob("*.pdf"))
        erase_person("amina@example.fr", actor=None)
        db.session.commit()
        assert not folder.exists()


@pytest.mark.parametrize("language, transport, direction", [
    ("fr", "Métro 13, station Gabriel Péri", "ltr"),
    ("en", "Métro 13, station Gabriel Péri", "ltr"),   # no English text: French
    ("ar", "المترو 13، محطة غابرييل بيري", "rtl")])
def test_the_order_page_says_where_and_when_in_the_readers_language(
        client, app, order, language, transport, direction):
    from tests.factories import gen_where_and_when
    with app.app_context():
        gen_where_and_when(db.session.get(Order, order["id"]).edition, sunday_venue=True)
        db.session.commit()
    _pay(app, order)
    client.set_cookie("lang", language)
    page = _page(client, order).get_data(as_text=True)
    assert f'dir="{direction}"' in page and "Where and when" in page
    assert "Doors 18:00 – 01:30" in page and "Doors 10:00 – 20:00" in page
    assert "Espace Léo-Lagrange" in page and "Parc des sports" in page
    assert transport in page
    assert 'href="https://www.openstreetmap.org/way/42"' in page
    # The second venue has no map link of its own: one from its address.
    assert 'href="https://www.openstreetmap.org/search?query=Bobigny"' in page


def test_a_cancelled_order_does_not_say_where_to_go(client, app, order):
    with app.app_context():
        found = db.session.get(Order, order["id"])
        from tests.factories import gen_where_and_when
        gen_where_and_when(found.edition)
        orders.cancel_order(found, actor=None, reason="Test")
        db.session.commit()
    assert "Where and when" not in _page(client, order).get_data(as_text=True)
