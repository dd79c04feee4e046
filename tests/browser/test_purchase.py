"""A buyer on a phone buys tickets in Chromium, start to finish: the shop, the names, the
payment (the demo page, or Stripe through its local double and a signed webhook), the page
that updates itself, the e-mail delivered over SMTP, its PDF rendered and its QR code decoded
to a token that verifies. Also: the whole purchase with the keyboard alone, and axe-core on
the shop's pages in French and in Arabic."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.questions import services as questions
from festival.ticketing.models import Order, OrderStatus
from tests.browser.conftest import assert_no_horizontal_overflow
from tests.ticketing.conftest import make_edition, make_type

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=300)
        festival = make_type(edition, "Pass festival", 2500, quota=100,
                             requires_attendee_name=True, position=1)
        child = make_type(edition, "Entrée enfant", 0, quota=50, position=2)
        access = questions.create_question(edition, {
            "texts": {"fr": "Besoins d'accès ?", "en": "Access needs?", "ar": "احتياجات الولوج؟"},
            "kind": "choice", "scope": "ticket", "is_sensitive": True,
            "ticket_type_ids": [festival.id],
            "options": [{"label": {"fr": "Aucun", "en": "None", "ar": "لا شيء"}},
                        {"label": {"fr": "Fauteuil roulant", "en": "Wheelchair",
                                   "ar": "كرسي متحرك"}}]})
        questions.create_question(edition, {"texts": {"fr": "Votre association ?",
                                                      "en": "Your association?"},
                                            "kind": "text", "scope": "order"})
        db.session.commit()
        return {"year": edition.year, "festival": festival.id, "child": child.id,
                "url": f"/{edition.year}/tickets", "access": access.id}


def _choose_and_fill(page, shop, screenshot, prefix: str) -> None:
    page.goto(shop["url"])
    assert_no_horizontal_overflow(page)
    plus = page.locator(f"#offer-{shop['festival']} [data-step='1']")
    plus.click()
    plus.click()
    page.locator(f"#offer-{shop['child']} [data-step='1']").click()
    page.fill("#donation", "5")
    assert page.locator("[data-total]").inner_text().replace("\u202f", " ").startswith("55,00")
    screenshot(page, f"{prefix}-1-shop")
    page.locator(".shop-bar button[value=continue]").click()
    page.wait_for_selector("#names-h")
    assert_no_horizontal_overflow(page)
    page.fill(f"#attendee-{shop['festival']}-1", "Yasmine Amrani")
    page.fill(f"#attendee-{shop['festival']}-2", "Idir Amrani")
    page.fill("#name", "Yasmine Amrani")
    page.fill("#email", "yasmine@example.fr")
    # the questions: per ticket of the pass only (the child's ticket is not asked)
    wheelchair = page.locator(f"input[name='answer-{shop['access']}-{shop['festival']}-1']"
                              "[value='o2']")
    wheelchair.check()
    assert page.locator(f"[name^='answer-{shop['access']}-{shop['child']}-']").count() == 0
    assert not page.locator("#marketing_consent").is_checked()
    assert not page.locator("#accept_terms").is_checked()  # never ticked for the buyer
    page.check("#accept_terms")
    screenshot(page, f"{prefix}-2-details")
    page.locator(".shop-bar button[value=pay]").click()


def _order(app) -> dict:
    with app.app_context():
        order = db.session.scalar(select(Order))
        return {"code": order.code, "status": order.status, "id": order.id,
                "session": order.stripe_session_id,
                "tickets": [t.id for t in order.tickets]}


def _decode_the_emailed_ticket(app, smtp_server, tmp_path: Path, expected: dict) -> None:
    """Deliver the outbox, open the PDF attached to the e-mail, decode its first QR code."""
    import zxingcpp
    from PIL import Image

    from festival.editions.models import Edition
    from festival.mail.sender import send_pending
    from festival.ticketing.tickets import ticket_from_token

    with app.app_context():
        assert send_pending().sent == 1
    (message,) = smtp_server.messages
    assert message["To"] == "yasmine@example.fr" and expected["code"] in message["Subject"]
    (pdf,) = [part for part in message.iter_attachments()
              if part.get_content_type() == "application/pdf"]
    path = tmp_path / "tickets.pdf"
    path.write_bytes(pdf.get_content())
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True, timeout=60)
    (png,) = sorted(tmp_path.glob("page*.png"))
    codes = zxingcpp.read_barcodes(Image.open(png))
    assert codes, "no QR code found in the PDF ticket"
    with app.app_context():
        edition = db.session.scalar(select(Edition))
        ticket = ticket_from_token(edition, codes[0].text)
        assert ticket.id in expected["tickets"] and ticket.order.code == expected["code"]


def test_a_buyer_on_a_phone_buys_with_the_demo_payment(phone, app, shop, smtp_server,
                                                      screenshot, tmp_path):
    _choose_and_fill(phone, shop, screenshot, "demo")
    phone.wait_for_url(re.compile(r"/orders/\w+/demo-payment"))
    assert phone.get_by_text("DEMO — no money moves").is_visible()
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "demo-3-payment")
    phone.locator("button[value=pay]").click()
    phone.wait_for_selector("text=Your order is confirmed")
    assert_no_horizontal_overflow(phone)
    order = _order(app)
    assert order["status"] is OrderStatus.PAID and len(order["tickets"]) == 3
    assert phone.locator("#answers-h + dl.answers dd, .answers dd").first.inner_text() \
        in ("Wheelchair", "Fauteuil roulant")
    images = phone.locator("img.ticket-qr")
    assert images.count() == 3
    images.last.wait_for()  # the QR images load after the page: wait, then check them
    for image in images.all():
        image.evaluate("img => img.decode()")  # resolves once the image is loaded
    assert phone.evaluate("() => [...document.querySelectorAll('img.ticket-qr')]"
                          ".every(img => img.complete && img.naturalWidth > 100)")
    screenshot(phone, "demo-4-order")
    _decode_the_emailed_ticket(app, smtp_server, tmp_path, order)


def test_a_buyer_pays_through_stripe_and_the_page_updates_itself(phone, app, shop, smtp_server,
                                                                stripe_double, screenshot,
                                                                tmp_path):
    _choose_and_fill(phone, shop, screenshot, "stripe")
    # The double's Checkout page pays at once and sends the browser back, before any webhook.
    phone.wait_for_url(re.compile(r"/orders/\w+\?.*checkout=success"))
    assert phone.get_by_text("Payment being confirmed").is_visible()
    screenshot(phone, "stripe-3-confirming")
    order = _order(app)
    assert order["status"] is OrderStatus.PENDING
    body, headers = stripe_double.signed_event("checkout.session.completed",
                                               stripe_double.session(order["session"]))
    delivered = app.test_client().post("/stripe/webhook", data=body, headers=headers)
    assert delivered.status_code == 200 and delivered.get_json()["outcome"] == "paid"
    phone.wait_for_selector("text=Your order is confirmed", timeout=15_000)  # by itself
    assert "checkout=success" not in phone.url
    screenshot(phone, "stripe-4-order")
    assert _order(app)["status"] is OrderStatus.PAID
    _decode_the_emailed_ticket(app, smtp_server, tmp_path, order)


def _tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    pytest.fail(f"{selector} cannot be reached with Tab")


def test_the_whole_purchase_works_with_the_keyboard_alone(laptop, app, shop, screenshot):
    page = laptop
    page.goto(shop["url"])
    _tab_to(page, f"#offer-{shop['festival']} [data-step='1']")
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    assert page.input_value(f"#qty-{shop['festival']}") == "2"
    _tab_to(page, ".shop-bar button[value=continue]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#names-h")
    _tab_to(page, f"#attendee-{shop['festival']}-1")
    page.keyboard.type("Nadia Bensaid")
    page.keyboard.press("Tab")
    page.keyboard.type("Karim Bensaid")
    _tab_to(page, "#name")
    page.keyboard.type("Nadia Bensaid")
    page.keyboard.press("Tab")
    page.keyboard.type("nadia@example.fr")
    _tab_to(page, "#marketing_consent")
    page.keyboard.press("Space")
    assert page.locator("#marketing_consent").is_checked()
    _tab_to(page, "#accept_terms")
    page.keyboard.press("Space")
    assert page.locator("#accept_terms").is_checked()
    _tab_to(page, ".shop-bar button[value=pay]")
    screenshot(page, "keyboard-details")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/demo-payment"))
    _tab_to(page, "button[value=pay]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Your order is confirmed")
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order.status is OrderStatus.PAID and order.marketing_consent
        assert [t.attendee_name for t in order.tickets] == ["Nadia Bensaid", "Karim Bensaid"]


def test_errors_take_the_keyboard_to_the_first_field_to_correct(laptop, shop):
    laptop.goto(shop["url"])
    laptop.locator(f"#offer-{shop['festival']} [data-step='1']").click()
    laptop.locator(".shop-bar button[value=continue]").click()
    laptop.locator(".shop-bar button[value=pay]").click()
    laptop.wait_for_selector("[data-error-summary]")
    # The script runs once the page has loaded, a moment after the summary is in the DOM.
    # (wait_for_function would evaluate a string, which the page's CSP refuses.)
    from playwright.sync_api import expect
    expect(laptop.locator(f"#attendee-{shop['festival']}-1")).to_be_focused()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_shop_pages_have_no_serious_accessibility_violation(phone, live_server, app, shop,
                                                               language, screenshot):
    pytest.importorskip("axe_playwright_python")
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                  "wcag22aa", "best-practice"]}}

    def serious() -> list[str]:
        found = axe.run(phone, options=rules).response["violations"]
        return [f"{v['id']}: {v['nodes'][0]['target']}" for v in found
                if v["impact"] in ("serious", "critical")]

    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    problems = {}
    phone.goto(shop["url"])
    assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    problems["shop"] = serious()
    phone.locator(f"#offer-{shop['festival']} [data-step='1']").click()
    phone.locator(".shop-bar button[value=continue]").click()
    phone.locator(".shop-bar button[value=pay]").click()  # with its errors shown
    phone.wait_for_selector("[data-error-summary]")
    problems["details"] = serious()
    screenshot(phone, f"axe-{language}-details")
    phone.fill(f"#attendee-{shop['festival']}-1", "Nadia")
    phone.fill("#name", "Nadia")
    phone.fill("#email", "nadia@example.fr")
    phone.check("#accept_terms")
    phone.locator(".shop-bar button[value=pay]").click()
    phone.wait_for_url(re.compile(r"/demo-payment"))
    problems["demo payment"] = serious()
    phone.locator("button[value=pay]").click()
    phone.wait_for_selector(".order-paid")
    assert_no_horizontal_overflow(phone)
    problems["order"] = serious()
    screenshot(phone, f"axe-{language}-order")
    assert {k: v for k, v in problems.items() if v} == {}
