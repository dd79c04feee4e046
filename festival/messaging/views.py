"""Back office of the messages to attendees: write one, see whom it reaches (live, or with
the Count button without JavaScript), confirm and send it; then follow every mailing of the
edition (messages and automatic mailings alike), with its progress."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.core.access import Role, roles
from festival.core.errors import DomainError, ValidationError
from festival.core.forms import refuse
from festival.core.unit_of_work import refuse_request
from festival.editions import queries as edition_queries
from festival.mail.batches import edition_mailing, edition_mailings, register_batch_kind
from festival.mail.queries import BatchStats, batch_undelivered
from festival.messaging import audience as audiences
from festival.messaging import queries, services
from festival.messaging.forms import ComposeForm, SendForm
from festival.messaging.mail import preview, register_mail_renderers
from festival.messaging.models import BATCH_PREFIX, Broadcast

bp = Blueprint("messaging", __name__, url_prefix="/manage/<int:year>")
UNDELIVERED_SHOWN = 500  # addresses listed on a mailing's page; the rest are counted


@bp.record_once
def _register(state) -> None:
    # The sender renders messages after the commit; the mailings pages name their batches.
    register_mail_renderers(state.app)
    register_batch_kind(state.app, BATCH_PREFIX, queries.describe_message_batches)


def _edition(year: int):
    return edition_queries.edition_for_year(year, include_drafts=True)


def reach_text(count: int) -> str:
    text = ngettext("This message reaches %(num)s person.",
                    "This message reaches %(num)s people.", count)
    if count > services.MAX_RECIPIENTS:
        text += " " + _("That is more than the %(max)s a message may reach: narrow the group.",
                        max=services.MAX_RECIPIENTS)
    return text


@bp.get("/messages")
@roles(Role.ORGANISER)
def messages(year: int):
    edition = _edition(year)
    return render_template("messaging/messages.html", edition=edition,
                           broadcasts=queries.edition_broadcasts(edition))


def _compose_page(edition, form: ComposeForm, broadcast: Broadcast | None, status: int = 200,
                  audience=None, unsaved: bool = False):
    count = audiences.count_recipients(edition, audience) if audience is not None else None
    return render_template(
        "messaging/compose.html", edition=edition, form=form, broadcast=broadcast,
        count=count, reach=reach_text(count) if count is not None else None,
        counted=unsaved or request.args.get("counted") == "1", unsaved=unsaved,
        max_recipients=services.MAX_RECIPIENTS), status


def _form(edition, broadcast: Broadcast | None = None) -> ComposeForm:
    if request.method == "POST" or broadcast is None:
        form = ComposeForm()
    else:
        data = {f"subject_{lang}": (broadcast.subjects or {}).get(lang, "")
                for lang in services.LANGUAGES}
        data.update({f"body_{lang}": (broadcast.bodies or {}).get(lang, "")
                     for lang in services.LANGUAGES})
        data.update(audiences.Audience.from_json(broadcast.audience).as_form())
        form = ComposeForm(formdata=None, data=data)
    form.fill_choices(edition, audiences.ticket_types_of(edition))
    return form


def _save(edition, form: ComposeForm, broadcast: Broadcast | None):
    """Save the draft, then go where the button asked: the same page (with its count) or
    the confirmation. "Count" with texts not written yet shows the count, saving nothing."""
    action = request.form.get("action", "save")
    if not form.validate():
        refuse_request()
        return _compose_page(edition, form, broadcast, 422)
    try:
        audience = audiences.parse_audience(edition, request.form)
    except DomainError as error:
        return _compose_page(edition, form, broadcast, refuse(form, error))
    try:
        saved = services.save_broadcast(edition, form.texts(), audience, actor=current_user,
                                        broadcast=broadcast)
    except DomainError as error:
        if action == "count" and isinstance(error, ValidationError):
            # Nothing was written: the count, and the texts still to write, without errors.
            return _compose_page(edition, form, broadcast, audience=audience, unsaved=True)
        return _compose_page(edition, form, broadcast, refuse(form, error), audience=audience)
    if action == "review":
        return redirect(url_for("messaging.confirm", year=edition.year, broadcast_id=saved.id))
    if action == "count":
        return redirect(url_for("messaging.message", year=edition.year, broadcast_id=saved.id,
                                counted=1) + "#reach")
    flash(_("Draft saved."), "success")
    return redirect(url_for("messaging.message", year=edition.year, broadcast_id=saved.id))


@bp.route("/messages/new", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def new_message(year: int):
    edition = _edition(year)
    form = _form(edition)
    if request.method == "POST":
        return _save(edition, form, None)
    return _compose_page(edition, form, None, audience=audiences.Audience())


@bp.route("/messages/<int:broadcast_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def message(year: int, broadcast_id: int):
    edition = _edition(year)
    broadcast = queries.broadcast_in(edition, broadcast_id)
    if broadcast.is_sent:
        if request.method == "POST":
            refuse_request()
            flash(_("This message was sent: it can no longer be changed."), "error")
        return redirect(url_for("messaging.mailing", year=year, batch=broadcast.batch))
    form = _form(edition, broadcast)
    if request.method == "POST":
        return _save(edition, form, broadcast)
    return _compose_page(edition, form, broadcast,
                         audience=audiences.Audience.from_json(broadcast.audience))


@bp.get("/messages/count")
@roles(Role.ORGANISER)
def count(year: int):
    """The live count of the compose page: the filters in the query string."""
    edition = _edition(year)
    try:
        audience = audiences.parse_audience(edition, request.args)
    except ValidationError as error:
        problems = [str(m) for messages in error.fields.values() for m in messages]
        return jsonify(error=error.code, message=" ".join(problems)), 422
    number = audiences.count_recipients(edition, audience)
    return jsonify(count=number, text=reach_text(number),
                   too_many=number > services.MAX_RECIPIENTS)


def _confirm_page(edition, broadcast: Broadcast, form: SendForm, status: int = 200):
    found = audiences.recipients(edition, audiences.Audience.from_json(broadcast.audience),
                                 services.MAX_RECIPIENTS + 1)
    by_language = Counter(broadcast.language_for(r.language) for r in found)
    previews = [(lang, by_language[lang], *preview(broadcast, lang))
                for lang in services.LANGUAGES if by_language[lang]]
    form.recipient_count.data = len(found)
    problem = None
    try:
        services.check_size(len(found))
    except DomainError as error:
        problem = error.message
    return render_template("messaging/confirm.html", edition=edition, broadcast=broadcast,
                           form=form, count=len(found), reach=reach_text(len(found)),
                           previews=previews, problem=problem), status


@bp.route("/messages/<int:broadcast_id>/send", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def confirm(year: int, broadcast_id: int):
    """GET: whom the message reaches and how it reads in each of their languages; POST: send
    it (once: a second click finds it sent)."""
    edition = _edition(year)
    broadcast = queries.broadcast_in(edition, broadcast_id)
    if request.method == "GET":
        if broadcast.is_sent:
            return redirect(url_for("messaging.mailing", year=year, batch=broadcast.batch))
        return _confirm_page(edition, broadcast, SendForm(formdata=None))
    form = SendForm()
    if not form.validate():
        refuse_request()
        return _confirm_page(edition, broadcast, form, 422)
    try:
        sent = services.send_broadcast(edition, broadcast.id, actor=current_user,
                                       confirmed_count=form.recipient_count.data)
    except DomainError as error:
        refuse_request()
        if error.code == "already_sent":
            flash(_("This message was already sent: it is not sent twice."), "warning")
            return redirect(url_for("messaging.mailing", year=year, batch=broadcast.batch))
        flash(str(error.message), "error")
        return _confirm_page(edition, broadcast, SendForm(formdata=None), error.status)
    flash(ngettext("The message is on its way to %(num)s person.",
                   "The message is on its way to %(num)s people.", sent.recipient_count),
          "success")
    return redirect(url_for("messaging.mailing", year=year, batch=sent.batch))


@bp.get("/mailings")
@roles(Role.ORGANISER)
def mailings(year: int):
    edition = _edition(year)
    return render_template("messaging/mailings.html", edition=edition,
                           mailings=edition_mailings(edition.id))


def _mailing(edition, batch: str):
    if len(batch) > 120:  # OutboxMessage.batch
        abort(404)
    found = edition_mailing(edition.id, batch)
    if found is None:
        abort(404)
    return found


def progress_json(stats: BatchStats) -> dict:
    return {"queued": stats.queued, "sent": stats.sent, "failed": stats.failed,
            "bounced": stats.bounced, "waiting": stats.waiting, "done": stats.is_done,
            "percent": stats.percent_sent,
            "text": _("%(sent)s sent of %(queued)s", sent=stats.sent, queued=stats.queued)}


@bp.get("/mailings/<batch>")
@roles(Role.ORGANISER)
def mailing(year: int, batch: str):
    edition = _edition(year)
    found = _mailing(edition, batch)
    broadcast = queries.broadcast_of_batch(edition, batch)
    undelivered = batch_undelivered(batch, UNDELIVERED_SHOWN)
    return render_template("messaging/mailing.html", edition=edition, mailing=found,
                           stats=found.stats, broadcast=broadcast, undelivered=undelivered,
                           more_undelivered=found.stats.failed + found.stats.bounced
                           - len(undelivered))


@bp.get("/mailings/<batch>/progress")
@roles(Role.ORGANISER)
def mailing_progress(year: int, batch: str):
    """The mailing's counts, polled by its page while the sender works."""
    edition = _edition(year)
    return jsonify(progress_json(_mailing(edition, batch).stats))
