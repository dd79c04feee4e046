"""A ticket handed over (ticketing/changes.py) at the door, through the real check-in
service: the old QR code answers `revoked` as soon as the transfer is committed, the new one
admits; a ticket already let in cannot be handed over."""
from __future__ import annotations

from datetime import timedelta

import pytest

from festival.checkin import services
from festival.checkin.models import ScanResult
from festival.core.errors import DomainError
from festival.extensions import db
from festival.ticketing import changes
from tests.checkin.conftest import door_of, make_ticket, token_of

LIMITS = changes.Limits(close_hours=48, per_ticket=3, per_order=10)


def _before_the_festival(order):
    return changes.festival_starts_at(order) - timedelta(days=3)


def test_the_old_token_is_refused_as_revoked_and_the_new_one_admits(device, pass_type):
    old = make_ticket(pass_type, attendee="Zoé Amrani")
    old_token = token_of(old)
    new = changes.transfer_ticket(old.order, old.id, name="Yanis Amrani",
                                  email="yanis@example.org",
                                  now=_before_the_festival(old.order), limits=LIMITS)
    db.session.commit()
    door = door_of(device)
    refused = services.check_in(door, token=old_token)
    assert refused.result is ScanResult.REVOKED and refused.reason == "ticket_revoked"
    admitted = services.check_in(door, token=token_of(new))
    assert admitted.result is ScanResult.OK
    assert admitted.ticket.id == new.id and admitted.ticket.attendee == "Yanis Amrani"


def test_a_ticket_already_let_in_cannot_be_handed_over(device, pass_type):
    ticket = make_ticket(pass_type)
    db.session.commit()
    assert services.check_in(door_of(device), token=token_of(ticket)).result is ScanResult.OK
    with pytest.raises(DomainError) as info:
        changes.transfer_ticket(ticket.order, ticket.id, name="B", email="b@example.org",
                                actor=None, now=_before_the_festival(ticket.order),
                                limits=LIMITS)
    assert info.value.code == "already_checked_in"
