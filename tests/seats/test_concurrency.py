"""Eight people reserving the last three seats of a session at once on PostgreSQL: three
get one, the others are told it is full, and no one gets two."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from festival.core.errors import DomainError
from festival.core.timeutil import utcnow
from festival.editions import services as editions
from festival.editions.models import ProgrammeSession
from festival.extensions import db
from festival.seats import services
from festival.seats.models import SeatReservation, SeatStatus
from festival.ticketing.models import Ticket
from tests.checkin.conftest import make_door_edition, make_ticket, make_ticket_type


def test_concurrent_reservations_never_exceed_the_seats(app, postgres):
    with app.app_context():
        edition = make_door_edition()
        room = editions.create_room(edition, {"name": "Salle des ateliers", "capacity": 40},
                                    actor=None)
        now = utcnow()
        session, _ = editions.create_session(edition, {
            "kind": "workshop", "title": "Atelier", "languages": ["fr"], "room_id": room.id,
            "starts_at": now + timedelta(hours=1), "ends_at": now + timedelta(hours=2),
            "status": "published", "capacity": 3, "registration_required": True},
            actor=None, confirm_clashes=True)
        kind = make_ticket_type(edition)
        ticket_ids = [make_ticket(kind).id for _ in range(8)]
        db.session.commit()
        session_id = session.id

    barrier = threading.Barrier(len(ticket_ids))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def reserve(ticket_id: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                try:
                    services.reserve(db.session.get(ProgrammeSession, session_id),
                                     db.session.get(Ticket, ticket_id))
                    db.session.commit()
                    outcomes.append("seat")
                except DomainError as error:
                    db.session.rollback()
                    outcomes.append(error.code)
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=reserve, args=(i,), daemon=True) for i in ticket_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(outcomes) == ["seat"] * 3 + ["session_full"] * 5
    with app.app_context():
        assert db.session.scalar(select(func.count(SeatReservation.id)).where(
            SeatReservation.status == SeatStatus.RESERVED)) == 3


def test_one_ticket_in_two_sessions_at_once_gets_one_seat(app, postgres):
    """A double click on two sessions at the same hour: each waits on its own session's
    lock, so only the ticket's lock keeps the ticket to one of them."""
    with app.app_context():
        edition = make_door_edition()
        now = utcnow()
        session_ids = []
        for name in ("Atelier A", "Atelier B"):
            room = editions.create_room(edition, {"name": name, "capacity": 40}, actor=None)
            session, _ = editions.create_session(edition, {
                "kind": "workshop", "title": name, "languages": ["fr"], "room_id": room.id,
                "starts_at": now + timedelta(hours=1), "ends_at": now + timedelta(hours=2),
                "status": "published", "registration_required": True},
                actor=None, confirm_clashes=True)
            session_ids.append(session.id)
        ticket_id = make_ticket(make_ticket_type(edition)).id
        db.session.commit()

    outcomes: list[str] = []
    errors: list[BaseException] = []
    for _round in range(5):
        barrier = threading.Barrier(2)

        def reserve(session_id: int, barrier: threading.Barrier = barrier) -> None:
            try:
                with app.app_context():
                    barrier.wait(timeout=30)
                    try:
                        services.reserve(db.session.get(ProgrammeSession, session_id),
                                         db.session.get(Ticket, ticket_id))
                        db.session.commit()
                        outcomes.append("seat")
                    except DomainError as error:
                        db.session.rollback()
                        outcomes.append(error.code)
                    finally:
                        db.session.remove()
            except BaseException as error:  # noqa: BLE001 (reported below)
                errors.append(error)

        threads = [threading.Thread(target=reserve, args=(i,), daemon=True)
                   for i in session_ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        with app.app_context():
            db.session.execute(SeatReservation.__table__.update().values(status="cancelled"))
            db.session.commit()
    assert errors == []
    assert sorted(outcomes) == ["seat"] * 5 + ["seat_clash"] * 5


def test_two_release_runs_at_once_release_each_seat_once(app, postgres):
    with app.app_context():
        edition = make_door_edition()
        room = editions.create_room(edition, {"name": "Salle", "capacity": 40}, actor=None)
        now = utcnow()
        session, _ = editions.create_session(edition, {
            "kind": "workshop", "title": "Atelier", "languages": ["fr"], "room_id": room.id,
            "starts_at": now + timedelta(minutes=5), "ends_at": now + timedelta(hours=1),
            "status": "published", "registration_required": True},
            actor=None, confirm_clashes=True)
        kind = make_ticket_type(edition)
        for _ in range(6):
            services.reserve(session, make_ticket(kind))
        db.session.commit()
        later = session.starts_at + timedelta(minutes=11)

    barrier = threading.Barrier(2)
    released: list[int] = []
    errors: list[BaseException] = []

    def release() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                try:
                    released.append(services.release_no_shows(now=later))
                    db.session.commit()
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=release, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(released) == 6
    with app.app_context():
        assert db.session.scalar(select(func.count(SeatReservation.id)).where(
            SeatReservation.status == SeatStatus.RELEASED)) == 6
