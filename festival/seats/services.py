"""Free pre-registration for sessions (festival/seats/models.py): reserve a seat with a
ticket, cancel it, and release the seats nobody came for.

A seat is reserved for a valid ticket of a paid order that admits on the session's festival
day, until ten minutes after the session starts. Reservations are counted under the
session's row lock, so two people never take the last seat. A ticket holds seats in sessions
that do not overlap. Services flush and never commit.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.checkin.queries import let_into_room
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import lock_row
from festival.editions.days import festival_day
from festival.editions.models import ProgrammeSession, SessionStatus
from festival.extensions import db
from festival.seats.models import SeatReservation, SeatStatus
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus, TicketType

RELEASE_AFTER = timedelta(minutes=10)  # after the start, an unused seat goes back
EARLY = timedelta(minutes=15)          # people let in this long before the start came
RELEASE_BATCH = 500


def seats(session: ProgrammeSession) -> int | None:
    """How many seats can be reserved: the session's own capacity, else its room's."""
    return session.capacity if session.capacity is not None else session.room.capacity


def reserved_count(session: ProgrammeSession) -> int:
    """The seats taken: reserved or used by a valid ticket of a paid order that admits on the
    session's day (a ticket refunded, cancelled or handed over, or a session moved to a day
    the ticket does not admit on, holds no seat, whatever its reservation says). Counted per
    ticket type, whose days are read in Python."""
    rows = db.session.execute(select(Ticket.ticket_type_id, func.count(SeatReservation.id))
                              .join(Ticket, Ticket.id == SeatReservation.ticket_id)
                              .join(Order, Order.id == Ticket.order_id).where(
        SeatReservation.session_id == session.id,
        SeatReservation.status.in_((SeatStatus.RESERVED, SeatStatus.USED)),
        Ticket.status == TicketStatus.VALID, Order.status == OrderStatus.PAID)
        .group_by(Ticket.ticket_type_id)).all()
    if not rows:
        return 0
    edition = session.edition
    day = festival_day(edition, session.starts_at)
    kinds = db.session.scalars(select(TicketType).where(
        TicketType.id.in_([kind_id for kind_id, _n in rows])))
    admitting = {k.id for k in kinds if day is not None and day in k.admission_days(edition.dates)}
    return sum(n for kind_id, n in rows if kind_id in admitting)


def seats_left(session: ProgrammeSession) -> int | None:
    total = seats(session)
    return None if total is None else max(total - reserved_count(session), 0)


def open_until(session: ProgrammeSession) -> datetime:
    return session.starts_at + RELEASE_AFTER


def _admits(ticket: Ticket, session: ProgrammeSession) -> bool:
    edition = session.edition
    day = festival_day(edition, session.starts_at)
    return day is not None and day in ticket.ticket_type.admission_days(edition.dates)


def sessions_for(order: Order, now: datetime | None = None) -> list[
        tuple[ProgrammeSession, list[Ticket], int | None]]:
    """The sessions with pre-registration this order's tickets may reserve in, still open:
    (session, its tickets that admit on the session's day, seats left)."""
    now = now or utcnow()
    if order.status is not OrderStatus.PAID:
        return []
    valid = [t for t in order.tickets if t.status is TicketStatus.VALID]
    found = []
    for session in db.session.scalars(select(ProgrammeSession).where(
            ProgrammeSession.edition_id == order.edition_id,
            ProgrammeSession.registration_required.is_(True),
            ProgrammeSession.status == SessionStatus.PUBLISHED,
            ProgrammeSession.starts_at > now - RELEASE_AFTER)
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)):
        tickets = [t for t in valid if _admits(t, session)]
        if tickets:
            found.append((session, tickets, seats_left(session)))
    return found


def reservations_of(order: Order) -> dict[tuple[int, int], SeatReservation]:
    """The order's active reservations, by (session id, ticket id)."""
    rows = db.session.scalars(select(SeatReservation).join(
        Ticket, Ticket.id == SeatReservation.ticket_id).where(
        Ticket.order_id == order.id, SeatReservation.status == SeatStatus.RESERVED))
    return {(r.session_id, r.ticket_id): r for r in rows}


def reserve(session: ProgrammeSession, ticket: Ticket, *,
            now: datetime | None = None) -> SeatReservation:
    """Reserve a seat in `session` for `ticket` (again: the same reservation). Errors:
    registration_closed, not_admitted, session_full, seat_clash (409)."""
    now = now or utcnow()
    # The seats are counted under the session's row lock (its id only: the session's
    # eager joins cannot be locked on PostgreSQL), then the session is read afresh.
    db.session.flush()
    db.session.execute(select(ProgrammeSession.id).where(ProgrammeSession.id == session.id)
                       .with_for_update())
    db.session.refresh(session)
    # Then the ticket's: a ticket reserving in two sessions at once (a double click) waits
    # here, under different session locks, and then sees the other seat (seat_clash); and a
    # refund or a transfer being committed is seen before the ticket is taken as valid.
    ticket = lock_row(Ticket, ticket.id) or ticket
    if not session.registration_required \
            or session.status is not SessionStatus.PUBLISHED or now >= open_until(session):
        raise DomainError("registration_closed", _l(
            "Seats can no longer be reserved for this session."), status=409)
    if ticket.status is not TicketStatus.VALID or ticket.order.status is not OrderStatus.PAID \
            or ticket.order.edition_id != session.edition_id or not _admits(ticket, session):
        raise DomainError("not_admitted", _l(
            "This ticket does not admit on the day of this session."), status=409)
    existing = db.session.scalar(select(SeatReservation).where(
        SeatReservation.session_id == session.id, SeatReservation.ticket_id == ticket.id,
        SeatReservation.status == SeatStatus.RESERVED))
    if existing is not None:
        return existing
    total = seats(session)
    if total is not None and reserved_count(session) >= total:
        raise Conflict("session_full", _l("Sorry, every seat of this session is reserved. "
                                          "Seats not used ten minutes after the start go "
                                          "to the people at the door."))
    clash = db.session.scalar(select(ProgrammeSession).join(
        SeatReservation, SeatReservation.session_id == ProgrammeSession.id).where(
        SeatReservation.ticket_id == ticket.id,
        SeatReservation.status == SeatStatus.RESERVED,
        # A session that no longer takes reservations (cancelled, unpublished, registration
        # off) holds nobody: its holders can no longer see or give back their seat there.
        ProgrammeSession.status == SessionStatus.PUBLISHED,
        ProgrammeSession.registration_required.is_(True),
        ProgrammeSession.starts_at < session.ends_at,
        ProgrammeSession.ends_at > session.starts_at))
    if clash is not None:
        raise Conflict("seat_clash", _l("This ticket already has a seat in “%(title)s” at "
                                        "the same time.", title=clash.title))
    reservation = SeatReservation(session_id=session.id, ticket_id=ticket.id,
                                  status=SeatStatus.RESERVED, created_at=now)
    db.session.add(reservation)
    db.session.flush()
    return reservation


def cancel(reservation: SeatReservation, *, now: datetime | None = None) -> None:
    """Give a reserved seat back (nothing happens to one already released or cancelled)."""
    reservation = lock_row(SeatReservation, reservation.id)
    if reservation is not None and reservation.status is SeatStatus.RESERVED:
        reservation.status = SeatStatus.CANCELLED
        reservation.closed_at = now or utcnow()
        db.session.flush()


def follow_transfer(old: Ticket, new: Ticket) -> None:
    """A ticket handed over (ticketing.changes): its reserved seats go with it to the new
    ticket, which admits on the same days."""
    for reservation in db.session.scalars(select(SeatReservation).where(
            SeatReservation.ticket_id == old.id, SeatReservation.status == SeatStatus.RESERVED)):
        reservation.ticket_id = new.id
    db.session.flush()


def release_no_shows(*, now: datetime | None = None) -> int:
    """Release the seats of the sessions begun more than ten minutes ago whose tickets were
    not let in at the room's door (from a quarter of an hour before the start to its end: an
    entry for a later session in the room is not one for this session). Returns how many
    went back."""
    now = now or utcnow()
    due = db.session.execute(
        select(SeatReservation.id, SeatReservation.ticket_id, ProgrammeSession.id,
               ProgrammeSession.room_id, ProgrammeSession.starts_at,
               ProgrammeSession.ends_at)
        .join(ProgrammeSession, ProgrammeSession.id == SeatReservation.session_id)
        .where(SeatReservation.status == SeatStatus.RESERVED,
               ProgrammeSession.starts_at <= now - RELEASE_AFTER)
        .order_by(ProgrammeSession.id, SeatReservation.id).limit(RELEASE_BATCH)).all()
    by_session: dict[int, list] = {}
    for row in due:
        by_session.setdefault(row[2], []).append(row)
    released = 0
    for rows in by_session.values():
        room_id, starts_at, ends_at = rows[0][3], rows[0][4], rows[0][5]
        came = let_into_room(room_id, starts_at - EARLY, [r[1] for r in rows], until=ends_at)
        for reservation_id, ticket_id, *_ in rows:
            reservation = lock_row(SeatReservation, reservation_id)
            if reservation is None or reservation.status is not SeatStatus.RESERVED:
                continue
            reservation.closed_at = now
            if ticket_id in came:
                reservation.status = SeatStatus.USED
            else:
                reservation.status = SeatStatus.RELEASED
                released += 1
    db.session.flush()
    return released


def reservations_of_tickets(ticket_ids: list[int]) -> dict[int, list[SeatReservation]]:
    """Every reservation made with these tickets, by ticket id (a person's data export)."""
    found: dict[int, list[SeatReservation]] = {}
    if ticket_ids:
        for reservation in db.session.scalars(select(SeatReservation).where(
                SeatReservation.ticket_id.in_(ticket_ids)).order_by(SeatReservation.id)):
            found.setdefault(reservation.ticket_id, []).append(reservation)
    return found


def reservation_for(order: Order, reservation_id: int) -> SeatReservation:
    reservation = db.session.get(SeatReservation, reservation_id)
    if reservation is None or reservation.ticket.order_id != order.id:
        raise NotFound("reservation_not_found", _l("No such reservation."))
    return reservation
