"""An organiser on Arabic pages publishes terms of sale in French and Arabic; the public reads
them in Arabic on a phone (right to left, nothing sticking out), in French on a laptop, and
the earlier standard terms stay readable; axe-core finds no serious violation."""
from __future__ import annotations

import re
import threading
from types import SimpleNamespace

import pytest

from festival.extensions import db
from festival.ticketing.terms import TERMS_VERSION
from tests import factories
from tests.browser.conftest import _page, assert_no_horizontal_overflow
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}
FRENCH = ("1. Qui vend. Les billets sont vendus par l’association organisatrice du festival."
          "\n\n2. Prix. Les prix sont en euros, toutes taxes comprises.\nAucun frais de "
          "réservation.\n\n3. Remboursement. Un billet n’est ni échangé ni remboursé, sauf "
          "annulation du festival.")
ARABIC = ("1. البائع. تبيع الجمعية المنظمة للمهرجان التذاكر.\n\n2. الأسعار. الأسعار باليورو، "
          "شاملة لجميع الضرائب.\nبدون رسوم حجز.\n\n3. الاسترداد. لا تُستبدل التذكرة ولا "
          "يُسترد ثمنها إلا في حال إلغاء المهرجان.")


@pytest.fixture
def site(translated_app):  # noqa: F811
    """The application with its catalogues (the pages in Arabic), served from a thread."""
    from werkzeug.serving import make_server
    with translated_app.app_context():
        email = factories.gen_user("organiser").email
        db.session.commit()
    server = make_server("127.0.0.1", 0, translated_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="terms-server", daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", email=email)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def pages(browser, site):
    """A laptop and a phone, both reading Arabic first."""
    opened = [_page(browser, site, viewport={"width": 1280, "height": 800}),
              _page(browser, site, viewport={"width": 360, "height": 740}, is_mobile=True,
                    has_touch=True, device_scale_factor=2)]
    for context, _ in opened:
        context.add_cookies([{"name": "lang", "value": "ar", "url": site.url}])
    yield [page for _, page in opened]
    for context, page in opened:
        context.close()
        assert page.js_errors == [], page.js_errors


def _serious(page) -> list[str]:
    results = Axe().run(page, options=RULES)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_terms_published_in_two_languages_and_read_in_each(site, pages, screenshot):
    laptop, phone = pages
    laptop.goto("/login")
    laptop.fill("#email", site.email)
    laptop.fill("#password", factories.PASSWORD)
    laptop.click("button[type=submit]")
    laptop.wait_for_url(re.compile(r".*(?<!/login)$"))

    laptop.goto("/manage/terms-of-sale")
    arabic = laptop.locator("#text_ar")
    assert arabic.get_attribute("dir") == "rtl" and arabic.get_attribute("lang") == "ar"
    laptop.locator("form.ed-form button[type=submit]").click()  # nothing written
    assert "اكتبه على الأقل بالفرنسية" in laptop.locator("#text-errors").inner_text()
    assert _serious(laptop) == []
    laptop.fill("#text", FRENCH)
    laptop.fill("#text_ar", ARABIC)
    screenshot(laptop, "terms-form-ar")
    laptop.locator("form.ed-form button[type=submit]").click()
    laptop.wait_for_url(re.compile(r".*/manage/terms-of-sale$"))
    assert laptop.locator("#versions-h + ul li").count() == 2
    assert _serious(laptop) == []
    screenshot(laptop, "terms-manage-ar")

    phone.goto("/terms-of-sale")
    text = phone.locator(".terms-text")
    assert text.get_attribute("dir") == "rtl" and "الاسترداد" in text.inner_text()
    assert text.locator("p").count() == 3
    assert_no_horizontal_overflow(phone)
    assert _serious(phone) == []
    screenshot(phone, "terms-phone-ar")

    laptop.context.add_cookies([{"name": "lang", "value": "fr", "url": site.url}])
    laptop.goto("/terms-of-sale")
    assert "Aucun frais de réservation." in laptop.locator(".terms-text").inner_text()
    screenshot(laptop, "terms-laptop-fr")
    laptop.goto(f"/terms-of-sale/{TERMS_VERSION}")
    assert laptop.locator(".terms-superseded").count() == 1
    assert _serious(laptop) == []
    screenshot(laptop, "terms-old-laptop-fr")
    phone.context.add_cookies([{"name": "lang", "value": "fr", "url": site.url}])
    phone.goto(f"/terms-of-sale/{TERMS_VERSION}")
    assert_no_horizontal_overflow(phone)
    screenshot(phone, "terms-old-phone-fr")
