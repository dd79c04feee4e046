"""The Tamazight interface in Chromium: the home page, the programme and the shop in
Tifinagh (real catalogues), drawn with Noto Sans Tifinagh, and axe-core finds no serious or
critical violation on them."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from festival.extensions import db
from festival.ticketing.models import TicketType
from tests import factories
from tests.browser.conftest import _page
from tests.mail.conftest import compiled_translations, translated_app  # noqa: F401

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

AXE = Axe()
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                              "wcag22aa", "best-practice"]}}


@pytest.fixture
def tamazight_site(translated_app):  # noqa: F811
    """The application with its catalogues, served from a thread, with an edition on sale."""
    from werkzeug.serving import make_server
    with translated_app.app_context():
        samples = factories.gen_edition_samples()
        edition_year = samples["year"]
        ticketing = factories.gen_ticketing_samples(edition_year)
        ticket_type = db.session.get(TicketType, ticketing["type_id"])
        ticket_type.set_texts("name", {"fr": "Pass festival", "ar": "تذكرة المهرجان",
                                       "tzm": "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ"}, {}, max_length=120)
        db.session.commit()
    server = make_server("127.0.0.1", 0, translated_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="tzm-server", daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", year=edition_year)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def tamazight_phone(browser, tamazight_site):
    context, page = _page(browser, tamazight_site, viewport={"width": 360, "height": 740},
                          is_mobile=True, has_touch=True, device_scale_factor=2)
    context.add_cookies([{"name": "lang", "value": "tzm", "url": tamazight_site.url}])
    yield page
    context.close()
    assert page.js_errors == [], page.js_errors


def _serious(page) -> list[str]:
    results = AXE.run(page, options=RULES)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_home_programme_and_shop_in_tifinagh_pass_axe(tamazight_phone, tamazight_site,
                                                      screenshot):
    page = tamazight_phone
    year = tamazight_site.year
    problems = {}
    for name, path, heading in (("home", "/", "ⴰⵍⵎⵓⴳⴳⴰⵔ"),
                                ("programme", f"/{year}/programme", "ⴰⵀⵉⵍ"),
                                ("shop", f"/{year}/tickets", "ⵜⵉⵡⵔⵉⵇⵉⵏ")):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "tzm-Tfng"
        assert page.locator("html").get_attribute("dir") == "ltr"
        assert heading in page.locator("body").inner_text(), name
        found = _serious(page)
        if found:
            problems[path] = found
        screenshot(page, f"tzm-{name}")
    assert problems == {}
    assert "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ" in page.locator("main").inner_text()  # the type's own name
    # The page's Tifinagh font is there (the system's, or the copy in static/vendor).
    loaded = page.evaluate("""async () => (await document.fonts.load(
        '16px "Noto Sans Tifinagh"', 'ⵜⴰⵎⴰⵣⵉⵖⵜ')).length""")
    assert loaded >= 1
