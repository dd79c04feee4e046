"""The organisers' back office of the registry: the list, the review queue, one association's
record with its history, creating and editing records, decisions, logos and representatives.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.associations import queries, services
from festival.associations.blueprint import bp
from festival.associations.forms import (
    AssociationForm,
    DecisionForm,
    LogoForm,
    ManageFilterForm,
    RepresentativeForm,
)
from festival.associations.logos import remove_logo, set_logo
from festival.associations.models import Association
from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.forms import submit_form
from festival.core.language_fields import texts_data
from festival.core.unit_of_work import refuse_request
from festival.core.views import safe_next
from festival.extensions import db


def _association(association_id: int) -> Association:
    association = db.session.get(Association, association_id)
    if association is None:
        abort(404)
    return association


def record_data(association: Association) -> dict:
    data = {name: getattr(association, name) for name in (
        "name", "slug", "city", "postcode", "commune", "email", "phone", "website")}
    data.update(texts_data(association))  # every language's text, whatever the page's
    data["province"] = association.province.value if association.province else ""
    data["themes"] = [t.value for t in association.theme_values]
    data["poles"] = [p.value for p in association.pole_values]
    return data


@bp.get("/manage/associations")
@roles(Role.ORGANISER)
def manage_list():
    form = ManageFilterForm(formdata=request.args)
    filters, errors = queries.parse_filters(request.args, with_status=True)
    for name, messages in errors.items():
        getattr(form, name).errors = messages
    return render_template("associations/manage_list.html", form=form, filters=filters,
                           associations=queries.all_associations(filters),
                           counts=queries.status_counts())


@bp.get("/manage/associations/queue")
@roles(Role.ORGANISER)
def review_queue():
    return render_template("associations/review_queue.html", applications=queries.review_queue(),
                           decision_form=DecisionForm(formdata=None))


@bp.route("/manage/associations/new", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def manage_new():
    form = AssociationForm(creating=True)
    redirected, status = submit_form(
        form, lambda: services.create_association(form.association_data(), actor=current_user,
                                                  initial_status=form.initial_status.data),
        message=lambda association: _("“%(name)s” has been added to the registry.",
                                      name=association.name),
        then=lambda association: url_for("associations.manage_detail",
                                         association_id=association.id))
    if redirected:
        return redirected
    return render_template("associations/manage_form.html", form=form, association=None), status


@bp.get("/manage/associations/<int:association_id>")
@roles(Role.ORGANISER)
def manage_detail(association_id: int):
    association = _association(association_id)
    return render_template("associations/manage_detail.html", association=association,
                           history=queries.history(association),
                           actions=services.available_actions(association.status),
                           decision_form=DecisionForm(formdata=None),
                           logo_form=LogoForm(formdata=None),
                           representative_form=RepresentativeForm(formdata=None))


@bp.route("/manage/associations/<int:association_id>/edit", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def manage_edit(association_id: int):
    association = _association(association_id)
    form = AssociationForm(data=record_data(association))
    redirected, status = submit_form(
        form, lambda: services.update_association(association, form.association_data(),
                                                  actor=current_user),
        message=_("The record has been saved."),
        then=url_for("associations.manage_detail", association_id=association.id))
    if redirected:
        return redirected
    return render_template("associations/manage_form.html", form=form,
                           association=association), status


DONE_MESSAGES = {
    "start_review": lambda name: _("The review of “%(name)s” has started.", name=name),
    "approve": lambda name: _("“%(name)s” is now a member: it appears in the public "
                              "directory.", name=name),
    "reject": lambda name: _("The application of “%(name)s” has been rejected.", name=name),
    "suspend": lambda name: _("“%(name)s” is suspended.", name=name),
    "reinstate": lambda name: _("“%(name)s” is a member again.", name=name),
    "mark_left": lambda name: _("“%(name)s” has left the network.", name=name),
    "note": lambda name: _("The note has been added.", name=name),
}


@bp.post("/manage/associations/<int:association_id>/decide")
@roles(Role.ORGANISER)
def manage_decide(association_id: int):
    association = _association(association_id)
    back = safe_next(request.args.get("next"),
                     url_for("associations.manage_detail", association_id=association_id))
    form = DecisionForm()
    action = request.form.get("action", "")
    if action not in DONE_MESSAGES:
        flash(_("Unknown action."), "error")
        return redirect(back)
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(back)
    name = association.name
    try:
        services.perform(association, action, actor=current_user, note=form.note.data or "")
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(DONE_MESSAGES[action](name), "success")
    return redirect(back + (f"#a{association_id}" if "queue" in back else ""))


@bp.post("/manage/associations/<int:association_id>/logo")
@roles(Role.ORGANISER)
def manage_logo(association_id: int):
    association = _association(association_id)
    form = LogoForm()
    if form.validate_on_submit():
        try:
            set_logo(association, form.logo.data.stream, actor=current_user)
        except DomainError as error:
            refuse_request()
            flash(error.message, "error")
        else:
            flash(_("The logo has been updated."), "success")
    else:
        flash(_("Choose an image file."), "error")
    return redirect(url_for("associations.manage_detail", association_id=association_id))


@bp.post("/manage/associations/<int:association_id>/logo/delete")
@roles(Role.ORGANISER)
def manage_logo_delete(association_id: int):
    remove_logo(_association(association_id), actor=current_user)
    flash(_("The logo has been removed."), "success")
    return redirect(url_for("associations.manage_detail", association_id=association_id))


@bp.post("/manage/associations/<int:association_id>/representatives")
@roles(Role.ORGANISER)
def manage_add_representative(association_id: int):
    association = _association(association_id)
    form = RepresentativeForm()
    redirected, status = submit_form(
        form, lambda: services.add_representative(
            association, email=form.email.data, name=form.name.data,
            password=form.password.data, actor=current_user),
        message=lambda user: _("%(email)s can now log in as a representative of %(name)s.",
                               email=user.email, name=association.name),
        then=url_for("associations.manage_detail",
                     association_id=association_id) + "#representatives")
    if redirected:
        return redirected
    return render_template("associations/manage_detail.html", association=association,
                           history=queries.history(association),
                           actions=services.available_actions(association.status),
                           decision_form=DecisionForm(formdata=None),
                           logo_form=LogoForm(formdata=None), representative_form=form), status
