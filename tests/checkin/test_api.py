"""The doors' JSON API: scans, retries, sync, undo, bundle, search, device tokens."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.checkin.models import Scan
from festival.core.timeutil import utcnow
from festival.extensions import db
from tests.checkin.conftest import (
    make_device,
    make_door_edition,
    make_list,
    make_ticket,
    make_ticket_type,
    token_of,
)


@pytest.fixture
def door(app):
    """A paired device on an open list, and three tickets: {headers, tokens, ids, ...}."""
    with app.app_context():
        edition = make_door_edition()
        pass_type = make_ticket_type(edition)
        checkin_list = make_list(edition, "Entrée")
        device, plain = make_device(checkin_list)
        tickets = [make_ticket(pass_type, attendee="Zoé Amrani", email="zoe@example.fr"),
                   make_ticket(pass_type, attendee="Brahim Oufkir"),
                   make_ticket(pass_type, status="refunded", ticket_status="revoked")]
        data = {"headers": {"Authorization": f"Bearer {plain}"},
                "tokens": [token_of(t) for t in tickets], "ids": [t.id for t in tickets],
                "codes": [t.order.code for t in tickets], "list_id": checkin_list.id,
                "device_id": device.id, "public_key": bytes(edition.signing_public_key)}
        db.session.commit()
    return data


def _scan(client, door, **body):
    return client.post("/api/v1/checkin", json=body, headers=door["headers"])


def test_scan_then_rescan(client, door):
    first = _scan(client, door, token=door["tokens"][0], direction="in")
    assert first.status_code == 200
    body = first.get_json()
    assert body["result"] == "ok"
    assert body["ticket"]["attendee"] == "Zoé Amrani"
    assert body["ticket"]["ticket_type"] == "Pass festival"
    second = _scan(client, door, token=door["tokens"][0]).get_json()
    assert second["result"] == "already_checked_in"
    assert second["first_scan"]["id"] == body["scan_id"]
    assert second["first_scan"]["gate"] == "Porte A"
    assert second["first_scan"]["scanned_at"].endswith("+00:00")


@pytest.mark.parametrize("token, result", [("not a ticket", "invalid"), ("x" * 100, "invalid"),
                                           ("", "invalid")])
def test_refusals_are_normal_answers(client, door, token, result):
    response = _scan(client, door, token=token)
    assert response.status_code == 200
    assert response.get_json()["result"] == result and response.get_json()["ticket"] is None


def test_revoked_ticket(client, door):
    body = _scan(client, door, token=door["tokens"][2]).get_json()
    assert (body["result"], body["reason"]) == ("revoked", "ticket_revoked")


@pytest.mark.parametrize("body, field", [
    ({}, "token"), ({"token": 12}, "token"), ({"token": "a", "ticket_id": 3}, "token"),
    ({"token": "a", "direction": "sideways"}, "direction"),
    ({"token": "a", "scan_id": "short"}, "scan_id"),
    ({"token": "a", "scanned_at": "yesterday"}, "scanned_at"),
    ({"token": "a", "scanned_at": "2027-05-15T10:00:00"}, "scanned_at"),
    ({"ticket_id": True}, "ticket_id"),
])
def test_bad_requests_are_422_with_the_field(client, door, body, field):
    response = _scan(client, door, **body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_not_json_is_400(client, door):
    response = client.post("/api/v1/checkin", data="token=x", headers=door["headers"])
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


def test_one_tap_check_in_by_ticket_id(client, door):
    body = _scan(client, door, ticket_id=door["ids"][1]).get_json()
    assert body["result"] == "ok" and body["ticket"]["attendee"] == "Brahim Oufkir"


def test_a_retry_gives_the_stored_answer(client, app, door):
    first = _scan(client, door, token=door["tokens"][0], scan_id="retry-000000001").get_json()
    again = _scan(client, door, token=door["tokens"][0], scan_id="retry-000000001").get_json()
    assert again["result"] == "ok" and again["replayed"] is True
    assert again["scan_id"] == first["scan_id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Scan)) == 1


def test_a_revoked_device_is_refused_at_once(client, app, door):
    assert _scan(client, door, token=door["tokens"][0]).status_code == 200
    with app.app_context():
        from festival.checkin.devices import revoke_device
        from festival.checkin.models import Device
        revoke_device(db.session.get(Device, door["device_id"]))
        db.session.commit()
    response = _scan(client, door, token=door["tokens"][1])
    assert response.status_code == 401
    assert client.get("/api/v1/checkin/bundle", headers=door["headers"]).status_code == 401


def test_a_plain_volunteer_token_names_its_list(client, door, api_token):
    headers = api_token("volunteer")
    response = client.post("/api/v1/checkin", json={"token": door["tokens"][0]},
                           headers=headers)
    assert response.status_code == 422 and "list_id" in response.get_json()["fields"]
    response = client.post("/api/v1/checkin", json={"token": door["tokens"][0],
                                                    "list_id": door["list_id"]},
                           headers=headers)
    assert response.get_json()["result"] == "ok"
    missing = client.post("/api/v1/checkin", json={"token": "x", "list_id": 999_999},
                          headers=headers)
    assert missing.status_code == 404


def test_sync_a_batch_with_a_malformed_item(client, app, door):
    now = utcnow()
    scans = [
        {"token": door["tokens"][0], "direction": "in", "scan_id": "offline-0000001",
         "scanned_at": (now - timedelta(minutes=3)).isoformat(), "result": "ok"},
        {"token": door["tokens"][0], "direction": "in", "scan_id": "offline-0000002",
         "scanned_at": (now - timedelta(minutes=2)).isoformat(), "result": "already_checked_in"},
        {"token": door["tokens"][1], "scan_id": "offline-0000003"},  # no time: malformed
    ]
    response = client.post("/api/v1/checkin/sync", json={"scans": scans},
                           headers=door["headers"])
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r.get("result") for r in results] == ["ok", "already_checked_in", None]
    assert results[2]["error"] == "validation_failed"
    assert results[2]["client_scan_id"] == "offline-0000003"
    again = client.post("/api/v1/checkin/sync", json={"scans": scans[:2]},
                        headers=door["headers"]).get_json()["results"]
    assert all(r["replayed"] for r in again)
    with app.app_context():
        rows = list(db.session.scalars(select(Scan).order_by(Scan.id)))
        assert len(rows) == 2 and all(r.is_offline for r in rows)


@pytest.mark.parametrize("body", [{}, {"scans": []}, {"scans": "x"}, {"scans": [{}] * 501}])
def test_sync_needs_a_list_of_scans(client, door, body):
    response = client.post("/api/v1/checkin/sync", json=body, headers=door["headers"])
    assert response.status_code == 422


def test_undo_the_last_check_in(client, door):
    admitted = _scan(client, door, token=door["tokens"][0]).get_json()
    undo = client.post("/api/v1/checkin/undo", json={"scan_id": admitted["scan_id"]},
                       headers=door["headers"])
    assert undo.status_code == 200
    assert undo.get_json()["undoes_scan_id"] == admitted["scan_id"]
    again = client.post("/api/v1/checkin/undo", json={}, headers=door["headers"])
    assert again.status_code == 404 and again.get_json()["error"] == "nothing_to_undo"
    assert _scan(client, door, token=door["tokens"][0]).get_json()["result"] == "ok"


def test_bundle_has_what_a_phone_needs_and_an_etag(client, door):
    import base64
    _scan(client, door, token=door["tokens"][0])
    response = client.get("/api/v1/checkin/bundle", headers=door["headers"])
    assert response.status_code == 200
    bundle = response.get_json()
    key = bundle["edition"]["public_key"]
    assert base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)) == door["public_key"]
    assert bundle["edition"]["year"] == 2031 and len(bundle["edition"]["days"]) == 2
    assert bundle["list"]["id"] == door["list_id"]
    assert bundle["revoked"] == [door["ids"][2]]
    assert bundle["used"] == [door["ids"][0]]
    names = {t[0]: t[1] for t in bundle["tickets"]}
    assert names[door["ids"][0]] == "Zoé Amrani"
    assert "zoe@example.fr" not in response.get_data(as_text=True)
    etag = response.headers["ETag"]
    # For one authenticated device: no shared cache, and asked again at each refresh.
    assert response.headers["Cache-Control"] == "private, no-cache"
    cached = client.get("/api/v1/checkin/bundle",
                        headers={**door["headers"], "If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    _scan(client, door, token=door["tokens"][1])
    changed = client.get("/api/v1/checkin/bundle",
                         headers={**door["headers"], "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_gzipped_bundle_revalidates_with_its_weak_etag(client, door, monkeypatch):
    monkeypatch.setattr("festival.core.compression.MIN_SIZE", 10)  # a small test bundle
    gzip = {**door["headers"], "Accept-Encoding": "gzip"}
    response = client.get("/api/v1/checkin/bundle", headers=gzip)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["ETag"].startswith('W/"')
    cached = client.get("/api/v1/checkin/bundle",
                        headers={**gzip, "If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304


@pytest.mark.parametrize("query, expected", [("zoé", 0), ("ZOÉ AMR", 0),
                                             ("ZOE@example.FR", 0), ("brahim", 1)])
def test_search_by_name_email_or_code(client, door, query, expected):
    results = client.get("/api/v1/checkin/search", query_string={"q": query},
                         headers=door["headers"]).get_json()["results"]
    assert [r["ticket"]["id"] for r in results] == [door["ids"][expected]]


def test_search_by_order_code_and_shows_who_is_in(client, door):
    _scan(client, door, token=door["tokens"][0])
    code = door["codes"][0]
    results = client.get("/api/v1/checkin/search", query_string={"q": code.lower()},
                         headers=door["headers"]).get_json()["results"]
    assert [(r["ticket"]["id"], r["checked_in"]) for r in results] == [(door["ids"][0], True)]
    assert client.get("/api/v1/checkin/search", query_string={"q": "z"},
                      headers=door["headers"]).get_json()["results"] == []
    assert client.get("/api/v1/checkin/search", query_string={"q": "%_%"},
                      headers=door["headers"]).get_json()["results"] == []


def test_a_closed_list_answers_409(client, app, door):
    with app.app_context():
        from festival.checkin.models import CheckinList
        db.session.get(CheckinList, door["list_id"]).is_active = False
        db.session.commit()
    response = _scan(client, door, token=door["tokens"][0])
    assert response.status_code == 409 and response.get_json()["error"] == "list_closed"


def test_anonymous_and_association_tokens_cannot_scan(client, door):
    assert client.post("/api/v1/checkin", json={"token": "x"}).status_code == 401


def test_other_edition_device_cannot_check_in_this_editions_tickets(client, app, door):
    with app.app_context():
        other = make_door_edition(year=2040)
        _, plain = make_device(make_list(other, "Ailleurs"))
        db.session.commit()
    body = client.post("/api/v1/checkin", json={"ticket_id": door["ids"][0]},
                       headers={"Authorization": f"Bearer {plain}"}).get_json()
    assert (body["result"], body["reason"]) == ("invalid", "other_edition")


def test_the_api_needs_no_csrf_token_when_forms_do(test_environ, door):
    """Doors authenticate by bearer token: the nested check-in API is exempt from CSRF."""
    from tests.conftest import make_app
    strict = make_app(test_environ, WTF_CSRF_ENABLED=True)
    response = strict.test_client().post("/api/v1/checkin", json={"token": door["tokens"][0]},
                                         headers=door["headers"])
    assert response.status_code == 200 and response.get_json()["result"] == "ok"


@pytest.mark.parametrize("body", [
    {"scans": [{"scan_id": "00000000", "scanned_at": "2000-01-01T00:00:00Z", "ticket_id": 1,
                "result": {}}]},
    {"scans": [{"scan_id": ["x"], "scanned_at": 5, "token": {}, "direction": []}]},
])
def test_sync_answers_odd_items_without_error(client, door, body):
    response = client.post("/api/v1/checkin/sync", json=body, headers=door["headers"])
    assert response.status_code == 200
    assert response.get_json()["results"][0]["error"] == "validation_failed"


@pytest.mark.parametrize("list_id", ["abc", 10**20, True, -1, [1]])
def test_odd_list_ids_are_422(client, api_token, list_id):
    response = client.post("/api/v1/checkin", json={"token": "x", "list_id": list_id},
                           headers=api_token("volunteer"))
    assert response.status_code == 422


# Lists for tokens that are not a device's ---------------------------------------------------

def test_staff_tokens_list_the_lists_of_an_edition(client, app, door, api_token):
    with app.app_context():
        from festival.checkin.models import CheckinList
        from festival.editions.models import Edition
        edition = db.session.scalar(select(Edition).where(Edition.year == 2031))
        vip = make_list(edition, "Carré VIP", allow_reentry=True)
        make_device(vip, gate="Porte B")
        make_device(vip, gate="Porte C")
        vip_id, vip_types = vip.id, [t.id for t in db.session.get(CheckinList,
                                                                   vip.id).ticket_types]
        db.session.commit()
    for role in ("volunteer", "organiser"):
        response = client.get("/api/v1/editions/2031/checkin-lists", headers=api_token(role))
        assert response.status_code == 200, response.get_data(as_text=True)
        lists = response.get_json()["checkin_lists"]
        assert [(found["id"], found["name"], found["gates"]) for found in lists] == [
            (door["list_id"], "Entrée", ["Porte A"]), (vip_id, "Carré VIP", ["Porte B", "Porte C"])]
        assert lists[1] | {"days": []} == {"id": vip_id, "name": "Carré VIP", "days": [],
                                           "gates": ["Porte B", "Porte C"],
                                           "ticket_type_ids": vip_types,
                                           "allow_reentry": True, "is_active": True,
                                           "texts": {"name": {"fr": "Carré VIP"}}}
    assert client.get("/api/v1/editions/2031/checkin-lists").status_code == 401
    assert client.get("/api/v1/editions/1999/checkin-lists",
                      headers=api_token("volunteer")).status_code == 404


def test_a_token_bound_to_a_list_scans_without_naming_it(client, app, door):
    from festival.checkin.devices import create_list_token
    with app.app_context():
        device, plain = create_list_token(door["list_id"], name="Scanner USB 1")
        assert device.list_id == door["list_id"] and device.gate == "Scanner USB 1"
        db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    response = client.post("/api/v1/checkin", json={"token": door["tokens"][0]},
                           headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["result"] == "ok"
    assert client.get("/api/v1/checkin/bundle", headers=headers).status_code == 200


@pytest.mark.parametrize("list_id", [999_999, 0, "1"])
def test_a_token_for_no_list_is_refused(ctx, list_id):
    from festival.checkin.devices import create_list_token
    from festival.core.errors import NotFound
    with pytest.raises(NotFound) as refused:
        create_list_token(list_id, name="Scanner")
    assert refused.value.code == "list_not_found"


def _personal_data(app, ticket_id: int) -> list[str]:
    """The holder's name, the buyer's name and e-mail, and the order code of a ticket."""
    from festival.ticketing.models import Ticket
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        return [value for value in (ticket.attendee_name, ticket.order.buyer_name,
                                    ticket.order.email, ticket.order.code) if value]


def test_an_answer_about_another_editions_ticket_names_no_one(client, app, door):
    """A door may look a ticket of another edition up by its id: it is told nothing of it,
    on the first scan as on its retry (the stored answer)."""
    with app.app_context():
        other = make_door_edition(year=2040)
        _, plain = make_device(make_list(other, "Ailleurs"))
        db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    for _ in range(2):
        response = client.post("/api/v1/checkin", json={"ticket_id": door["ids"][0],
                                                        "scan_id": "foreign-0001"},
                               headers=headers)
        body = response.get_json()
        assert (body["result"], body["reason"]) == ("invalid", "other_edition")
        assert body["ticket"] is None
        text = response.get_data(as_text=True)
        assert [data for data in _personal_data(app, door["ids"][0]) if data in text] == []


def test_an_answer_about_a_void_or_off_list_ticket_names_no_one(client, app, door):
    with app.app_context():
        from festival.checkin.models import CheckinList
        from festival.checkin.queries import forget_doors
        vip = make_ticket_type(db.session.get(CheckinList, door["list_id"]).edition, "VIP")
        db.session.get(CheckinList, door["list_id"]).ticket_types = [vip]
        db.session.commit()
        forget_doors()
    for ticket, (result, reason) in ((0, ("not_on_this_list", "ticket_type")),
                                     (2, ("revoked", "ticket_revoked"))):
        response = _scan(client, door, ticket_id=door["ids"][ticket])
        body = response.get_json()
        assert (body["result"], body["reason"]) == (result, reason)
        assert body["ticket"]["id"] == door["ids"][ticket]  # to say which ticket it was
        assert body["ticket"]["attendee"] == "" and body["ticket"]["order_code"] == ""
        text = response.get_data(as_text=True)
        assert [data for data in _personal_data(app, door["ids"][ticket])
                if data in text] == []
    bundle = client.get("/api/v1/checkin/bundle", headers=door["headers"]).get_json()
    assert [t[1:] for t in bundle["tickets"] if t[0] == door["ids"][0]] \
        == [["", bundle["tickets"][0][2], 0, ""]]  # not this list's: nameless offline too


def test_a_refusal_about_a_holder_the_door_may_admit_names_them(client, app, door):
    _scan(client, door, ticket_id=door["ids"][0])
    body = _scan(client, door, ticket_id=door["ids"][0]).get_json()
    assert body["result"] == "already_checked_in"
    assert (body["ticket"]["attendee"], body["ticket"]["order_code"]) \
        == ("Zoé Amrani", door["codes"][0])


@pytest.mark.parametrize("change, error", [("close_list", "list_closed"),
                                           ("archive_edition", "edition_archived")])
def test_no_bundle_but_for_an_active_list_of_a_current_edition(client, app, door, api_token,
                                                               change, error):
    with app.app_context():
        from festival.checkin.models import CheckinList
        from festival.editions.models import EditionStatus
        checkin_list = db.session.get(CheckinList, door["list_id"])
        if change == "close_list":
            checkin_list.is_active = False
        else:
            checkin_list.edition.status = EditionStatus.ARCHIVED
        db.session.commit()
    for headers, query in ((api_token("volunteer"), {"list_id": door["list_id"]}),
                           (door["headers"], {})):
        response = client.get("/api/v1/checkin/bundle", query_string=query, headers=headers)
        assert response.status_code == 409 and response.get_json()["error"] == error
        assert "Zoé" not in response.get_data(as_text=True)
    scan = _scan(client, door, ticket_id=door["ids"][0])  # nor a scan
    assert scan.status_code == 409 and scan.get_json()["error"] == error
