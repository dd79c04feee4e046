"""The organisers' view of the outbox: what was sent, what waits, what failed, and retry."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.paging import page_number
from festival.core.unit_of_work import refuse_request
from festival.mail import queries, services
from festival.mail.models import MailStatus

bp = Blueprint("mail", __name__)


def _status_filter() -> MailStatus | None:
    try:
        return MailStatus(request.args.get("status", ""))
    except ValueError:
        return None  # "all", or a value that means nothing: show everything


@bp.get("/manage/outbox")
@roles(Role.ORGANISER)
def outbox():
    status = _status_filter()
    page = page_number()
    messages, has_more = queries.recent_messages(status, page)
    return render_template("mail_admin/outbox.html", messages=messages, status=status,
                           page=page, has_more=has_more, counts=queries.status_counts(),
                           statuses=list(MailStatus))


@bp.get("/manage/outbox/<int:message_id>")
@roles(Role.ORGANISER)
def message(message_id: int):
    found = queries.shown_message(message_id)
    if found is None:
        abort(404)
    return render_template("mail_admin/message.html", message=found)


@bp.post("/manage/outbox/<int:message_id>/retry")
@roles(Role.ORGANISER)
def retry(message_id: int):
    try:
        found = services.retry_message(message_id, actor=current_user)
    except DomainError as error:
        refuse_request()
        if error.status == 404:
            abort(404)
        flash(str(error.message), "error")
    else:
        flash(_("The message to %(to)s will be sent again in a moment.", to=found.to_address),
              "success")
    back = request.form.get("back", "")
    if back == "message":
        return redirect(url_for("mail.message", message_id=message_id))
    status = request.form.get("status", "")
    known = status in {s.value for s in MailStatus}
    return redirect(url_for("mail.outbox", status=status if known else None))
