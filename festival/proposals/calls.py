"""Organisers set up an edition's call for sessions: its dates, formats, languages, pôles,
guidelines per language, who may propose, the review rubric and the reviewers."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.associations.models import Pole
from festival.core.access import Role
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.translated import clean_texts
from festival.editions.models import Edition, Language, SessionKind
from festival.editions.services._checks import Fields, is_id, refuse_if_archived
from festival.extensions import db
from festival.proposals.models import CallCriterion, CallFormat, CallReviewer, SessionCall

MAX_FORMATS = 8
MAX_CRITERIA = 8
MAX_REVIEWERS = 50
MAX_GUIDELINES = 10_000
CALL_FIELDS = ("opens_at", "closes_at", "guidelines", "languages", "poles",
               "is_open_to_accounts", "is_anonymised", "formats", "criteria")


def is_organiser(user: User | None) -> bool:
    return user is not None and user.role in (Role.ORGANISER, Role.ADMIN)


def refuse_unless_organiser(user: User | None) -> None:
    if not is_organiser(user):
        raise DomainError("organisers_only", _l("Only organisers can do this."), status=403)


def _list(fields: Fields, name: str, raw: Any, limit: int) -> list:
    if raw is None:
        return []
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, (list, tuple)):
        fields.add(name, _l("Give a list."))
        return []
    if len(raw) > limit:
        fields.add(name, _l("%(n)s at most.", n=limit))
        return []
    return list(raw)


def _choices(fields: Fields, name: str, raw: Any, enum_cls, limit: int) -> list[str]:
    values = []
    for item in _list(fields, name, raw, limit):
        value = fields.choice(name, item, enum_cls)
        if value is not None and value.value not in values:
            values.append(value.value)
    return values


def _texts(fields: Fields, name: str, raw: Any, *, max_length: int,
           required: bool) -> dict[str, str]:
    given = raw if isinstance(raw, Mapping) else {"fr": raw}
    return clean_texts(given, fields.errors, max_length=max_length, required=required,
                       key=lambda lang: name if lang == "fr" else f"{name}_{lang}")


def _formats(fields: Fields, raw: Any) -> list[dict]:
    found = []
    for index, item in enumerate(_list(fields, "formats", raw, MAX_FORMATS)):
        if not isinstance(item, Mapping):
            fields.add("formats", _l("Give each format as an object."))
            continue
        key = f"formats-{index}"
        found.append({
            "id": item.get("id") if is_id(item.get("id")) else None,
            "kind": fields.choice(f"{key}-kind", item.get("kind"), SessionKind),
            "name": _texts(fields, f"{key}-name", item.get("name"), max_length=120,
                           required=True),
            "duration_minutes": fields.whole_number(
                f"{key}-duration_minutes", item.get("duration_minutes"), minimum=5,
                maximum=840, required=True)})
    if not found and "formats" not in fields.errors:
        fields.add("formats", _l("Give at least one session format."))
    return found


def _criteria(fields: Fields, raw: Any) -> list[dict]:
    found = []
    for index, item in enumerate(_list(fields, "criteria", raw, MAX_CRITERIA)):
        if not isinstance(item, Mapping):
            fields.add("criteria", _l("Give each criterion as an object."))
            continue
        key = f"criteria-{index}"
        found.append({
            "id": item.get("id") if is_id(item.get("id")) else None,
            "name": _texts(fields, f"{key}-name", item.get("name"), max_length=120,
                           required=True),
            "description": _texts(fields, f"{key}-description", item.get("description"),
                                  max_length=500, required=False),
            "max_score": fields.whole_number(f"{key}-max_score", item.get("max_score", 5),
                                             minimum=1, maximum=10, required=True)})
    return found


def _sync(call: SessionCall, rows: list, model, items: list[dict], apply) -> list:
    """Rows matched by id are changed, new ones added, those left out removed (a proposal
    of a removed format keeps its texts, without a format)."""
    by_id = {row.id: row for row in rows}
    kept = []
    for position, item in enumerate(items):
        row = by_id.pop(item["id"], None) if item["id"] else None
        if row is None:
            row = model(call=call)
        row.position = position
        apply(row, item)
        kept.append(row)
    for row in by_id.values():
        db.session.delete(row)
    return kept


def _apply_format(row: CallFormat, item: dict) -> None:
    row.kind, row.duration_minutes = item["kind"], item["duration_minutes"]
    row.set_texts("name", item["name"], {}, max_length=120)


def _apply_criterion(row: CallCriterion, item: dict) -> None:
    row.max_score = item["max_score"]
    row.set_texts("name", item["name"], {}, max_length=120)
    row.set_texts("description", {"fr": "", **item["description"]}, {}, max_length=500)


def save_call(edition: Edition, data: Mapping[str, Any], *, actor: User | None) -> SessionCall:
    """Open (or change) the edition's call for sessions: when it opens and closes (aware
    datetimes), its session formats with their durations (1 to 8), the languages and pôles a
    proposal may choose, its guidelines per language (French required), whether anyone with
    an account may propose, whether review is anonymised, and the rubric (0 to 8 criteria,
    each scored up to 1–10). Errors: organisers_only (403), validation_failed,
    edition_archived (409)."""
    refuse_unless_organiser(actor)
    refuse_if_archived(edition)
    fields = Fields()
    for name in sorted(set(data) - set(CALL_FIELDS)):
        fields.add(name, _l("Unknown field."))
    moments = {}
    for name in ("opens_at", "closes_at"):
        moment = data.get(name)
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            fields.add(name, _l("Give a date and time with its time zone."))
            moment = None
        moments[name] = moment
    if None not in moments.values() and moments["closes_at"] <= moments["opens_at"]:
        fields.add("closes_at", _l("The call must close after it opens."))
    guidelines = _texts(fields, "guidelines", data.get("guidelines"),
                        max_length=MAX_GUIDELINES, required=True)
    languages = _choices(fields, "languages", data.get("languages"), Language, len(Language))
    if not languages and "languages" not in fields.errors:
        fields.add("languages", _l("Choose at least one language."))
    poles = _choices(fields, "poles", data.get("poles"), Pole, len(Pole))
    formats = _formats(fields, data.get("formats"))
    criteria = _criteria(fields, data.get("criteria"))
    fields.raise_if_any()
    call = call_of(edition)
    if call is None:
        call = SessionCall(edition=edition)
        db.session.add(call)
    call.opens_at, call.closes_at = moments["opens_at"], moments["closes_at"]
    call.set_texts("guidelines", guidelines, {}, max_length=MAX_GUIDELINES)
    call.languages, call.poles = languages, poles
    call.is_open_to_accounts = data.get("is_open_to_accounts") is True
    call.is_anonymised = data.get("is_anonymised") is True
    call.formats = _sync(call, list(call.formats), CallFormat, formats, _apply_format)
    call.criteria = _sync(call, list(call.criteria), CallCriterion, criteria,
                          _apply_criterion)
    db.session.flush()
    return call


def call_of(edition: Edition) -> SessionCall | None:
    return db.session.scalar(select(SessionCall).where(SessionCall.edition_id == edition.id))


def add_reviewer(call: SessionCall, email: Any, *, actor: User | None) -> CallReviewer:
    """Name the person with this account's address a reviewer of the call. Errors:
    organisers_only (403), validation_failed (email), already_reviewer (409),
    too_many_reviewers (409)."""
    refuse_unless_organiser(actor)
    fields = Fields()
    address = fields.text("email", email, max_length=254, required=True).lower()
    fields.raise_if_any()
    user = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None or not user.is_enabled:
        fields.add("email", _l("No account uses this address."))
        fields.raise_if_any()
    if any(r.user_id == user.id for r in call.reviewers):
        raise Conflict("already_reviewer", _l("%(name)s already reviews this call.",
                                              name=user.display_name))
    if len(call.reviewers) >= MAX_REVIEWERS:
        raise Conflict("too_many_reviewers", _l("A call has %(n)s reviewers at most.",
                                                n=MAX_REVIEWERS))
    reviewer = CallReviewer(call=call, user=user)
    db.session.add(reviewer)
    db.session.flush()
    return reviewer


def remove_reviewer(call: SessionCall, user_id: int, *, actor: User | None) -> None:
    """Errors: organisers_only (403), reviewer_not_found (404)."""
    refuse_unless_organiser(actor)
    row = db.session.get(CallReviewer, (call.id, user_id)) if is_id(user_id) else None
    if row is None:
        raise NotFound("reviewer_not_found", _l("This person does not review this call."))
    db.session.delete(row)
    db.session.flush()


def is_reviewer(call: SessionCall, user: User | None) -> bool:
    return user is not None and db.session.get(CallReviewer, (call.id, user.id)) is not None


def may_review(call: SessionCall, user: User | None) -> bool:
    return is_organiser(user) or is_reviewer(call, user)


def sees_identity(call: SessionCall, user: User | None) -> bool:
    """Whether this reader sees who proposed (association, proposer, speakers): organisers
    always; reviewers unless the call is anonymised."""
    return is_organiser(user) or not call.is_anonymised
