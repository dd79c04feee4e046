"""WCAG 2.2 AA as far as a machine can tell: axe-core finds no serious or critical violation
on the public pages, in French and in Arabic (right to left)."""
from __future__ import annotations

import pytest

from festival.extensions import db
from tests import factories

pytest.importorskip("axe_playwright_python")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

AXE = Axe()
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                              "wcag22aa", "best-practice"]}}


@pytest.fixture
def public_paths(app):
    with app.app_context():
        samples = factories.gen_edition_samples()
        member = factories.gen_association(name="Association des puits de Tafraout",
                                           short_description="L'eau au village.")
        db.session.commit()
        year, slug, session_id = samples["year"], member.slug, samples["session_id"]
    return ["/", "/login", "/legal", "/privacy", "/associations", f"/associations/{slug}",
            "/associations/apply", f"/{year}", f"/{year}/programme",
            f"/{year}/sessions/{session_id}", f"/{year}/exhibitors"]


def _serious(page) -> list[str]:
    results = AXE.run(page, options=RULES)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_public_pages_have_no_serious_violation(phone, live_server, public_paths, language):
    phone.context.add_cookies([{"name": "lang", "value": language, "url": live_server.url}])
    problems = {}
    for path in public_paths:
        phone.goto(path)
        assert phone.locator("html").get_attribute("lang") == language
        found = _serious(phone)
        if found:
            problems[path] = found
    assert problems == {}


def test_axe_does_find_a_broken_page(phone, live_server):
    """The check can fail: a page with an unlabelled field and no contrast is caught."""
    phone.goto("/legal")
    phone.evaluate("""() => {
        const input = document.createElement('input');
        document.querySelector('main').append(input);
        document.querySelector('h1').style.color = '#fdf6ec';
    }""")
    found = _serious(phone)
    assert any(f.startswith("label") for f in found), found
