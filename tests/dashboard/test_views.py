"""The dashboards' pages through the test client: who sees what, and the figures shown."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.dashboard.conftest import SAT, SUN, at

PAGES = ["/dashboard/2031", "/dashboard/2031/sales", "/dashboard/2031/programme",
         "/dashboard/2031/associations", "/dashboard/editions"]


def _figure(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}">([^<]*)<', html)
    assert match, f"no figure {key}"
    return match.group(1).replace("\u202f", "").replace("\xa0", "").strip()


@pytest.mark.parametrize("path", PAGES)
def test_organisers_see_every_dashboard(client, auth, known, path):
    auth.login_as("organiser")
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html  # ready for a strict CSP
    assert 'aria-current="page"' in html


def _clock(monkeypatch, moment):
    """The dashboards' clock (what `now` the attendance figures are read at)."""
    from festival.dashboard.queries import attendance
    monkeypatch.setattr(attendance, "utcnow", lambda: moment)


def test_attendance_page_shows_the_figures(client, auth, known, monkeypatch):
    _clock(monkeypatch, known.now)  # Sunday 11:00
    auth.login_as("organiser")
    html = client.get("/dashboard/2031").get_data(as_text=True)
    assert _figure(html, "checked_in") == "6"
    assert _figure(html, "refusals") == "6"
    assert _figure(html, "busiest") == "3"
    assert _figure(html, "no_shows") == "2"
    assert _figure(html, "inside") == "2"       # Sunday's two entries, no exit
    assert 'data-refusal="unpaid">1<' in html
    assert 'src="/static/js/dashboard/live.js?v=' in html
    assert 'data-live-url="/dashboard/2031/live"' in html
    assert "data-not-begun" not in html


def test_before_the_festival_the_attendance_page_says_it_has_not_started(
        client, auth, known, monkeypatch):
    _clock(monkeypatch, at(SAT - timedelta(days=3), "12:00"))
    auth.login_as("organiser")
    html = client.get("/dashboard/2031").get_data(as_text=True)
    assert "data-not-begun" in html and "The festival has not started" in html
    assert _figure(html, "no_shows") == "—" and _figure(html, "inside") == "—"
    assert 'data-live-url="/dashboard/2031/live"' in html  # sales still move


def test_after_the_festival_the_attendance_page_stops_refreshing(
        client, auth, known, monkeypatch):
    _clock(monkeypatch, at(SUN + timedelta(days=2), "12:00"))
    auth.login_as("organiser")
    html = client.get("/dashboard/2031").get_data(as_text=True)
    assert "data-final" in html and _figure(html, "no_shows") == "2"
    assert "data-live-url" not in html and "live.js" not in html


def test_live_endpoint_gives_html_and_figures(client, auth, known):
    auth.login_as("volunteer")
    response = client.get("/dashboard/2031/live")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert set(body) == {"updated_at", "updated_label", "html", "figures"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+0[12]:00", body["updated_at"])
    assert body["figures"] == {"tickets_sold": 8, "checked_in": 6, "inside": None,
                               "refusals": 6, "entries_today": 0}
    assert _figure(body["html"], "checked_in") == "6"
    assert "<script" not in body["html"]


def test_sales_page_shows_the_figures(client, auth, known):
    auth.login_as("organiser")
    html = client.get("/dashboard/2031/sales").get_data(as_text=True)
    assert _figure(html, "tickets_sold") == "8"
    assert _figure(html, "tickets_reserved") == "2"
    assert _figure(html, "net").startswith("87,00")
    assert 'data-status="expired">1<' in html
    assert "REDUC-2031" in html and 'class="meter"' in html
    for dataset in ("orders", "tickets", "attendees", "scans", "exhibitors"):
        assert f"/dashboard/2031/export/{dataset}.csv" in html
    assert "/dashboard/2031/summary.pdf" in html


def test_programme_and_associations_pages(client, auth, known):
    auth.login_as("organiser")
    html = client.get("/dashboard/2031/programme").get_data(as_text=True)
    assert _figure(html, "sessions") == "3" and _figure(html, "speakers") == "3"
    assert "Session A" in html and "Tifawin" in html
    html = client.get("/dashboard/2031/associations").get_data(as_text=True)
    assert _figure(html, "stands_assigned") == "1"
    assert _figure(html, "applications_waiting") == "2"
    assert 'data-stand-status="withdrawn">1<' in html


def test_comparison_lists_published_editions(client, auth, known):
    auth.login_as("organiser")
    html = client.get("/dashboard/editions").get_data(as_text=True)
    assert 'data-year="2031"' in html and 'data-year="2030"' in html
    assert 'data-year="2029"' not in html
    row = re.search(r'data-year="2031">(.*?)</tr>', html, re.DOTALL).group(1)
    assert ">8<" in row and ">6<" in row    # sold, checked in
    assert "100,0" not in row               # no no-show rate before the festival


@pytest.mark.parametrize("path", PAGES[1:] + ["/dashboard/2031/export/orders.csv",
                                              "/dashboard/2031/summary.pdf"])
def test_volunteers_see_only_attendance(client, auth, known, path):
    auth.login_as("volunteer")
    assert client.get("/dashboard/2031").status_code == 200
    assert client.get(path).status_code == 403


def test_volunteer_page_has_no_organiser_navigation(client, auth, known):
    auth.login_as("volunteer")
    html = client.get("/dashboard/2031").get_data(as_text=True)
    assert "/dashboard/2031/sales" not in html


def test_index_goes_to_an_edition(client, auth, known):
    auth.login_as("volunteer")
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert re.search(r"/dashboard/20\d\d$", response.headers["Location"])


def test_index_without_any_edition(client, auth):
    auth.login_as("organiser")
    response = client.get("/dashboard")
    assert response.status_code == 200 and "no edition yet" in response.get_data(as_text=True)


def test_unknown_edition_is_a_clear_404(client, auth):
    auth.login_as("organiser")
    assert client.get("/dashboard/1999").status_code == 404
    assert client.get("/dashboard/1999/live").status_code == 404
    for path in ("", "/live", "/sales", "/programme", "/associations", "/export/orders.csv",
                 "/summary.pdf"):   # beyond what the database's integers hold
        assert client.get(f"/dashboard/{2**31}{path}").status_code == 404, path
    assert client.get("/dashboard/2031/export/passwords.csv").status_code == 404


def test_empty_edition_pages_render(client, auth, app):
    from festival.extensions import db
    from tests import factories
    with app.app_context():
        factories.gen_edition(2032, status="published")
        db.session.commit()
    auth.login_as("organiser")
    for path in [p.replace("2031", "2032") for p in PAGES]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Nobody has been scanned in yet." in client.get("/dashboard/2032").get_data(
        as_text=True)


def test_the_programme_page_says_which_sessions_attendees_liked(app, client, auth, known):
    from sqlalchemy import select

    from festival.editions.models import ProgrammeSession
    from festival.extensions import db
    from festival.outreach.models import FeedbackAnswer
    from festival.ticketing.models import Order, OrderStatus
    with app.app_context():
        session_a = db.session.scalar(select(ProgrammeSession).where(
            ProgrammeSession.title == "Session A"))
        paid = db.session.scalars(select(Order).where(
            Order.edition_id == known.edition_id, Order.status == OrderStatus.PAID)).all()
        for order, best in zip(paid[:3], (session_a.id, session_a.id, None)):
            db.session.add(FeedbackAnswer(order_id=order.id, edition_id=known.edition_id,
                                          mark=4, best_session_id=best))
        db.session.commit()
        session_id = session_a.id
    auth.login_as("organiser")
    html = client.get("/dashboard/2031/programme").get_data(as_text=True)
    assert f'data-votes="{session_id}">2<' in html
    assert "/dashboard/2031/feedback" in html
