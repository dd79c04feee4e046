"""The shop's voucher on a phone (Playwright's Pixel 5): a wrong code, then a good one. The
answer appears next to the field, in view; the ticket the code opened appears under it with
the keyboard on it; nothing chosen is lost. With JavaScript (the answer comes without a
reload) and without (the page comes back at the voucher, the ticket autofocused)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from festival.extensions import db
from festival.ticketing import catalog
from tests.browser.conftest import assert_no_horizontal_overflow, device_page
from tests.ticketing.conftest import make_edition, make_type

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

PHONE = "Pixel 5"


@pytest.fixture
def shop(app):
    with app.app_context():
        edition = make_edition(capacity=300)
        festival = make_type(edition, "Pass festival", 2500, quota=100, position=1,
                             description="Les deux jours, conférences et soirées.")
        make_type(edition, "Pass samedi", 1500, quota=100, position=2,
                  valid_days=["2027-05-15"], description="Samedi seulement.")
        make_type(edition, "Pass dimanche", 1500, quota=100, position=3,
                  valid_days=["2027-05-16"], description="Dimanche seulement.")
        make_type(edition, "Entrée enfant", 0, quota=50, position=4)
        student = make_type(edition, "Tarif étudiant", 800, quota=20, position=2,
                            is_hidden=True)
        catalog.create_voucher(edition, {"code": "ETUDIANT27", "ticket_type_id": student.id,
                                         "max_uses": 5})
        db.session.commit()
        return {"festival": festival.id, "student": student.id,
                "url": f"/{edition.year}/tickets"}


@pytest.fixture(params=[True, False], ids=["script", "no-script"])
def pixel(request, browser, live_server):
    context, page = device_page(browser, live_server, PHONE,
                                java_script_enabled=request.param)
    page.scripted = request.param
    yield page
    context.close()
    assert page.js_errors == [], page.js_errors


def _in_view(page, selector: str) -> bool:
    """The whole element is inside the viewport, above the sticky total bar."""
    return page.evaluate("""selector => {
        const box = document.querySelector(selector).getBoundingClientRect();
        const bar = document.querySelector('.shop-bar').getBoundingClientRect();
        return box.top >= 0 && box.bottom <= Math.min(window.innerHeight, bar.top) + 1
            && box.height > 0;
    }""", selector)


def _viewport(page, name: str) -> None:
    """What the phone's screen shows, for a person to look at ($SCREENSHOT_DIR)."""
    folder = os.environ.get("SCREENSHOT_DIR", "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _apply(page, code: str) -> None:
    page.fill("#voucher", code)
    if page.scripted:
        page.click("[data-voucher-apply]")
    else:
        with page.expect_navigation():
            page.click("[data-voucher-apply]")


def test_the_voucher_answers_next_to_its_field_and_opens_its_ticket(pixel, shop, screenshot):
    page = pixel
    page.goto(shop["url"])
    if page.scripted:
        page.locator(f"#offer-{shop['festival']} [data-step='1']").click()
    else:
        page.fill(f"#qty-{shop['festival']}", "1")
    page.fill("#donation", "5")
    page.locator("#voucher").scroll_into_view_if_needed()

    _apply(page, "faux-code")
    status = page.locator("#voucher-status")
    status.get_by_text("This voucher code is not valid.").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert _in_view(page, "#voucher-status") and _in_view(page, "#voucher")
    gap = page.evaluate("""() => document.querySelector('#voucher-status').getBoundingClientRect()
        .top - document.querySelector('#voucher').getBoundingClientRect().bottom""")
    assert 0 <= gap < 40, gap  # right under the field
    assert page.locator("#voucher").get_attribute("aria-invalid") == "true"
    assert page.locator("[data-voucher-opened]").count() == 0
    _viewport(page, f"voucher-wrong-{page.scripted}-viewport")

    _apply(page, "etudiant27")
    status.get_by_text("Code ETUDIANT27 applied").wait_for()
    opened = f"offer-{shop['student']}"
    expect(page.locator(f"#{opened}")).to_be_focused()  # once the answer is in, or loaded
    assert page.locator(f"[data-voucher-offers] #{opened}").is_visible()
    assert _in_view(page, "#voucher-status")
    assert _in_view(page, f"#{opened} h3")  # the ticket's name, under the answer
    assert page.locator("#voucher").get_attribute("aria-invalid") is None
    assert page.input_value(f"#qty-{shop['festival']}") == "1"  # nothing chosen is lost
    assert page.input_value("#donation") == "5"
    assert_no_horizontal_overflow(page)
    _viewport(page, f"voucher-opened-{page.scripted}-viewport")
    screenshot(page, f"voucher-opened-{page.scripted}")

    # From the opened ticket, the keyboard goes on to its quantity.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('value')") == \
        f"remove:{shop['student']}"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter" if page.scripted else "Tab")
    if page.scripted:
        assert page.input_value(f"#qty-{shop['student']}") == "1"
        total = page.locator("[data-total]").inner_text().replace("\u202f", " ")
        assert total.startswith("38,00")  # 25 + 8 + 5 of donation
