"""Back office of the doors (organisers): check-in lists, devices and their pairing links,
and the conflicts of offline doors."""
from __future__ import annotations

import base64

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from festival.checkin import devices, queries
from festival.checkin.forms import DeviceForm, ListForm
from festival.checkin.labels import reason_text, result_title
from festival.checkin.views import pairing_url
from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.forms import apply_field_errors, submit_form
from festival.core.translated import InFrench
from festival.core.unit_of_work import refuse_request
from festival.editions.models import Edition, EditionStatus
from festival.editions.queries import edition_for_year
from festival.extensions import db
from festival.ticketing.models import TicketType
from festival.ticketing.qr import qr_png

bp = Blueprint("manage_checkin", __name__, url_prefix="/manage/checkin")
PAIRING_SESSION_KEY = "checkin_pairing"


def _edition(year: int) -> Edition:
    return edition_for_year(year, include_drafts=True)


def _types(edition: Edition) -> list[TicketType]:
    return list(db.session.scalars(select(TicketType).where(
        TicketType.edition_id == edition.id).order_by(TicketType.position, TicketType.id)))


@bp.get("")
@roles(Role.ORGANISER)
def index():
    edition = db.session.scalar(select(Edition).where(
        Edition.status.in_([EditionStatus.ON_SALE, EditionStatus.PUBLISHED,
                            EditionStatus.CLOSED])).order_by(Edition.year.desc()))
    if edition is None:
        edition = db.session.scalar(select(Edition).order_by(Edition.year.desc()))
    if edition is None:
        flash(_("Create an edition first."), "warning")
        return redirect(url_for("manage_editions.index"))
    return redirect(url_for("manage_checkin.edition", year=edition.year))


def _page(edition: Edition, *, list_form=None, device_form=None, status: int = 200):
    lists = queries.lists_of(edition.id)
    list_form = list_form or ListForm(formdata=None, is_active=True)
    list_form.fill_choices(edition, _types(edition))
    device_form = device_form or DeviceForm(formdata=None)
    device_form.fill_choices([item for item in lists if item.is_active])
    return render_template("checkin/manage/index.html", edition=edition, lists=lists,
                           counts=queries.list_counts(edition.id),
                           devices=queries.devices_of(edition.id),
                           conflict_count=queries.conflict_count(edition.id),
                           list_form=list_form, device_form=device_form), status


@bp.get("/<int:year>")
@roles(Role.ORGANISER)
def edition(year: int):
    return _page(_edition(year))


@bp.post("/<int:year>/lists")
@roles(Role.ORGANISER)
def create_list(year: int):
    edition = _edition(year)
    form = ListForm()
    form.fill_choices(edition, _types(edition))
    redirected, status = submit_form(
        form, lambda: devices.create_list(edition, form.service_data(), actor=current_user),
        message=lambda created: _("List “%(name)s” created.", name=created.name),
        then=url_for("manage_checkin.edition", year=year) + "#lists")
    if redirected:
        return redirected
    return _page(edition, list_form=form, status=status)


@bp.route("/<int:year>/lists/<int:list_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def edit_list(year: int, list_id: int):
    edition = _edition(year)
    checkin_list = queries.get_list(edition.id, list_id)
    if request.method == "POST":
        form = ListForm(texts_of=checkin_list)
    else:
        form = ListForm(formdata=None, obj=InFrench(checkin_list), data={
            "ticket_type_ids": [t.id for t in checkin_list.ticket_types],
            "days": list(checkin_list.days or []), "room_id": checkin_list.room_id or 0})
        form.fill_texts(checkin_list)
    form.fill_choices(edition, _types(edition))
    redirected, status = submit_form(
        form, lambda: devices.update_list(checkin_list, form.service_data(), actor=current_user),
        message=lambda _saved: _("List “%(name)s” saved.", name=checkin_list.name),
        then=url_for("manage_checkin.edition", year=year) + "#lists")
    if redirected:
        return redirected
    return render_template("checkin/manage/list.html", edition=edition,
                           checkin_list=checkin_list, form=form), status


@bp.post("/<int:year>/devices")
@roles(Role.ORGANISER)
def create_device(year: int):
    edition = _edition(year)
    form = DeviceForm()
    form.fill_choices([item for item in queries.lists_of(edition.id) if item.is_active])
    if form.validate_on_submit():
        checkin_list = queries.get_list(edition.id, form.list_id.data)
        try:
            device, code = devices.create_device(checkin_list, name=form.name.data,
                                                 gate=form.gate.data, actor=current_user)
        except DomainError as error:
            refuse_request()
            apply_field_errors(form, error)
        else:
            session[PAIRING_SESSION_KEY] = {"device_id": device.id, "code": code}
            return redirect(url_for("manage_checkin.device", year=year, device_id=device.id))
    return _page(edition, device_form=form, status=422)


@bp.route("/<int:year>/devices/<int:device_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def device(year: int, device_id: int):
    edition = _edition(year)
    found = queries.get_device(edition.id, device_id)
    lists = queries.lists_of(edition.id)
    form = DeviceForm() if request.method == "POST" else DeviceForm(formdata=None, obj=found)
    form.fill_choices(lists)
    redirected, status = submit_form(
        form, lambda: devices.update_device(found, {
            "name": form.name.data, "gate": form.gate.data, "list_id": form.list_id.data},
            actor=current_user),
        message=_("Device saved."),
        then=url_for("manage_checkin.device", year=year, device_id=device_id))
    if redirected:
        return redirected
    pairing = session.get(PAIRING_SESSION_KEY)
    link = qr = None
    if pairing and pairing.get("device_id") == found.id and found.pairing_code_hash:
        link = pairing_url(pairing["code"])
        qr = base64.b64encode(qr_png(link, box_size=6)).decode("ascii")
    return render_template("checkin/manage/device.html", edition=edition, device=found,
                           form=form, pairing_link=link, pairing_qr=qr,
                           action_form=FlaskForm()), status


@bp.post("/<int:year>/devices/<int:device_id>/pairing")
@roles(Role.ORGANISER)
def new_pairing(year: int, device_id: int):
    found = queries.get_device(_edition(year).id, device_id)
    if FlaskForm().validate_on_submit():
        code = devices.issue_pairing_code(found, actor=current_user)
        session[PAIRING_SESSION_KEY] = {"device_id": found.id, "code": code}
        flash(_("New pairing link made. A phone paired before with this device no longer "
                "works."), "success")
    return redirect(url_for("manage_checkin.device", year=year, device_id=device_id))


@bp.post("/<int:year>/devices/<int:device_id>/revoke")
@roles(Role.ORGANISER)
def revoke_device(year: int, device_id: int):
    found = queries.get_device(_edition(year).id, device_id)
    if FlaskForm().validate_on_submit():
        devices.revoke_device(found, actor=current_user)
        session.pop(PAIRING_SESSION_KEY, None)
        flash(_("Device “%(name)s” revoked: it can no longer scan.", name=found.name),
              "success")
    return redirect(url_for("manage_checkin.edition", year=year) + "#devices")


@bp.get("/<int:year>/conflicts")
@roles(Role.ORGANISER)
def conflicts(year: int):
    edition = _edition(year)
    return render_template("checkin/manage/conflicts.html", edition=edition,
                           conflicts=queries.conflicts(edition.id), result_title=result_title,
                           reason_text=reason_text)
