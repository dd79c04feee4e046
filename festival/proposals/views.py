"""The call's public page, proposing a session, the proposer's list, and the speakers' own
page (opened by the signed link they were sent)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.config import LANGUAGES
from festival.core.access import logged_in, public
from festival.core.errors import DomainError, committed
from festival.core.language_fields import in_language_label
from festival.core.timeutil import utcnow
from festival.core.translated import current_language
from festival.core.unit_of_work import refuse_request
from festival.editions.queries import visible_edition
from festival.extensions import db
from festival.proposals import (
    links,
    manage_views,  # noqa: F401  (the organisers' and reviewers' routes)
    queries,
    services,
    speakers,
)
from festival.proposals.blueprint import bp
from festival.proposals.forms import CsrfForm
from festival.proposals.models import DayPart, Proposal

FORM_LIMIT = 40  # values read from one repeated form field, at most


def _values(name: str, limit: int = FORM_LIMIT) -> list[str]:
    return request.form.getlist(name)[:limit]


def _whole(raw: str | None) -> int | str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else raw


def proposal_data() -> dict:
    """The proposal form's fields as the service takes them."""
    form = request.form
    people = []
    for index in range(services.MAX_SPEAKERS):
        existing = _whole(form.get(f"speakers-{index}-speaker_id"))
        name = (form.get(f"speakers-{index}-name") or "").strip()
        email = (form.get(f"speakers-{index}-email") or "").strip()
        if existing is not None:
            people.append({"speaker_id": existing, "email": email})
        elif name or email:
            people.append({"name": name, "email": email})
    return {"title": form.get("title", ""), "abstract": form.get("abstract", ""),
            "format_id": _whole(form.get("format_id")), "language": form.get("language"),
            "pole": form.get("pole") or None, "speakers": people,
            "slots": _values("slots"), "audience": _whole(form.get("audience")),
            "needs_projector": form.get("needs_projector") == "y",
            "needs_interpreter": form.get("needs_interpreter") == "y",
            "other_needs": form.get("other_needs", "")}


@bp.get("/<int:year>/call")
@public
def call_page(year: int):
    edition = visible_edition(year)
    call = queries.call_or_404(edition)
    return render_template("proposals/call.html", edition=edition, call=call, now=utcnow(),
                           may_propose=services.may_propose(call, current_user
                                                            if current_user.is_authenticated
                                                            else None))


@bp.route("/<int:year>/call/propose", methods=["GET", "POST"])
@logged_in
def propose(year: int):
    edition = visible_edition(year)
    call = queries.call_or_404(edition)
    if not services.may_propose(call, current_user):
        raise DomainError("not_allowed_to_propose",
                          _("Only the representatives of member associations can propose a "
                            "session to this call."), status=403)
    form = CsrfForm()
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            proposal = committed(lambda: services.propose(
                call, proposal_data(), actor=current_user, language=current_language(),
                now=utcnow()))
        except DomainError as error:
            errors = {k: [str(m) for m in v] for k, v in error.fields.items()}
            if not errors:
                errors = {"": [str(error.message)]}
            status = 422 if error.status in (400, 422) else error.status
        else:
            flash(_("Your proposal “%(title)s” has been sent to the organisers.",
                    title=proposal.title), "success")
            return redirect(url_for("proposals.mine"))
    return render_template("proposals/propose.html", edition=edition, call=call, form=form,
                           errors=errors, values=request.form,
                           offered=services.speakers_offered(current_user),
                           slots=services.slot_choices(call), parts=list(DayPart),
                           max_speakers=services.MAX_SPEAKERS, now=utcnow(),
                           association=services.member_association_of(current_user)), status


@bp.get("/my-proposals")
@logged_in
def mine():
    return render_template("proposals/mine.html", proposals=queries.proposals_of_user(
        current_user), calls=queries.open_calls(utcnow()),
        reviewing=queries.calls_reviewed_by(current_user), form=CsrfForm())


@bp.post("/my-proposals/<int:proposal_id>/withdraw")
@logged_in
def withdraw(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not services.is_proposers(proposal, current_user):
        abort(404)
    if not CsrfForm().validate():
        abort(400)
    try:
        services.withdraw_proposal(proposal, actor=current_user,
                                   note=request.form.get("note", ""))
    except DomainError as error:
        refuse_request()
        flash(error.message, "error")
    else:
        flash(_("Your proposal is withdrawn."), "success")
    return redirect(url_for("proposals.mine"), 303)


# The speaker's own page ---------------------------------------------------------------------

def _speaker_row(token: str):
    row = links.speaker_of_token(token)
    if row is None:
        abort(404)
    return row


# The argument is named `token` so that it is masked wherever the address is logged
# (core.masking).
@bp.route("/speaker-page/<token>", methods=["GET", "POST"])
@public
def speaker_page(token: str):
    row = _speaker_row(token)
    form = CsrfForm()
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if not form.validate():
            abort(400)
        which = request.form.get("part")
        try:
            if which == "availability":
                committed(lambda: speakers.confirm_availability(
                    row, _values("slots", speakers.MAX_AVAILABILITY + 1), now=utcnow()))
                message = _("Thank you: the organisers know when you are free.")
            else:
                photo = request.files.get("photo")
                stream = photo.stream if photo is not None and photo.filename else None
                data = {"bio": {lang: request.form.get(f"bio_{lang}", "")
                                for lang in LANGUAGES},
                        "links": _values("links")[:speakers.MAX_LINKS + 1]}
                committed(lambda: speakers.submit_profile(row, data, stream))
                message = _("Thank you: the organisers will check your page before it is "
                            "published.")
        except DomainError as error:
            errors = {k: [str(m) for m in v] for k, v in error.fields.items()} or {
                "": [str(error.message)]}
            status = 422
        else:
            flash(message, "success")
            return redirect(url_for("proposals.speaker_page", token=token), 303)
    pending = speakers.pending_change(row)
    page = render_template(
        "proposals/speaker_page.html", row=row, speaker=row.speaker, pending=pending,
        bio_labels=[(lang, in_language_label(_("Bio"), lang)) for lang in LANGUAGES],
        form=form, errors=errors, values=request.form if errors else None,
        slots=services.slot_choices(row.proposal.call),
        chosen={(a.day, a.part) for a in row.availability},
        max_links=speakers.MAX_LINKS)
    # The address is the key to the page: never kept by a cache on the way.
    return page, status, {"Cache-Control": "no-store"}
