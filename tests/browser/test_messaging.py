"""An organiser writes a message in Chromium: the count follows the filters as they change,
with no submission; the message is confirmed, sent, and its progress follows the sender."""
from __future__ import annotations

import re

import pytest

from festival.extensions import db
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def messages_edition(app, monkeypatch):
    monkeypatch.setattr("festival.ticketing.orders.queue_order_confirmation",
                        lambda order, **kwargs: None)
    from tests.messaging.conftest import build_world
    with app.app_context():
        organiser = factories.gen_user("organiser")
        edition, _, _ = build_world(organiser)
        db.session.commit()
        return {"year": edition.year, "email": organiser.email}


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))


def test_write_count_live_send_and_follow_the_progress(laptop, app, messages_edition,
                                                        smtp_server, screenshot):
    from festival.mail.sender import send_pending
    page = laptop
    _log_in(page, messages_edition["email"])
    page.goto(f"/manage/{messages_edition['year']}/messages/new")
    reach = page.locator("[data-reach]")
    assert reach.get_attribute("aria-live") == "polite"
    assert reach.inner_text() == "This message reaches 4 people."
    assert page.locator("[data-count-button]").is_hidden()  # live: no button needed
    page.fill("#subject_fr", "Portes ouvertes")
    page.fill("#body_fr", "Bonjour,\n\nLes portes ouvrent à 10 h.")
    page.check("input[name='statuses'][value='refunded']")  # Fatima too
    page.wait_for_function("() => document.querySelector('[data-reach]').textContent"
                           " === 'This message reaches 5 people.'")
    page.check("input[name='languages'][value='ar']")       # Amina and Brahim
    page.wait_for_function("() => document.querySelector('[data-reach]').textContent"
                           " === 'This message reaches 2 people.'")
    screenshot(page, "messages-compose")
    page.click("button[value='review']")
    page.wait_for_url(re.compile(r".*/messages/\d+/send$"))
    send = page.get_by_role("button", name="Send to 2 people")
    send.click()
    page.wait_for_url(re.compile(r".*/mailings/message:\d+$"))
    assert page.locator("[data-progress-text]").inner_text() == "0 sent of 2"
    assert page.locator("[data-refresh-link]").is_hidden()  # live: no link needed
    with app.app_context():
        assert send_pending(limit=1).sent == 1
    page.wait_for_function("() => document.querySelector('[data-progress-text]').textContent"
                           " === '1 sent of 2'")
    assert page.locator("progress").evaluate("bar => [bar.value, bar.max]") == [1, 2]
    with app.app_context():
        assert send_pending().sent == 1
    page.locator("[data-progress-done]").wait_for(state="visible")
    assert page.locator("[data-progress-text]").inner_text() == "2 sent of 2"
    assert page.locator("[data-count='sent']").inner_text() == "2"
    screenshot(page, "messages-mailing")
    assert sorted(m["To"] for m in smtp_server.messages) == ["amina@example.fr",
                                                             "brahim@example.fr"]


def test_the_compose_page_fits_a_phone(phone, messages_edition):
    from tests.browser.conftest import assert_no_horizontal_overflow
    _log_in(phone, messages_edition["email"])
    phone.goto(f"/manage/{messages_edition['year']}/messages/new")
    phone.wait_for_function("() => document.querySelector('[data-reach]').textContent")
    assert_no_horizontal_overflow(phone)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_messages_pages_have_no_serious_axe_violation(phone, app, live_server,
                                                         messages_edition, language):
    pytest.importorskip("axe_playwright_python")
    from tests.browser.test_accessibility import _serious
    with app.app_context():
        from festival.editions.models import Edition
        from festival.mail.services import queue_mail
        edition = db.session.scalar(db.select(Edition).where(
            Edition.year == messages_edition["year"]))
        draft = factories.gen_broadcast(edition, texts={"fr": ("Portes", "Bonjour"),
                                                        "ar": ("الأبواب", "مرحبا")})
        queue_mail("x@example.fr", "test", {"site": "x"}, "fr", "Portes", batch=draft.batch)
        db.session.commit()
        draft_id, batch = draft.id, draft.batch
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    _log_in(phone, messages_edition["email"])
    year = messages_edition["year"]
    problems = {}
    for path in (f"/manage/{year}/messages", f"/manage/{year}/messages/{draft_id}",
                 f"/manage/{year}/messages/{draft_id}/send", f"/manage/{year}/mailings",
                 f"/manage/{year}/mailings/{batch}"):
        phone.goto(path)
        assert phone.locator("html").get_attribute("lang") == language
        found = _serious(phone)
        if found:
            problems[path] = found
    assert problems == {}
