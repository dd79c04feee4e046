"""A call for sessions in Chromium: a representative proposes on a phone (errors next to
their fields, then sent), a reviewer scores the anonymised proposal on a laptop with the
keyboard; the pages read right in French and Arabic, with no serious accessibility
violation and nothing wider than the screen."""
from __future__ import annotations

import re

import pytest

from festival.extensions import db
from festival.proposals.models import Proposal, ProposalStatus
from tests import factories
from tests.browser.conftest import assert_no_horizontal_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def call(app):
    with app.app_context():
        edition = factories.gen_edition(status="published")
        organiser = factories.gen_user("organiser")
        made = factories.gen_call(edition, actor=organiser, is_anonymised=True)
        association = factories.gen_association(name="Tamount Europe")
        representative = factories.gen_user("association", association=association)
        reviewer = factories.gen_user("volunteer")
        from festival.proposals.calls import add_reviewer
        add_reviewer(made, reviewer.email, actor=organiser)
        db.session.commit()
        return {"year": edition.year, "representative": representative.email,
                "reviewer": reviewer.email}


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*(?<!/login)$"))


def test_a_proposal_sent_on_a_phone_then_scored_with_the_keyboard(phone, laptop, app, call,
                                                                  screenshot):
    year = call["year"]
    _log_in(phone, call["representative"])
    phone.goto(f"/{year}/call")
    phone.get_by_role("link", name="Propose a session").click()
    phone.fill("#title", "Atelier d'écriture tifinagh")
    phone.fill("#speakers-0-name", "Itto Amazigh")
    phone.fill("#speakers-0-email", "pas une adresse")
    phone.get_by_role("button", name="Send the proposal").click()
    assert phone.locator("#abstract").get_attribute("aria-invalid") == "true"
    assert phone.locator("#speakers-0-email-errors").is_visible()
    assert phone.locator("#title").input_value() == "Atelier d'écriture tifinagh"
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "proposals-1-errors")
    phone.fill("#abstract", "Écrire son prénom en tifinagh.")
    phone.fill("#speakers-0-email", "itto@test.example")
    phone.select_option("#format_id", index=1)
    phone.get_by_label(re.compile("Afternoon")).first.check()
    phone.get_by_role("button", name="Send the proposal").click()
    phone.wait_for_url(re.compile(r".*/my-proposals$"))
    assert phone.get_by_text("Atelier d'écriture tifinagh").first.is_visible()

    _log_in(laptop, call["reviewer"])
    laptop.goto(f"/manage/{year}/proposals")
    assert laptop.get_by_text("Tamount Europe").count() == 0  # anonymised
    laptop.get_by_role("link", name="Atelier d'écriture tifinagh").click()
    assert laptop.get_by_text("Itto Amazigh").count() == 0
    for group in laptop.locator("fieldset.score").all():  # the keyboard picks each score
        group.locator("input[type=radio]").first.focus()
        laptop.keyboard.press("ArrowRight")
        laptop.keyboard.press("ArrowRight")
    laptop.fill("#comment", "Concret et utile.")
    laptop.get_by_role("button", name="Save my review").focus()
    laptop.keyboard.press("Enter")
    laptop.wait_for_selector("text=Your review is saved.")
    screenshot(laptop, "proposals-2-reviewed")
    with app.app_context():
        proposal = db.session.scalar(db.select(Proposal))
        assert proposal.status is ProposalStatus.UNDER_REVIEW
        assert list(proposal.reviews[0].scores.values()) == [2, 2]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_call_pages_read_right_in_french_and_arabic(phone, live_server, call, language,
                                                        screenshot):
    pytest.importorskip("axe_playwright_python")
    from tests.browser.test_accessibility import _serious
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    _log_in(phone, call["representative"])
    problems = {}
    for path in (f"/{call['year']}/call", f"/{call['year']}/call/propose", "/my-proposals"):
        phone.goto(path)
        assert phone.locator("html").get_attribute("dir") == ("rtl" if language == "ar"
                                                              else "ltr")
        assert_no_horizontal_overflow(phone)
        screenshot(phone, f"proposals-{language}{path.replace('/', '-')}")
        found = _serious(phone)
        if found:
            problems[path] = found
    assert problems == {}
