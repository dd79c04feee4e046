"""A known edition for the messages: who holds what, in which language, who came in.

Edition 2027, Saturday 15 and Sunday 16 May. Types: Pass (every day), Samedi, Dimanche.

  order  address              lang  status     tickets            door
  A      amina@example.fr     fr    paid       Pass               in on Saturday
  B      brahim@example.fr    ar    paid       Samedi             -
  C      chama@example.fr     en    paid       Dimanche           in on Sunday
  D      amina@example.fr     ar    paid       Dimanche (later)   -
  E      driss@example.fr     fr    pending    Pass               -
  F      fatima@example.fr    fr    refunded   Samedi (revoked)   -
  G      ghita@example.fr     fr    cancelled  Pass (revoked)     -
  H      (box office, no address) paid Pass                       -
  I      ines@example.fr      en    paid       Pass + Samedi (the Samedi refunded)
                                                                  in, then undone
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from festival.extensions import db
from tests import factories

SAT, SUN = date(2027, 5, 15), date(2027, 5, 16)
START = datetime(2027, 4, 1, 8, 0, tzinfo=UTC)  # orders placed from here, an hour apart


@dataclass
class World:
    year: int
    edition_id: int
    types: dict[str, int]
    orders: dict[str, str]  # letter → code


def _order(edition, letter: int, email: str, language: str, items, **kwargs):
    from festival.ticketing import orders
    return orders.create_order(edition, buyer_name=f"Personne {letter}", email=email,
                               language=language, items=items,
                               now=START + timedelta(hours=letter), terms_accepted=True,
                               **kwargs)


def build_world(organiser):
    from festival.checkin.models import CheckinList, Scan
    from festival.ticketing import orders, refunds
    from festival.ticketing.models import PaymentMethod
    from tests.ticketing.conftest import make_edition, make_type

    edition = make_edition(2027)
    pass_ = make_type(edition, name="Pass", price=2000)
    sat = make_type(edition, name="Samedi", price=1200, valid_days=[SAT.isoformat()])
    sun = make_type(edition, name="Dimanche", price=1200, valid_days=[SUN.isoformat()])

    def item(kind, n=1):
        return orders.Item(kind.id, n)

    def paid(order):
        orders.mark_paid(order, PaymentMethod.CASH)
        return order

    a = paid(_order(edition, 1, "amina@example.fr", "fr", [item(pass_)]))
    b = paid(_order(edition, 2, "brahim@example.fr", "ar", [item(sat)]))
    c = paid(_order(edition, 3, "chama@example.fr", "en", [item(sun)]))
    d = paid(_order(edition, 4, "amina@example.fr", "ar", [item(sun)]))
    e = _order(edition, 5, "driss@example.fr", "fr", [item(pass_)])
    f = paid(_order(edition, 6, "fatima@example.fr", "fr", [item(sat)]))
    refunds.refund(f, None, actor=organiser, reason="test", confirmed=True)
    g = paid(_order(edition, 7, "ghita@example.fr", "fr", [item(pass_)]))
    orders.cancel_order(g, actor=organiser, reason="test")
    h = paid(_order(edition, 8, "", "fr", [item(pass_)], box_office=True))
    i = paid(_order(edition, 9, "ines@example.fr", "en", [item(pass_), item(sat)]))
    refunds.refund(i, None, ticket_ids=[i.tickets[1].id], actor=organiser, reason="test",
                   confirmed=True)
    door = CheckinList(edition_id=edition.id, name="Entrée")
    db.session.add(door)
    db.session.flush()

    def scan(ticket, day, **extra):
        moment = factories.paris(day, "11:00")
        values = {"direction": "in", "kind": "scan", "result": "ok", **extra}
        row = Scan(edition_id=edition.id, list_id=door.id, ticket_id=ticket.id,
                   scanned_at=moment, received_at=moment, **values)
        db.session.add(row)
        db.session.flush()
        return row

    scan(a.tickets[0], SAT)
    scan(c.tickets[0], SUN)
    scan(i.tickets[0], SAT, is_undone=True)
    scan(b.tickets[0], SAT, result="not_valid_today")  # refused: not an admission
    db.session.flush()
    letters = dict(zip("ABCDEFGHI", (a, b, c, d, e, f, g, h, i)))
    return edition, {"pass": pass_.id, "sat": sat.id, "sun": sun.id}, \
        {k: o.code for k, o in letters.items()}


@pytest.fixture
def world(app, monkeypatch) -> World:
    """The known edition, committed (buyers' confirmation e-mails left out: not the point)."""
    monkeypatch.setattr("festival.ticketing.orders.queue_order_confirmation",
                        lambda order, **kwargs: None)
    with app.app_context():
        organiser = factories.gen_user("organiser")
        edition, types, codes = build_world(organiser)
        db.session.commit()
        return World(edition.year, edition.id, types, codes)


def edition_of(world: World):
    from festival.editions.models import Edition
    return db.session.get(Edition, world.edition_id)
