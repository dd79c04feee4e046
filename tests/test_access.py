"""Every route, every role: each role reaches exactly what it may.

EXPECTED lists every endpoint of the application with the roles that may reach it. A new
endpoint that is not listed fails `test_every_endpoint_is_listed`, so nothing is ever open or
closed by accident. Pages are tried with a logged-in session per role; the JSON API with a
bearer token per token role (organiser, volunteer), and with an organiser's session cookie but
no token, which the API must ignore.

To add an endpoint: add it to EXPECTED; if its URL has parameters that SAMPLE_PARAMS cannot
fill, add a builder to the `samples` fixture (or to ENDPOINT_PARAMS for a one-off).
"""
from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from festival.extensions import db
from tests import factories

ANON, ASSOCIATION, VOLUNTEER, ORGANISER, ADMIN = (
    "anonymous", "association", "volunteer", "organiser", "admin")
EVERYONE = frozenset({ANON, ASSOCIATION, VOLUNTEER, ORGANISER, ADMIN})
LOGGED_IN = EVERYONE - {ANON}
STAFF = frozenset({ORGANISER, ADMIN})
DOOR = frozenset({VOLUNTEER, ORGANISER, ADMIN})
ADMIN_ONLY = frozenset({ADMIN})
REPRESENTATIVE = frozenset({ASSOCIATION, ADMIN})
HELPERS = frozenset({VOLUNTEER, ASSOCIATION, ORGANISER, ADMIN})

# endpoint → who may reach it (admin passes every role check).
EXPECTED: dict[str, frozenset[str]] = {
    # core
    "core.home": EVERYONE,
    "core.set_language": EVERYONE,
    "core.legal": EVERYONE,
    "core.privacy": EVERYONE,
    # check-in
    "checkin.scanner": EVERYONE,          # the page; scans need the device token
    "checkin.service_worker": EVERYONE,
    "checkin.manifest": EVERYONE,
    "checkin.pair": EVERYONE,             # the one-time pairing code is checked inside
    "checkin.start": DOOR,
    "checkin.desk": DOOR,
    "checkin.desk_check_in": DOOR,
    **{f"manage_checkin.{name}": STAFF for name in (
        "index", "edition", "create_list", "edit_list", "create_device", "device",
        "new_pairing", "revoke_device", "conflicts")},
    **{f"api.checkin.{name}": DOOR for name in ("scan", "sync", "undo", "bundle", "search",
                                                "lists")},
    "privacy.search": STAFF,
    "audit.log": STAFF,
    "privacy.export": STAFF,
    "privacy.erase": STAFF,
    "core.healthz": EVERYONE,
    # accounts
    "accounts.login": EVERYONE,
    "accounts.logout": EVERYONE,
    "accounts.account": LOGGED_IN,
    "accounts.change_password": LOGGED_IN,
    "accounts.users": ADMIN_ONLY,
    "accounts.tokens": ADMIN_ONLY,
    "accounts.revoke_token": ADMIN_ONLY,
    "accounts.unlock_user": ADMIN_ONLY,
    "accounts.forgot_password": EVERYONE,
    "accounts.reset_password": EVERYONE,
    "accounts.confirm_address": EVERYONE,
    # associations
    "associations.directory": EVERYONE,
    "associations.detail": EVERYONE,
    "associations.apply": EVERYONE,
    "associations.applied": EVERYONE,
    "associations.logo": EVERYONE,
    **{f"associations.{name}": REPRESENTATIVE for name in (
        "profile", "profile_logo", "profile_logo_delete")},
    **{f"associations.{name}": STAFF for name in (
        "manage_list", "review_queue", "manage_new", "manage_detail", "manage_edit",
        "manage_decide", "manage_logo", "manage_logo_delete", "manage_add_representative",
        "manage_export", "manage_registry_sheet", "manage_import", "manage_import_confirm",
        "manage_poles",
        "manage_pole_attach", "manage_pole_detach")},
    # mail (the outbox)
    "mail.outbox": STAFF,
    "mail.message": STAFF,
    "mail.retry": STAFF,
    # messages to attendees and the edition's mailings
    **{f"messaging.{name}": STAFF for name in (
        "messages", "new_message", "message", "count", "confirm", "mailings", "mailing",
        "mailing_progress")},
    # editions: public pages and exports, a representative's stand, the back office
    **{f"editions.{name}": EVERYONE for name in (
        "index", "current_programme", "edition", "programme", "tracks", "speakers", "session",
        "now", "exhibitors", "tickets", "schedule_xml_export", "schedule_json_export",
        "programme_ics", "session_ics", "speaker_photo", "agenda", "agenda_ics")},
    "editions.stand": REPRESENTATIVE,
    "editions.stand_withdraw": REPRESENTATIVE,
    **{f"manage_editions.{name}": STAFF for name in (
        "index", "edition", "change_status", "days_practical", "add_venue", "venue", "remove_venue",
        "add_organiser", "remove_organiser", "stands", "decide_stand")},
    **{f"manage_programme.{name}": STAFF for name in (
        "rooms", "room", "sessions", "conflicts", "new_session", "session", "speakers",
        "speaker", "grid", "move", "themes", "theme")},
    "api.editions.list_editions": EVERYONE,
    "api.editions.get_edition": EVERYONE,
    "api.editions.programme": EVERYONE,
    **{f"api.editions.{name}": STAFF for name in (
        "create_edition", "update_edition", "add_venue", "create_room", "update_room",
        "create_session", "update_session", "create_speaker", "update_speaker")},
    # API
    "api.index": EVERYONE,
    "api.openapi": EVERYONE,
    # ticketing and payments
    "ticketing.order": EVERYONE,          # the order's secret is checked inside
    "ticketing.terms": EVERYONE,          # the terms of sale
    "ticketing.terms_version": EVERYONE,  # and each earlier version
    "ticketing.demo_payment": EVERYONE,   # likewise; development only
    **{f"ticketing.{name}": EVERYONE for name in (  # the shop, and the secret checked inside
        "shop", "order_status", "pay", "resend", "ticket_qr", "order_pdf", "ticket_pdf",
        "order_calendar", "correct", "transfer")},
    **{f"manage_tickets.{name}": STAFF for name in (
        "home", "orders", "order", "cancel", "refund", "resend", "mark_paid", "correct_order",
        "new_transfer_order", "box_office", "box_office_receipt", "ticket_types", "capacity",
        "new_ticket_type", "edit_ticket_type", "delete_ticket_type", "vouchers", "terms")},
    "payments.stripe_webhook": EVERYONE,  # Stripe's signature is checked inside
    "api.ticketing.create_order": EVERYONE,
    "api.ticketing.get_order": EVERYONE,  # organiser token or X-Order-Secret, checked inside
    "api.ticketing.order_receipt": EVERYONE,  # organiser token or X-Order-Secret, inside
    "api.ticketing.refund_order": STAFF,
    "api.ticketing.cancel_order": STAFF,
    "api.ticketing.signing_key": EVERYONE,
    "api.ticketing.list_ticket_types": EVERYONE,
    "api.ticketing.list_questions": EVERYONE,
    "ticketing.reserve_seat": EVERYONE,   # the order's secret is checked inside
    "ticketing.cancel_seat": EVERYONE,    # the order's secret is checked inside
    "api.ticketing.create_ticket_type": STAFF,
    "api.ticketing.get_ticket_type": STAFF,
    "api.ticketing.update_ticket_type": STAFF,
    "api.ticketing.delete_ticket_type": STAFF,
    "api.ticketing.list_vouchers": STAFF,
    "api.ticketing.create_voucher": STAFF,
    "api.associations.list_associations": EVERYONE,
    "api.associations.get_association": EVERYONE,
    # dashboards: volunteers see the live attendance only
    "dashboard.index": DOOR,
    "dashboard.attendance": DOOR,
    "dashboard.attendance_live": DOOR,
    **{f"dashboard.{name}": STAFF for name in (
        "sales", "programme", "associations", "comparison", "export", "summary_pdf",
        "feedback")},
    "api.dashboard.edition_dashboard": STAFF,
    # automatic messages: the rules' back office; the attendees' feedback and unsubscribe
    **{f"outreach.{name}": STAFF for name in (
        "rules", "switch", "rule", "preview", "preview_html")},
    "outreach.feedback": EVERYONE,        # the order's secret is checked inside
    "outreach.unsubscribe": EVERYONE,     # the signed token is checked inside
    # waiting list: joining from the shop, the e-mails' personal links, the back office
    "waitlist.join": EVERYONE,
    "waitlist.leave": EVERYONE,           # the entry's secret is checked inside
    "waitlist.offer": EVERYONE,           # the offer's token is checked inside
    **{f"waitlist.{name}": STAFF for name in ("manage", "offer_now", "remove")},
    **{f"manage_tickets.{name}": STAFF for name in (
        "questions", "questions_new", "questions_edit", "questions_delete", "questions_move")},
    # volunteer shifts: the helpers' phone pages (services say who signs up), the plan
    **{f"volunteers.{name}": HELPERS for name in (
        "home", "shift", "sign_up", "withdraw", "pair")},
    "volunteers.calendar": EVERYONE,      # the signed token is checked inside
    **{f"volunteers.{name}": STAFF for name in (
        "manage", "new_shift", "edit_shift", "delete_shift", "assign", "remove_person",
        "move_person", "now", "export")},
    # the association's papers: the buyer's by the order's secret link, the register
    "accounting.receipt_pdf": EVERYONE,   # the order's secret is checked inside
    "accounting.ask_receipt": EVERYONE,   # the order's secret is checked inside
    "accounting.attestation_pdf": EVERYONE,  # the order's secret is checked inside
    "accounting.ask_invoice": EVERYONE,   # the order's secret is checked inside
    "accounting.invoice_pdf": EVERYONE,   # the order's secret is checked inside
    "accounting.credit_note_pdf": EVERYONE,  # the order's secret is checked inside
    **{f"accounting.{name}": STAFF for name in (
        "register_now", "register", "manage_receipt_pdf", "reissue", "summary_pdf",
        "export", "books_export")},
    # calls for sessions: the call's page, proposing (the sample call takes any account),
    # the speakers' own page by its signed link, the review (organisers and named
    # reviewers: nobody else) and the call's settings
    "proposals.call_page": EVERYONE,
    "proposals.speaker_page": EVERYONE,   # the signed token is checked inside
    **{f"proposals.{name}": LOGGED_IN for name in ("propose", "mine", "withdraw")},
    **{f"proposals.{name}": STAFF for name in (
        "manage_call", "add_reviewer", "remove_reviewer", "proposals", "proposal", "review",
        "change_status", "accept", "speaker_changes", "decide_speaker_change",
        "speaker_change_photo")},
    **{f"api.proposals.{name}": STAFF for name in ("get_call", "list_proposals",
                                                   "get_proposal")},
}

# Endpoints whose effect would spoil the rest of the walk are tried last.
LAST = {"accounts.logout"}


@pytest.fixture
def samples(app):
    """Values for URL parameters, by parameter name, built once per test."""
    with app.app_context():
        association = factories.gen_association()
        from festival.accounts.services import create_api_token
        from festival.mail.services import queue_mail
        token, _ = create_api_token("sample", "volunteer")
        values = {
            "slug": association.slug,
            "association_id": association.id,
            "token_id": token.id,
            "user_id": factories.gen_user("volunteer").id,
            "token": "unknown-reset-token",
            "code": "en",
            "kind": "reminder",
            "message_id": queue_mail("sample@example.org", "test", {"site": "x"}, "fr", "Hi").id,
        }
        values.update(factories.gen_edition_samples())
        values.update(factories.gen_ticketing_samples(values["year"]))
        values.update(factories.gen_checkin_samples(values["year"]))
        from festival.ticketing.orders import find_order
        values["ticket_id"] = find_order(values["code"]).tickets[0].id
        values.update(factories.gen_messaging_samples(values["year"]))
        values.update(entry_id=1, secret="unknown-waiting-list-secret", question_id=1,
                      receipt_id=1, reservation_id=1, number="A2027-000001")
        values.update(factories.gen_volunteer_samples(values["year"]))
        values.update(factories.gen_proposal_samples(values["year"]))
        db.session.commit()
    return values


# Parameters that depend on the endpoint rather than on their name.
ENDPOINT_PARAMS: dict[str, dict] = {"core.set_language": {"code": "en"},
                                    "associations.manage_registry_sheet": {"fmt": "xlsx"},
                                    "dashboard.export": {"dataset": "orders", "fmt": "xlsx"},
                                    "volunteers.export": {"fmt": "xlsx"},
                                    "accounting.export": {"fmt": "csv"},
                                    "ticketing.terms_version": {"version": "2026-12-07"}}


def _rules(app) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: (r.endpoint in LAST, r.endpoint, r.rule))


def _url(app, rule: Rule, samples: dict) -> str:
    params = dict(ENDPOINT_PARAMS.get(rule.endpoint, {}))
    for name in rule.arguments:
        if name not in params:
            assert name in samples, (
                f"no sample value for <{name}> of {rule.endpoint}: add one to `samples`")
            params[name] = samples[name]
    with app.test_request_context():
        from flask import url_for
        return url_for(rule.endpoint, **params)


def _methods(rule: Rule) -> list[str]:
    return sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))


def _is_api(rule: Rule) -> bool:
    return rule.endpoint.startswith("api.")


def test_every_endpoint_is_listed(app):
    endpoints = {r.endpoint for r in _rules(app)}
    assert sorted(endpoints - EXPECTED.keys()) == [], "add these endpoints to EXPECTED"
    assert sorted(EXPECTED.keys() - endpoints) == [], "these endpoints no longer exist"


def _check(response, allowed: bool, api: bool, where: str) -> None:
    status = response.status_code
    assert status < 500, f"{where}: {status}"
    to_login = status == 302 and "/login" in response.headers.get("Location", "")
    if allowed:
        assert status not in (401, 403) and not to_login, f"{where}: refused ({status})"
    elif api:
        assert status in (401, 403), f"{where}: should be refused, got {status}"
        assert response.is_json and response.get_json()["error"] in ("unauthorized",
                                                                     "forbidden"), where
    else:
        assert status == 403 or to_login, f"{where}: should be refused, got {status}"


def _logged_in_client(app, role: str):
    client = app.test_client()
    if role == ANON:
        return client
    with app.app_context():
        association = factories.gen_association() if role == ASSOCIATION else None
        user = factories.gen_user(role, association=association)
        email = user.email
        db.session.commit()
    login = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert login.status_code == 302
    return client


@pytest.mark.parametrize("role", [ANON, ASSOCIATION, VOLUNTEER, ORGANISER, ADMIN])
def test_pages_by_role(app, samples, role):
    client = _logged_in_client(app, role)  # logout is walked last, so one login is enough
    checked = 0
    for rule in _rules(app):
        if _is_api(rule):
            continue
        for method in _methods(rule):
            url = _url(app, rule, samples)
            response = client.open(url, method=method, data={})
            _check(response, role in EXPECTED[rule.endpoint], False,
                   f"{role} {method} {url} ({rule.endpoint})")
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("role", [ANON, VOLUNTEER, ORGANISER])
def test_api_by_token_role(app, samples, api_token, role):
    headers = api_token(role) if role != ANON else {}
    checked = 0
    for rule in _rules(app):
        if not _is_api(rule):
            continue
        for method in _methods(rule):
            url = _url(app, rule, samples)
            response = app.test_client().open(url, method=method, headers=headers, json={})
            _check(response, role in EXPECTED[rule.endpoint], True,
                   f"{role} token {method} {url} ({rule.endpoint})")
            checked += 1
    assert checked > 0


def test_api_ignores_the_session_cookie(app, samples, auth, client):
    auth.login_as("organiser")
    closed = [r for r in _rules(app) if _is_api(r) and ANON not in EXPECTED[r.endpoint]]
    for rule in closed:
        for method in _methods(rule):
            response = client.open(_url(app, rule, samples), method=method, json={})
            assert response.status_code == 401, rule.endpoint


def test_revoked_or_malformed_tokens_are_refused(app, client, api_token):
    headers = api_token("organiser")
    assert client.get("/api/v1/", headers=headers).status_code == 200
    bad = {"Authorization": headers["Authorization"] + "x"}
    assert client.get("/api/v1/", headers=bad).status_code == 401
    assert client.get("/api/v1/", headers={"Authorization": "Bearer"}).status_code == 401
    with app.app_context():
        from festival.accounts.models import ApiToken
        from festival.accounts.services import revoke_api_token
        revoke_api_token(db.session.scalar(db.select(ApiToken.id)))
        db.session.commit()
    assert client.get("/api/v1/", headers=headers).status_code == 401


def test_an_endpoint_without_a_policy_stops_the_application(test_environ):
    from flask import Blueprint

    from festival import create_app
    from festival.core.access import check_declared

    application = create_app({"ENVIRON": dict(test_environ), "TESTING": True})
    stray = Blueprint("stray", __name__)
    stray.add_url_rule("/stray", "open_by_mistake", lambda: "oops")
    application.register_blueprint(stray)
    with pytest.raises(RuntimeError, match="stray.open_by_mistake"):
        check_declared(application)
