"""An organiser on Arabic pages writes a room's name in each language side by side, sees what
is missing on the edition's page, and the public reads the Arabic name; axe-core finds no
serious violation on the forms."""
from __future__ import annotations

import re

import pytest

from festival.extensions import db
from tests import factories

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}


def _serious(page) -> list[str]:
    results = Axe().run(page, options=RULES)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_an_organiser_writes_a_room_in_every_language(laptop, app, live_server, screenshot):
    with app.app_context():
        edition = factories.gen_edition(status="published")
        factories.gen_room(edition, name="Salle Tiznit")
        organiser = factories.gen_user("organiser")
        db.session.commit()
        year, email = edition.year, organiser.email
    laptop.context.add_cookies([{"name": "lang", "value": "ar", "url": live_server.url}])
    laptop.goto("/login")
    laptop.fill("#email", email)
    laptop.fill("#password", factories.PASSWORD)
    laptop.click("button[type=submit]")
    laptop.wait_for_url(re.compile(r".*(?<!/login)$"))

    laptop.goto(f"/manage/editions/{year}/rooms")
    arabic = laptop.locator("#name_ar")
    assert arabic.get_attribute("dir") == "rtl" and arabic.get_attribute("lang") == "ar"
    # side by side: the three names on one row of the form
    tops = {round(laptop.locator(f"#{n}").bounding_box()["y"]) for n in
            ("name", "name_en", "name_ar")}
    assert len(tops) == 1, tops
    assert _serious(laptop) == []
    laptop.fill("#name", "Grande salle")
    laptop.fill("#name_ar", "القاعة الكبرى")
    laptop.fill("#capacity", "300")
    screenshot(laptop, "room-form-ar")
    laptop.locator("form.ed-form button[type=submit]").click()
    laptop.wait_for_url(re.compile(rf".*/manage/editions/{year}/rooms$"))

    laptop.goto(f"/manage/editions/{year}")
    laptop.locator("#translations summary").first.click()
    missing = laptop.locator("#translations").inner_text()
    assert "Salle Tiznit" in missing and "Grande salle" in missing  # its English is missing
    assert _serious(laptop) == []
    screenshot(laptop, "edition-gaps-ar")
    # The edition's own themes, named in each language; the session form offers them.
    laptop.goto(f"/manage/editions/{year}/themes")
    laptop.fill("#label", "Économie solidaire")
    laptop.fill("#label_ar", "الاقتصاد التضامني")
    laptop.locator("form.ed-form button[type=submit]").click()
    laptop.wait_for_url(re.compile(rf".*/manage/editions/{year}/themes$"))
    assert "الاقتصاد التضامني" in laptop.locator("table").inner_text()
    assert _serious(laptop) == []
    screenshot(laptop, "themes-ar")
    laptop.goto(f"/manage/editions/{year}/sessions/new")
    assert laptop.locator("#theme option[value=x-economie-solidaire]").count() == 1
