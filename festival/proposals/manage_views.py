"""The organisers' pages of a call (its settings, reviewers and the speakers' changes) and
the review pages, which the call's named reviewers reach too (the services say who may)."""
from __future__ import annotations

from datetime import time

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import Role, logged_in, roles
from festival.core.errors import DomainError, committed
from festival.core.forms import choices, refuse
from festival.core.timeutil import paris_to_utc, to_paris, utcnow
from festival.core.unit_of_work import refuse_request
from festival.editions.clashes import ClashError
from festival.editions.queries import edition_for_year
from festival.extensions import db
from festival.proposals import calls, queries, services, speakers
from festival.proposals.blueprint import bp
from festival.proposals.forms import AcceptForm, CallForm, CsrfForm, NoteForm, ReviewerForm
from festival.proposals.labels import PROPOSAL_STATUS
from festival.proposals.models import ProposalStatus, SpeakerProfileChange


def _edition(year: int):
    return edition_for_year(year, include_drafts=True)


# The call's settings ------------------------------------------------------------------------

def _call_form(call) -> CallForm:
    if request.method == "POST" or call is None:
        return CallForm()
    opens, closes = to_paris(call.opens_at), to_paris(call.closes_at)
    form = CallForm(formdata=None, data={
        "opens_on": opens.date(), "opens_time": opens.time(), "closes_on": closes.date(),
        "closes_time": closes.time(), "languages": call.languages, "poles": call.poles,
        "is_open_to_accounts": call.is_open_to_accounts,
        "is_anonymised": call.is_anonymised,
        **{f"guidelines_{lang}": text for lang, text in call.texts_of("guidelines").items()}})
    for row, item in zip(form.formats, call.formats):
        texts = item.texts_of("name")
        row.form.process(None, data={"id": item.id, "kind": item.kind.value,
                                     "duration_minutes": item.duration_minutes,
                                     **{f"name_{k}": v for k, v in texts.items()}})
    for row, item in zip(form.criteria, call.criteria):
        texts = item.texts_of("name")
        row.form.process(None, data={"id": item.id, "max_score": item.max_score,
                                     "description_fr": item.description_fr,
                                     **{f"name_{k}": v for k, v in texts.items()}})
    return form


def _id(raw) -> int | None:
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


def _call_data(form: CallForm) -> dict:
    formats = []
    for row in form.formats:
        f = row.form
        if not (f.kind.data or f.name_fr.data or f.duration_minutes.data):
            continue
        formats.append({"id": _id(f.id.data), "kind": f.kind.data or None,
                        "duration_minutes": f.duration_minutes.data,
                        "name": {"fr": f.name_fr.data, "en": f.name_en.data,
                                 "ar": f.name_ar.data}})
    criteria = []
    for row in form.criteria:
        c = row.form
        if not c.name_fr.data and not c.name_en.data and not c.name_ar.data:
            continue
        criteria.append({"id": _id(c.id.data), "max_score": c.max_score.data or 5,
                         "name": {"fr": c.name_fr.data, "en": c.name_en.data,
                                  "ar": c.name_ar.data},
                         "description": {"fr": c.description_fr.data}})
    return {"opens_at": paris_to_utc(form.opens_on.data, form.opens_time.data),
            "closes_at": paris_to_utc(form.closes_on.data, form.closes_time.data),
            "guidelines": {"fr": form.guidelines_fr.data, "en": form.guidelines_en.data,
                           "ar": form.guidelines_ar.data},
            "languages": form.languages.data or [], "poles": form.poles.data or [],
            "is_open_to_accounts": form.is_open_to_accounts.data,
            "is_anonymised": form.is_anonymised.data, "formats": formats,
            "criteria": criteria}


# A service's errors on a format's or criterion's row ("formats-0-kind") land on the field of
# that row, which WTForms names the same way.
def _place_errors(form: CallForm, error: DomainError) -> None:
    for name, messages in error.fields.items():
        head, _sep, rest = name.partition("-")
        if head in ("formats", "criteria") and rest:
            index, _sep, field = rest.partition("-")
            rows = getattr(form, head)
            if index.isdigit() and int(index) < len(rows.entries):
                target = getattr(rows.entries[int(index)].form,
                                 {"name": "name_fr", "description": "description_fr"}.get(
                                     field, field), None)
                if target is not None:
                    target.errors = list(target.errors) + list(messages)
                    continue
        target = getattr(form, {"guidelines": "guidelines_fr", "opens_at": "opens_on",
                                "closes_at": "closes_on"}.get(name, name), None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + list(messages)
        else:
            form.form_errors.append(" ".join(str(m) for m in messages))


@bp.route("/manage/<int:year>/call", methods=["GET", "POST"])
@roles(Role.ORGANISER)
def manage_call(year: int):
    edition = _edition(year)
    call = calls.call_of(edition)
    form = _call_form(call)
    status = 200
    if form.validate_on_submit():
        try:
            committed(lambda: calls.save_call(edition, _call_data(form), actor=current_user))
        except DomainError as error:
            refuse_request()
            _place_errors(form, error)
            status = 422
        else:
            flash(_("The call for sessions is saved."), "success")
            return redirect(url_for("proposals.manage_call", year=year))
    elif form.is_submitted():
        status = 422
    return render_template("proposals/manage/call.html", edition=edition, call=call,
                           form=form, reviewer_form=ReviewerForm(formdata=None),
                           csrf=CsrfForm()), status


@bp.post("/manage/<int:year>/call/reviewers")
@roles(Role.ORGANISER)
def add_reviewer(year: int):
    edition = _edition(year)
    call = queries.call_or_404(edition)
    form = ReviewerForm()
    if form.validate_on_submit():
        try:
            reviewer = committed(lambda: calls.add_reviewer(call, form.email.data,
                                                            actor=current_user))
        except DomainError as error:
            refuse(form, error)
            flash(" ".join(str(m) for v in (error.fields or {"": [error.message]}).values()
                           for m in v), "error")
        else:
            flash(_("%(name)s now reviews this call.", name=reviewer.user.display_name),
                  "success")
    else:
        flash(_("Give the e-mail address of an account."), "error")
    return redirect(url_for("proposals.manage_call", year=year, _anchor="reviewers"), 303)


@bp.post("/manage/<int:year>/call/reviewers/<int:user_id>/remove")
@roles(Role.ORGANISER)
def remove_reviewer(year: int, user_id: int):
    call = queries.call_or_404(_edition(year))
    if not CsrfForm().validate():
        abort(400)
    calls.remove_reviewer(call, user_id, actor=current_user)
    flash(_("This person no longer reviews the call."), "success")
    return redirect(url_for("proposals.manage_call", year=year, _anchor="reviewers"), 303)


# Review -------------------------------------------------------------------------------------

def _reviewable_call(year: int):
    edition = _edition(year)
    call = queries.call_or_404(edition)
    if not calls.may_review(call, current_user):
        abort(403)
    return edition, call


@bp.get("/manage/<int:year>/proposals")
@logged_in
def proposals(year: int):
    edition, call = _reviewable_call(year)
    wanted = request.args.get("status")
    status = ProposalStatus(wanted) if wanted in ProposalStatus._value2member_map_ else None
    rows = queries.proposals_of_call(call, status)
    return render_template("proposals/manage/proposals.html", edition=edition, call=call,
                           proposals=rows, status=status,
                           identity=calls.sees_identity(call, current_user),
                           organiser=calls.is_organiser(current_user),
                           average=services.average_score)


def _proposal_page(edition, call, proposal, *, accept_form=None, note_form=None,
                   review_errors=None, clashes=(), status=200):
    organiser = calls.is_organiser(current_user)
    mine = next((r for r in proposal.reviews if r.reviewer_id == current_user.id), None)
    if accept_form is None:
        accept_form = AcceptForm(formdata=None)
        first = proposal.slots[0] if proposal.slots else None
        accept_form.day.data = first.day if first else edition.first_day
        accept_form.start.data = {"morning": time(10), "afternoon": time(14),
                                  "evening": time(19)}[first.part.value] if first else time(14)
    accept_form.room_id.choices = choices((r.id, r.name) for r in edition.rooms)
    return render_template(
        "proposals/manage/proposal.html", edition=edition, call=call, proposal=proposal,
        identity=calls.sees_identity(call, current_user), organiser=organiser, mine=mine,
        reviews=proposal.reviews if organiser else [r for r in proposal.reviews if r is mine],
        average=services.average_score(proposal) if organiser else None,
        accept_form=accept_form, note_form=note_form or NoteForm(formdata=None),
        csrf=CsrfForm(), review_errors=review_errors or {}, clashes=clashes,
        values=request.form if review_errors else None), status


@bp.get("/manage/<int:year>/proposals/<int:proposal_id>")
@logged_in
def proposal(year: int, proposal_id: int):
    edition, call = _reviewable_call(year)
    return _proposal_page(edition, call, queries.proposal_in_call(call, proposal_id))


@bp.post("/manage/<int:year>/proposals/<int:proposal_id>/review")
@logged_in
def review(year: int, proposal_id: int):
    edition, call = _reviewable_call(year)
    item = queries.proposal_in_call(call, proposal_id)
    if not CsrfForm().validate():
        abort(400)
    scores = {str(c.id): request.form.get(f"score-{c.id}", "") for c in call.criteria}
    try:
        committed(lambda: services.review_proposal(item, actor=current_user, scores=scores,
                                                   comment=request.form.get("comment", "")))
    except DomainError as error:
        errors = {k: [str(m) for m in v] for k, v in error.fields.items()} or {
            "": [str(error.message)]}
        return _proposal_page(edition, call, item, review_errors=errors,
                              status=422 if error.status in (400, 422) else error.status)
    flash(_("Your review is saved."), "success")
    return redirect(url_for("proposals.proposal", year=year, proposal_id=item.id), 303)


@bp.post("/manage/<int:year>/proposals/<int:proposal_id>/status")
@roles(Role.ORGANISER)
def change_status(year: int, proposal_id: int):
    edition, call = _reviewable_call(year)
    item = queries.proposal_in_call(call, proposal_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _proposal_page(edition, call, item, note_form=form, status=422)
    action = request.form.get("action")
    service = {"under_review": services.start_review,
               "decline": services.decline_proposal}.get(action)
    if service is None:
        abort(400)
    try:
        committed(lambda: service(item, actor=current_user, note=form.note.data))
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("The proposal is now “%(status)s”.", status=PROPOSAL_STATUS[item.status]),
              "success")
    return redirect(url_for("proposals.proposal", year=year, proposal_id=item.id), 303)


@bp.post("/manage/<int:year>/proposals/<int:proposal_id>/accept")
@roles(Role.ORGANISER)
def accept(year: int, proposal_id: int):
    edition, call = _reviewable_call(year)
    item = queries.proposal_in_call(call, proposal_id)
    form = AcceptForm()
    form.room_id.choices = choices((r.id, r.name) for r in edition.rooms)
    if not form.validate_on_submit():
        return _proposal_page(edition, call, item, accept_form=form, status=422)
    try:
        _p, session, _c = committed(lambda: services.accept_proposal(
            item, actor=current_user, room_id=form.room_id.data,
            starts_at=paris_to_utc(form.day.data, form.start.data), note=form.note.data,
            confirm_clashes=form.confirm_clashes.data))
    except ClashError as error:
        refuse_request()
        return _proposal_page(edition, call, item, accept_form=form, clashes=error.clashes,
                              status=409)
    except DomainError as error:
        status = refuse(form, error, renames={"starts_at": "day", "ends_at": "start"})
        return _proposal_page(edition, call, item, accept_form=form, status=status)
    flash(_("The proposal is accepted: its draft session is in the programme."), "success")
    return redirect(url_for("manage_programme.session", year=year, session_id=session.id),
                    303)


# The speakers' changes ----------------------------------------------------------------------

@bp.get("/manage/speaker-changes")
@roles(Role.ORGANISER)
def speaker_changes():
    return render_template("proposals/manage/speaker_changes.html",
                           changes=queries.pending_profile_changes(), csrf=CsrfForm())


@bp.post("/manage/speaker-changes/<int:change_id>")
@roles(Role.ORGANISER)
def decide_speaker_change(change_id: int):
    change = db.session.get(SpeakerProfileChange, change_id)
    if change is None:
        abort(404)
    if not CsrfForm().validate():
        abort(400)
    approve = request.form.get("action") == "approve"
    try:
        committed(lambda: speakers.decide_profile_change(
            change, approve=approve, actor=current_user, now=utcnow(),
            note=request.form.get("note", "")))
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("The speaker's page is updated.") if approve else
              _("The speaker's change is rejected."), "success")
    return redirect(url_for("proposals.speaker_changes"), 303)


@bp.get("/manage/speaker-changes/<int:change_id>/photo")
@roles(Role.ORGANISER)
def speaker_change_photo(change_id: int):
    """The photo a speaker sent, for the organiser who approves it (never public)."""
    change = db.session.get(SpeakerProfileChange, change_id)
    path = speakers.pending_photo_path(change.photo_filename) if change else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
