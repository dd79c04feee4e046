"""The door for volunteers who start alone: a scanner that is not paired says what to do,
every address of the scanner opens offline once visited, the camera keeps scanning after
any answer, and the torch button shows only where the camera has one."""
from __future__ import annotations

import time

import pytest

from tests.browser.test_scanner import (  # noqa: F401 (its fixtures, used here too)
    HEIGHT,
    WIDTH,
    _phone,
    _type,
    camera_browser,
    gate,
    paired_phone,
    write_y4m,
)

pytestmark = pytest.mark.browser

SCANNER_ADDRESSES = ("/scan", "/scan/", "/scan?source=home-screen")


def test_an_unpaired_scanner_says_what_to_do_and_opens_offline(phone):
    page = phone
    page.goto("/scan/")
    page.wait_for_selector("#scan-unpaired", state="visible")
    assert page.locator("body").get_attribute("data-state") == "unpaired"
    assert page.locator("#scan-status-text").inner_text() != "Starting…"
    assert page.locator("#scan-camera").is_hidden()
    text = page.locator("#scan-unpaired").inner_text()
    assert "pairing link" in text
    start = page.locator("#scan-unpaired a[href='/scan/start']")
    assert start.is_visible()
    page.wait_for_selector('body[data-offline-ready="true"]')

    page.context.set_offline(True)
    for address in SCANNER_ADDRESSES:
        page.goto(address)  # from the service worker's cache
        page.wait_for_selector("#scan-unpaired", state="visible")
        assert page.locator("body").get_attribute("data-state") == "unpaired"
    page.context.set_offline(False)


# Every answer the scanner shows, in order, in `window.answers`.
ANSWERS = """
window.answers = [];
new MutationObserver(() => {
  const result = document.getElementById("scan-result");
  if (result && !result.hidden && result.dataset.result
      && result.dataset.shownAt !== result.dataset.result + result.textContent) {
    result.dataset.shownAt = result.dataset.result + result.textContent;
    window.answers.push(result.dataset.result);
  }
}).observe(document, {subtree: true, attributes: true, childList: true,
                      attributeFilter: ["hidden", "data-result"]});
"""


def write_film(path, scenes, fps: int = 2) -> None:
    """A Y4M film of `scenes`: (text or None, seconds) each, one QR code per scene, played
    in a loop by the fake camera."""
    from PIL import Image

    from festival.ticketing.qr import qr_image
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    frames = []
    for text, seconds in scenes:
        frame = Image.new("L", (WIDTH, HEIGHT), 235)
        if text is not None:
            code = qr_image(text, box_size=8)
            frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
        frames.extend([b"FRAME\n" + frame.tobytes() + chroma + chroma] * (seconds * fps))
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{fps}:1 Ip A1:1 C420jpeg\n".encode()
                     + b"".join(frames))


def test_the_camera_keeps_scanning_after_any_answer(camera_browser, live_server,  # noqa: F811
                                                    gate):  # noqa: F811
    write_y4m(camera_browser.camera_file, None)
    context, page = _phone(camera_browser, live_server)
    page.add_init_script(ANSWERS)
    try:
        page.goto(f"/scan/pair/{gate['code']}")
        page.get_by_role("button", name="Pair this phone").click()
        page.wait_for_url("**/scan")
        page.wait_for_selector('#scan-status[data-online="true"]')
        page.wait_for_selector('body[data-state="scanning"]')
        torch = page.locator("#scan-torch")
        assert torch.count() == 1 and torch.is_hidden()  # the fake camera has no torch

        # A QR code that is no ticket, then a ticket shown while the first answer is still
        # on its way (a slow network): each gets its answer, with no tap between.
        slowed: list[str] = []

        def slow_first_answer(route):
            if not slowed:
                slowed.append(route.request.url)
                time.sleep(1.5)
            route.continue_()
        page.route("**/api/v1/checkin", slow_first_answer)
        write_film(camera_browser.camera_file, [("https://example.org/menu", 1),
                                                (gate["tokens"][0], 20)])
        page.reload()
        page.wait_for_function("() => window.answers.includes('ok')", timeout=12_000)
        assert page.evaluate("window.answers") == ["invalid", "ok"]
        assert slowed
        assert "Zoé Amrani" in page.locator("#scan-result-name").inner_text()
        assert torch.is_hidden()
    finally:
        context.close()
    assert page.js_errors == []


@pytest.mark.parametrize("paired_phone", ["fr-FR", "ar"], indirect=True)
def test_search_results_on_the_scanner_tell_people_apart(paired_phone, gate, app,  # noqa: F811
                                                         screenshot):
    """An order of two: Nour is inside, the child's ticket has no name; each row says so,
    with its own button, and why it was found; names stay whole in Arabic."""
    from sqlalchemy import select

    from festival.checkin import queries, services
    from festival.checkin.models import CheckinList
    from festival.extensions import db
    from festival.ticketing.models import Ticket, TicketType
    from tests.browser.conftest import assert_no_horizontal_overflow
    from tests.checkin.conftest import make_ticket
    page = paired_phone
    with app.app_context():
        ticket_type = db.session.get(TicketType, gate["type_id"])
        nour = make_ticket(ticket_type, attendee="Nour Tazi", buyer="Samira Tazi",
                           email="samira@example.fr")
        db.session.add(Ticket(order=nour.order, ticket_type_id=ticket_type.id,
                              attendee_name="", price_cents=0, status=nour.status))
        list_id = db.session.scalar(select(CheckinList.id))
        services.check_in(queries.door_for_list(list_id), ticket_id=nour.id)
        db.session.commit()
    _type(page, "Tazi")
    page.wait_for_selector(".scan-hit >> nth=1")
    inside = page.locator('.scan-hit[data-state="inside"]')
    child = page.locator('.scan-hit[data-state="not_in"]')
    assert inside.count() == 1 and child.count() == 1
    assert inside.locator(".scan-hit-name bdi").inner_text() == "Nour Tazi"
    assert child.locator(".scan-hit-name bdi").inner_text() != "Samira Tazi"  # not the buyer
    assert child.locator(".scan-hit-buyer bdi").inner_text() == "Samira Tazi"
    assert child.locator(".scan-hit-meta bdi").get_attribute("dir") == "ltr"  # the order code
    assert inside.locator("button").inner_text() != child.locator("button").inner_text()
    assert inside.locator(".scan-hit-why").inner_text().strip()
    assert_no_horizontal_overflow(page)
    lang = page.evaluate("document.documentElement.lang")
    screenshot(page, f"scanner-{lang}-search-family")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_volunteer_lands_on_the_door_and_its_pages_are_accessible(phone, live_server, app,
                                                                    language):
    """Logged in, a volunteer lands on the door's start page; it, the desk with results and
    the unpaired scanner have no serious accessibility violation, in French and Arabic."""
    import re

    from festival.extensions import db
    from tests import factories
    from tests.browser.test_accessibility import _serious
    from tests.checkin.conftest import make_door_edition, make_list, make_ticket, make_ticket_type
    with app.app_context():
        edition = make_door_edition(2035)
        ticket_type = make_ticket_type(edition, "Pass festival")
        checkin_list = make_list(edition, "Entrée")
        make_ticket(ticket_type, attendee="Brahim Oufkir")
        db.session.commit()
        list_id = checkin_list.id
    user = factories.user_in_db(app, "volunteer")
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    phone.goto("/login")
    phone.fill("#email", user["email"])
    phone.fill("#password", factories.PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url(re.compile(r".*/scan/start$"))
    problems = {}
    for path in ("/scan/start", f"/scan/desk?list_id={list_id}&q=oufkir", "/scan"):
        phone.goto(path)
        found = _serious(phone)
        if found:
            problems[path] = found
    assert problems == {}
