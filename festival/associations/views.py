"""Public pages of the registry (directory, association page, logo, application form) and the
representative's own page. The organisers' back office is in manage_views.py and io_views.py.
"""
from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from festival.associations import io_views, manage_views, queries, services  # noqa: F401  (the back office's routes)
from festival.associations.blueprint import bp
from festival.associations.forms import ApplicationForm, DirectoryFilterForm, LogoForm, ProfileForm
from festival.associations.logos import logo_folder, remove_logo, set_logo
from festival.associations.models import Association
from festival.associations.validation import clean_email
from festival.core.access import Role, public, roles
from festival.core.errors import DomainError, NotFound
from festival.core.forms import apply_field_errors, submit_form
from festival.core.language_fields import texts_data
from festival.core.security import limit
from festival.core.unit_of_work import refuse_request

LOGO_MAX_AGE = 365 * 24 * 3600  # the address changes with each upload
APPLIED_KEY = "association_applied"


def viewer():
    """The logged-in user, or None."""
    return current_user if current_user.is_authenticated else None


def may_preview(association: Association) -> bool:
    """Non-member associations are shown only to organisers and their own representatives."""
    return association.is_member or services.can_edit_profile(viewer(), association)


def profile_data(association: Association) -> dict:
    data = {name: getattr(association, name) for name in services.PROFILE_FIELDS}
    data.update(texts_data(association))  # every language's text, whatever the page's
    data["province"] = association.province.value if association.province else ""
    data["themes"] = [t.value for t in association.theme_values]
    return data


@bp.get("/associations")
@public
def directory():
    form = DirectoryFilterForm(formdata=request.args)
    filters, errors = queries.parse_filters(request.args)
    for name, messages in errors.items():
        getattr(form, name).errors = messages
    return render_template("associations/directory.html", form=form, filters=filters,
                           associations=queries.directory(filters))


@bp.get("/associations/<slug>")
@public
def detail(slug: str):
    association = queries.association_by_slug(slug)
    if association is None or not may_preview(association):
        abort(404)
    return render_template("associations/detail.html", association=association,
                           can_edit=services.can_edit_profile(viewer(), association),
                           is_organiser=services.is_organiser(viewer()))


@bp.get("/associations/<slug>/logo")
@public
def logo(slug: str):
    association = queries.association_by_slug(slug)
    if association is None or not association.logo_filename or not may_preview(association):
        abort(404)
    versioned = request.args.get("v") and association.logo_filename.endswith(
        f"-{request.args['v']}.png")
    response = send_from_directory(logo_folder(), association.logo_filename,
                                   mimetype="image/png",
                                   max_age=LOGO_MAX_AGE if versioned else 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if association.is_member:
        response.cache_control.public = True
        if versioned:
            response.cache_control.immutable = True
    else:
        response.cache_control.private = True
    return response


@bp.route("/associations/apply", methods=["GET", "POST"])
@public
@limit("RATE_LIMIT_ASSOCIATION_APPLY", methods=["POST"])
def apply():
    form = ApplicationForm()
    status = 200
    if form.validate_on_submit():
        try:
            association = services.apply(
                form.association_data(), representative_name=form.representative_name.data,
                representative_email=form.representative_email.data,
                password=form.password.data)
        except DomainError as error:
            refuse_request()
            apply_field_errors(form, error)
            status = 422
        else:
            # The same page whether the address had an account or not (services.apply).
            session[APPLIED_KEY] = {"name": association.name,
                                    "email": clean_email(form.representative_email.data)}
            return redirect(url_for("associations.applied"))
    elif form.is_submitted():
        # Show the rules' problems too, so that one round trip reveals every mistake.
        problems = services.application_errors(
            form.association_data(), representative_name=form.representative_name.data,
            representative_email=form.representative_email.data, password=form.password.data)
        for name, messages in problems.items():
            field = getattr(form, name)
            if not field.errors:
                field.errors = list(messages)
        status = 422
    return render_template("associations/apply.html", form=form), status


@bp.get("/associations/apply/sent")
@public
def applied():
    sent = session.get(APPLIED_KEY)
    if not sent:
        return redirect(url_for("associations.apply"))
    return render_template("associations/applied.html", sent=sent)


def _own_association() -> Association:
    association = current_user.association
    if association is None:
        raise NotFound("association_not_found", _("No association is attached to your account."))
    return association


@bp.route("/my-association", methods=["GET", "POST"])
@roles(Role.ASSOCIATION)
def profile():
    association = _own_association()
    form = ProfileForm(data=profile_data(association))
    redirected, status = submit_form(
        form, lambda: services.update_profile(association, form.profile_data(),
                                              actor=current_user),
        message=_("Your association's page has been updated."),
        then=url_for("associations.profile"))
    if redirected:
        return redirected
    return render_template("associations/profile.html", association=association, form=form,
                           logo_form=LogoForm(formdata=None)), status


@bp.post("/my-association/logo")
@roles(Role.ASSOCIATION)
def profile_logo():
    association = _own_association()
    form = LogoForm()
    redirected, status = submit_form(
        form, lambda: set_logo(association, form.logo.data.stream, actor=current_user),
        message=_("The logo has been updated."), then=url_for("associations.profile"))
    if redirected:
        return redirected
    return render_template("associations/profile.html", association=association,
                           form=ProfileForm(formdata=None, data=profile_data(association)),
                           logo_form=form), status


@bp.post("/my-association/logo/delete")
@roles(Role.ASSOCIATION)
def profile_logo_delete():
    remove_logo(_own_association(), actor=current_user)
    flash(_("The logo has been removed."), "success")
    return redirect(url_for("associations.profile"))
