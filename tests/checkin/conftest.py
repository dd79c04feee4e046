"""Check-in fixtures: an edition whose festival days are today and tomorrow (Paris), ticket
types, tickets in orders of any status (built as rows: fast), lists, devices and doors."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from festival.core.timeutil import utcnow
from festival.extensions import db

_seq = itertools.count(1)


def today_iso(offset_days: int = 0) -> str:
    """The festival day it is (editions.days: before 05:00, the day before), and the next."""
    from festival.editions.days import day_of
    return (day_of(utcnow()) + timedelta(days=offset_days)).isoformat()


def make_door_edition(year: int = 2031):
    """An edition on sale whose days are today and tomorrow, with its signing key."""
    from datetime import date

    from festival.editions.models import Edition, EditionDay, EditionStatus
    from festival.ticketing.catalog import ensure_signing_key

    edition = Edition(year=year, title=f"Almoggar {year}", status=EditionStatus.ON_SALE)
    edition.days = [EditionDay(day=date.fromisoformat(today_iso(0))),
                    EditionDay(day=date.fromisoformat(today_iso(1)))]
    db.session.add(edition)
    db.session.flush()
    ensure_signing_key(edition)
    return edition


def make_ticket_type(edition, name: str = "Pass festival", valid_days=(), position: int = 0):
    from festival.ticketing.models import TicketType
    ticket_type = TicketType(edition_id=edition.id, name=name, price_cents=1500,
                             valid_days=list(valid_days), position=position)
    db.session.add(ticket_type)
    db.session.flush()
    return ticket_type


def make_ticket(ticket_type, *, attendee: str = "", buyer: str | None = None,
                email: str | None = None, status: str = "paid", method: str = "demo",
                ticket_status: str = "valid"):
    """A ticket in an order of `status` paid by `method` (rows only: no quota, no e-mail)."""
    from festival.ticketing.models import Order, OrderStatus, PaymentMethod, Ticket, TicketStatus
    n = next(_seq)
    order = Order(edition_id=ticket_type.edition_id, code=f"CK{n:05d}", secret="s" * 32,
                  buyer_name=buyer or f"Acheteuse {n}", email=email or f"buyer{n}@example.fr",
                  status=OrderStatus(status), payment_method=PaymentMethod(method),
                  total_cents=ticket_type.price_cents, tickets_cents=ticket_type.price_cents)
    ticket = Ticket(order=order, ticket_type_id=ticket_type.id, attendee_name=attendee,
                    price_cents=ticket_type.price_cents, status=TicketStatus(ticket_status))
    db.session.add_all([order, ticket])
    db.session.flush()
    return ticket


def token_of(ticket) -> str:
    from festival.ticketing.tickets import token_for
    return token_for(ticket)


def make_list(edition, name: str = "Entrée principale", **data):
    from festival.checkin.devices import create_list
    return create_list(edition, {"name": name, **data})


def make_device(checkin_list, gate: str = "Porte A", name: str | None = None):
    """A paired device: returns (device, plain token)."""
    from festival.checkin.devices import create_device, pair_device
    _device, code = create_device(checkin_list, name=name or f"Téléphone {gate}", gate=gate)
    return pair_device(code)


def door_of(device):
    from festival.checkin import queries
    return queries.door_for_token(device.api_token_id)


@pytest.fixture(autouse=True)
def _forget_process_memory():
    """Ids come back from one test to the next: what a process remembers about devices
    (doors kept a few seconds, when a device was last noted) starts afresh."""
    from festival.checkin import queries, services
    queries.forget_doors()
    services._touched.clear()


@pytest.fixture
def door_edition(ctx):
    return make_door_edition()


@pytest.fixture
def pass_type(door_edition):
    return make_ticket_type(door_edition)


@pytest.fixture
def main_list(door_edition):
    return make_list(door_edition)


@pytest.fixture
def device(main_list):
    return make_device(main_list)[0]
