"""The attendance dashboard in Chromium: during a door rush (scans written to the database
while the page is open) it updates itself without a reload, and its figures then match the
database counted independently. The other dashboards fit a phone's screen."""
from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from festival.core.timeutil import utcnow
from festival.editions.days import day_of
from festival.extensions import db
from tests import factories
from tests.browser.conftest import assert_no_horizontal_overflow

pytestmark = pytest.mark.browser
TICKETS = 40


@pytest.fixture
def festival_today(app):
    """An edition whose festival day is today, 40 paid tickets, a door with two phones."""
    from festival.checkin.models import CheckinList, Device
    from festival.ticketing import catalog
    from festival.ticketing.models import Order, OrderStatus, PaymentMethod, Ticket

    now = utcnow()
    today = day_of(now)
    with app.app_context():
        edition = factories.gen_edition(today.year, status="on_sale", days=[today])
        catalog.set_venue_capacity(edition, 500)
        pass_ = catalog.create_ticket_type(edition, {"name": "Pass", "price_cents": 1000,
                                                     "quota": 400,
                                                     "requires_attendee_name": False})
        order = Order(edition_id=edition.id, code="RUSH001", secret="s", buyer_name="Rush",
                      email="rush@example.fr", status=OrderStatus.PAID,
                      payment_method=PaymentMethod.CASH, paid_at=now - timedelta(days=1),
                      total_cents=TICKETS * 1000, tickets_cents=TICKETS * 1000)
        order.tickets = [Ticket(ticket_type_id=pass_.id, price_cents=1000)
                         for _ in range(TICKETS)]
        db.session.add(order)
        pass_.quota.used = TICKETS
        door = CheckinList(edition_id=edition.id, name="Entrée", allow_reentry=True)
        db.session.add(door)
        db.session.flush()
        phones = [Device(edition_id=edition.id, list_id=door.id, name=f"Phone {n}",
                         gate="Nord") for n in (1, 2)]
        db.session.add_all(phones)
        db.session.commit()
        user = factories.gen_user("organiser")
        db.session.commit()
        return {"year": edition.year, "edition_id": edition.id, "list_id": door.id,
                "devices": [p.id for p in phones], "tickets": [t.id for t in order.tickets],
                "email": user.email}


def _rush(app, data: dict, count: int, pause: float) -> None:
    """Scans as the doors would write them: mostly admissions, a few exits and refusals."""
    from festival.checkin.models import Scan
    with app.app_context():
        for n in range(count):
            moment = utcnow()
            result, direction, ticket = "ok", "in", data["tickets"][n]
            if n % 7 == 6:
                result, ticket = "already_checked_in", data["tickets"][n - 1]
            elif n % 9 == 8:
                direction, ticket = "out", data["tickets"][n - 3]
            db.session.add(Scan(edition_id=data["edition_id"], list_id=data["list_id"],
                                ticket_id=ticket, device_id=data["devices"][n % 2],
                                gate="Nord", direction=direction, result=result,
                                scanned_at=moment, received_at=moment,
                                client_scan_id=f"rush-{n}"))
            db.session.commit()
            time.sleep(pause)


def _database_figures(app, edition_id: int) -> dict[str, int]:
    """Counted with plain SQL, not with the dashboard's queries."""
    admitted = ("kind = 'scan' AND direction = 'in' AND result = 'ok' AND is_undone = :no")
    with app.app_context():
        def one(sql: str) -> int:
            return db.session.execute(text(sql), {"e": edition_id, "no": False}).scalar()

        checked_in = one(f"SELECT count(DISTINCT ticket_id) FROM scans WHERE edition_id = :e "
                         f"AND {admitted}")
        entries = one(f"SELECT count(*) FROM scans WHERE edition_id = :e AND {admitted}")
        exits = one("SELECT count(*) FROM scans WHERE edition_id = :e AND kind = 'scan' AND "
                    "direction = 'out' AND result = 'ok' AND is_undone = :no")
        refused = one("SELECT count(*) FROM scans WHERE edition_id = :e AND kind = 'scan' "
                      "AND result <> 'ok'")
    return {"checked_in": checked_in, "inside": entries - exits, "entries_today": entries,
            "refusals": refused}


def _shown(page) -> dict[str, int]:
    values = page.eval_on_selector_all(
        "[data-live-region] [data-figure]",
        "nodes => Object.fromEntries(nodes.map(n => [n.dataset.figure, n.textContent]))")
    return {key: int(re.sub(r"\D", "", value)) for key, value in values.items()
            if key in ("checked_in", "inside", "entries_today", "refusals")}


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))


def test_attendance_updates_itself_during_a_door_rush(app, laptop, festival_today, screenshot):
    _log_in(laptop, festival_today["email"])
    laptop.goto(f"/dashboard/{festival_today['year']}")
    assert _shown(laptop) == {"checked_in": 0, "inside": 0, "entries_today": 0, "refusals": 0}
    first_update = laptop.get_attribute("[data-updated]", "datetime")
    laptop.evaluate("window.__notReloaded = true")

    rush = threading.Thread(target=_rush, args=(app, festival_today, 30, 0.15))
    rush.start()
    rush.join(timeout=60)
    assert not rush.is_alive()
    expected = _database_figures(app, festival_today["edition_id"])
    assert expected["checked_in"] > 15 and expected["refusals"] > 0

    laptop.wait_for_function(
        "n => document.querySelector('[data-live-region] [data-figure=checked_in]')"
        ".textContent.replace(/\\D/g, '') === String(n)", arg=expected["checked_in"],
        timeout=20_000)
    laptop.wait_for_timeout(200)
    assert laptop.evaluate("window.__notReloaded") is True   # updated in place
    assert _shown(laptop) == expected
    assert laptop.get_attribute("[data-updated]", "datetime") != first_update
    assert laptop.is_hidden("[data-live-stale]")
    screenshot(laptop, "dashboard-attendance-live-laptop")


def test_dashboards_fit_a_phone(app, phone, festival_today, screenshot):
    _log_in(phone, festival_today["email"])
    year = festival_today["year"]
    _rush(app, festival_today, 12, 0)
    for path in (f"/dashboard/{year}", f"/dashboard/{year}/sales",
                 f"/dashboard/{year}/programme", f"/dashboard/{year}/associations",
                 "/dashboard/editions"):
        response = phone.goto(path)
        assert response.status == 200, path
        assert_no_horizontal_overflow(phone)
        screenshot(phone, f"dashboard-phone-{path.strip('/').replace('/', '-')}")


def test_a_lost_connection_is_shown(app, laptop, festival_today):
    _log_in(laptop, festival_today["email"])
    laptop.goto(f"/dashboard/{festival_today['year']}")
    laptop.context.set_offline(True)
    laptop.wait_for_selector("[data-live-stale]:not([hidden])", timeout=15_000)
    laptop.context.set_offline(False)
    laptop.wait_for_selector("[data-live-stale][hidden]", state="attached", timeout=15_000)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_dashboards_have_no_serious_accessibility_violation(app, phone, live_server,
                                                            festival_today, language):
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    rules = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                   "wcag21aa", "wcag22aa", "best-practice"]}}
    _rush(app, festival_today, 12, 0)
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    _log_in(phone, festival_today["email"])
    year, problems = festival_today["year"], {}
    for path in (f"/dashboard/{year}", f"/dashboard/{year}/sales",
                 f"/dashboard/{year}/programme", f"/dashboard/{year}/associations",
                 "/dashboard/editions"):
        phone.goto(path)
        results = axe.Axe().run(phone, options=rules)
        found = [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]
                 if v["impact"] in ("serious", "critical")]
        if found:
            problems[path] = found
    assert problems == {}
