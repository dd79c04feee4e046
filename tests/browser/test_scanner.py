"""The door scanner in Chromium with a fake camera that films a real ticket's QR code:
pairing, ok then already_checked_in, offline check-in queued in IndexedDB and synced when
the network is back; then every answer screen on a phone, in French and in Arabic.

The fake camera plays a one-frame Y4M file that the test writes; Chromium reads the file
again at each getUserMedia(), so reloading the page films the next ticket."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from festival.extensions import db
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_no_horizontal_overflow
from tests.checkin.conftest import (
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    today_iso,
    token_of,
)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 640, 480
VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "jsqr" / "jsQR.js"


def write_y4m(path: Path, text: str | None) -> None:
    """One 640×480 grey frame (4:2:0) with the QR code of `text` in the middle."""
    from PIL import Image

    from festival.ticketing.qr import qr_image
    frame = Image.new("L", (WIDTH, HEIGHT), 235)
    if text is not None:
        code = qr_image(text, box_size=8)
        frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + b"FRAME\n" + frame.tobytes() + chroma + chroma)


@pytest.fixture(scope="module")
def camera_browser(browser, tmp_path_factory):
    """A second Chromium whose camera films the file `camera_browser.camera_file`."""
    if not VENDOR.exists():
        pytest.fail("static/vendor/jsqr is missing: run scripts/test (npm ci, then "
                    "node scripts/lib/vendor.mjs)", pytrace=False)
    camera_file = tmp_path_factory.mktemp("camera") / "camera.y4m"
    write_y4m(camera_file, None)
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream",
                              "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={camera_file}"])
    launched.camera_file = camera_file
    yield launched
    launched.close()


@pytest.fixture
def gate(app):
    """An edition open today, a list, a device waiting to be paired and three tickets."""
    from festival.checkin.devices import create_device
    with app.app_context():
        edition = make_door_edition()
        pass_type = make_ticket_type(edition, "Pass festival")
        checkin_list = make_list(edition, "Entrée principale")
        _device, code = create_device(checkin_list, name="Téléphone 1", gate="Porte A")
        first = make_ticket(pass_type, attendee="Zoé Amrani")
        second = make_ticket(pass_type, attendee="Brahim Oufkir")
        data = {"code": code, "tokens": [token_of(first), token_of(second)],
                "ids": [first.id, second.id], "edition_id": edition.id,
                "type_id": pass_type.id}
        db.session.commit()
        return data


def _phone(camera_browser, live_server, locale="fr-FR"):
    context = camera_browser.new_context(base_url=live_server.url, locale=locale,
                                         viewport={"width": 360, "height": 740},
                                         is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    return context, page


def _result(page, code: str) -> None:
    page.wait_for_selector(f'#scan-result[data-result="{code}"]', state="visible")


def test_pair_scan_rescan_and_offline_sync(camera_browser, live_server, gate, app, screenshot):
    write_y4m(camera_browser.camera_file, gate["tokens"][0])
    context, page = _phone(camera_browser, live_server)
    try:
        page.goto(f"/scan/pair/{gate['code']}")
        page.get_by_role("button", name="Pair this phone").click()
        page.wait_for_url("**/scan")
        _result(page, "ok")
        assert "Zoé Amrani" in page.locator("#scan-result-name").inner_text()
        assert page.locator("#scan-result-type").inner_text() == "Pass festival"
        screenshot(page, "scanner-ok")
        page.locator("#scan-next").click()  # the next person shows the same ticket again
        _result(page, "already_checked_in")
        assert "Porte A" in page.locator("#scan-result-detail").inner_text()
        page.wait_for_selector('#scan-status[data-online="true"]')
        page.wait_for_selector('body[data-offline-ready="true"]')
        page.wait_for_function("document.getElementById('scan-bundle').textContent.includes(':')")

        write_y4m(camera_browser.camera_file, gate["tokens"][1])
        context.set_offline(True)
        page.reload()  # served by the service worker; the camera now films the second ticket
        _result(page, "ok")
        assert page.locator("#scan-result-offline").is_visible()
        assert "Brahim Oufkir" in page.locator("#scan-result-name").inner_text()
        page.wait_for_selector('#scan-waiting[data-waiting="1"]')
        assert page.locator("#scan-status").get_attribute("data-online") == "false"
        screenshot(page, "scanner-offline-ok")
        # The answer goes by itself; the code still in view is not scanned again.
        page.wait_for_selector("#scan-result", state="hidden")
        screenshot(page, "scanner-offline-banner")

        context.set_offline(False)
        page.wait_for_selector('#scan-waiting[data-waiting="0"]')
        page.wait_for_selector('#scan-status[data-online="true"]')
    finally:
        context.close()
    assert page.js_errors == []
    from festival.checkin.models import Scan, ScanResult
    with app.app_context():
        scans = list(db.session.scalars(select(Scan).order_by(Scan.id)))
        assert [(s.ticket_id, s.result, s.is_offline) for s in scans] == [
            (gate["ids"][0], ScanResult.OK, False),
            (gate["ids"][0], ScanResult.ALREADY_CHECKED_IN, False),
            (gate["ids"][1], ScanResult.OK, True)]


@pytest.fixture
def paired_phone(camera_browser, live_server, gate, request):
    """A phone already paired (token in localStorage), camera filming nothing."""
    write_y4m(camera_browser.camera_file, None)
    context, page = _phone(camera_browser, live_server, locale=getattr(request, "param", "fr-FR"))
    page.goto(f"/scan/pair/{gate['code']}")
    page.get_by_role("button").filter(has_text="Pair").click()
    page.wait_for_url("**/scan")
    page.wait_for_selector('#scan-status[data-online="true"]')
    yield page
    context.close()
    assert page.js_errors == []


def _type(page, text: str) -> None:
    page.locator("#scan-query").fill(text)
    page.locator("#scan-query").press("Enter")


def _tampered(token: str) -> str:
    """The token with one character of its signature changed (always to another one)."""
    middle = len(token) // 2
    return token[:middle] + ("B" if token[middle] == "A" else "A") + token[middle + 1:]


@pytest.mark.parametrize("paired_phone", ["fr-FR", "ar"], indirect=True)
def test_every_answer_on_a_phone(paired_phone, gate, app, screenshot):
    """Manual entry (the QR text typed or pasted) gives each answer; each has its colour,
    its icon and its words, and fits a 360-px screen."""
    from festival.editions.models import Edition
    from festival.ticketing.models import TicketStatus, TicketType
    page = paired_phone
    lang = "ar" if page.evaluate("document.documentElement.lang") == "ar" else "fr"
    with app.app_context():
        edition = db.session.get(Edition, gate["edition_id"])
        pass_type = db.session.get(TicketType, gate["type_id"])
        sunday_type = make_ticket_type(edition, "Pass demain", valid_days=[today_iso(1)])
        tomorrow = make_ticket(sunday_type, attendee="Yasmine Idrissi")
        unpaid = make_ticket(pass_type, attendee="Karim Bennani", status="pending",
                             method="bank_transfer")
        refunded = make_ticket(pass_type, attendee="Nadia Tazi", status="refunded",
                               ticket_status=TicketStatus.REVOKED.value)
        cases = [("ok", gate["tokens"][0], "ok"), ("already", gate["tokens"][0], "warn"),
                 ("not-today", token_of(tomorrow), "warn"), ("unpaid", token_of(unpaid), "warn"),
                 ("revoked", token_of(refunded), "stop"),
                 ("invalid", _tampered(gate["tokens"][1]), "stop")]
        codes = {"ok": "ok", "already": "already_checked_in", "not-today": "not_valid_today",
                 "unpaid": "unpaid", "revoked": "revoked", "invalid": "invalid"}
        db.session.commit()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    for name, token, tone in cases:
        _type(page, token)
        _result(page, codes[name])
        result = page.locator("#scan-result")
        assert result.get_attribute("data-tone") == tone
        assert page.locator("#scan-result-icon").inner_text() in ("✓", "!", "✕")
        assert page.locator("#scan-result-title").inner_text().strip()
        assert_no_horizontal_overflow(page)
        screenshot(page, f"scanner-{lang}-{name}")
        page.locator("#scan-next").click()
        page.wait_for_selector("#scan-result", state="hidden")
    _type(page, "Oufkir")
    page.wait_for_selector(".scan-hit")
    screenshot(page, f"scanner-{lang}-search")
    page.locator(".scan-hit button").first.click()
    _result(page, "ok")
    assert "Brahim Oufkir" in page.locator("#scan-result-name").inner_text()
