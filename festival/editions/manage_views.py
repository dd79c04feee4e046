"""Back office of the editions (organisers): details, days, status, venues, organisers and
the exhibitors' stand requests. The programme has its own module (manage_programme_views)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.config import LANGUAGES
from festival.core.access import Role, roles
from festival.core.errors import DomainError, NotFound
from festival.core.forms import choices, refuse
from festival.core.unit_of_work import refuse_request
from festival.editions import queries, services
from festival.editions.clashes import edition_clashes
from festival.editions.forms import (
    DaysPracticalForm,
    EditionCreateForm,
    EditionDetailsForm,
    OrganiserForm,
    StandDecisionForm,
    StatusForm,
    VenueDetailsForm,
    VenueForm,
)
from festival.editions.labels import EDITION_STATUS
from festival.editions.models import EditionOrganiser, StandRequest, StandStatus, Venue
from festival.editions.translation_gaps import FIELD_LABELS, translation_gaps
from festival.extensions import db

bp = Blueprint("manage_editions", __name__, url_prefix="/manage/editions")


def _edition(year: int):
    return queries.edition_for_year(year, include_drafts=True)


@bp.route("", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def index():
    form = EditionCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            edition = services.create_edition(
                year=form.year.data, title=form.title.data, tagline=form.tagline.data,
                description=form.description.data, days=form.day_values(), actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("Edition %(year)s created as a draft.", year=edition.year), "success")
            return redirect(url_for("manage_editions.edition", year=edition.year))
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/index.html", form=form,
                           editions=queries.all_editions()), status


def _days_form(edition, form: DaysPracticalForm | None = None) -> DaysPracticalForm:
    """The days' venues and door hours: as they are, or as sent (with their errors)."""
    if form is None:
        form = DaysPracticalForm(formdata=None, data={"days": [
            {"day": d.day.isoformat(), "venue_id": d.venue_id or 0,
             "doors_open": d.doors_open, "doors_close": d.doors_close}
            for d in edition.days]})
    main = edition.main_venue
    venue_choices = choices(
        [(0, _("Main venue (%(name)s)", name=main.name) if main else _("Main venue"))]
        + [(v.id, v.name) for v in edition.venues[1:]])
    for entry in form.days:
        entry.venue_id.choices = venue_choices
    return form


def _edition_page(edition, *, form=None, venue_form=None, organiser_form=None,
                  days_form=None, status=200):
    if form is None:
        texts = {(name if lang == "fr" else f"{name}_{lang}"): text
                 for name in ("title", "tagline", "description")
                 for lang, text in edition.texts_of(name).items()}
        form = EditionDetailsForm(formdata=None, data={
            **texts, "days": edition.dates + [None], "day_cutoff": edition.day_cutoff})
    organiser_form = organiser_form or OrganiserForm(formdata=None)
    taken = {o.association_id for o in edition.organisers}
    organiser_form.association_id.choices = choices(
        (a.id, a.name) for a in queries.member_associations() if a.id not in taken)
    return render_template(
        "editions/manage/edition.html", edition=edition, form=form,
        venue_form=venue_form or VenueForm(formdata=None), organiser_form=organiser_form,
        days_form=_days_form(edition, days_form),
        clash_count=len(edition_clashes(edition)),
        session_count=len(queries.all_sessions(edition)),
        **_gaps(edition),
        stand_count=len(queries.stand_requests(edition))), status


def _gaps(edition) -> dict:
    counts, missing = translation_gaps(edition)
    return {"untranslated": counts, "missing_texts": missing, "field_labels": FIELD_LABELS}


@bp.route("/<int:year>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def edition(year: int):
    edition = _edition(year)
    if request.method == "GET":
        return _edition_page(edition)
    form = EditionDetailsForm(texts_of=edition)
    if not form.validate():
        return _edition_page(edition, form=form, status=422)
    try:
        services.update_edition(edition, {
            "title": form.texts("title"), "tagline": form.texts("tagline"),
            "description": form.texts("description"), "days": form.day_values(),
            "day_cutoff": form.day_cutoff.data},
            actor=current_user)
    except DomainError as error:
        status = refuse(form, error)
        return _edition_page(_edition(year), form=form, status=status)
    flash(_("Edition %(year)s saved.", year=year), "success")
    return redirect(url_for("manage_editions.edition", year=year))


@bp.post("/<int:year>/days")
@roles(Role.ORGANISER)
def days_practical(year: int):
    """Each day's venue and door hours, all saved together or none."""
    edition = _edition(year)
    form = _days_form(edition, DaysPracticalForm())
    if not form.validate():
        return _edition_page(edition, days_form=form, status=422)
    changes = [{"day": form.date_of(entry), "venue_id": entry.venue_id.data or None,
                "doors_open": entry.doors_open.data, "doors_close": entry.doors_close.data}
               for entry in form.days]
    try:
        services.update_days_practical(edition, changes, actor=current_user)
    except DomainError as error:
        status = refuse(_place_day_errors(form, error), error)
        return _edition_page(_edition(year), days_form=_days_form(_edition(year), form),
                             status=status)
    flash(_("Venues and door hours saved."), "success")
    return redirect(url_for("manage_editions.edition", year=year) + "#days")


def _place_day_errors(form: DaysPracticalForm, error: DomainError) -> DaysPracticalForm:
    """Put the service's "days-<index>-<field>" errors on the rows' fields, the others (a day
    that is not the edition's) above the form; `refuse` adds the error's message."""
    for name, messages in (error.fields or {}).items():
        index, _sep, field = name.removeprefix("days-").partition("-")
        entry = form.days.entries[int(index)] if index.isdigit() and \
            int(index) < len(form.days.entries) else None
        target = getattr(entry.form, field, None) if entry is not None else None
        if target is None or field == "day":
            form.form_errors.extend(messages)
        else:
            target.errors = list(target.errors) + list(messages)
    error.fields = {}
    return form


@bp.post("/<int:year>/status")
@roles(Role.ORGANISER)
def change_status(year: int):
    edition = _edition(year)
    form = StatusForm()
    if form.validate():
        try:
            change = services.change_edition_status(
                edition, form.status.data, actor=current_user, note=form.note.data or "",
                confirm=form.confirm.data)
        except DomainError as error:
            refuse_request()
            messages = [str(m) for msgs in error.fields.values() for m in msgs]
            flash(" ".join([str(error.message)] + messages), "error")
        else:
            flash(_("Edition %(year)s is now “%(status)s”.", year=year,
                    status=EDITION_STATUS[change.to_status]), "success")
    else:
        flash(_("This change could not be understood."), "error")
    return redirect(url_for("manage_editions.edition", year=year) + "#status")


@bp.post("/<int:year>/venues")
@roles(Role.ORGANISER)
def add_venue(year: int):
    edition = _edition(year)
    form = VenueForm()
    if form.validate():
        try:
            services.add_venue(edition, _venue_data(form), actor=current_user)
        except DomainError as error:
            return _edition_page(_edition(year), venue_form=form, status=refuse(form, error))
        flash(_("Venue added."), "success")
        return redirect(url_for("manage_editions.edition", year=year) + "#venues")
    return _edition_page(edition, venue_form=form, status=422)


def _venue_data(form: VenueForm) -> dict:
    data = {"name": form.name.data, "address": form.address.data,
            "postcode": form.postcode.data, "city": form.city.data,
            "capacity": form.capacity.data}
    if isinstance(form, VenueDetailsForm):
        data.update(map_url=form.map_url.data, transport=form.texts("transport"),
                    access=form.texts("access"))
    return data


def _venue(edition, venue_id: int) -> Venue:
    venue = db.session.get(Venue, venue_id)
    if venue is None or venue.edition_id != edition.id:
        raise NotFound("venue_not_found", _("There is no such venue in this edition."))
    return venue


@bp.route("/<int:year>/venues/<int:venue_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def venue(year: int, venue_id: int):
    edition = _edition(year)
    item = _venue(edition, venue_id)
    form = VenueDetailsForm(obj=item, data={
        f"{name}_{language}": (getattr(item, name) or {}).get(language, "")
        for name in VenueDetailsForm.NOTES for language in LANGUAGES})
    status = 200
    if form.validate_on_submit():
        try:
            services.update_venue(item, _venue_data(form), actor=current_user)
        except DomainError as error:
            status = refuse(form, error)
        else:
            flash(_("Venue saved."), "success")
            return redirect(url_for("manage_editions.edition", year=year) + "#venues")
    elif form.is_submitted():
        status = 422
    return render_template("editions/manage/venue.html", edition=edition, venue=item,
                           form=form), status


@bp.post("/<int:year>/venues/<int:venue_id>/remove")
@roles(Role.ORGANISER)
def remove_venue(year: int, venue_id: int):
    edition = _edition(year)
    try:
        services.remove_venue(_venue(edition, venue_id), actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(str(error.message), "error")
    else:
        flash(_("Venue removed."), "success")
    return redirect(url_for("manage_editions.edition", year=year) + "#venues")


@bp.post("/<int:year>/organisers")
@roles(Role.ORGANISER)
def add_organiser(year: int):
    edition = _edition(year)
    form = OrganiserForm()
    form.association_id.choices = choices((a.id, a.name) for a in queries.member_associations())
    if form.validate():
        try:
            services.add_organiser(edition, form.association_id.data, form.role.data,
                                   actor=current_user)
        except DomainError as error:
            return _edition_page(_edition(year), organiser_form=form,
                                 status=refuse(form, error))
        flash(_("Organiser added."), "success")
        return redirect(url_for("manage_editions.edition", year=year) + "#organisers")
    return _edition_page(edition, organiser_form=form, status=422)


@bp.post("/<int:year>/organisers/<int:organiser_id>/remove")
@roles(Role.ORGANISER)
def remove_organiser(year: int, organiser_id: int):
    edition = _edition(year)
    organiser = db.session.get(EditionOrganiser, organiser_id)
    if organiser is None or organiser.edition_id != edition.id:
        raise NotFound("organiser_not_found", _("This association does not organise it."))
    try:
        services.remove_organiser(organiser, actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(str(error.message), "error")
    else:
        flash(_("Organiser removed."), "success")
    return redirect(url_for("manage_editions.edition", year=year) + "#organisers")


# Stand requests -----------------------------------------------------------------------------

@bp.get("/<int:year>/stands")
@roles(Role.ORGANISER)
def stands(year: int):
    return _stands_page(_edition(year))


def _stands_page(edition, failed: dict | None = None, status: int = 200):
    order = [StandStatus.REQUESTED, StandStatus.APPROVED, StandStatus.DECLINED,
             StandStatus.WITHDRAWN]
    rows = sorted(queries.stand_requests(edition), key=lambda r: order.index(r.status))
    forms = {stand.id: StandDecisionForm(formdata=None, prefix=f"s{stand.id}",
                                         stand_number=stand.stand_number or "",
                                         zone=stand.zone) for stand in rows}
    forms.update(failed or {})
    return render_template("editions/manage/stands.html", edition=edition, stands=rows,
                           forms=forms), status


@bp.post("/<int:year>/stands/<int:stand_id>")
@roles(Role.ORGANISER)
def decide_stand(year: int, stand_id: int):
    edition = _edition(year)
    stand = db.session.get(StandRequest, stand_id)
    if stand is None or stand.edition_id != edition.id:
        raise NotFound("stand_not_found", _("There is no such stand request."))
    form = StandDecisionForm(prefix=f"s{stand.id}")
    if not form.validate() or not (form.approve.data or form.decline.data):
        if not form.errors:
            form.form_errors.append(_("Choose to approve or to decline the request."))
        return _stands_page(edition, failed={stand.id: form}, status=422)
    try:
        services.decide_stand(stand, approve=bool(form.approve.data),
                              stand_number=form.stand_number.data, zone=form.zone.data,
                              note=form.note.data, actor=current_user)
    except DomainError as error:
        status = refuse(form, error)
        return _stands_page(_edition(year), failed={stand_id: form}, status=status)
    if stand.is_approved:
        flash(_("%(name)s has stand %(number)s.", name=stand.association.name,
                number=stand.stand_number), "success")
    else:
        flash(_("The request of %(name)s is declined.", name=stand.association.name),
              "success")
    return redirect(url_for("manage_editions.stands", year=year) + f"#stand-{stand.id}")
