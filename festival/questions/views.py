"""The organisers' questions of an edition: the list with what people answered, and the
form to write or change one (festival/questions/services.py holds the rules). The routes are
part of the ticketing back office (its `manage_tickets` blueprint, /manage/<year>/…)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from festival.core.access import Role, roles
from festival.core.errors import DomainError
from festival.core.forms import refuse
from festival.core.unit_of_work import refuse_request
from festival.editions.queries import edition_for_year
from festival.extensions import db
from festival.questions import services
from festival.questions.manage_forms import QuestionForm
from festival.ticketing.blueprints import manage_bp as bp
from festival.ticketing.models import TicketType
from festival.waitlist.forms import EmptyForm


def _edition(year: int):
    return edition_for_year(year, include_drafts=True)


def _types(edition) -> list[TicketType]:
    return list(db.session.scalars(db.select(TicketType).where(
        TicketType.edition_id == edition.id).order_by(TicketType.position, TicketType.id)))


def _question(edition, question_id: int):
    try:
        return services.question_in(edition, question_id)
    except DomainError:
        abort(404)


@bp.get("/<int:year>/questions")
@roles(Role.ORGANISER)
def questions(year: int):
    edition = _edition(year)
    types = {t.id: t.name for t in _types(edition)}
    return render_template("questions/manage.html", edition=edition, types=types,
                           summary=services.summary(edition), form=EmptyForm())


def _edit_page(edition, form, question=None, status: int = 200):
    return render_template("questions/edit.html", edition=edition, form=form,
                           question=question), status


def _save(edition, form, question=None):
    try:
        if question is None:
            services.create_question(edition, form.to_data())
        else:
            services.update_question(question, form.to_data())
    except DomainError as error:
        return _edit_page(edition, form, question,
                          refuse(form, error, renames={"options": "options_fr"}))
    flash(_("The question is saved."), "success")
    return redirect(url_for("manage_tickets.questions", year=edition.year), 303)


@bp.route("/<int:year>/questions/new", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def questions_new(year: int):
    edition = _edition(year)
    form = QuestionForm()
    form.fill_choices(_types(edition))
    if request.method == "POST" and form.validate():
        return _save(edition, form)
    return _edit_page(edition, form, status=422 if request.method == "POST" else 200)


@bp.route("/<int:year>/questions/<int:question_id>", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def questions_edit(year: int, question_id: int):
    edition = _edition(year)
    question = _question(edition, question_id)
    form = QuestionForm()
    form.fill_choices(_types(edition))
    if request.method == "GET":
        form.fill_from(question)
    elif form.validate():
        return _save(edition, form, question)
    return _edit_page(edition, form, question, 422 if request.method == "POST" else 200)


@bp.post("/<int:year>/questions/<int:question_id>/delete")
@roles(Role.ORGANISER)
def questions_delete(year: int, question_id: int):
    edition = _edition(year)
    question = _question(edition, question_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        services.delete_question(question)
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("The question is deleted."), "success")
    return redirect(url_for("manage_tickets.questions", year=year), 303)


@bp.post("/<int:year>/questions/<int:question_id>/move")
@roles(Role.ORGANISER)
def questions_move(year: int, question_id: int):
    edition = _edition(year)
    question = _question(edition, question_id)
    if not EmptyForm().validate():
        abort(400)
    services.move_question(question, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("manage_tickets.questions", year=year, _anchor=f"q-{question_id}"), 303)
