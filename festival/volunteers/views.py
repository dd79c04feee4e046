"""The volunteers' phone pages: the open shifts of the current edition by day, their own
shifts, signing up and withdrawing (plain forms, no script needed), and a shift's page with
its notes, its lead's phone and the first names of the people on it."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, public, roles
from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import refuse_request
from festival.editions.queries import current_edition
from festival.volunteers import (
    manage_views,  # noqa: F401  (the plan's routes)
    pairing,
    queries,
    services,
)
from festival.volunteers.blueprint import bp
from festival.volunteers.exports import calendar_url, shifts_calendar, user_of_token
from festival.volunteers.forms import EmptyForm
from festival.volunteers.labels import shift_name

# Who reaches the volunteers' pages: volunteers and associations' representatives (the
# services say who may sign up), and organisers, who see what the volunteers see.
HELPERS = (Role.VOLUNTEER, Role.ASSOCIATION, Role.ORGANISER)


def _visible_shift(shift_id: int):
    """A shift a helper may look at: of an edition open to volunteers (organisers: any)."""
    shift = queries.shift_in_edition_any(shift_id)
    if shift is None:
        abort(404)
    if not services.open_to_volunteers(shift.edition) and current_user.role not in (
            Role.ORGANISER, Role.ADMIN):
        abort(404)
    return shift


@bp.get("/volunteer")
@roles(*HELPERS)
def home():
    """The phone page: my shifts, then the shifts to come by day with their places left."""
    edition = current_edition()
    now = utcnow()
    shifts = []
    if edition is not None and services.open_to_volunteers(edition):
        shifts = [s for s in queries.shifts_of(edition.id) if s.ends_at > now]
    mine = [s for s in shifts if queries.holds(s, current_user.id)]
    return render_template("volunteers/home.html", edition=edition, mine=mine,
                           days=queries.by_day(edition, shifts) if edition else [],
                           now=now, may_volunteer=services.may_volunteer(current_user),
                           deadline_of=services.deadline_of, holds=queries.holds,
                           deadline_hours=services.deadline_hours(), form=EmptyForm(),
                           calendar_url=calendar_url(current_user))


@bp.get("/volunteer/shifts/<int:shift_id>")
@roles(*HELPERS)
def shift(shift_id: int):
    item = _visible_shift(shift_id)
    on_it = queries.holds(item, current_user.id)
    insider = on_it or current_user.role in (Role.ORGANISER, Role.ADMIN)
    return render_template("volunteers/shift.html", shift=item, on_it=on_it, insider=insider,
                           now=utcnow(), deadline=services.deadline_of(item),
                           may_volunteer=services.may_volunteer(current_user),
                           language=str(get_locale() or "fr"),
                           pairing=pairing.pairing_offered(item, current_user, utcnow()),
                           form=EmptyForm())


def _back(item):
    """Back to the page the button was on: the list (its hidden field `back`) or the shift."""
    if request.form.get("back") == "home":
        return redirect(url_for("volunteers.home", _anchor=f"shift-{item.id}"), 303)
    return redirect(url_for("volunteers.shift", shift_id=item.id), 303)


@bp.post("/volunteer/shifts/<int:shift_id>/sign-up")
@roles(*HELPERS)
def sign_up(shift_id: int):
    item = _visible_shift(shift_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        services.sign_up(item, current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("You are on %(shift)s. Thank you!", shift=shift_name(item)), "success")
    return _back(item)


@bp.post("/volunteer/shifts/<int:shift_id>/withdraw")
@roles(*HELPERS)
def withdraw(shift_id: int):
    item = _visible_shift(shift_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        services.withdraw(item, current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("You are no longer on %(shift)s.", shift=shift_name(item)), "success")
    return _back(item)


# The argument is named `token` so that it is masked wherever the address is logged
# (core.masking).
@bp.get("/volunteer/calendar/<token>.ics")
@public
def calendar(token: str):
    """A volunteer's own shifts, for calendar apps (no login: the signed token decides)."""
    user = user_of_token(token)
    if user is None:
        abort(404)
    language = user.language if user.language in services.LANGUAGES else "fr"
    body = shifts_calendar(user, queries.shifts_of_user(user.id), language)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="almoggar-shifts.ics"',
                             "Cache-Control": "no-store"})


@bp.post("/volunteer/shifts/<int:shift_id>/pair")
@roles(*HELPERS)
def pair(shift_id: int):
    """One tap on the shift's page: this phone scans at the shift's gate until it ends."""
    item = _visible_shift(shift_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        device, token = pairing.pair_for_shift(item, current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
        return redirect(url_for("volunteers.shift", shift_id=item.id), 303)
    html = render_template("checkin/paired.html", device=device, token=token)
    return Response(html, headers={"Cache-Control": "no-store"})
