"""The rules' back office (organisers: the three rules of an edition, their texts per
language, a preview, what was queued), and the attendees' public pages: the feedback form
(by the order's secret link) and the one-click unsubscribe page."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, public, roles
from festival.core.errors import DomainError, NotFound
from festival.core.forms import choices, refuse
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import refuse_request
from festival.editions.queries import edition_for_year
from festival.editions.services.editions import MAX_YEAR, MIN_YEAR
from festival.mail.batches import register_batch_kind
from festival.outreach import feedback as feedback_service
from festival.outreach import moments, notifications, queries, schedule, services, texts
from festival.outreach import unsubscribe as optout
from festival.outreach.forms import LANGUAGE_LABELS, FeedbackForm, RuleForm
from festival.outreach.models import RuleKind
from festival.ticketing import orders
from festival.ticketing.order_views import lookup_limit

bp = Blueprint("outreach", __name__)
bp.record_once(lambda state: notifications.register_mail_renderers(state.app))
bp.record_once(lambda state: register_batch_kind(state.app, "rule",
                                                 queries.describe_rule_batches))
KINDS = "<any(reminder, thank_you, announcement):kind>"
PREVIEW_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                  "frame-ancestors 'self'; sandbox")


def _edition(year: int):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise NotFound("edition_not_found", _("There is no edition in this year."))
    return edition_for_year(year, include_drafts=True)


def _language(value: str | None) -> str:
    return value if value in current_app.config["LANGUAGES"] else "fr"


# Back office -----------------------------------------------------------------------------

@bp.get("/manage/editions/<int:year>/messages")
@roles(Role.ORGANISER)
def rules(year: int):
    edition = _edition(year)
    shown = []
    for rule in services.rules_of(edition):
        counts = dict(schedule.queued_counts(rule)) if rule.id else {}
        shown.append((rule, [(o, counts.get(o.key, 0))
                             for o in moments.occasions(rule.kind, edition)], counts))
    return render_template("outreach/rules.html", edition=edition, rules=shown,
                           moments=moments, now=utcnow())


@bp.post(f"/manage/editions/<int:year>/messages/{KINDS}/switch")
@roles(Role.ORGANISER)
def switch(year: int, kind: str):
    edition = _edition(year)
    on = request.form.get("on") == "1"
    services.switch_rule(edition, RuleKind(kind), on, actor=current_user)
    flash(_("“%(rule)s” is on.", rule=RuleKind(kind).title) if on
          else _("“%(rule)s” is off.", rule=RuleKind(kind).title), "success")
    return redirect(url_for("outreach.rules", year=year))


def _rule_page(edition, kind: RuleKind, form: RuleForm, status: int = 200):
    rule = services.rule_of(edition, kind)
    form.show_defaults(*texts.sent_when_empty(rule or services.rules_of(edition)[
        list(RuleKind).index(kind)]))
    return render_template("outreach/rule.html", edition=edition, kind=kind, rule=rule,
                           form=form, languages=LANGUAGE_LABELS), status


@bp.route(f"/manage/editions/<int:year>/messages/{KINDS}", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def rule(year: int, kind: str):
    edition, kind = _edition(year), RuleKind(kind)
    if request.method == "GET":
        found = services.rule_of(edition, kind)
        data = {"is_enabled": bool(found and found.is_enabled)}
        for language in LANGUAGE_LABELS:
            data[f"subject_{language}"] = (found.subjects or {}).get(language, "") if found else ""
            data[f"body_{language}"] = (found.bodies or {}).get(language, "") if found else ""
        return _rule_page(edition, kind, RuleForm(formdata=None, data=data))
    form = RuleForm()
    if not form.validate():
        return _rule_page(edition, kind, form, 422)
    try:
        services.save_rule(edition, kind, is_enabled=form.is_enabled.data,
                           subjects=form.texts("subject"), bodies=form.texts("body"),
                           actor=current_user)
    except DomainError as error:
        return _rule_page(edition, kind, form, refuse(form, error))
    flash(_("“%(rule)s” saved.", rule=kind.title), "success")
    return redirect(url_for("outreach.rule", year=year, kind=kind.value))


def _preview_rule(edition, kind: RuleKind):
    return services.rule_of(edition, kind) or services.rules_of(edition)[list(RuleKind).index(kind)]


@bp.get(f"/manage/editions/<int:year>/messages/{KINDS}/preview")
@roles(Role.ORGANISER)
def preview(year: int, kind: str):
    edition, kind = _edition(year), RuleKind(kind)
    language = _language(request.args.get("language"))
    subject, text, _html = notifications.preview(_preview_rule(edition, kind), edition, language)
    return render_template("outreach/preview.html", edition=edition, kind=kind,
                           language=language, languages=LANGUAGE_LABELS, subject=subject,
                           text=text)


@bp.get(f"/manage/editions/<int:year>/messages/{KINDS}/preview.html")
@roles(Role.ORGANISER)
def preview_html(year: int, kind: str):
    """The e-mail's HTML alone, for the preview page's sandboxed frame: no script, no
    request out, nothing of the page around it."""
    edition, kind = _edition(year), RuleKind(kind)
    language = _language(request.args.get("language"))
    _subject, _text, html = notifications.preview(_preview_rule(edition, kind), edition,
                                                  language)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-store"
    return response


# Public pages ----------------------------------------------------------------------------

def _order_or_404(code: str, secret: str | None):
    order = orders.find_order(code)
    if order is None or not orders.check_secret(order, secret):
        abort(404)
    return order


def _private(response) -> Response:
    response = current_app.make_response(response)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _feedback_page(order, form: FeedbackForm, status: int = 200, saved: bool = False):
    sessions = feedback_service.sessions_to_choose(order.edition)
    form.best_session_id.choices = choices([("", _("— None in particular —"))] + [
        (str(s.id), s.title) for s in sessions])
    return _private((render_template(
        "outreach/feedback.html", order=order, edition=order.edition, form=form,
        saved=saved, is_open=feedback_service.can_answer(order, utcnow()),
        answered=feedback_service.answer_of(order) is not None), status))


@bp.route("/orders/<code>/feedback", methods=["GET", "POST"])
@public
@lookup_limit
def feedback(code: str):
    """One answer per order: sending the form again replaces the answer (said on the page)."""
    order = _order_or_404(code, request.values.get("secret"))
    if request.method == "GET":
        answer = feedback_service.answer_of(order)
        data = ({"mark": str(answer.mark), "comment": answer.comment,
                 "best_session_id": str(answer.best_session_id or "")} if answer else {})
        return _feedback_page(order, FeedbackForm(formdata=None, data=data),
                              saved=request.args.get("saved") == "1")
    form = FeedbackForm()
    if not form.validate():
        refuse_request()
        return _feedback_page(order, form, 422)
    try:
        feedback_service.give_feedback(order, form.mark.data, form.best_session_id.data,
                                       form.comment.data or "", _language(str(get_locale())))
    except DomainError as error:
        return _feedback_page(order, form, refuse(form, error))
    return redirect(url_for("outreach.feedback", code=order.code, secret=order.secret,
                            saved=1, _anchor="thanks"), 303)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    """GET: the address and a button (a plain form, no script). POST: unsubscribed, for the
    button and for a mail client's RFC 8058 one-click POST alike. The signed token is the
    authority: this endpoint is exempt from CSRF (a mail client sends no CSRF token)."""
    address = optout.address_of(token)
    done = False
    if request.method == "POST":
        optout.unsubscribe(address)
        done = True
    page = render_template("outreach/unsubscribe.html", token=token,
                           address=address, done=done or optout.is_unsubscribed(address),
                           just_done=done)
    return _private(page)
