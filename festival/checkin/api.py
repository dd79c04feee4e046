"""Check-in API for the doors (bearer token of a paired device, or of a volunteer token
bound to a list by `token create --list`, or any volunteer or organiser token naming its list
with `list_id`; GET /editions/<year>/checkin-lists lists them).

A scan always answers 200 with its result, a refusal included; only a request that is not
understood is a 4xx. One commit per request; an entry scan on PostgreSQL is one statement,
which also checks that the token is still live (so the access check may use a token read a
few seconds ago: `rechecks_token`).
"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_babel import lazy_gettext as _l

from festival.accounts.services import require_live_token
from festival.checkin import present, queries, services
from festival.checkin.bundle import encode, offline_bundle
from festival.checkin.rules import Door
from festival.checkin.schemas import (
    answer_json,
    item_error_json,
    parse_scan,
    parse_sync,
)
from festival.core.access import Role, current_principal, roles
from festival.core.errors import ValidationError, committed
from festival.core.http import PRIVATE_REVALIDATE, conditional
from festival.core.jsonbody import json_body
from festival.core.security import limit
from festival.editions.queries import edition_for_year

bp = Blueprint("checkin", __name__)
DOOR_ROLES = (Role.VOLUNTEER, Role.ORGANISER)


def _door(list_id=None) -> Door:
    """The device's door; a token that is not a device's names its list (a list id, as
    the API's contract checked it)."""
    principal = current_principal()
    door = queries.door_for_principal(principal)
    if door is not None:
        return door
    require_live_token(principal.id)  # a device revoked since its token was read: 401
    if list_id is None:
        raise ValidationError({"list_id": [_l("This token is not a paired device's: give "
                                              "the check-in list's id.")]})
    return queries.door_for_list(list_id, gate=principal.name)


@bp.post("/checkin")
@roles(*DOOR_ROLES, rechecks_token=True)
def scan():
    body = json_body()
    door = _door(body.get("list_id"))
    fields = parse_scan(body)
    token_id = current_principal().id

    def record():
        answer = services.check_in(door, token_id=token_id, **fields)
        services.touch_device(door)
        return answer
    return jsonify(answer_json(committed(record)))


@bp.post("/checkin/sync")
@roles(*DOOR_ROLES)
def sync():
    body = json_body()
    door = _door(body.get("list_id"))
    items = parse_sync(body)
    scans = [item for item in items if isinstance(item, services.OfflineScan)]

    def record():
        answers = iter(services.sync_offline_scans(door, scans))
        services.touch_device(door)
        return [answer_json(next(answers)) if isinstance(item, services.OfflineScan)
                else item_error_json(raw, item) for item, raw in zip(items, body["scans"])]
    return jsonify(results=committed(record))


@bp.post("/checkin/undo")
@roles(*DOOR_ROLES)
def undo():
    body = json_body(optional=True)
    door = _door(body.get("list_id"))
    scan_id = body.get("scan_id")
    answer, undone = committed(lambda: services.undo_last_check_in(door, scan_id=scan_id))
    return jsonify(answer_json(answer) | {"undoes_scan_id": undone})


@bp.get("/editions/<int:year>/checkin-lists")
@roles(*DOOR_ROLES)
def lists(year: int):
    """The edition's check-in lists, so that a token that is not a device's can name one."""
    principal = current_principal()
    edition = edition_for_year(year, include_drafts=principal.role is not Role.VOLUNTEER)
    return jsonify(checkin_lists=[
        {"id": found.id, "name": found.name, "texts": found.all_texts(),
         "days": list(found.days or []), "gates": gates,
         "ticket_type_ids": [t.id for t in found.ticket_types],
         "allow_reentry": found.allow_reentry, "is_active": found.is_active}
        for found, gates in queries.lists_with_gates(edition.id)])


@bp.get("/checkin/bundle")
@roles(*DOOR_ROLES)
def bundle():
    door = _door(request.args.get("list_id", type=int))
    body = encode(offline_bundle(door))
    services.touch_device(door)
    return conditional(Response(body, mimetype="application/json"),
                       cache_control=PRIVATE_REVALIDATE)


@bp.get("/checkin/search")
@roles(*DOOR_ROLES)
@limit("RATE_LIMIT_CHECKIN_SEARCH")
def search():
    door = _door(request.args.get("list_id", type=int))
    text = request.args.get("q", "")
    hits = services.search_tickets(door, text)
    return jsonify(results=present.search_results(hits, text))
