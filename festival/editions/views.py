"""Public pages of the editions: the edition, its programme (by day, track and speaker), one
session, "now and next" for the screens at the venue, exhibitors, past editions, exports."""
from __future__ import annotations

import json
from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from festival.checkin.occupancy import room_occupancy
from festival.core.access import Role, public, roles
from festival.core.errors import DomainError
from festival.core.forms import refuse
from festival.core.http import conditional
from festival.core.timeutil import PARIS, to_paris, utcnow
from festival.editions import days as festival_days
from festival.editions import queries, services
from festival.editions.exports.frab_json import schedule_json
from festival.editions.exports.frab_xml import schedule_xml
from festival.editions.exports.ical import programme_ical, session_ical
from festival.editions.forms import StandRequestForm
from festival.editions.labels import template_globals
from festival.editions.photos import photo_folder
from festival.editions.practical import door_hours, places, same_place, where_and_when
from festival.seats import services as seats

bp = Blueprint("editions", __name__)


@bp.record_once
def _labels(state) -> None:
    # Globals (not a context processor) so that imported macros see them too.
    # The "where and when" partials (templates/mail/_where_and_when.*,
    # editions/_where_and_when.html) format editions.practical's days with these.
    state.app.jinja_env.globals.update(template_globals(), door_hours=door_hours,
                                       same_place=same_place, practical_places=places)


@bp.get("/editions")
@public
def index():
    current = queries.current_edition()
    return render_template("editions/index.html", current=current,
                           editions=queries.public_editions())


@bp.get("/programme")
@public
def current_programme():
    current = queries.current_edition()
    if current is None:
        return redirect(url_for("editions.index"))
    return redirect(url_for("editions.programme", year=current.year))


@bp.get("/<int:year>/")
@public
def edition(year: int):
    edition = queries.visible_edition(year)
    sessions = queries.published_sessions(edition)
    return render_template("editions/edition.html", edition=edition,
                           where_and_when=where_and_when(edition, None, str(get_locale())),
                           highlights=queries.highlights(edition, limit=6),
                           session_count=len(sessions),
                           exhibitor_count=len(queries.approved_exhibitors(edition)))


def _chosen_day(edition, raw: str | None) -> date | None:
    days = edition.dates
    if not days:
        return None
    try:
        chosen = date.fromisoformat(raw or "")
    except ValueError:
        chosen = None
    if chosen in days:
        return chosen
    today = festival_days.today(edition, utcnow())
    return today if today in days else days[0]


@bp.get("/<int:year>/programme")
@public
def programme(year: int):
    edition = queries.visible_edition(year)
    spoken = queries.language_code(request.args.get("language"))
    sessions = queries.spoken_in(queries.published_sessions(edition), spoken)
    day = _chosen_day(edition, request.args.get("day"))
    of_day = queries.sessions_on(sessions, day) if day else []
    groups = queries.time_groups(of_day)
    moment = queries.parse_moment(day.isoformat() if day else None, request.args.get("at"))
    at_error = bool(request.args.get("at")) and moment is None
    running = queries.running_at(of_day, moment) if moment else []
    soon = queries.starting_within(of_day, moment, timedelta(hours=1)) if moment else []
    today = festival_days.today(edition, utcnow())
    return render_template(
        "editions/programme.html", edition=edition, day=day, groups=groups,
        hours=queries.hour_anchors(groups), grid=queries.day_grid(of_day, edition.rooms),
        moment=moment, at_error=at_error, running=running, soon=soon, today=today,
        tomorrow=today + timedelta(days=1), at_value=request.args.get("at", ""),
        spoken=spoken)


@bp.get("/<int:year>/programme/tracks")
@public
def tracks(year: int):
    edition = queries.visible_edition(year)
    return render_template("editions/tracks.html", edition=edition,
                           tracks=queries.by_track(queries.published_sessions(edition)))


@bp.get("/<int:year>/speakers")
@public
def speakers(year: int):
    edition = queries.visible_edition(year)
    return render_template("editions/speakers.html", edition=edition,
                           speakers=queries.speakers_of(queries.published_sessions(edition)))


@bp.get("/<int:year>/sessions/<int:session_id>")
@public
def session(year: int, session_id: int):
    edition = queries.visible_edition(year)
    item = queries.public_session(edition, session_id)
    occ = room_occupancy(edition).get(item.room_id)
    return render_template("editions/session.html", edition=edition, session=item,
                           occupancy=occ if occ is not None and occ.session is item else None,
                           seats_left=seats.seats_left(item) if item.registration_required
                           else None, seats_open=utcnow() < seats.open_until(item))


@bp.get("/<int:year>/now")
@public
def now(year: int):
    edition = queries.visible_edition(year)
    moment = None
    raw = request.args.get("at", "")
    if "T" in raw:
        moment = queries.parse_moment(*raw.split("T", 1))
    moment = moment or to_paris(utcnow())
    return render_template("editions/now.html", edition=edition, moment=moment.astimezone(PARIS),
                           day=festival_days.festival_day(edition, moment),
                           rooms=queries.now_and_next(edition, moment),
                           occupancy={} if raw else room_occupancy(edition),
                           frozen=bool(raw))


@bp.get("/<int:year>/exhibitors")
@public
def exhibitors(year: int):
    edition = queries.visible_edition(year)
    return render_template("editions/exhibitors.html", edition=edition,
                           stands=queries.approved_exhibitors(edition))


@bp.get("/<int:year>/billetterie")
@public
def tickets(year: int):
    """A short French address for posters; the shop itself is ticketing.shop."""
    return redirect(url_for("ticketing.shop", year=year))


# Exports ------------------------------------------------------------------------------------

def _download(body: bytes | str, mimetype: str, filename: str | None = None) -> Response:
    """A public export that apps poll: readable from other sites, and a 304 when unchanged."""
    response = Response(body, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return conditional(response)


@bp.get("/<int:year>/schedule.xml")
@public
def schedule_xml_export(year: int):
    edition = queries.visible_edition(year)
    body = schedule_xml(edition, queries.listed_sessions(edition))
    return _download(body, "application/xml")


@bp.get("/<int:year>/schedule.json")
@public
def schedule_json_export(year: int):
    edition = queries.visible_edition(year)
    data = schedule_json(edition, queries.listed_sessions(edition),
                         version=current_app.config.get("VERSION", "0.1.0"))
    return _download(json.dumps(data, ensure_ascii=False, indent=1), "application/json")


@bp.get("/<int:year>/programme.ics")
@public
def programme_ics(year: int):
    edition = queries.visible_edition(year)
    body = programme_ical(edition, queries.listed_sessions(edition))
    return _download(body, "text/calendar", f"almoggar-{edition.year}.ics")


@bp.get("/<int:year>/agenda")
@public
def agenda(year: int):
    """The visitor's own agenda: every session of the programme, of which the page's script
    shows those starred in this browser (nothing is stored on the server)."""
    edition = queries.visible_edition(year)
    return render_template("editions/agenda.html", edition=edition,
                           sessions=queries.published_sessions(edition),
                           limit=queries.AGENDA_LIMIT)


@bp.get("/<int:year>/agenda.ics")
@public
def agenda_ics(year: int):
    """The starred sessions (`?s=12,15,…`, as the agenda page writes it) as a calendar."""
    edition = queries.visible_edition(year)
    try:
        ids = queries.agenda_ids(request.args.get("s", ""))
    except ValueError as error:
        abort(400, description=str(error))
    chosen = [s for s in queries.listed_sessions(edition) if s.id in ids]
    return _download(programme_ical(edition, chosen), "text/calendar",
                     f"almoggar-{edition.year}-agenda.ics")


@bp.get("/<int:year>/sessions/<int:session_id>.ics")
@public
def session_ics(year: int, session_id: int):
    edition = queries.visible_edition(year)
    item = queries.public_session(edition, session_id)
    return _download(session_ical(edition, item), "text/calendar",
                     f"almoggar-{edition.year}-{item.id}.ics")


@bp.get("/speakers/photos/<name>")
@public
def speaker_photo(name: str):
    if "/" in name or not name.endswith(".jpg"):
        abort(404)
    response = send_from_directory(photo_folder(), name, mimetype="image/jpeg",
                                   max_age=7 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# A member association's stand ---------------------------------------------------------------

@bp.route("/<int:year>/stand", methods=["GET", "POST"])
@roles(Role.ASSOCIATION)
def stand(year: int):
    """The representative of a member association asks for (or changes) its stand."""
    edition = queries.edition_for_year(year)
    association = current_user.association
    mine = queries.stand_of(edition, current_user.association_id)
    form = StandRequestForm(obj=mine if request.method == "GET" and mine else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.request_stand(edition, {
                "size": form.size.data, "needs_electricity": form.needs_electricity.data,
                "tables": form.tables.data, "chairs": form.chairs.data,
                "showcase": form.showcase.data, "other_needs": form.other_needs.data,
            }, actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("Your stand request has been sent to the organisers."), "success")
            return redirect(url_for("editions.stand", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("editions/stand.html", edition=edition, form=form, stand=mine,
                           association=association), status


@bp.post("/<int:year>/stand/withdraw")
@roles(Role.ASSOCIATION)
def stand_withdraw(year: int):
    edition = queries.edition_for_year(year)
    mine = queries.stand_of(edition, current_user.association_id)
    if mine is None:
        abort(404)
    services.withdraw_stand(mine, actor=current_user)
    flash(_("Your stand request is withdrawn."), "success")
    return redirect(url_for("editions.stand", year=year))
