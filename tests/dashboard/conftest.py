"""A known edition for the dashboards: every figure of it is worked out by hand in
test_figures.py. Orders go through the ticketing services (so quotas and vouchers move as in
production); scans are written as rows, at chosen times.

Edition 2031, Saturday 17 and Sunday 18 May; "now" is Sunday 11:00 in Paris.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest

from festival.extensions import db
from tests import factories

SAT, SUN = date(2031, 5, 17), date(2031, 5, 18)
NOW = factories.paris(SUN, "11:00")


def at(day: date, hhmm: str) -> datetime:
    return factories.paris(day, hhmm)


@dataclass
class Known:
    year: int
    edition_id: int
    types: dict[str, int]
    tickets: dict[str, int]
    scans: dict[int, int] = field(default_factory=dict)   # our scan number → row id
    now: datetime = NOW


def _order(edition, type_id: int, quantity: int, when: datetime, **fields):
    from festival.ticketing import orders
    return orders.create_order(edition, terms_accepted=True,
                               buyer_name=fields.pop("name", "Acheteuse"),
                               email=fields.pop("email", "acheteuse@example.fr"),
                               items=[orders.Item(type_id, quantity)], now=when, **fields)


def _paid(order, method: str, when: datetime):
    from festival.ticketing import orders
    from festival.ticketing.models import PaymentMethod
    orders.mark_paid(order, PaymentMethod(method), now=when)
    db.session.flush()
    return order


def build_sales(edition, actor):
    from festival.ticketing import catalog, orders, refunds

    catalog.set_venue_capacity(edition, 100)
    common = {"requires_attendee_name": False}
    pass_ = catalog.create_ticket_type(edition, {"name": "Pass", "price_cents": 2000,
                                                 "quota": 50, "position": 1, **common})
    sat = catalog.create_ticket_type(edition, {"name": "Samedi", "price_cents": 1200,
                                               "quota": 30, "position": 2,
                                               "valid_days": [SAT.isoformat()], **common})
    child = catalog.create_ticket_type(edition, {"name": "Enfant", "price_cents": 0,
                                                 "quota": 20, "position": 3, **common})
    catalog.create_voucher(edition, {"code": "REDUC-2031", "ticket_type_id": pass_.id,
                                     "max_uses": 5, "price_override_cents": 1000})
    o1 = _paid(_order(edition, pass_.id, 2, at(date(2031, 5, 7), "09:00"),
                      donation_cents=500), "stripe", at(date(2031, 5, 7), "10:00"))
    o2 = _paid(_order(edition, sat.id, 1, at(SAT, "09:50"), box_office=True), "cash",
               at(SAT, "09:55"))
    o3 = _order(edition, child.id, 3, at(date(2031, 5, 12), "20:30"))  # free: paid at once
    o4 = _paid(_order(edition, pass_.id, 1, at(date(2031, 5, 13), "23:50"),
                      voucher_code="reduc-2031"), "bank_transfer",
               at(date(2031, 5, 14), "08:00"))
    o5 = _order(edition, sat.id, 2, NOW)                                  # pending
    o6 = _order(edition, pass_.id, 1, at(date(2031, 4, 28), "12:00"))
    orders.expire_order(o6, now=at(date(2031, 4, 28), "13:00"))          # expired
    o7 = _paid(_order(edition, sat.id, 1, at(date(2031, 5, 9), "12:00")), "cash",
               at(date(2031, 5, 9), "12:05"))
    orders.cancel_order(o7, actor=actor, reason="test", now=at(date(2031, 5, 9), "13:00"))
    o8 = _paid(_order(edition, pass_.id, 2, at(date(2031, 5, 10), "18:00")), "demo",
               at(date(2031, 5, 10), "18:10"))
    refunds.refund(o8, None, ticket_ids=[o8.tickets[1].id], actor=actor, reason="test",
                   confirmed=True, now=at(date(2031, 5, 11), "09:00"))                   # one of two
    o9 = _paid(_order(edition, sat.id, 1, at(date(2031, 5, 15), "12:00")), "demo",
               at(date(2031, 5, 15), "12:10"))
    refunds.refund(o9, None, actor=actor, reason="test", confirmed=True,
                   now=at(date(2031, 5, 16), "09:00"))                   # all
    db.session.flush()
    types = {"pass": pass_.id, "sat": sat.id, "child": child.id}
    tickets = {"P1": o1.tickets[0].id, "P2": o1.tickets[1].id, "S1": o2.tickets[0].id,
               "C1": o3.tickets[0].id, "C2": o3.tickets[1].id, "C3": o3.tickets[2].id,
               "P3": o4.tickets[0].id, "R1": o5.tickets[0].id, "P4": o8.tickets[0].id,
               "P5": o8.tickets[1].id, "S9": o9.tickets[0].id}
    return types, tickets


# number, day, time, ticket, list, device, direction, result, extra fields
SCANS = [
    (1, SAT, "10:02", "P1", "main", "d1", "in", "ok", {}),
    (2, SAT, "10:05", "P2", "main", "d1", "in", "ok", {}),
    (3, SAT, "10:07", "S1", "main", "d2", "in", "ok", {}),
    (4, SAT, "10:20", "C1", "main", "d2", "in", "ok", {}),
    (5, SAT, "10:21", "P1", "main", "d2", "in", "already_checked_in", {}),
    (6, SAT, "10:22", "P5", "main", "d1", "in", "revoked", {}),
    (7, SAT, "10:40", "R1", "main", "d1", "in", "unpaid", {}),
    (8, SAT, "10:41", None, "main", "d1", "in", "invalid", {"reason": "bad_signature"}),
    (9, SAT, "10:44", "C2", "main", "d1", "in", "ok", {"is_undone": True}),
    (10, SAT, "10:45", "C2", "main", "d1", "in", "ok", {"kind": "undo", "undoes": 9}),
    (11, SAT, "12:00", "P1", "main", "d1", "out", "ok", {}),
    (12, SAT, "12:30", "P1", "main", "d1", "in", "ok", {}),
    (13, SAT, "13:00", "P2", "main", "d1", "out", "ok", {}),
    (14, SAT, "13:10", "P3", "main", "d2", "out", "ok", {"reason": "not_inside"}),
    (15, SAT, "13:12", "P3", "main", "d2", "in", "ok", {}),
    (16, SAT, "14:00", "P1", "room", None, "in", "ok", {"gate": "Grande salle"}),
    (17, SAT, "14:05", "S1", "room", None, "in", "not_on_this_list",
     {"gate": "Grande salle"}),
    (18, SUN, "10:00", "P2", "main", "d1", "in", "ok", {}),
    (19, SUN, "10:10", "C3", "main", None, "in", "ok", {"gate": "Nord"}),
    (20, SUN, "10:15", "S1", "main", "d1", "in", "not_valid_today", {}),
]


def build_scans(edition, tickets: dict[str, int], volunteer) -> dict[int, int]:
    from festival.checkin.models import CheckinList, Device, Scan

    main = CheckinList(edition_id=edition.id, name="Entrée principale", allow_reentry=True)
    # The door of the Grande salle (its room is set once the programme is built: known()).
    room = CheckinList(edition_id=edition.id, name="Porte de la grande salle",
                       allow_reentry=True)
    db.session.add_all([main, room])
    db.session.flush()
    devices = {"d1": Device(edition_id=edition.id, list_id=main.id, name="Téléphone 1",
                            gate="Nord"),
               "d2": Device(edition_id=edition.id, list_id=main.id, name="Téléphone 2",
                            gate="Sud")}
    db.session.add_all(devices.values())
    db.session.flush()
    lists = {"main": main.id, "room": room.id}
    ids: dict[int, int] = {}
    for number, day, hhmm, ticket, list_key, device, direction, result, extra in SCANS:
        extra = dict(extra)
        undoes = extra.pop("undoes", None)
        moment = at(day, hhmm)
        scan = Scan(edition_id=edition.id, list_id=lists[list_key],
                    ticket_id=tickets[ticket] if ticket else None,
                    device_id=devices[device].id if device else None, user_id=volunteer.id,
                    gate=extra.pop("gate", devices[device].gate if device else ""),
                    direction=direction, kind=extra.pop("kind", "scan"), result=result,
                    scanned_at=moment, received_at=moment, client_scan_id=f"c{number}",
                    undoes_scan_id=ids.get(undoes), **extra)
        db.session.add(scan)
        db.session.flush()
        ids[number] = scan.id
    return ids


def build_programme(edition):
    from festival.associations.models import MembershipStatus
    from festival.editions import services

    x = factories.gen_association(name="Tifawin")
    y = factories.gen_association(name="Azul")
    z = factories.gen_association(name="Ighrem")
    factories.gen_association(name="Nouvelle", status=MembershipStatus.APPLIED)
    factories.gen_association(name="À l'étude", status=MembershipStatus.UNDER_REVIEW)
    services.add_organiser(edition, x.id, "lead", actor=None)
    services.add_organiser(edition, y.id, "partner", actor=None)
    factories.gen_stand(edition, x, number="A1")
    factories.gen_stand(edition, y)
    from festival.editions.models import StandStatus
    factories.gen_stand(edition, z).status = StandStatus.WITHDRAWN
    big = factories.gen_room(edition, name="Grande salle", capacity=50)
    small = factories.gen_room(edition, name="Petite salle", capacity=20)
    a = factories.gen_speaker("Amina", association_id=x.id)
    b = factories.gen_speaker("Brahim", association_id=x.id)
    c = factories.gen_speaker("Chama")
    factories.gen_session(edition, big, day=0, start="13:45", end="15:00", speakers=[a],
                          title="Session A")
    factories.gen_session(edition, big, day=0, start="16:00", end="17:00", speakers=[b],
                          title="Session B")
    factories.gen_session(edition, small, day=1, start="10:00", end="11:00",
                          speakers=[a, c], title="Session C")
    factories.gen_session(edition, small, day=1, start="14:00", end="15:00",
                          status="draft", title="Session D")


@pytest.fixture
def known(app, monkeypatch) -> Known:
    """The known edition, committed; plus a closed edition without sales and a draft.
    (The buyers' confirmation e-mails, with their PDF tickets, are not the point here.)"""
    monkeypatch.setattr("festival.ticketing.orders.queue_order_confirmation",
                        lambda order, **kwargs: None)
    with app.app_context():
        actor = factories.gen_user("organiser")
        volunteer = factories.gen_user("volunteer")
        edition = factories.gen_edition(2031, status="on_sale", days=[SAT, SUN])
        factories.gen_edition(2030, status="closed", days=[date(2030, 5, 18)])
        factories.gen_edition(2029, status="draft", days=[date(2029, 5, 19)])
        types, tickets = build_sales(edition, actor)
        scans = build_scans(edition, tickets, volunteer)
        build_programme(edition)
        from festival.checkin.models import CheckinList
        door = db.session.scalar(db.select(CheckinList).where(
            CheckinList.name == "Porte de la grande salle"))
        door.room_id = next(r.id for r in edition.rooms if r.name == "Grande salle")
        db.session.commit()
        return Known(edition.year, edition.id, types, tickets, scans)
