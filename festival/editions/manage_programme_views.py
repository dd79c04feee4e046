"""Back office of the programme (organisers): rooms, sessions with their clash warnings, the
conflicts page, and speakers."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from festival.associations.labels import THEME_LABELS
from festival.core.access import Role, roles
from festival.core.errors import DomainError, NotFound, ValidationError
from festival.core.forms import choices, refuse
from festival.core.timeutil import paris_to_utc, to_paris
from festival.core.translated import InFrench
from festival.core.unit_of_work import refuse_request
from festival.editions import queries, services
from festival.editions.clashes import ClashError, Placement, clashes_for, edition_clashes
from festival.editions.days import cutoff_of, instant_of
from festival.editions.forms import RoomForm, SessionForm, SpeakerForm, ThemeForm
from festival.editions.models import ProgrammeSession, Room, Speaker
from festival.editions.themes import theme_choices

bp = Blueprint("manage_programme", __name__, url_prefix="/manage")


def _edition(year: int):
    return queries.edition_for_year(year, include_drafts=True)


# Rooms --------------------------------------------------------------------------------------

def _room_form(edition, room: Room | None = None) -> RoomForm:
    form = RoomForm(obj=InFrench(room), texts_of=room) if room is not None else RoomForm()
    form.venue_id.choices = choices([(0, _("— none —"))] +
                                    [(v.id, v.name) for v in edition.venues])
    form.overflow_room_id.choices = choices(
        [(0, _("— no other room —"))] +
        [(r.id, r.name) for r in edition.rooms if room is None or r.id != room.id])
    if room is not None and request.method == "GET":
        form.fill_texts(room)
        form.venue_id.data = room.venue_id or 0
        form.overflow_room_id.data = room.overflow_room_id or 0
    return form


def _room_data(form: RoomForm) -> dict:
    return {"name": form.texts("name"), "description": form.texts("description"),
            "capacity": form.capacity.data, "opens_at": form.opens_at.data,
            "closes_at": form.closes_at.data, "venue_id": form.venue_id.data or None,
            "position": form.position.data or 0,
            "overflow_room_id": form.overflow_room_id.data or None,
            "stream_url": form.stream_url.data or ""}


@bp.route("/editions/<int:year>/rooms", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def rooms(year: int):
    edition = _edition(year)
    form = _room_form(edition)
    status = 200
    if form.validate_on_submit():
        try:
            room = services.create_room(edition, _room_data(form), actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
            edition = _edition(year)
        else:
            flash(_("Room “%(name)s” added.", name=room.name), "success")
            return redirect(url_for("manage_programme.rooms", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/rooms.html", edition=edition, form=form), status


@bp.route("/editions/<int:year>/rooms/<int:room_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def room(year: int, room_id: int):
    edition = _edition(year)
    item = queries.room_in_edition(edition, room_id)
    form = _room_form(edition, item)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_room(item, _room_data(form), actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("Room saved."), "success")
            return redirect(url_for("manage_programme.rooms", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/room.html", edition=edition, room=item,
                           form=form), status


# Sessions -----------------------------------------------------------------------------------

@bp.get("/editions/<int:year>/sessions")
@roles(Role.ORGANISER)
def sessions(year: int):
    edition = _edition(year)
    items = queries.all_sessions(edition)
    found = edition_clashes(edition)
    clashing = {c.session_id for c in found} | {c.other.id for c in found if c.other}
    days = sorted({queries.day_of(s) for s in items})
    return render_template("editions/manage/sessions.html", edition=edition, days=days,
                           sessions=items, clashing=clashing, day_of=queries.day_of)


# The grid: sessions moved by drag and drop --------------------------------------------------

# The organisers' grid spans at least these hours (Paris), so that a session can be dropped
# before the first one or after the last.
GRID_OPENS, GRID_CLOSES = time(9, 0), time(23, 0)


def _grid_day(edition, raw: str | None) -> date | None:
    days = edition.dates
    try:
        chosen = date.fromisoformat(raw or "")
    except ValueError:
        chosen = None
    return chosen if chosen in days else (days[0] if days else None)


@bp.get("/editions/<int:year>/grid")
@roles(Role.ORGANISER)
def grid(year: int):
    """The day's sessions (drafts too) drawn to scale, one column per room; a session is moved
    by dragging it (static/js/programme-grid.js), the clashes shown before it is saved."""
    edition = _edition(year)
    day = _grid_day(edition, request.args.get("day"))
    of_day = [s for s in queries.all_sessions(edition)
              if day is not None and queries.day_of(s) == day and not s.is_cancelled]
    spans = (paris_to_utc(day, GRID_OPENS), paris_to_utc(day, GRID_CLOSES)) if day else None
    found = edition_clashes(edition)
    clashing = {c.session_id for c in found} | {c.other.id for c in found if c.other}
    return render_template(
        "editions/manage/grid.html", edition=edition, day=day, clashing=clashing,
        grid=queries.day_grid(of_day, edition.rooms, every_room=True, spans=spans))


def _move_target(edition, form) -> tuple[int, datetime]:
    """The room and start of a drop: `room_id`, `day` (a day of the edition) and `start`
    (HH:MM, Paris, on one of the grid's lines, during that festival day: past midnight on a
    grid that runs so late, it is the next morning). Errors: validation_failed."""
    try:
        room_id = int(form.get("room_id", ""))
        day = date.fromisoformat(form.get("day", ""))
        start = time.fromisoformat(form.get("start", ""))
    except ValueError:
        raise ValidationError({"start": [_l("Drop the session on a room at a time.")]}) from None
    if (day not in edition.dates or start.second or start.microsecond or start.tzinfo
            or timedelta(minutes=start.minute) % queries.GRID_STEP):
        raise ValidationError({"start": [_l("Drop the session on a room at a time.")]})
    return room_id, instant_of(day, start, cutoff_of(edition))


def _clash_answer(clashes) -> list[str]:
    return [c.message for c in clashes]


@bp.post("/editions/<int:year>/sessions/<int:session_id>/move")
@roles(Role.ORGANISER)
def move(year: int, session_id: int):
    """A drop on the grid: `check=1` answers the clashes the move would add, without saving;
    otherwise the move is saved (with `confirm_clashes=1` despite new clashes). JSON."""
    edition = _edition(year)
    item = queries.session_in_edition(edition, session_id)
    try:
        room_id, starts_at = _move_target(edition, request.form)
        dry_run = request.form.get("check") == "1"
        _session, clashes = services.move_session(
            item, room_id, starts_at, actor=current_user, dry_run=dry_run,
            confirm_clashes=request.form.get("confirm_clashes") == "1")
    except ClashError as error:
        refuse_request()
        return jsonify(saved=False, clashes=_clash_answer(error.clashes)), 409
    except DomainError as error:
        refuse_request()
        messages = [str(m) for ms in (error.fields or {}).values() for m in ms]
        return jsonify(saved=False, error=str(error.message), details=messages), error.status
    room = queries.room_in_edition(edition, room_id)
    ends_at = starts_at + (item.ends_at - item.starts_at) if dry_run else item.ends_at
    answer = {"saved": not dry_run, "clashes": _clash_answer(clashes), "room": room.name,
              "span": f"{to_paris(starts_at):%H:%M}–{to_paris(ends_at):%H:%M}",
              "title": item.title}
    if not dry_run:
        flash(_("“%(title)s” moved to %(room)s, %(span)s.", title=item.title,
                room=room.name, span=answer["span"]), "success")
    return jsonify(answer)


@bp.get("/editions/<int:year>/conflicts")
@roles(Role.ORGANISER)
def conflicts(year: int):
    edition = _edition(year)
    return render_template("editions/manage/conflicts.html", edition=edition,
                           clashes=edition_clashes(edition), day_of=queries.day_of)


# The service speaks of instants; the form of a day and two wall-clock times.
SESSION_FORM_FIELDS = {"starts_at": "start_time", "ends_at": "end_time"}


def _session_form(edition, item: ProgrammeSession | None) -> SessionForm:
    form = SessionForm(texts_of=item)
    # The form's day is a calendar date, combined with its wall-clock times (a session at
    # 01:30 after a Saturday evening is on Sunday's date).
    days = list(edition.dates)
    if item is not None and to_paris(item.starts_at).date() not in days:
        days = sorted(days + [to_paris(item.starts_at).date()])
    form.day.choices = choices((d.isoformat(), format_date(d, "EEEE d MMMM")) for d in days)
    form.room_id.choices = choices((r.id, r.name) for r in edition.rooms)
    form.speaker_ids.choices = choices((s.id, s.name) for s in queries.all_speakers())
    form.theme.choices = choices([("", _("— none —"))] + theme_choices(edition))
    if item is not None and request.method == "GET":
        start, end = to_paris(item.starts_at), to_paris(item.ends_at)
        texts = {(name if lang == "fr" else f"{name}_{lang}"): text
                 for name in ("title", "abstract")
                 for lang, text in item.texts_of(name).items()}
        form.process(data={
            **texts, "kind": item.kind.value,
            "languages": [lang.value for lang in item.languages],
            "pole": item.pole.value if item.pole else "", "theme": item.theme,
            "day": start.date().isoformat(), "start_time": start.time(),
            "end_time": end.time(), "room_id": item.room_id,
            "speaker_ids": [s.id for s in item.speakers], "status": item.status.value,
            "is_highlight": item.is_highlight, "capacity": item.capacity,
            "registration_required": item.registration_required})
    return form


def _session_data(form: SessionForm) -> dict:
    day = date.fromisoformat(form.day.data)
    start = paris_to_utc(day, form.start_time.data)
    end_day = day + timedelta(days=1) if form.end_time.data <= form.start_time.data else day
    return {"title": form.texts("title"), "kind": form.kind.data,
            "abstract": form.texts("abstract"),
            "languages": form.languages.data or [], "pole": form.pole.data or None,
            "theme": " ".join((form.new_theme.data or "").split()) or form.theme.data or "",
            "room_id": form.room_id.data, "starts_at": start,
            "ends_at": paris_to_utc(end_day, form.end_time.data),
            "speaker_ids": form.speaker_ids.data or [], "status": form.status.data,
            "is_highlight": form.is_highlight.data, "capacity": form.capacity.data,
            "registration_required": form.registration_required.data}


def _session_page(edition, item: ProgrammeSession | None):
    form = _session_form(edition, item)
    warnings, status = [], 200
    if item is not None and request.method == "GET":
        warnings = clashes_for(edition, Placement.of(item))
    if form.validate_on_submit():
        data = _session_data(form)
        try:
            if item is None:
                saved, clashes = services.create_session(
                    edition, data, actor=current_user, confirm_clashes=form.confirm_clashes.data)
            else:
                saved, clashes = services.update_session(
                    item, data, actor=current_user, confirm_clashes=form.confirm_clashes.data)
        except ClashError as error:
            refuse_request()
            warnings, status = error.clashes, 409
            form.confirm_clashes.data = False
        except DomainError as error:
            status = refuse(form, error, renames=SESSION_FORM_FIELDS)
        else:
            if clashes:
                flash(_("Session saved with %(n)s clash(es): see the conflicts page.",
                        n=len(clashes)), "warning")
            else:
                flash(_("Session “%(title)s” saved.", title=saved.title), "success")
            return redirect(url_for("manage_programme.session", year=edition.year,
                                    session_id=saved.id))
        edition = _edition(edition.year)
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/session.html", edition=edition, session=item,
                           form=form, warnings=warnings, ready=bool(edition.days and
                                                                    edition.rooms)), status


@bp.route("/editions/<int:year>/sessions/new", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def new_session(year: int):
    return _session_page(_edition(year), None)


@bp.route("/editions/<int:year>/sessions/<int:session_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def session(year: int, session_id: int):
    edition = _edition(year)
    item = queries.session_in_edition(edition, session_id)
    return _session_page(edition, item)


# Themes -------------------------------------------------------------------------------------

@bp.route("/editions/<int:year>/themes", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def themes(year: int):
    """The themes sessions take: the registry's (translated with the interface) and the
    edition's own, named by the organisers in each language."""
    edition = _edition(year)
    form = ThemeForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = services.create_theme(edition, form.texts("label"),
                                                  actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
            edition = _edition(year)
        else:
            flash(_("Theme “%(name)s” added.", name=created.label), "success")
            return redirect(url_for("manage_programme.themes", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/themes.html", edition=edition, form=form,
                           registry=THEME_LABELS.values()), status


@bp.route("/editions/<int:year>/themes/<int:theme_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def theme(year: int, theme_id: int):
    edition = _edition(year)
    item = next((row for row in edition.themes if row.id == theme_id), None)
    if item is None:
        raise NotFound("theme_not_found", _("There is no such theme in this edition."))
    form = ThemeForm(texts_of=item)
    if request.method == "GET":
        form.fill_texts(item)
    status = 200
    if form.validate_on_submit():
        try:
            services.set_theme_names(item, form.texts("label"), actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("Theme saved."), "success")
            return redirect(url_for("manage_programme.themes", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/theme.html", edition=edition, theme=item,
                           form=form), status


# Speakers -----------------------------------------------------------------------------------

def _speaker_form(speaker: Speaker | None = None) -> SpeakerForm:
    form = (SpeakerForm(obj=InFrench(speaker), texts_of=speaker) if speaker is not None
            else SpeakerForm())
    form.association_id.choices = choices(
        [(0, _("— none —"))] + [(a.id, a.name) for a in queries.member_associations()])
    if speaker is not None and request.method == "GET":
        form.fill_texts(speaker)
        form.association_id.data = speaker.association_id or 0
    return form


def _save_speaker(form: SpeakerForm, speaker: Speaker | None) -> Speaker:
    data = {"name": form.name.data, "bio": form.texts("bio"),
            "association_id": form.association_id.data or None}
    if speaker is None:
        speaker = services.create_speaker(data, actor=current_user)
    else:
        services.update_speaker(speaker, data, actor=current_user)
    if form.photo.data:
        services.set_speaker_photo(speaker, form.photo.data.stream, actor=current_user)
    elif form.remove_photo.data:
        services.set_speaker_photo(speaker, None, actor=current_user)
    return speaker


@bp.route("/speakers", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def speakers():
    form = _speaker_form()
    status = 200
    if form.validate_on_submit():
        try:
            speaker = _save_speaker(form, None)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("Speaker “%(name)s” added.", name=speaker.name), "success")
            return redirect(url_for("manage_programme.speakers"))
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/speakers.html", form=form,
                           speakers=queries.all_speakers(),
                           counts=queries.speaker_session_counts()), status


@bp.route("/speakers/<int:speaker_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def speaker(speaker_id: int):
    item = queries.speaker_or_404(speaker_id)
    form = _speaker_form(item)
    status = 200
    if form.validate_on_submit():
        try:
            _save_speaker(form, item)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("Speaker saved."), "success")
            return redirect(url_for("manage_programme.speakers"))
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/speaker.html", speaker=item, form=form), status


