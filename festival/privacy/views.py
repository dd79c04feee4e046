"""Organisers answer a person's request: see, export or erase their data."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, roles
from festival.core.errors import DomainError, ValidationError
from festival.core.unit_of_work import refuse_request
from festival.privacy import services

bp = Blueprint("privacy", __name__)


@bp.get("/manage/privacy")
@roles(Role.ORGANISER)
def search():
    email = request.args.get("email", "").strip()
    found, error = None, None
    if email:
        try:
            found = services.export_person(email)
        except ValidationError as problem:
            error = " ".join(str(m) for m in problem.fields.get("email", []))
    return render_template("privacy/search.html", email=email, found=found, error=error)


@bp.get("/manage/privacy/export")
@roles(Role.ORGANISER)
def export():
    try:
        data = services.export_person(request.args.get("email", ""))
    except ValidationError:
        flash(_("This is not a valid e-mail address."), "error")
        return redirect(url_for("privacy.search"))
    body = json.dumps(data, ensure_ascii=False, indent=2)
    name = data["email"].replace("@", "_at_")
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}.json"'})


@bp.post("/manage/privacy/erase")
@roles(Role.ORGANISER)
def erase():
    email = request.form.get("email", "")
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm the erasure."), "error")
        return redirect(url_for("privacy.search", email=email))
    try:
        done = services.erase_person(email, actor=current_user)
    except ValidationError as problem:
        refuse_request()
        flash(" ".join(str(m) for m in problem.fields.get("email", [])), "error")
        return redirect(url_for("privacy.search"))
    except DomainError as error:  # a staff account, the last administrator
        refuse_request()
        flash(str(error.message), "error")
        return redirect(url_for("privacy.search", email=email))
    flash(_("Erased: %(orders)s order(s), %(accounts)s account(s), %(messages)s message(s), "
            "%(tickets)s ticket(s) handed over to them. The amounts and the check-in figures "
            "are kept.", orders=len(done.orders), accounts=done.accounts,
            messages=done.messages, tickets=done.tickets), "success")
    return redirect(url_for("privacy.search"))
