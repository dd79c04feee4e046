"""The organisers' shift plan of an edition: the shifts by day, a shift's form and its
people (assign, remove, move), and "now": who is on which post, and the shifts missing
people."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.checkin.queries import lists_of
from festival.core import spreadsheet
from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.forms import refuse
from festival.core.timeutil import paris_to_utc, to_paris, utcnow
from festival.core.unit_of_work import refuse_request
from festival.editions import queries as edition_queries
from festival.volunteers import queries, services
from festival.volunteers.blueprint import bp
from festival.volunteers.exports import plan_table
from festival.volunteers.forms import AssignForm, EmptyForm, MoveForm, ShiftForm
from festival.volunteers.labels import shift_name
from festival.volunteers.models import Shift

PREFIX = "/manage/editions/<int:year>/shifts"


def _edition(year: int):
    return edition_queries.edition_for_year(year, include_drafts=True)


def _shift(edition, shift_id: int) -> Shift:
    item = queries.shift_in_edition(edition.id, shift_id)
    if item is None:
        abort(404)
    return item


def _form(edition, item: Shift | None = None) -> ShiftForm:
    form = ShiftForm(obj=None)
    if item is not None and not form.is_submitted():
        starts, ends = to_paris(item.starts_at), to_paris(item.ends_at)
        form.task.data, form.title.data = item.task.value, item.title
        form.checkin_list_id.data, form.room_id.data = item.checkin_list_id, item.room_id
        form.day.data, form.start_time.data, form.end_time.data = \
            starts.date(), starts.time(), ends.time()
        form.people_needed.data = item.people_needed
        for lang in services.LANGUAGES:
            getattr(form, f"notes_{lang}").data = (item.notes or {}).get(lang, "")
        form.lead_id.data, form.lead_phone.data = item.lead_id, item.lead_phone
    elif item is None and not form.is_submitted() and edition.first_day:
        form.day.data = edition.first_day
    form.fill_choices(edition, lists_of(edition.id), queries.placeable_people())
    return form


def _data(form: ShiftForm) -> dict:
    """The form's Paris wall-clock day and times as UTC instants; an end earlier than the
    start is the next morning."""
    starts = paris_to_utc(form.day.data, form.start_time.data)
    end_day = form.day.data + timedelta(days=1) \
        if form.end_time.data <= form.start_time.data else form.day.data
    ends: datetime = paris_to_utc(end_day, form.end_time.data)
    return {"task": form.task.data, "title": form.title.data,
            "checkin_list_id": form.checkin_list_id.data, "room_id": form.room_id.data,
            "starts_at": starts, "ends_at": ends, "people_needed": form.people_needed.data,
            "notes": form.notes(), "lead_id": form.lead_id.data,
            "lead_phone": form.lead_phone.data}


RENAMES = {"starts_at": "start_time", "ends_at": "end_time"}


@bp.get(PREFIX)
@roles(Role.ORGANISER)
def manage(year: int):
    edition = _edition(year)
    shifts = queries.shifts_of(edition.id)
    return render_template("volunteers/manage/plan.html", edition=edition,
                           days=queries.by_day(edition, shifts), count=len(shifts),
                           missing=sum(s.places_left for s in shifts))


@bp.route(PREFIX + "/new", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def new_shift(year: int):
    edition = _edition(year)
    form = _form(edition)
    status = 200
    if form.validate_on_submit():
        try:
            item = services.create_shift(edition, _data(form), actor=current_user)
        except DomainError as error:
            status = refuse(form, error, renames=RENAMES)
        else:
            flash(_("Shift “%(shift)s” added.", shift=shift_name(item)), "success")
            return redirect(url_for("volunteers.edit_shift", year=year, shift_id=item.id), 303)
    elif form.is_submitted():
        status = 422
    return render_template("volunteers/manage/shift.html", edition=edition, form=form,
                           shift=None), status


@bp.route(PREFIX + "/<int:shift_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def edit_shift(year: int, shift_id: int):
    edition = _edition(year)
    item = _shift(edition, shift_id)
    form = _form(edition, item)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_shift(item, _data(form), actor=current_user)
        except DomainError as error:
            status = refuse(form, error, renames=RENAMES)
            item = _shift(edition, shift_id)
        else:
            flash(_("Shift saved."), "success")
            return redirect(url_for("volunteers.edit_shift", year=year, shift_id=item.id), 303)
    elif form.is_submitted():
        status = 422
    return _shift_page(edition, item, form, status)


def _shift_page(edition, item: Shift, form: ShiftForm, status: int = 200):
    assign_form = AssignForm(formdata=None)
    taken = {a.user_id for a in item.people}
    assign_form.user_id.choices = [("", _("Choose…"))] + [
        (str(u.id), u.display_name) for u in queries.placeable_people() if u.id not in taken]
    move_form = MoveForm(formdata=None)
    move_form.to_shift_id.choices = [(str(s.id), shift_name(s))
                                     for s in queries.shifts_of(edition.id) if s.id != item.id]
    return render_template("volunteers/manage/shift.html", edition=edition, form=form,
                           shift=item, assign_form=assign_form, move_form=move_form,
                           button=EmptyForm(formdata=None)), status


@bp.post(PREFIX + "/<int:shift_id>/delete")
@roles(Role.ORGANISER)
def delete_shift(year: int, shift_id: int):
    edition = _edition(year)
    item = _shift(edition, shift_id)
    if not EmptyForm().validate():
        abort(400)
    name = shift_name(item)
    try:
        services.delete_shift(item, actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
        return redirect(url_for("volunteers.edit_shift", year=year, shift_id=shift_id), 303)
    flash(_("Shift “%(shift)s” deleted.", shift=name), "success")
    return redirect(url_for("volunteers.manage", year=year), 303)


def _after(year: int, shift_id: int):
    return redirect(url_for("volunteers.edit_shift", year=year, shift_id=shift_id,
                            _anchor="people"), 303)


@bp.post(PREFIX + "/<int:shift_id>/assign")
@roles(Role.ORGANISER)
def assign(year: int, shift_id: int):
    edition = _edition(year)
    item = _shift(edition, shift_id)
    form = AssignForm()
    if not form.validate():
        abort(400)
    person = queries.placeable_person(form.user_id.data)
    try:
        services.assign(item, person, actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message if error.code != "validation_failed"
              else _("Choose a volunteer."), "error")
    else:
        flash(_("%(name)s is on this shift.", name=person.display_name), "success")
    return _after(year, shift_id)


def _assignment(item: Shift, assignment_id: int):
    found = queries.assignment_of(item, assignment_id)
    if found is None:
        abort(404)
    return found


@bp.post(PREFIX + "/<int:shift_id>/people/<int:assignment_id>/remove")
@roles(Role.ORGANISER)
def remove_person(year: int, shift_id: int, assignment_id: int):
    edition = _edition(year)
    item = _shift(edition, shift_id)
    found = _assignment(item, assignment_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        services.unassign(found, actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("%(name)s is no longer on this shift.", name=found.user.display_name),
              "success")
    return _after(year, shift_id)


@bp.post(PREFIX + "/<int:shift_id>/people/<int:assignment_id>/move")
@roles(Role.ORGANISER)
def move_person(year: int, shift_id: int, assignment_id: int):
    edition = _edition(year)
    item = _shift(edition, shift_id)
    found = _assignment(item, assignment_id)
    form = MoveForm()
    if not form.validate():
        abort(400)
    target = queries.shift_in_edition(edition.id, form.to_shift_id.data or 0)
    if target is None:
        flash(_("Choose another shift of this edition."), "error")
        return _after(year, shift_id)
    try:
        services.move(found, target, actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
        return _after(year, shift_id)
    flash(_("%(name)s moved to %(shift)s.", name=found.user.display_name,
            shift=shift_name(target)), "success")
    return _after(year, target.id)


@bp.get(PREFIX + "/now")
@roles(Role.ORGANISER)
def now(year: int):
    """On the day: who is on which post now, and the shifts (now or soon) missing people."""
    edition = _edition(year)
    moment = utcnow()
    return render_template("volunteers/manage/now.html", edition=edition, moment=moment,
                           view=queries.now_view(edition.id, moment), soon=queries.SOON)


@bp.get(PREFIX + "/export.<any(csv, xlsx):fmt>")
@roles(Role.ORGANISER)
def export(year: int, fmt: str):
    """The plan as a spreadsheet: a row per person on a shift."""
    edition = _edition(year)
    body = spreadsheet.write(plan_table(edition, queries.shifts_of(edition.id)), fmt)
    stamp = to_paris(utcnow()).strftime("%Y-%m-%d")
    return Response(body, mimetype=spreadsheet.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="almoggar-{edition.year}-shifts-'
                               f'{stamp}.{fmt}"',
        "Cache-Control": "no-store"})
