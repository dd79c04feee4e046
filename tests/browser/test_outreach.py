"""The attendees' feedback form on a phone (French and Arabic, right to left), and the
organisers' rule page and e-mail preview on a laptop."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.outreach.models import FeedbackAnswer
from tests import factories
from tests.browser.conftest import assert_no_horizontal_overflow
from tests.outreach.conftest import at, make_edition, paid_order
from tests.ticketing.conftest import make_type

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # axe is checked where it is installed
    Axe = None


@pytest.fixture
def past_order(app):
    """A paid order of the 2020 festival, which is over: its feedback form is open."""
    with app.app_context():
        day = date(2020, 5, 15)
        edition = make_edition(2020, days=(day, day + timedelta(days=1)))
        room = factories.gen_room(edition, name="Grande salle")
        factories.gen_session(edition, room, title="Concert d'ouverture : Izenzaren")
        factories.gen_session(edition, room, title="Table ronde : l'eau dans le Souss",
                              start="16:00", end="17:30")
        order = paid_order(edition, make_type(edition, quota=10), at(day - timedelta(days=3),
                                                                     "12:00"))
        db.session.commit()
        return {"path": f"/orders/{order.code}/feedback?secret={order.secret}", "id": order.id}


def _serious(page) -> list[str]:
    if Axe is None:
        return []
    results = Axe().run(page)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_feedback_form_on_a_phone(app, phone, live_server, past_order, screenshot,
                                      language):
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    phone.goto(past_order["path"])
    assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert_no_horizontal_overflow(phone)
    assert _serious(phone) == []
    screenshot(phone, f"feedback-form-{language}")
    phone.locator("label.feedback-mark", has_text="4").click()
    phone.select_option("#best_session_id", label="Table ronde : l'eau dans le Souss")
    phone.fill("#comment", "Très belle journée, merci !")
    phone.click("button[type=submit]")
    phone.wait_for_url(re.compile(r".*saved=1.*"))
    assert phone.locator("#thanks").is_visible()
    assert phone.locator("input[name=mark][value='4']").is_checked()  # the answer, kept
    screenshot(phone, f"feedback-saved-{language}")
    with app.app_context():
        answer = db.session.scalar(select(FeedbackAnswer))
        assert (answer.order_id, answer.mark, answer.language) == (past_order["id"], 4, language)


def test_the_rule_page_and_its_preview(app, laptop, live_server, screenshot):
    with app.app_context():
        make_edition(2027)
        user = factories.gen_user("organiser")
        email = user.email
        db.session.commit()
    page = laptop
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))
    page.goto("/manage/editions/2027/messages")
    screenshot(page, "rules")
    page.click("a[href$='/messages/reminder']")
    page.check("#is_enabled")
    page.fill("#subject_fr", "Demain, c'est le festival !")
    page.fill("#body_fr", "Bonjour,\n\nPensez à venir tôt : les portes ouvrent à 14 h.")
    page.fill("#subject_ar", "غدا المهرجان!")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_url(re.compile(r".*/messages/reminder$"))
    screenshot(page, "rule-edit")
    page.goto("/manage/editions/2027/messages/reminder/preview?language=fr")
    frame = page.frame_locator("iframe.outreach-preview")
    assert "Pensez à venir tôt" in frame.locator("body").inner_text()
    assert "1 place de la Mairie" in frame.locator("body").inner_text()
    screenshot(page, "rule-preview-fr")
    page.goto("/manage/editions/2027/messages/reminder/preview?language=ar")
    assert frame.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "rule-preview-ar")


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_unsubscribing_on_a_phone_without_javascript(app, browser, live_server, screenshot,
                                                     language):
    from festival.outreach import unsubscribe as optout
    with app.app_context():
        token = optout.unsubscribe_token("amina@example.fr")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 360, "height": 740}, is_mobile=True)
    context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"/unsubscribe/{token}")
        assert_no_horizontal_overflow(page)
        screenshot(page, f"unsubscribe-{language}")
        page.click("button[type=submit]")
        assert page.locator("[role=status]").is_visible()
        screenshot(page, f"unsubscribed-{language}")
    finally:
        context.close()
    with app.app_context():
        assert optout.is_unsubscribed("amina@example.fr")
