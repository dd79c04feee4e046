"""The shop through the test client: choose → names and e-mail → pay, errors next to their
fields with nothing lost, vouchers, sold out at the last moment, free orders."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.ticketing import catalog, orders
from festival.ticketing.models import Order, OrderStatus, Voucher
from tests.ticketing.conftest import make_edition, make_type


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=500)
        festival = make_type(edition, "Pass festival", 2500, quota=100,
                             requires_attendee_name=True, position=1)
        saturday = make_type(edition, "Pass samedi", 1500, quota=5, position=2,
                             valid_days=["2027-05-15"])
        child = make_type(edition, "Entrée enfant", 0, quota=50, position=3)
        support = make_type(edition, "Soutien", 2000, quota=20, position=4,
                            is_pay_what_you_want=True, suggested_price_cents=4000)
        reduced = make_type(edition, "Tarif réduit", 800, quota=10, position=5, is_hidden=True)
        catalog.create_voucher(edition, {"code": "ETUDIANT27", "ticket_type_id": reduced.id,
                                         "max_uses": 5})
        db.session.commit()
        return {"year": edition.year, "festival": festival.id, "saturday": saturday.id,
                "child": child.id, "support": support.id, "reduced": reduced.id,
                "url": f"/{edition.year}/tickets"}


def _post(client, shop, action, **fields):
    """The shop's form, sent; paying ticks the terms unless accept_terms="" says not."""
    data = {"action": action, "language": "fr"}
    if action == "pay":
        data["accept_terms"] = "y"
    data.update({k.replace("_", "-") if k.startswith(("qty_", "price_", "attendee_")) else k: v
                 for k, v in fields.items()})
    return client.post(shop["url"], data=data)


def _orders():
    """Every order, read in the caller's application context."""
    return db.session.scalars(select(Order).order_by(Order.id)).all()


def test_the_shop_lists_what_is_on_sale(client, shop):
    page = client.get(shop["url"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("Pass festival", "Pass samedi", "Entrée enfant", "Soutien"):
        assert name in html
    assert "Tarif réduit" not in html  # hidden behind its voucher
    assert "25,00" in html and "Free" in html and "from 20,00" in html
    assert "Only 5 left" in html  # a small quota shows what is left
    assert f'name="qty-{shop["festival"]}"' in html
    assert f'value="remove:{shop["festival"]}"' in html and 'action="/2027/tickets"' in html
    assert "samedi 15 mai" in html  # the days a ticket admits on


def test_sold_out_types_show_it_and_cannot_be_chosen(client, app, shop):
    with app.app_context():
        from festival.editions.models import Edition
        edition = db.session.scalar(select(Edition))
        orders.create_order(edition, terms_accepted=True, buyer_name="A", email="a@example.fr",
                            items=[orders.Item(shop["saturday"], 5)])
        db.session.commit()
    html = client.get(shop["url"]).get_data(as_text=True)
    block = html.split(f'id="offer-{shop["saturday"]}"')[1].split("</li>")[0]
    assert "Sold out" in block and "qty-" not in block
    page = _post(client, shop, "continue", **{f"qty_{shop['saturday']}": "1"})
    assert page.status_code == 422 and "this ticket is sold out" in page.get_data(True)


def test_a_full_day_says_so_on_the_types_that_admit_on_it(client, app):
    with app.app_context():
        edition = make_edition(capacity=3)
        kinds = {"saturday": make_type(edition, "Pass samedi", valid_days=["2027-05-15"]),
                 "sunday": make_type(edition, "Pass dimanche", valid_days=["2027-05-16"]),
                 "both": make_type(edition, "Pass deux jours")}
        orders.create_order(edition, terms_accepted=True, buyer_name="A", email="a@example.fr",
                            items=[orders.Item(kinds["saturday"].id, 3)])
        db.session.commit()
        ids = {name: kind.id for name, kind in kinds.items()}
    html = client.get("/2027/tickets").get_data(as_text=True)  # dates in French, the default
    blocks = {name: html.split(f'id="offer-{type_id}"')[1].split("</li>")[0]
              for name, type_id in ids.items()}
    assert "Samedi is full" in blocks["saturday"] and "qty-" not in blocks["saturday"]
    assert "Samedi is full" in blocks["both"] and "qty-" not in blocks["both"]
    assert "is full" not in blocks["sunday"] and f"qty-{ids['sunday']}" in blocks["sunday"]


def test_the_steppers_work_without_javascript(client, shop):
    page = _post(client, shop, f"add:{shop['festival']}", **{f"qty_{shop['festival']}": "1",
                                                             "donation": "7,50"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(rf'id="qty-{shop["festival"]}"[^>]*value="2"', html.replace("\n", " "))
    assert 'value="7,50"' in html  # the donation typed is kept
    assert "57,50" in html  # the total follows
    page = _post(client, shop, f"remove:{shop['saturday']}", **{f"qty_{shop['saturday']}": "0"})
    assert re.search(rf'id="qty-{shop["saturday"]}"[^>]*value="0"',
                     page.get_data(True).replace("\n", " "))


def test_nothing_chosen_is_refused_with_a_clear_message(client, shop):
    page = _post(client, shop, "continue")
    assert page.status_code == 422
    assert "Choose at least one ticket." in page.get_data(as_text=True)


def test_continue_shows_names_and_a_summary(client, shop):
    page = _post(client, shop, "continue", **{f"qty_{shop['festival']}": "2",
                                              f"qty_{shop['child']}": "1", "donation": "5"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count(f'name="attendee-{shop["festival"]}-') == 2  # named tickets only
    assert f'name="attendee-{shop["child"]}-' not in html
    assert "Pass festival × 2" in html and "Donation to CNSM" in html
    assert "55,00" in html and "Pay 55,00" in html
    consent = re.search(r'<input[^>]*name="marketing_consent"[^>]*>', html).group(0)
    assert "checked" not in consent  # marketing consent is never ticked for the buyer
    # the first step's choices travel along as hidden fields
    assert f'type="hidden" name="qty-{shop["festival"]}" value="2"' in html


def test_missing_details_are_shown_next_to_their_fields_and_nothing_is_lost(client, app, shop):
    page = _post(client, shop, "pay", **{f"qty_{shop['festival']}": "2",
                                         f"attendee_{shop['festival']}_1": "Yasmine",
                                         "email": "not an address", "donation": "3"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Give the name of this person." in html  # the second attendee
    assert "Please give your name." in html
    assert "This is not a valid e-mail address." in html
    assert 'value="Yasmine"' in html and 'value="not an address"' in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert _orders() == []


def test_a_purchase_goes_to_the_demo_payment_then_is_paid(client, app, shop):
    page = _post(client, shop, "pay", **{f"qty_{shop['festival']}": "2",
                                         f"attendee_{shop['festival']}_1": "Yasmine Amrani",
                                         f"attendee_{shop['festival']}_2": "Idir Amrani",
                                         "name": "Yasmine Amrani", "email": "Yasmine@Example.fr",
                                         "donation": "10", "language": "en"})
    assert page.status_code == 303
    with app.app_context():
        (order,) = _orders()
        code, secret = order.code, order.secret
        assert order.status is OrderStatus.PENDING and order.total_cents == 6000
        assert order.donation_cents == 1000 and order.email == "yasmine@example.fr"
        assert order.language == "en" and order.marketing_consent is False
        assert [t.attendee_name for t in order.tickets] == ["Yasmine Amrani", "Idir Amrani"]
    assert "/demo-payment" in page.headers["Location"] and code in page.headers["Location"]
    demo = client.get(page.headers["Location"])
    assert "DEMO — no money moves" in demo.get_data(as_text=True)
    paid = client.post(f"/orders/{code}/demo-payment", data={"secret": secret, "action": "pay"})
    assert paid.status_code == 303 and "checkout=success" in paid.headers["Location"]
    with app.app_context():
        assert _orders()[0].status is OrderStatus.PAID


def test_consent_is_kept_when_ticked(client, app, shop):
    _post(client, shop, "pay", **{f"qty_{shop['child']}": "1", "name": "Nora",
                                  "email": "nora@example.fr", "marketing_consent": "y"})
    with app.app_context():
        assert _orders()[0].marketing_consent is True


def test_a_free_order_goes_straight_to_its_page_paid(client, app, shop):
    page = _post(client, shop, "pay", **{f"qty_{shop['child']}": "2", "name": "Nora",
                                         "email": "nora@example.fr"})
    with app.app_context():
        (order,) = _orders()
        assert order.status is OrderStatus.PAID
        assert page.headers["Location"].startswith(f"/orders/{order.code}?secret=")
    assert page.status_code == 303
    assert "Your order is confirmed" in client.get(page.headers["Location"]).get_data(True)


def test_pay_what_you_want_has_its_minimum(client, app, shop):
    page = _post(client, shop, "continue", **{f"qty_{shop['support']}": "1",
                                              f"price_{shop['support']}": "12"})
    assert page.status_code == 422
    assert "The minimum for this ticket is 20,00" in page.get_data(as_text=True)
    _post(client, shop, "pay", **{f"qty_{shop['support']}": "1",
                                  f"price_{shop['support']}": "42,50",
                                  f"attendee_{shop['support']}_1": "Omar",
                                  "name": "Omar", "email": "omar@example.fr"})
    with app.app_context():
        assert _orders()[0].total_cents == 4250


def test_a_voucher_reveals_its_hidden_ticket(client, shop):
    page = _post(client, shop, "apply", voucher="etudiant27")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tarif réduit" in html
    assert "Code ETUDIANT27 applied" in html
    assert 'name="voucher_applied" value="ETUDIANT27"' in html
    bad = _post(client, shop, "apply", voucher="NOPE-NOPE")
    assert bad.status_code == 422 and "This voucher code is not valid." in bad.get_data(True)
    assert "Tarif réduit" not in bad.get_data(True)


def _voucher_box(html: str) -> str:
    """The voucher's card: its field, the answer and the ticket it opened."""
    start = html.index('<section class="card shop-voucher"')
    return html[start:html.index("</section>", start)]


def test_without_javascript_the_voucher_answer_is_next_to_its_field(client, shop):
    """No script: the page after Apply shows the answer in the voucher's card (a live region
    under the field) and the opened ticket right under it; autofocus (on the field after a
    refusal, on the ticket after a success) brings them into view. What was chosen is
    kept."""
    chosen = {f"qty_{shop['festival']}": "2", f"qty_{shop['support']}": "1",
              f"price_{shop['support']}": "42,50", "donation": "7"}
    bad = _post(client, shop, "apply", voucher="nope-nope", **chosen)
    html = bad.get_data(as_text=True)
    box = _voucher_box(html)
    assert bad.status_code == 422
    status = box[box.index('id="voucher-status"'):]
    assert status.startswith('id="voucher-status" role="status" aria-live="polite"')
    assert "This voucher code is not valid." in status[:status.index("</div>")]
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*autofocus[^>]*id="voucher"|'
                     r'<input[^>]*id="voucher"[^>]*autofocus', box), box
    assert 'value="NOPE-NOPE"' in box  # what was typed stays, to be corrected
    assert "data-error-summary" not in html  # the answer is by the field, not at the top
    assert "#voucher" not in box  # a #fragment would cancel autofocus
    assert f'name="qty-{shop["festival"]}" value="2"' in html and 'value="42,50"' in html
    assert re.search(r'name="donation"[^>]*value="7"', html)

    good = _post(client, shop, "apply", voucher="etudiant27", **chosen)
    html = good.get_data(as_text=True)
    box = _voucher_box(html)
    assert good.status_code == 200
    status = box[box.index('id="voucher-status"'):]
    assert "Code ETUDIANT27 applied: “<bdi>Tarif réduit</bdi>” is now available below." in \
        status[:status.index("</div>")]
    opened = re.search(r'<li class="card shop-offer is-voucher" id="offer-(\d+)"[^>]*>', box)
    assert opened and opened.group(1) == str(shop["reduced"])
    assert 'tabindex="-1"' in opened.group(0) and "autofocus" in opened.group(0)
    assert box.index('id="voucher-status"') < box.index(f'id="offer-{shop["reduced"]}"')
    assert html.count(f'id="offer-{shop["reduced"]}"') == 1  # not in the main list as well
    assert html.count("autofocus") == 1
    assert f'name="qty-{shop["festival"]}" value="2"' in html and 'value="42,50"' in html
    assert re.search(r'name="donation"[^>]*value="7"', html)


def test_apply_with_no_code_says_what_to_do(client, shop):
    page = _post(client, shop, "apply", voucher="  ")
    assert page.status_code == 422
    assert "Type the code you received" in _voucher_box(page.get_data(as_text=True))


def test_enter_in_the_voucher_field_applies_it_before_continuing(client, shop):
    page = _post(client, shop, "continue", voucher="ETUDIANT27",
                 **{f"qty_{shop['child']}": "1"})
    html = page.get_data(as_text=True)
    assert "Tarif réduit" in html and "Choose your tickets" in html  # still the first step


def test_the_voucher_price_is_charged_and_the_code_spent_only_when_used(client, app, shop):
    common = {"voucher": "ETUDIANT27", "voucher_applied": "ETUDIANT27", "name": "Lina",
              "email": "lina@example.fr"}
    _post(client, shop, "pay", **{f"qty_{shop['child']}": "1"}, **common)
    with app.app_context():  # applied but not used for its ticket: not spent
        assert db.session.scalar(select(Voucher.used_count)) == 0
    _post(client, shop, "pay", **{f"qty_{shop['reduced']}": "1",
                                  f"attendee_{shop['reduced']}_1": "Lina"}, **common)
    with app.app_context():
        reduced = [o for o in _orders() if o.total_cents == 800]
        assert len(reduced) == 1 and reduced[0].voucher_id is not None
        assert db.session.scalar(select(Voucher.used_count)) == 1


def test_sold_out_at_the_last_moment_keeps_the_form(client, app, shop):
    fields = {f"qty_{shop['saturday']}": "3", f"attendee_{shop['saturday']}_1": "Ali",
              f"attendee_{shop['saturday']}_2": "Bahia", f"attendee_{shop['saturday']}_3": "Chama",
              "name": "Ali", "email": "ali@example.fr"}
    assert _post(client, shop, "continue", **fields).status_code == 200
    with app.app_context():  # someone else is faster
        from festival.editions.models import Edition
        edition = db.session.scalar(select(Edition))
        orders.create_order(edition, terms_accepted=True, buyer_name="B", email="b@example.fr",
                            items=[orders.Item(shop["saturday"], 4)])
        db.session.commit()
    page = _post(client, shop, "pay", **fields)
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "someone was faster" in html and "Only 1 left" in html
    for kept in ('value="Bahia"', 'value="ali@example.fr"', 'value="Chama"'):
        assert kept in html
    with app.app_context():
        assert len(_orders()) == 1


def test_a_shop_that_is_not_open_says_so(client, app):
    with app.app_context():
        make_edition(year=2031, status="published")
        db.session.commit()
    page = client.get("/2031/tickets")
    assert page.status_code == 200 and "have not opened yet" in page.get_data(as_text=True)
    assert client.post("/2031/tickets", data={"action": "pay"}).status_code == 200
    assert client.get("/2099/tickets").status_code == 404


def test_the_old_address_and_the_home_page_lead_to_the_shop(client, shop):
    page = client.get(f"/{shop['year']}/billetterie")
    assert page.status_code == 302 and page.headers["Location"].endswith(shop["url"])
    assert shop["url"] in client.get(f"/{shop['year']}/").get_data(as_text=True)


@pytest.mark.parametrize("field,value", [("qty-%d", "abc"), ("qty-%d", "-3"),
                                         ("price-%d", "vingt"), ("donation", "1e9")])
def test_malformed_input_gets_a_message_not_an_error(client, shop, field, value):
    name = field % shop["support"] if "%d" in field else field
    data = {"action": "continue", name: value, f"qty-{shop['support']}": "1"}
    if name.startswith("qty"):
        data[name] = value
    page = client.post(shop["url"], data=data)
    assert page.status_code == 422
    assert "Give" in page.get_data(as_text=True)


def test_a_refusal_by_the_order_service_itself_keeps_the_form(client, shop, monkeypatch):
    """The seats went between the last check and the reservation (a true race)."""
    from festival.core.errors import Conflict
    from festival.ticketing import shop_views

    def sold_out(*args, **kwargs):
        raise Conflict("sold_out", "gone")
    monkeypatch.setattr(shop_views.orders, "create_order", sold_out)
    page = _post(client, shop, "pay", **{f"qty_{shop['child']}": "2", "name": "Nora",
                                         "email": "nora@example.fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and "someone was faster" in html
    assert 'value="nora@example.fr"' in html and "Choose your tickets" in html



def test_every_shop_submission_counts_against_the_limit(test_environ, shop):
    """Refused submissions and steps count too: otherwise a refused one costs nothing to
    repeat. Looking at the shop stays free."""
    from festival.core.security import limiter
    from tests.conftest import make_app

    limited = make_app(dict(test_environ, RATE_LIMIT_ORDER_CREATE="3 per minute"),
                       RATELIMIT_ENABLED=True)
    client = limited.test_client()
    try:
        absurd = {f"qty_{shop['child']}": "10000000"}
        codes = [_post(client, shop, "continue", **absurd).status_code,
                 _post(client, shop, f"add:{shop['child']}").status_code]
        buy = {f"qty_{shop['child']}": "1", "name": "Nora", "email": "nora@example.fr"}
        codes += [_post(client, shop, "pay", **buy).status_code for _ in range(2)]
        assert codes == [422, 200, 303, 429]
        assert client.get(shop["url"]).status_code == 200
    finally:
        limiter.reset()


@pytest.fixture
def carts(monkeypatch):
    """Every cart the shop's form is read into, to see what was built for it."""
    from festival.ticketing import shop as shop_module
    read, original = [], shop_module.Cart.from_form.__func__

    def from_form(cls, *args, **kwargs):
        read.append(original(cls, *args, **kwargs))
        return read[-1]
    monkeypatch.setattr(shop_module.Cart, "from_form", classmethod(from_form))
    return read


def test_an_absurd_quantity_is_refused_before_anything_is_built_for_it(client, app, shop,
                                                                       carts):
    page = _post(client, shop, "continue", **{f"qty_{shop['festival']}": "10000000"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "At most 20 tickets per order." in html
    assert carts and all(len(line.attendees) <= orders.MAX_TICKETS_PER_ORDER
                         for cart in carts for line in cart.lines)
    paying = _post(client, shop, "pay", **{f"qty_{shop['festival']}": "10000000",
                                           "name": "Nora", "email": "nora@example.fr"})
    assert paying.status_code == 422 and "At most 20 tickets per order." in paying.get_data(True)
    with app.app_context():
        assert _orders() == []


def test_going_back_to_change_tickets_keeps_the_names_and_details(client, shop):
    typed = {f"qty_{shop['festival']}": "1", f"attendee_{shop['festival']}_1": "Yasmine",
             "name": "Idir", "email": "idir@example.fr", "marketing_consent": "y",
             "language": "ar"}
    back = _post(client, shop, "back", **typed)
    html = back.get_data(as_text=True)
    assert "Choose your tickets" in html
    for hidden in (f'name="attendee-{shop["festival"]}-1" value="Yasmine"',
                   'name="email" value="idir@example.fr"', 'name="marketing_consent" value="y"',
                   'name="language" value="ar"'):
        assert hidden in html
    again = _post(client, shop, "continue", **typed).get_data(as_text=True)
    assert 'value="Yasmine"' in again and 'value="idir@example.fr"' in again
    assert re.search(r'<input[^>]*checked[^>]*name="marketing_consent"', again)


def test_with_stripe_the_buyer_goes_to_checkout_or_is_told_it_is_down(client, shop,
                                                                     stripe_double):
    buy = {f"qty_{shop['child']}": "1", f"qty_{shop['saturday']}": "1",
           f"attendee_{shop['saturday']}_1": "Nora", "name": "Nora", "email": "nora@example.fr"}
    page = _post(client, shop, "pay", **buy)
    assert page.status_code == 303
    assert page.headers["Location"].startswith(stripe_double.base_url + "/pay/")
    stripe_double.fail_next(503, times=10)
    down = _post(client, shop, "pay", **buy)
    assert down.status_code == 303 and down.headers["Location"].startswith("/orders/")
    html = client.get(down.headers["Location"]).get_data(as_text=True)
    assert "Online payment is unavailable right now" in html and "Pay 15,00" in html
