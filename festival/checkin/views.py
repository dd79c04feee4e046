"""The door pages: the scanner (/scan, an offline-capable web app with its service worker
and manifest), pairing a phone (/scan/pair/<code>), and the desk where a logged-in
volunteer finds a ticket by name and checks it in with one tap."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from festival.checkin import devices, present, queries, services
from festival.checkin.forms import DeskCheckInForm, DeskSearchForm, StartForm
from festival.checkin.labels import RESULT_TONE, reason_text, result_title, scanner_messages
from festival.core.access import Role, public, roles
from festival.core.assets import static_hash
from festival.core.errors import DomainError
from festival.core.forms import apply_field_errors, choices
from festival.core.security import limit
from festival.core.unit_of_work import refuse_request
from festival.core.urls import absolute_url
from festival.editions.queries import current_edition

bp = Blueprint("checkin", __name__)


@bp.record_once
def _labels(state) -> None:
    state.app.jinja_env.globals.update(present.template_globals())

# What the service worker keeps for the scanner to start with no network.
# The home-screen icons (PNG: Android wants 192 and 512 px, one maskable; iOS reads the
# apple-touch-icon) are drawn by scripts/lib/icons.py.
ICONS = (("img/icon-192.png", "192x192", "any"), ("img/icon-512.png", "512x512", "any"),
         ("img/icon-maskable-512.png", "512x512", "maskable"))
APPLE_TOUCH_ICON = "img/apple-touch-icon.png"
SCANNER_ASSETS = ("css/app.css", "img/logo.svg", "vendor/jsqr/jsQR.js", "js/scanner/main.js",
                  "js/scanner/camera.js", "js/scanner/store.js", "js/scanner/verdict.js",
                  "js/scanner/feedback.js", "js/scanner/doorway.js", APPLE_TOUCH_ICON,
                  *(name for name, _size, _purpose in ICONS))
NO_STORE = {"Cache-Control": "no-store"}


def _version() -> str:
    """Changes whenever a file the scanner needs changes: a new service worker then
    replaces the cached copies."""
    digest = hashlib.sha256()
    for name in SCANNER_ASSETS + ("js/scanner/sw.js",):
        digest.update((static_hash(name) or name).encode())
    return digest.hexdigest()[:16]


def pairing_url(code: str) -> str:
    """The absolute link a phone opens to pair (on PUBLIC_URL, core.urls)."""
    return absolute_url("checkin.pair", token=code)


@bp.get("/scan/", endpoint="scanner")  # a typed address, or a bookmark with the slash
@bp.get("/scan")
@public
def scanner():
    html = render_template("checkin/scan.html",
                           messages=scanner_messages() | {"search": present.scanner_words()},
                           version=_version())
    return Response(html, headers={"Cache-Control": "no-cache"})


@bp.get("/scan/sw.js")
@public
def service_worker():
    """Served from /scan/ so that its scope covers the scanner page."""
    source = (Path(current_app.static_folder) / "js/scanner/sw.js").read_text()
    page = url_for("checkin.scanner")
    config = {"version": _version(), "page": page, "pages": [page, page + "/"],
              "assets": [url_for("static", filename=name) for name in SCANNER_ASSETS]
              + [url_for("checkin.manifest")]}
    body = f"const SCANNER = {json.dumps(config)};\n{source}"
    return Response(body, mimetype="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/scan"})


@bp.get("/scan/manifest.webmanifest")
@public
def manifest():
    data = {"name": _("Almoggar door scanner"), "short_name": _("Scanner"),
            "start_url": url_for("checkin.scanner"), "scope": url_for("checkin.scanner"),
            "display": "standalone", "orientation": "portrait",
            "background_color": "#1d1b19", "theme_color": "#1f3a5f",
            "icons": [{"src": url_for("static", filename=name), "sizes": size,
                       "type": "image/png", "purpose": purpose}
                      for name, size, purpose in ICONS]
            + [{"src": url_for("static", filename="img/logo.svg"), "sizes": "any",
                "type": "image/svg+xml", "purpose": "any"}]}
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")


# The argument is named `token` so that it is masked wherever the link is shown or logged
# (core.masking).
@bp.route("/scan/pair/<token>", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_PAIRING")
def pair(token: str):
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            device, api_token = devices.pair_device(token)
        except DomainError:
            refuse_request()
            raise
        html = render_template("checkin/paired.html", device=device, token=api_token)
        return Response(html, headers=NO_STORE)
    device = devices.device_for_pairing_code(token)
    html = render_template("checkin/pair.html", device=device, form=form)
    return Response(html, status=400 if form.errors else 200, headers=NO_STORE)


@bp.route("/scan/start", methods=["GET", "POST"])
@roles(Role.VOLUNTEER, Role.ORGANISER)
def start():
    """The door's start page: a logged-in volunteer pairs the phone in their hand to a gate
    of an open list of the current edition (where the list allows it), then scans."""
    edition = current_edition()
    offered = queries.self_pairing_lists(edition.id) if edition else []
    form = StartForm()
    form.list_id.choices = choices((item.id, item.name) for item, _gates in offered)
    if not form.is_submitted() and offered:
        form.list_id.data = offered[0][0].id
    status = 200
    if form.validate_on_submit():
        try:
            device, token = devices.pair_own_phone(edition, form.list_id.data,
                                                   gate=form.gate.data, actor=current_user)
        except DomainError as error:
            refuse_request()
            apply_field_errors(form, error)
            status = 422 if error.status == 400 else error.status
        else:
            html = render_template("checkin/paired.html", device=device, token=token)
            return Response(html, headers=NO_STORE)
    elif form.is_submitted():
        status = 422
    gates = sorted({gate for _item, list_gates in offered for gate in list_gates})
    html = render_template("checkin/start.html", form=form, offered=offered, gates=gates,
                           edition=edition)
    return Response(html, status=status, headers=NO_STORE)


@bp.get("/scan/desk")
@roles(Role.VOLUNTEER, Role.ORGANISER)
def desk():
    lists = queries.open_lists()
    form = DeskSearchForm(request.args)
    form.list_id.choices = choices((item.id, f"{item.name} ({item.edition.year})")
                                   for item in lists)
    chosen = next((item for item in lists if item.id == form.list_id.data), None)
    if chosen is None and lists:
        chosen = lists[0]
        form.list_id.data = chosen.id
    rows = []
    if chosen is not None and form.q.data:
        hits = services.search_tickets(queries.door_for_list(chosen.id), form.q.data)
        rows = list(zip(hits, present.search_results(hits, form.q.data)))
    return render_template("checkin/desk.html", form=form, lists=lists, chosen=chosen,
                           rows=rows, check_in_form=DeskCheckInForm(formdata=None))


@bp.post("/scan/desk/check-in")
@roles(Role.VOLUNTEER, Role.ORGANISER)
def desk_check_in():
    form = DeskCheckInForm()
    back = url_for("checkin.desk", list_id=form.list_id.data or None, q=form.q.data or None)
    if not form.validate_on_submit() or not (form.list_id.data or "").isdigit():
        flash(_("Choose a ticket to check in."), "error")
        return redirect(back)
    door = queries.door_for_list(int(form.list_id.data), user_id=current_user.id)
    try:
        answer = services.check_in(door, ticket_id=form.ticket_id.data)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
        return redirect(back)
    category = {"ok": "success", "warn": "warning", "stop": "error"}[RESULT_TONE[answer.result]]
    who = answer.ticket.attendee if answer.ticket else ""
    detail = reason_text(answer.reason)
    flash(" — ".join(part for part in (result_title(answer.result), who, detail) if part),
          category)
    return redirect(back)
