"""JSON API of the editions and their programme (nested under /api/v1)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l

from festival.core.access import Role, current_principal, public, roles
from festival.core.errors import ValidationError
from festival.core.jsonbody import json_body
from festival.editions import queries, services
from festival.editions.api_json import (
    clock,
    convert,
    days,
    edition_json,
    instant,
    room_json,
    session_json,
    speaker_json,
    venue_json,
)

bp = Blueprint("editions", __name__)
ORGANISER_ROLES = (Role.ORGANISER, Role.ADMIN)


def _is_organiser() -> bool:
    principal = current_principal()
    return principal is not None and principal.role in ORGANISER_ROLES


def _actor():
    principal = current_principal()
    return principal.created_by if principal is not None else None


def _edition(year: int):
    return queries.edition_for_year(year, include_drafts=_is_organiser())


@bp.get("/editions")
@public
def list_editions():
    """Public editions (organiser tokens also see drafts), newest first."""
    rows = queries.all_editions() if _is_organiser() else queries.public_editions()
    return jsonify(editions=[edition_json(e) for e in rows])


@bp.get("/editions/<int:year>")
@public
def get_edition(year: int):
    return jsonify(edition_json(_edition(year)))


@bp.get("/editions/<int:year>/programme")
@public
def programme(year: int):
    """Published sessions; with an organiser token, `?drafts=1` adds the drafts;
    `?language=tzm` keeps the sessions held in that language."""
    edition = _edition(year)
    with_drafts = request.args.get("drafts") == "1" and _is_organiser()
    sessions = queries.all_sessions(edition) if with_drafts else \
        queries.published_sessions(edition)
    raw = request.args.get("language")
    if raw is not None and queries.language_code(raw) is None:
        raise ValidationError({"language": [_l("fr, ar, tzm or en.")]})
    sessions = queries.spoken_in(sessions, raw)
    return jsonify(edition={"year": edition.year, "title": edition.title},
                   time_zone="Europe/Paris", rooms=[room_json(r) for r in edition.rooms],
                   sessions=[session_json(s) for s in sessions])


@bp.post("/editions")
@roles(Role.ORGANISER)
def create_edition():
    data = convert(json_body(), {"days": days})
    edition = services.create_edition(
        year=data.get("year"), title=data.get("title"), tagline=data.get("tagline", ""),
        description=data.get("description", ""), days=data.get("days", []), actor=_actor())
    return jsonify(edition_json(edition)), 201


@bp.patch("/editions/<int:year>")
@roles(Role.ORGANISER)
def update_edition(year: int):
    """Details, days and `day_cutoff` (HH:MM); `status` (with `note`, and `confirm` to close or archive) moves the
    edition along its statuses."""
    edition = _edition(year)
    data = convert(json_body(), {"days": days, "day_cutoff": clock})
    transition = {k: data.pop(k) for k in ("status", "note", "confirm") if k in data}
    if data:
        services.update_edition(edition, data, actor=_actor())
    if "status" in transition:
        services.change_edition_status(edition, transition["status"], actor=_actor(),
                                       note=transition.get("note") or "",
                                       confirm=transition.get("confirm") is True)
    return jsonify(edition_json(edition))


@bp.post("/editions/<int:year>/venues")
@roles(Role.ORGANISER)
def add_venue(year: int):
    venue = services.add_venue(_edition(year), json_body(), actor=_actor())
    return jsonify(venue_json(venue)), 201


@bp.post("/editions/<int:year>/rooms")
@roles(Role.ORGANISER)
def create_room(year: int):
    data = convert(json_body(), {"opens_at": clock, "closes_at": clock})
    room = services.create_room(_edition(year), data, actor=_actor())
    return jsonify(room_json(room)), 201


@bp.patch("/editions/<int:year>/rooms/<int:room_id>")
@roles(Role.ORGANISER)
def update_room(year: int, room_id: int):
    edition = _edition(year)
    room = queries.room_in_edition(edition, room_id)
    data = convert(json_body(), {"opens_at": clock, "closes_at": clock})
    services.update_room(room, data, actor=_actor())
    return jsonify(room_json(room))


def _session_input() -> tuple[dict, bool]:
    data = convert(json_body(), {"starts_at": instant, "ends_at": instant})
    return data, data.pop("confirm_clashes", False) is True


@bp.post("/editions/<int:year>/sessions")
@roles(Role.ORGANISER)
def create_session(year: int):
    """409 `clash` (with the clashes per field) unless `confirm_clashes` is true."""
    data, confirm = _session_input()
    session, clashes = services.create_session(_edition(year), data, actor=_actor(),
                                               confirm_clashes=confirm)
    return jsonify({**session_json(session), "clashes": [c.message for c in clashes]}), 201


@bp.patch("/editions/<int:year>/sessions/<int:session_id>")
@roles(Role.ORGANISER)
def update_session(year: int, session_id: int):
    edition = _edition(year)
    session = queries.session_in_edition(edition, session_id)
    data, confirm = _session_input()
    session, clashes = services.update_session(session, data, actor=_actor(),
                                               confirm_clashes=confirm)
    return jsonify({**session_json(session), "clashes": [c.message for c in clashes]})


@bp.post("/speakers")
@roles(Role.ORGANISER)
def create_speaker():
    speaker = services.create_speaker(json_body(), actor=_actor())
    return jsonify(speaker_json(speaker)), 201


@bp.patch("/speakers/<int:speaker_id>")
@roles(Role.ORGANISER)
def update_speaker(speaker_id: int):
    speaker = queries.speaker_or_404(speaker_id)
    services.update_speaker(speaker, json_body(), actor=_actor())
    return jsonify(speaker_json(speaker))
