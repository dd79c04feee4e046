"""GET /api/v1/editions/<year>/dashboard: exactly the keys of the contract, by token only."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from festival.dashboard.queries import api_summary
from festival.editions.models import Edition
from festival.extensions import db
from tests.dashboard.conftest import SAT, SUN, at

URL = "/api/v1/editions/2031/dashboard"


def test_the_answer_has_exactly_the_contract_keys(client, api_token, known):
    response = client.get(URL, headers=api_token("organiser"))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"tickets_sold", "tickets_reserved", "checked_in", "inside",
                         "capacity", "capacity_per_day", "revenue_cents", "by_ticket_type",
                         "arrivals", "refusals"}
    assert all(set(d) == {"day", "capacity", "sold", "reserved"}
               for d in body["capacity_per_day"])
    assert set(body["revenue_cents"]) == {"gross", "refunded", "net"}
    assert all(set(t) == {"id", "name", "sold", "quota", "checked_in"}
               for t in body["by_ticket_type"])
    assert all(set(a) == {"start", "count"} for a in body["arrivals"])
    assert set(body["refusals"]) == {"already_checked_in", "invalid", "revoked", "unpaid",
                                     "not_valid_today", "not_on_this_list"}


def test_the_figures_of_the_known_edition(client, api_token, known):
    body = client.get(URL, headers=api_token("organiser")).get_json()
    assert (body["tickets_sold"], body["tickets_reserved"], body["checked_in"],
            body["capacity"]) == (8, 2, 6, 100)
    assert body["capacity_per_day"] == [
        {"day": "2031-05-17", "capacity": 100, "sold": 8, "reserved": 2},
        {"day": "2031-05-18", "capacity": 100, "sold": 7, "reserved": 0}]
    assert body["inside"] == 0  # the doors are closed: today is not a festival day
    assert body["revenue_cents"] == {"gross": 11900, "refunded": 3200, "net": 8700}
    assert body["by_ticket_type"] == [
        {"id": known.types["pass"], "name": "Pass", "sold": 4, "quota": 50, "checked_in": 3},
        {"id": known.types["sat"], "name": "Samedi", "sold": 1, "quota": 30, "checked_in": 1},
        {"id": known.types["child"], "name": "Enfant", "sold": 3, "quota": 20,
         "checked_in": 2}]
    assert body["refusals"] == {"already_checked_in": 1, "invalid": 1, "revoked": 1,
                                "unpaid": 1, "not_valid_today": 1, "not_on_this_list": 1}


def test_arrival_times_are_iso_8601_in_paris_with_their_offset(client, api_token, known):
    body = client.get(URL, headers=api_token("organiser")).get_json()
    assert body["arrivals"] == [
        {"start": "2031-05-17T10:00:00+02:00", "count": 3},
        {"start": "2031-05-17T10:15:00+02:00", "count": 1},
        {"start": "2031-05-17T12:30:00+02:00", "count": 1},
        {"start": "2031-05-17T13:00:00+02:00", "count": 1},
        {"start": "2031-05-18T10:00:00+02:00", "count": 2}]
    for arrival in body["arrivals"]:
        moment = datetime.fromisoformat(arrival["start"])
        assert moment.utcoffset() is not None
    assert datetime.fromisoformat(body["arrivals"][0]["start"]) == at(SAT, "10:00")


def test_inside_now_during_the_festival(ctx, known):
    body = api_summary(db.session.get(Edition, known.edition_id), now=known.now)
    assert body["inside"] == 2
    # At 4 in the morning it is still Saturday's festival day: Saturday's six entries at the
    # doors (the undone one and the room's left out) less its two exits.
    night = api_summary(db.session.get(Edition, known.edition_id), now=at(SUN, "04:00"))
    assert night["inside"] == 4


@pytest.mark.parametrize("role, status", [("volunteer", 403), (None, 401)])
def test_only_organisers(client, api_token, known, role, status):
    headers = api_token(role) if role else {}
    response = client.get(URL, headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"] in ("forbidden", "unauthorized")


def test_session_cookie_is_not_enough(client, auth, known):
    auth.login_as("organiser")
    assert client.get(URL).status_code == 401


def test_unknown_edition(client, api_token):
    response = client.get("/api/v1/editions/1999/dashboard", headers=api_token("organiser"))
    assert response.status_code == 404
    assert response.get_json()["error"] == "edition_not_found"


def test_an_edition_without_anything(client, api_token, app):
    from tests import factories
    with app.app_context():
        factories.gen_edition(2033, status="draft")
        db.session.commit()
    body = client.get("/api/v1/editions/2033/dashboard", headers=api_token("organiser")).get_json()
    assert body == {"tickets_sold": 0, "tickets_reserved": 0, "checked_in": 0, "inside": 0,
                    "capacity": None, "capacity_per_day": [],
                    "revenue_cents": {"gross": 0, "refunded": 0, "net": 0},
                    "by_ticket_type": [], "arrivals": [],
                    "refusals": {"already_checked_in": 0, "invalid": 0, "revoked": 0,
                                 "unpaid": 0, "not_valid_today": 0, "not_on_this_list": 0}}


def test_utc_instants_are_what_is_stored():
    assert at(SAT, "10:00") == datetime(2031, 5, 17, 8, 0, tzinfo=timezone.utc)
