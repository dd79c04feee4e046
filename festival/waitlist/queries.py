"""Reads of the waiting list, for the quotas, the shop and the back office."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from festival.extensions import db
from festival.waitlist.models import OfferState, WaitlistEntry, WaitlistOffer


def held_by_offers(edition_id: int) -> Counter[int]:
    """Seats held by open offers, per ticket type (quotas.held_seats adds them)."""
    return Counter(dict(db.session.execute(
        select(WaitlistEntry.ticket_type_id, func.sum(WaitlistOffer.quantity))
        .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
        .where(WaitlistEntry.edition_id == edition_id, WaitlistOffer.state == OfferState.OPEN)
        .group_by(WaitlistEntry.ticket_type_id)).all()))


def entries_of(edition_id: int) -> list[WaitlistEntry]:
    """Every entry of the edition, by ticket type then joining order, with their offers."""
    return list(db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.edition_id == edition_id)
        .options(selectinload(WaitlistEntry.offers), selectinload(WaitlistEntry.ticket_type))
        .order_by(WaitlistEntry.ticket_type_id, WaitlistEntry.id)))


def offer_by_token(token: str) -> WaitlistOffer | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(WaitlistOffer).where(WaitlistOffer.token == token))


def entry_by_secret(secret: str) -> WaitlistEntry | None:
    if not secret or len(secret) > 64:
        return None
    return db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.secret == secret))


def entry_in_edition(edition_id: int, entry_id: int) -> WaitlistEntry | None:
    entry = db.session.get(WaitlistEntry, entry_id)
    return entry if entry is not None and entry.edition_id == edition_id else None
