"""Exhibitors: a member association's representative asks for a stand; organisers decide."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from festival.accounts.models import User
from festival.associations.models import MembershipStatus
from festival.core.access import Role
from festival.core.errors import Conflict, DomainError
from festival.editions.models import (
    Edition,
    EditionStatus,
    StandEvent,
    StandRequest,
    StandSize,
    StandStatus,
)
from festival.editions.services._checks import Fields, refuse_if_archived
from festival.extensions import db

OPEN_FOR_REQUESTS = (EditionStatus.PUBLISHED, EditionStatus.ON_SALE)


def normalise_stand_number(raw: Any) -> str:
    """' b 12 ' → 'B12': one spelling per stand, so that the uniqueness rule means something."""
    return re.sub(r"\s+", "", str(raw or "")).upper()


def _record(stand: StandRequest, from_status: StandStatus | None, actor: User | None,
            note: str = "") -> None:
    stand.events.append(StandEvent(from_status=from_status, to_status=stand.status,
                                   stand_number=stand.stand_number, note=note,
                                   actor_id=actor.id if actor else None))


def request_stand(edition: Edition, data: Mapping[str, Any], *, actor: User) -> StandRequest:
    """The actor's association asks for a stand (size, electricity, tables, chairs, other needs,
    what it shows). A request not yet approved can be changed; a declined or withdrawn one can
    be made again. Errors: not_a_representative (403), not_a_member (403), stands_closed (409),
    stand_already_approved (409), validation_failed."""
    association = actor.association if actor.role is Role.ASSOCIATION else None
    if association is None:
        raise DomainError("not_a_representative",
                          _l("Only the representative of a member association can ask for a "
                             "stand."), status=403)
    if association.status is not MembershipStatus.MEMBER:
        raise DomainError("not_a_member",
                          _l("Only member associations can have a stand."), status=403)
    if edition.status not in OPEN_FOR_REQUESTS:
        raise Conflict("stands_closed",
                       _l("Stand requests for %(year)s are not open.", year=edition.year))
    fields = Fields()
    size = fields.choice("size", data.get("size"), StandSize)
    tables = fields.whole_number("tables", data.get("tables", 1), minimum=0, maximum=10)
    chairs = fields.whole_number("chairs", data.get("chairs", 2), minimum=0, maximum=20)
    showcase = fields.text("showcase", data.get("showcase"), max_length=2000, required=True)
    other_needs = fields.text("other_needs", data.get("other_needs"), max_length=2000)
    fields.raise_if_any()
    stand = db.session.scalar(select(StandRequest).where(
        StandRequest.edition_id == edition.id,
        StandRequest.association_id == association.id).with_for_update(of=StandRequest))
    if stand is not None and stand.status is StandStatus.APPROVED:
        raise Conflict("stand_already_approved",
                       _l("Your stand is already approved; write to the organisers to change "
                          "it."))
    previous = stand.status if stand is not None else None
    if stand is None:
        stand = StandRequest(edition=edition, association=association)
        db.session.add(stand)
    stand.requested_by_id = actor.id
    stand.size, stand.tables, stand.chairs = size, tables, chairs
    stand.needs_electricity = bool(data.get("needs_electricity"))
    stand.showcase, stand.other_needs = showcase, other_needs
    stand.status = StandStatus.REQUESTED
    stand.stand_number, stand.zone = None, ""
    _record(stand, previous, actor)
    db.session.flush()
    return stand


def withdraw_stand(stand: StandRequest, *, actor: User) -> StandRequest:
    """The association withdraws its request (its stand number, if any, is freed).
    Errors: not_yours (403), already_withdrawn (409)."""
    if actor.role is Role.ASSOCIATION and actor.association_id != stand.association_id:
        raise DomainError("not_yours", _l("This stand request is not your association's."),
                          status=403)
    if stand.status is StandStatus.WITHDRAWN:
        raise Conflict("already_withdrawn", _l("This request is already withdrawn."))
    previous = stand.status
    stand.status, stand.stand_number = StandStatus.WITHDRAWN, None
    _record(stand, previous, actor)
    db.session.flush()
    return stand


def decide_stand(stand: StandRequest, *, approve: bool, stand_number: Any = None,
                 zone: Any = "", note: Any = "", actor: User | None) -> StandRequest:
    """Organisers approve a request with a stand number (and zone), or decline it. A stand
    number is never given twice in one edition. Errors: validation_failed (stand_number, zone,
    note), stand_number_taken (409), stand_withdrawn (409), edition_archived (409)."""
    refuse_if_archived(stand.edition)
    if stand.status is StandStatus.WITHDRAWN:
        raise Conflict("stand_withdrawn", _l("The association withdrew this request."))
    fields = Fields()
    note = fields.text("note", note, max_length=2000)
    zone = fields.text("zone", zone, max_length=80)
    number = None
    if approve:
        number = normalise_stand_number(stand_number)
        if not number:
            fields.add("stand_number", _l("Give the stand a number to approve it."))
        elif len(number) > 20:
            fields.add("stand_number", _l("At most %(n)s characters.", n=20))
    fields.raise_if_any()
    if number is not None:
        _refuse_taken_number(stand, number)
    previous = stand.status
    stand.status = StandStatus.APPROVED if approve else StandStatus.DECLINED
    stand.stand_number, stand.zone = number, zone if approve else ""
    _record(stand, previous, actor, note)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Another organiser gave the same number in the meantime: the constraint holds.
        raise _taken(number, None) from None
    return stand


def _taken(number: str, holder: StandRequest | None) -> Conflict:
    if holder is not None:
        message = _l("Stand %(number)s is already given to %(name)s.", number=number,
                     name=holder.association.name)
    else:
        message = _l("Stand %(number)s is already given.", number=number)
    return Conflict("stand_number_taken", message, fields={"stand_number": [message]})


def _refuse_taken_number(stand: StandRequest, number: str) -> None:
    holder = db.session.scalar(select(StandRequest).where(
        StandRequest.edition_id == stand.edition_id, StandRequest.stand_number == number,
        StandRequest.id != stand.id))
    if holder is not None:
        raise _taken(number, holder)
