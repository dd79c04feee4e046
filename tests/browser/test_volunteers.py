"""Volunteer shifts on a phone: the list of shifts by day, signing up with the keyboard,
the shift's page with its lead's phone; in French and in Arabic (right to left), with no
serious accessibility violation and nothing wider than the screen."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.volunteers import services
from festival.volunteers.models import ShiftAssignment
from tests import factories
from tests.browser.conftest import assert_no_horizontal_overflow
from tests.volunteers.conftest import make_setup, make_shift

pytestmark = pytest.mark.browser


@pytest.fixture
def shifts(app):
    with app.app_context():
        edition, door, room = make_setup()
        start = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        lead = factories.gen_user("volunteer", name="Nadia Amrani")
        first = make_shift(edition, start=start, task="door", checkin_list_id=door.id,
                           title="Porte 2", people=3, lead_id=lead.id,
                           lead_phone="+33 6 12 34 56 78",
                           notes={"fr": "Gilet jaune à prendre à l'accueil.",
                                  "ar": "خذ السترة الصفراء من الاستقبال."})
        services.sign_up(first, factories.gen_user("volunteer", name="Leila Bennani"),
                         now=utcnow())
        make_shift(edition, start=start + timedelta(hours=5), task="room_steward",
                   room_id=room.id, people=2)
        make_shift(edition, start=start + timedelta(days=1), task="box_office", people=1)
        user = factories.gen_user("volunteer", name="Youssef Benali")
        db.session.commit()
        return {"email": user.email, "door": first.id}


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))


def test_a_volunteer_signs_up_on_a_phone_with_the_keyboard(phone, app, shifts, screenshot):
    _log_in(phone, shifts["email"])
    phone.goto("/volunteer")
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "volunteers-1-shifts")
    button = phone.get_by_role("button", name=re.compile("Sign up for Porte 2"))
    button.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_selector("text=You are on Porte 2")
    assert phone.locator(f"#shift-{shifts['door']}").get_by_text("You are on it").is_visible()
    screenshot(phone, "volunteers-2-signed-up")
    phone.get_by_role("link", name="Porte 2").first.click()
    phone.wait_for_selector("text=Leila")
    assert phone.get_by_role("link", name="+33 6 12 34 56 78").is_visible()
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "volunteers-3-shift")
    with app.app_context():
        assert db.session.query(ShiftAssignment).filter_by(withdrawn_at=None).count() == 2


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_volunteer_pages_read_right_in_french_and_arabic(phone, live_server, shifts,
                                                             language, screenshot):
    pytest.importorskip("axe_playwright_python")
    from tests.browser.test_accessibility import _serious
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    _log_in(phone, shifts["email"])
    problems = {}
    for path in ("/volunteer", f"/volunteer/shifts/{shifts['door']}"):
        phone.goto(path)
        assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar"
                                                              else "ltr")
        assert_no_horizontal_overflow(phone)
        if path != "/volunteer":  # the times read left to right, in Arabic too
            hours = phone.locator(".shift-hours").first.inner_text()
            assert ("\u2066" in hours) == (language == "ar"), hours
        screenshot(phone, f"volunteers-{language}{path.replace('/', '-')}")
        found = _serious(phone)
        if found:
            problems[path] = found
    assert problems == {}


def test_an_organiser_plans_and_watches_the_shifts_on_a_laptop(laptop, app, screenshot):
    pytest.importorskip("axe_playwright_python")
    from tests.browser.test_accessibility import _serious
    with app.app_context():
        edition, door, _room = make_setup()
        now = utcnow()
        running = make_shift(edition, start=now - timedelta(hours=1), task="door",
                             checkin_list_id=door.id, title="Porte 2", people=2)
        services.assign(running, factories.gen_user("volunteer", name="Karim Idrissi"),
                        actor=None, now=now)
        make_shift(edition, start=now + timedelta(hours=1), task="box_office", people=1)
        factories.gen_user("volunteer", name="Samira Ait")
        organiser = factories.gen_user("organiser")
        db.session.commit()
        year, email = edition.year, organiser.email
    _log_in(laptop, email)
    laptop.goto(f"/manage/editions/{year}/shifts/new")
    laptop.select_option("#task", "welcome_desk")
    laptop.fill("#title", "Accueil nord")
    laptop.fill("#day", "2027-05-15")
    laptop.fill("#start_time", "18:00")
    laptop.fill("#end_time", "22:00")
    laptop.fill("#people_needed", "2")
    laptop.fill("#notes_fr", "Badge à l'accueil")
    laptop.get_by_role("button", name="Add the shift").click()
    laptop.wait_for_selector("text=Shift “Accueil nord")
    laptop.select_option("#user_id", label="Samira Ait")
    laptop.get_by_role("button", name="Assign").click()
    laptop.wait_for_selector("text=Samira Ait is on this shift.")
    screenshot(laptop, "volunteers-organiser-shift")
    problems = {"shift": _serious(laptop)}
    laptop.goto(f"/manage/editions/{year}/shifts")
    screenshot(laptop, "volunteers-organiser-plan")
    problems["plan"] = _serious(laptop)
    laptop.goto(f"/manage/editions/{year}/shifts/now")
    running_table = laptop.locator("table").last
    assert "Karim Idrissi" in running_table.inner_text()
    screenshot(laptop, "volunteers-organiser-now")
    problems["now"] = _serious(laptop)
    assert {k: v for k, v in problems.items() if v} == {}
