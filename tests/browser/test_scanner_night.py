"""The offline scanner through Saturday night: a phone whose clock libfaketime moves (the
Chromium it runs in is started with LD_PRELOAD), with no network, admits a Saturday pass on
the Saturday-night list until Sunday 04:59 and refuses it at 05:00, from the bundle's
cut-off (verdict.js; its edges: tests/checkin/festival_day_cases.json)."""
from __future__ import annotations

import math
import os
import time as clock
from datetime import datetime, time, timedelta

import pytest

from festival.core.timeutil import paris_to_utc, utcnow
from festival.editions.models import EditionDay
from festival.extensions import db
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_scanner import _phone, _result, write_y4m
from tests.checkin.conftest import (
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    token_of,
)
from tests.checkin.test_festival_night import LIBFAKETIME, _next_saturday
from tests.conftest import IN_CI

pytestmark = pytest.mark.skipif(not IN_CI and not LIBFAKETIME.exists(),
                                reason="libfaketime is needed (Debian's faketime; CI has it)")


@pytest.fixture(scope="module")
def night_phone(browser, tmp_path_factory):
    """A Chromium filming `night_phone.camera_file`, its clock offset by the seconds in
    `night_phone.clock_file`."""
    folder = tmp_path_factory.mktemp("night")
    camera_file, clock_file = folder / "camera.y4m", folder / "faketime"
    write_y4m(camera_file, None)
    clock_file.write_text("+0\n")
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream",
                              "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={camera_file}"],
        # Chromium reads its clock too often to read the file at each call (it would not
        # start): the file is read again every second.
        env=dict(os.environ, LD_PRELOAD=str(LIBFAKETIME), FAKETIME_TIMESTAMP_FILE=str(clock_file),
                 FAKETIME_CACHE_DURATION="1"))
    launched.camera_file, launched.clock_file = camera_file, clock_file
    yield launched
    launched.close()


def _move_clock(phone, page, moment: datetime) -> None:
    """Move the phone's clock, and wait until its page reads the new time: each of
    Chromium's processes reads the file again only once its cached second is over, later on
    a loaded machine."""
    phone.clock_file.write_text(f"+{math.ceil(moment.timestamp() - clock.time())}\n")
    deadline = clock.monotonic() + 30
    while clock.monotonic() < deadline:
        clock.sleep(0.5)  # FAKETIME_CACHE_DURATION is 1 s
        if abs(page.evaluate("Date.now()") / 1000 - moment.timestamp()) < 60:
            return
    raise AssertionError(f"the phone's clock did not move to {moment}")


def test_an_offline_phone_through_saturday_night(night_phone, live_server, app):
    from festival.checkin.devices import create_device

    saturday = _next_saturday()
    sunday = saturday + timedelta(days=1)
    with app.app_context():
        edition = make_door_edition(saturday.year)
        edition.days = [EditionDay(day=saturday), EditionDay(day=sunday)]
        db.session.flush()
        saturday_pass = make_ticket_type(edition, "Pass samedi", valid_days=[saturday.isoformat()])
        night = make_list(edition, "Concert du samedi soir", days=[saturday.isoformat()])
        _device, code = create_device(night, name="Téléphone 1", gate="Chapiteau")
        tokens = [token_of(make_ticket(saturday_pass, attendee=f"Invitée {n}")) for n in range(4)]
        db.session.commit()
    night_of = [(paris_to_utc(saturday, time(23, 30)), "ok"),
                (paris_to_utc(sunday, time(0, 30)), "ok"),
                (paris_to_utc(sunday, time(4, 59)), "ok"),
                (paris_to_utc(sunday, time(5, 0)), "not_valid_today")]
    context, page = _phone(night_phone, live_server)
    try:
        page.goto(f"/scan/pair/{code}")  # online, at the real time
        page.get_by_role("button", name="Pair this phone").click()
        page.wait_for_url("**/scan")
        page.wait_for_selector('body[data-offline-ready="true"]')
        page.wait_for_function("document.getElementById('scan-bundle').textContent.includes(':')")
        context.set_offline(True)
        assert utcnow() < night_of[0][0]
        for (moment, expected), token in zip(night_of, tokens, strict=True):
            _move_clock(night_phone, page, moment)
            write_y4m(night_phone.camera_file, token)
            page.reload()  # served by the service worker; the camera films the next ticket
            _result(page, expected)
            assert page.locator("#scan-result-offline").is_visible()
            seen = page.evaluate("new Date().toISOString()")
            assert abs(datetime.fromisoformat(seen) - moment) < timedelta(minutes=1), seen
    finally:
        context.close()
        night_phone.clock_file.write_text("+0\n")
    assert page.js_errors == []
