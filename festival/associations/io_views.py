"""Back office: the registry as a CSV file (export, import with a preview), and the working
groups (pôles) with the people attached to them."""
from __future__ import annotations

import base64
import binascii

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.models import User
from festival.associations import queries, services
from festival.associations.blueprint import bp
from festival.associations.csvio import (
    MAX_BYTES,
    ImportRefused,
    export_csv,
    import_csv,
    registry_table,
)
from festival.associations.forms import ImportConfirmForm, ImportForm, PoleMemberForm
from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.spreadsheet import MIMETYPES, write
from festival.core.timeutil import to_paris, utcnow
from festival.core.unit_of_work import refuse_request
from festival.extensions import db


@bp.get("/manage/associations/export.csv")
@roles(Role.ORGANISER)
def manage_export():
    stamp = to_paris(utcnow()).strftime("%Y-%m-%d")
    return Response(export_csv(queries.all_associations()), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="associations-{stamp}.csv"',
                             "Cache-Control": "no-store"})


@bp.get("/manage/associations/registry.<any(xlsx, csv):fmt>")
@roles(Role.ORGANISER)
def manage_registry_sheet(fmt: str):
    """The registry for a spreadsheet, in the organiser's language (not for re-import)."""
    stamp = to_paris(utcnow()).strftime("%Y-%m-%d")
    return Response(write(registry_table(queries.all_associations()), fmt),
                    mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition":
                             f'attachment; filename="associations-{stamp}.{fmt}"',
                             "Cache-Control": "no-store"})


def _render_import(form, *, report=None, errors=None, confirm_form=None, status=200):
    return render_template("associations/import.html", form=form, report=report,
                           errors=errors, confirm_form=confirm_form), status


@bp.route("/manage/associations/import", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def manage_import():
    """Step one: check the file and show what the import would do (nothing is kept yet)."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _render_import(form, status=422 if form.is_submitted() else 200)
    data = form.file.data.stream.read(MAX_BYTES + 1)
    try:
        report = import_csv(data, actor=current_user, dry_run=True)
    except ImportRefused as refused:
        refuse_request()
        return _render_import(form, errors=refused.errors, status=422)
    confirm = ImportConfirmForm(formdata=None,
                                data={"content": base64.b64encode(data).decode("ascii")})
    return _render_import(ImportForm(formdata=None), report=report, confirm_form=confirm)


@bp.post("/manage/associations/import/confirm")
@roles(Role.ORGANISER)
def manage_import_confirm():
    """Step two: import for real the file that was previewed (checked again)."""
    form = ImportConfirmForm()
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not form.validate_on_submit() or not data:
        flash(_("The import expired; choose the file again."), "error")
        return redirect(url_for("associations.manage_import"))
    try:
        report = import_csv(data, actor=current_user)
    except ImportRefused as refused:
        refuse_request()
        return _render_import(ImportForm(formdata=None), errors=refused.errors, status=422)
    flash(_("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            created=report.count("create"), updated=report.count("update"),
            unchanged=report.count("unchanged")), "success")
    return render_template("associations/import.html", form=ImportForm(formdata=None),
                           report=report, imported=True, errors=None, confirm_form=None)


def _pole_form() -> PoleMemberForm:
    return PoleMemberForm(people=queries.people_for_poles())


@bp.get("/manage/poles")
@roles(Role.ORGANISER)
def manage_poles():
    form = PoleMemberForm(formdata=None, people=queries.people_for_poles())
    return render_template("associations/poles.html", overview=queries.pole_overview(),
                           form=form)


@bp.post("/manage/poles/attach")
@roles(Role.ORGANISER)
def manage_pole_attach():
    form = _pole_form()
    if not form.validate_on_submit():
        flash(_("Choose a person and a working group."), "error")
        return redirect(url_for("associations.manage_poles"))
    user = db.session.get(User, form.user_id.data) or abort(404)
    try:
        added = services.attach_user_pole(user, form.pole.data, actor=current_user)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("%(name)s joined the working group.", name=user.display_name) if added else
              _("%(name)s was already in this working group.", name=user.display_name),
              "success" if added else "warning")
    return redirect(url_for("associations.manage_poles"))


@bp.post("/manage/poles/detach")
@roles(Role.ORGANISER)
def manage_pole_detach():
    form = _pole_form()
    if not form.validate_on_submit():
        flash(_("Choose a person and a working group."), "error")
        return redirect(url_for("associations.manage_poles"))
    user = db.session.get(User, form.user_id.data) or abort(404)
    services.detach_user_pole(user, form.pole.data, actor=current_user)
    flash(_("%(name)s left the working group.", name=user.display_name), "success")
    return redirect(url_for("associations.manage_poles"))
